"""``--format text``: findings grouped by file, the source line with a caret, a summary."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from samcheck.findings import Finding, Severity
from samcheck.reporting import Summary

if TYPE_CHECKING:
    from rich.console import Console

    from samcheck.engine import FileResult

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _finding(console: Console, finding: Finding, lines: list[str]) -> None:
    from rich.text import Text

    span = finding.span
    head = Text("  ")
    head.append(f"{span.line}:{span.column}", style="bold")
    head.append("  ")
    head.append(f"{finding.severity.label:<7}", style=_STYLE[finding.severity])
    head.append(" ")
    head.append(finding.message)
    head.append(f"  [{finding.rule} {finding.name}]", style="dim")
    console.print(head)
    if 0 < span.line <= len(lines):
        source = lines[span.line - 1].expandtabs(1)
        console.print(Text(f"      {source}", style="dim"))
        width = max(1, min(span.end_column, len(source) + 1) - span.column) if span.end_line == span.line else 1
        console.print(Text(" " * (5 + span.column) + "^" * width, style=_STYLE[finding.severity]))
    for related in finding.related:
        where = f"{related.file}:" if related.file and related.file != finding.file else ""
        console.print(Text(f"      ↳ {where}{related.span.line}:{related.span.column} {related.message}", style="dim"))


def render_text(results: Sequence[FileResult], *, color: bool, quiet: bool) -> str:
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, highlight=False, soft_wrap=True, width=200)
    for result in results:
        if not result.findings:
            continue
        console.print(Text(str(result.path), style="bold underline"))
        for finding in result.findings:
            _finding(console, finding, result.lines)
        console.print()
    summary = Summary.of(results)
    if not quiet:
        total = summary.errors + summary.warnings + summary.info
        if total:
            errors, warnings = _plural(summary.errors, "error"), _plural(summary.warnings, "warning")
            counts = f"{errors}, {warnings}, {summary.info} info"
            console.print(f"Found {_plural(total, 'problem')} ({counts}) in {_plural(summary.files, 'file')}.")
        else:
            console.print(f"All checks passed ({_plural(summary.files, 'file')}).")
    return buffer.getvalue()
