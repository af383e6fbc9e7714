"""Output formats. Each reporter turns file results into text for one audience; none does I/O.

Formats register here, and only here: the name a user gives ``--format`` and the module whose
``render(results, options)`` writes it (imported when that format is asked for).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import NamedTuple

from samcheck.findings import FileResult

FORMATS: dict[str, str] = {
    "text": "samcheck.reporting.text_format",
    "json": "samcheck.reporting.json_format",
    "sarif": "samcheck.reporting.sarif_format",
    "github": "samcheck.reporting.github_format",
    "vscode": "samcheck.reporting.vscode_format",
    "junit": "samcheck.reporting.junit_format",
}


class ReportOptions(NamedTuple):
    color: bool = False  # ANSI colour (the text format on a terminal)
    quiet: bool = False  # findings only, no summary line
    statistics: bool = False  # text: a count per rule instead of the findings
    width: int | None = None  # text: wrap messages to this many columns (a terminal's), with a hanging indent
    baseline: tuple[int, int] | None = None  # text: with --baseline, the findings it hid and its stale entries


def render(output_format: str, results: Sequence[FileResult], options: ReportOptions) -> str:
    module = importlib.import_module(FORMATS[output_format])
    text: str = module.render(results, options)
    return text
