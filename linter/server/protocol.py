"""Findings as the Language Server Protocol has them: diagnostics, ranges, edits.

LSP lines and characters count from 0, and characters in UTF-16 code units; samcheck's spans
count from 1, in code points. A span of no width (a missing key is reported where it belongs) is
widened to the rest of its line, so that editors underline something.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from samcheck.findings import Finding, Severity, Span
from samcheck.registry import find_rule

SOURCE = "samcheck"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
# Findings an editor may show faded or struck through.
_TAGS = {"SC0008": [types.DiagnosticTag.Unnecessary], "SC1006": [types.DiagnosticTag.Deprecated]}


def uri_of(path: Path | str) -> str:
    return Path(path).absolute().as_uri()


def path_of(uri: str) -> Path | None:
    """The file a ``file:`` URI names; None for other schemes (an untitled buffer)."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def _character(line: str, column: int) -> int:
    """A 1-based code-point column as a 0-based UTF-16 offset."""
    return len(line[: max(0, column - 1)].encode("utf-16-le")) // 2


def span_range(span: Span, lines: list[str]) -> types.Range:
    def line_text(number: int) -> str:
        return lines[number - 1] if 0 < number <= len(lines) else ""

    start = types.Position(max(0, span.line - 1), _character(line_text(span.line), span.column))
    end = types.Position(max(0, span.end_line - 1), _character(line_text(span.end_line), span.end_column))
    if (end.line, end.character) <= (start.line, start.character):
        text = line_text(span.line)
        end = types.Position(start.line, max(start.character, _character(text, len(text.rstrip()) + 1)))
    return types.Range(start, end)


def diagnostic(finding: Finding, lines_of: dict[str, list[str]]) -> types.Diagnostic:
    """``lines_of`` holds the text lines of each file a finding or related location is in."""
    rule = find_rule(finding.rule)
    related = [
        types.DiagnosticRelatedInformation(
            types.Location(
                uri_of(item.file or finding.file), span_range(item.span, lines_of.get(item.file or finding.file, []))
            ),
            item.message,
        )
        for item in finding.related
    ]
    return types.Diagnostic(
        range=span_range(finding.span, lines_of.get(finding.file, [])),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.rule,
        code_description=types.CodeDescription(href=rule.url) if rule is not None and rule.url else None,
        source=SOURCE,
        related_information=related or None,
        tags=_TAGS.get(finding.rule),
        data={"fingerprint": finding.fingerprint, "fixable": finding.fix is not None},
    )


def whole_text_edit(before: str, after: str) -> types.TextEdit:
    """One edit that turns ``before`` into ``after``: the smallest run of whole lines that differs."""
    from samcheck.fix.replacements import line_replacement

    change = line_replacement(before, after)
    return types.TextEdit(
        types.Range(types.Position(change.start - 1, 0), types.Position(change.end - 1, 0)), change.text
    )
