"""Output formats. Each reporter turns file results into text for one audience."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from samcheck.findings import Severity

if TYPE_CHECKING:
    from samcheck.engine import FileResult

FORMATS = ("text", "json", "sarif", "github", "vscode", "junit")


@dataclass(frozen=True)
class Summary:
    files: int
    errors: int
    warnings: int
    info: int

    @classmethod
    def of(cls, results: Sequence[FileResult]) -> Summary:
        counts = {severity: 0 for severity in Severity}
        for result in results:
            for finding in result.findings:
                counts[finding.severity] += 1
        return cls(len(results), counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO])


def render(output_format: str, results: Sequence[FileResult], *, color: bool, quiet: bool) -> str:
    if output_format == "json":
        from samcheck.reporting.json_format import render_json

        return render_json(results)
    if output_format == "sarif":
        from samcheck.reporting.sarif_format import render_sarif

        return render_sarif(results)
    if output_format == "github":
        from samcheck.reporting.github_format import render_github

        return render_github(results)
    if output_format == "vscode":
        from samcheck.reporting.vscode_format import render_vscode

        return render_vscode(results)
    if output_format == "junit":
        from samcheck.reporting.junit_format import render_junit

        return render_junit(results)
    from samcheck.reporting.text_format import render_text

    return render_text(results, color=color, quiet=quiet)
