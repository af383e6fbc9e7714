"""``--format json``, documented by ``schemas/findings.schema.json``; printed to a CI log, it obeys
nothing (``inert_json``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from samcheck import __version__
from samcheck.findings import Finding, Summary, rule_counts
from samcheck.reporting.visible import inert_json

if TYPE_CHECKING:
    from samcheck.findings import FileResult
    from samcheck.reporting import ReportOptions


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.label,
        "message": finding.message,
        "file": finding.file,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "resource": finding.resource,
        "related": [
            {
                "file": related.file or finding.file,
                "line": related.span.line,
                "column": related.span.column,
                "message": related.message,
            }
            for related in finding.related
        ],
        "fix": finding.fix.description if finding.fix is not None else None,
    }


def render(results: Sequence[FileResult], options: ReportOptions) -> str:
    summary = Summary.of(results)
    document: dict[str, Any] = {
        "version": "1",
        "tool": {"name": "samcheck", "version": __version__},
        "findings": [finding_to_dict(f) for result in results for f in result.findings],
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "info": summary.info,
            "fixable": summary.fixable,
        },
    }
    if options.statistics:  # beside the findings, which a program filters itself
        document["statistics"] = [asdict(entry) for entry in rule_counts(results)]
    return inert_json(json.dumps(document, indent=2))
