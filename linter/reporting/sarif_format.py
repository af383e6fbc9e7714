"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Validated in the tests against the official OASIS schema shipped in ``schemas/``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samcheck import __version__
from samcheck.findings import Finding, Severity
from samcheck.source_map import Span

if TYPE_CHECKING:
    from samcheck.engine import FileResult

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(file: str) -> str:
    """A path relative to the working directory when it is below it (as code scanning wants)."""
    path = Path(file)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def _location(file: str, span: Span) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(file)},
            "region": {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
            },
        }
    }


def _rule(rule: Any) -> dict[str, Any]:
    from samcheck.docs import rule_doc

    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule_doc(rule).rationale},
        "helpUri": rule.url,
        "help": {"text": f"{rule.summary}. See `samcheck explain {rule.id}` and {rule.url}"},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": list(rule.tags)},
    }


def _fixes(finding: Finding, texts: dict[str, str | None]) -> list[dict[str, Any]]:
    """SARIF fixes: the lines the fix replaces and the text that replaces them."""
    from samcheck.fixes import FixError, apply_fixes, line_replacement

    if finding.fix is None:
        return []
    if finding.file not in texts:
        try:
            texts[finding.file] = Path(finding.file).read_text(encoding="utf-8")
        except OSError:
            texts[finding.file] = None
    before = texts[finding.file]
    if before is None:
        return []
    try:
        after = apply_fixes(Path(finding.file), before, list(finding.fix.edits))
    except FixError:
        return []
    change = line_replacement(before, after)
    region = {"startLine": change.start, "startColumn": 1, "endLine": change.end, "endColumn": 1}
    return [
        {
            "description": {"text": finding.fix.description},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": _uri(finding.file)},
                    "replacements": [{"deletedRegion": region, "insertedContent": {"text": change.text}}],
                }
            ],
        }
    ]


def _result(finding: Finding, index: dict[str, int], texts: dict[str, str | None]) -> dict[str, Any]:
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
    fixes = _fixes(finding, texts)
    if fixes:
        result["fixes"] = fixes
    return result


def render_sarif(results: Sequence[FileResult]) -> str:
    from samcheck.registry import all_rules

    ran = {rule_id for result in results for rule_id in result.rules}
    ran |= {finding.rule for result in results for finding in result.findings}
    rules = [rule for rule in all_rules() if rule.id in ran]
    index = {rule.id: position for position, rule in enumerate(rules)}
    texts: dict[str, str | None] = {}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "samcheck",
                        "version": __version__,
                        "informationUri": "https://github.com/samcheck/samcheck",
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "results": [_result(f, index, texts) for result in results for f in result.findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2)
