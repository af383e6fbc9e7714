"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Validated in the tests against the official OASIS schema shipped in ``schemas/``. Fixes appear as
SARIF ``fixes`` when the fix stage has computed their line replacements. Printed to a CI log, it
obeys nothing (``inert_json``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from samcheck import __version__
from samcheck.cfn.local import real
from samcheck.findings import Finding, Severity, Span
from samcheck.reporting.paths import repository_path, source_root
from samcheck.reporting.visible import inert_json

if TYPE_CHECKING:
    from samcheck.findings import FileResult
    from samcheck.reporting import ReportOptions

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


# The base that relative URIs are resolved against: the repository root (run.originalUriBaseIds).
SOURCE_ROOT = "%SRCROOT%"


def _artifact(file: str) -> dict[str, str]:
    """A file relative to the repository root (as code scanning wants), or an absolute URI when the
    file lies outside it."""
    relative = repository_path(file)
    if relative is None:
        return {"uri": real(Path(file)).as_uri()}
    return {"uri": quote(relative), "uriBaseId": SOURCE_ROOT}


def _location(file: str, span: Span) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": _artifact(file),
            "region": {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
            },
        }
    }


def _rule(rule: Any) -> dict[str, Any]:
    from samcheck.docs import rule_doc, rule_markdown

    doc = rule_doc(rule)
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": doc.rationale},
        "helpUri": rule.url,
        "help": {
            "text": f"{rule.summary}. See `samcheck explain {rule.id}` and {rule.url}",
            "markdown": rule_markdown(rule),
        },
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": list(rule.tags)},
    }


def _fixes(finding: Finding) -> list[dict[str, Any]]:
    """SARIF fixes: the lines the fix replaces and the text that replaces them (computed by the fix
    stage; a fix that cannot be made safely has none)."""
    if finding.fix is None or finding.fix.replacement is None:
        return []
    change = finding.fix.replacement
    region = {"startLine": change.start, "startColumn": 1, "endLine": change.end, "endColumn": 1}
    return [
        {
            "description": {"text": finding.fix.description},
            "artifactChanges": [
                {
                    "artifactLocation": _artifact(finding.file),
                    "replacements": [{"deletedRegion": region, "insertedContent": {"text": change.text}}],
                }
            ],
        }
    ]


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.file, finding.span)],
        "partialFingerprints": {"samcheckFingerprint/v1": finding.fingerprint},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                **_location(related.file or finding.file, related.span),
                "message": {"text": related.message},
            }
            for number, related in enumerate(finding.related, start=1)
        ]
    if finding.resource:
        result["properties"] = {"resource": finding.resource}
    fixes = _fixes(finding)
    if fixes:
        result["fixes"] = fixes
    return result


def _information_uri() -> dict[str, str]:
    """The project's page, as pyproject.toml's [project.urls] names it (the installed metadata);
    none when samcheck runs without its metadata (from a bare source folder)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("samcheck").get_all("Project-URL") or []
    except PackageNotFoundError:
        return {}
    pages = dict(url.split(", ", 1) for url in urls if ", " in url)
    return {"informationUri": pages["Homepage"]} if "Homepage" in pages else {}


def render(results: Sequence[FileResult], options: ReportOptions) -> str:
    from samcheck.registry import all_rules

    ran = {rule_id for result in results for rule_id in result.rules}
    ran |= {finding.rule for result in results for finding in result.findings}
    rules = [rule for rule in all_rules() if rule.id in ran]
    index = {rule.id: position for position, rule in enumerate(rules)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "samcheck",
                        "version": __version__,
                        **_information_uri(),
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "results": [_result(f, index) for result in results for f in result.findings],
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {SOURCE_ROOT: {"uri": source_root().as_uri() + "/"}},
            }
        ],
    }
    return inert_json(json.dumps(log, indent=2))
