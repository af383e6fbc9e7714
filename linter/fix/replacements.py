"""Each fix as the lines it replaces (what SARIF reports as a fix, and an editor's quick fix)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

from samcheck.cfn.document import Document, parse_document
from samcheck.findings import Edit, FileResult, Finding, LineReplacement
from samcheck.fix.edits import FixError, Lines, apply_fixes, changed, merged_edits, needed, plan
from samcheck.fix.files import read_exactly


def line_replacement(before: str, after: str) -> LineReplacement:
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return LineReplacement(head + 1, len(old) - tail + 1, "".join(new[head : len(new) - tail]))


def with_replacements(results: Sequence[FileResult], sources: Mapping[Path, bytes] | None = None) -> list[FileResult]:
    """The results with each fix's line replacement filled in (what SARIF reports as a fix); a fix
    that cannot be made safely, or whose file cannot be read, keeps none. ``sources`` holds the text
    of files that were not checked from disk (standard input).

    Linear in the findings: the file is read once, every fix is checked at once (all of them made
    together), and each fix's lines come from its own changes, planned on that one reading. Only
    when the fixes together fail is each checked alone."""
    described = []
    for result in results:
        if not any(finding.fix is not None for finding in result.findings):
            described.append(result)
            continue
        given = (sources or {}).get(result.path)
        try:
            before = read_exactly(result.path) if given is None else given.decode("utf-8")
            findings = _findings_with_replacements(result, before)
        except Exception:  # unreadable, or the fix engine's own bug on odd input: this file shows no fixes
            described.append(result)
            continue
        described.append(replace(result, findings=findings))
    return described


def _findings_with_replacements(result: FileResult, before: str) -> list[Finding]:
    fixes = [finding.fix for finding in result.findings if finding.fix is not None]
    document: Document | None = parse_document(result.path, before.encode())
    try:
        apply_fixes(result.path, before, merged_edits(fixes), document)
    except FixError:
        document = None  # some fix is unsafe: check each alone
    lines = Lines(before)
    return [_described(finding, before, lines, document) for finding in result.findings]


def _described(finding: Finding, before: str, lines: Lines, checked: Document | None) -> Finding:
    if finding.fix is None:
        return finding
    edits = list(finding.fix.edits)
    try:
        if checked is not None:
            replacement = _local_replacement(before, lines, checked, edits)
        else:
            replacement = line_replacement(before, apply_fixes(Path(finding.file), before, edits))
    except FixError:
        return finding
    return finding._replace(fix=finding.fix._replace(replacement=replacement))


def _local_replacement(before: str, lines: Lines, document: Document, edits: list[Edit]) -> LineReplacement:
    """The lines one fix replaces, from the lines its changes touch (never the whole file)."""
    changes = sorted(
        (plan(before, lines, document, edit) for edit in edits if needed(document, edit)),
        key=lambda change: (change.start, change.end),
    )
    if any(later.start <= earlier.end for earlier, later in pairwise(changes)):
        return line_replacement(before, apply_fixes(document.path, before, edits))
    if not changes:
        return line_replacement(before, before)
    first = lines.line_at(changes[0].start)
    last = lines.line_at(changes[-1].end)
    window_start = lines.starts[first - 1]
    window_end = lines.starts[min(last, len(lines.lines))]
    shifted = [c._replace(start=c.start - window_start, end=c.end - window_start) for c in changes]
    old = before[window_start:window_end]
    local = line_replacement(old, changed(old, shifted))
    offset = first - 1
    return LineReplacement(local.start + offset, local.end + offset, local.text)
