"""``--format text``: findings grouped by file, the source line with a caret, a summary.

Written with plain strings and a handful of ANSI codes rather than a rendering library: this is
the default format, and rich took ~20 ms to import and ~0.1 ms a line to render (9,000 findings:
seconds).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from samcheck.findings import Finding, Severity, Summary, rule_counts
from samcheck.reporting.visible import visible

if TYPE_CHECKING:
    from samcheck.findings import FileResult
    from samcheck.reporting import ReportOptions

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_SGR = {"bold": "1", "dim": "2", "underline": "4", "red": "31", "yellow": "33", "cyan": "36"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        if not self.color:
            return text
        return f"\x1b[{';'.join(_SGR[word] for word in style.split())}m{text}\x1b[0m"


def _finding(paint: _Painter, finding: Finding, file: str, lines: list[str], width: int | None = None) -> Iterator[str]:
    span = finding.span
    severity = paint(f"{finding.severity.label:<7}", _STYLE[finding.severity])
    tag = f"  [{finding.rule} {finding.name}]" + (" [*]" if finding.fix else "")
    elsewhere = finding.file != file  # in a file the template reads (a DefinitionUri definition)
    position = f"{visible(finding.file)}:{span.line}:{span.column}" if elsewhere else f"{span.line}:{span.column}"
    if width:  # a terminal: the message wraps under itself, not under the position
        import textwrap

        indent = " " * (2 + len(position) + 2 + 8)
        unbroken = tag.strip().replace(" ", "\u00a0")  # the rule tag stays on one line
        text = f"{visible(finding.message)}  {unbroken}"
        # A line the wrap opens with a word of the message is made visible again: "::" may open it now.
        wrapped = [
            visible(line.replace("\u00a0", " "))
            for line in textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent)
        ]
        first = wrapped[0][len(indent) :] if wrapped else ""
        yield f"  {paint(position, 'bold')}  {severity} {first}"
        yield from wrapped[1:]
    else:
        rule = paint(f"  [{finding.rule} {finding.name}]", "dim") + (paint(" [*]", "bold") if finding.fix else "")
        yield f"  {paint(position, 'bold')}  {severity} {visible(finding.message)}{rule}"
    if 0 < span.line <= len(lines) and not elsewhere:  # the source line is known for the template only
        line = lines[span.line - 1].expandtabs(1)
        start = _shown_column(line, span.column)
        end = _shown_column(line, min(span.end_column, len(line) + 1)) if span.end_line == span.line else start + 1
        yield paint(f"      {visible(line)}", "dim")
        yield paint(" " * (6 + start) + "^" * max(1, end - start), _STYLE[finding.severity])
    for related in finding.related:
        where = f"{related.file}:" if related.file and related.file != finding.file else ""
        yield paint(visible(f"      ↳ {where}{related.span.line}:{related.span.column} {related.message}"), "dim")


def _shown_column(line: str, column: int) -> int:
    """Where the 1-based ``column`` of ``line`` is once the line is shown ``visible`` (0-based): an
    escape before it moves it right; a column past the line's end stays as far past it."""
    return len(visible(line[: max(0, column - 1)])) + max(0, column - 1 - len(line))


def _statistics(paint: _Painter, results: Sequence[FileResult]) -> list[str]:
    """One line per rule, most findings first: count, id, slug, how many --fix can fix."""
    counts = rule_counts(results)
    width = len(str(max((entry.count for entry in counts), default=0)))
    return [
        f"{entry.count:>{width}}  {paint(entry.rule, 'bold')}  {entry.name}"
        + (f"  ({entry.fixable} fixable with --fix)" if entry.fixable else "")
        for entry in counts
    ]


def _baseline_counts(hidden: int, stale: int) -> str:
    """What --baseline did, after the summary: a stale entry (fixed since) would hide a new finding."""
    said = f" The baseline hid {_plural(hidden, 'finding')}"
    if not stale:
        return said + "."
    matches = "matches" if stale == 1 else "match"
    return said + f"; {stale} of its entries {matches} nothing now (stale: --write-baseline drops them)."


def render(results: Sequence[FileResult], options: ReportOptions) -> str:
    paint = _Painter(options.color)
    lines: list[str] = _statistics(paint, results) if options.statistics else []
    for result in results if not options.statistics else ():
        if not result.findings:
            continue
        lines.append(paint(visible(str(result.path)), "bold underline"))
        for finding in result.findings:
            lines.extend(_finding(paint, finding, str(result.path), result.lines, options.width))
        lines.append("")
    summary = Summary.of(results)
    if not options.quiet:
        total = summary.errors + summary.warnings + summary.info
        if total:
            errors, warnings = _plural(summary.errors, "error"), _plural(summary.warnings, "warning")
            counts = f"{errors}, {warnings}, {summary.info} info"
            fixable = f" {summary.fixable} fixable with --fix (marked [*])." if summary.fixable else ""
            lines.append(f"Found {_plural(total, 'problem')} ({counts}) in {_plural(summary.files, 'file')}.{fixable}")
        else:
            lines.append(f"All checks passed ({_plural(summary.files, 'file')}).")
        if options.baseline is not None:
            lines[-1] += _baseline_counts(*options.baseline)
    return "".join(f"{line}\n" for line in lines)
