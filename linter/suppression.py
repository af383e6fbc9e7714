"""Suppression through template metadata.

``Metadata: {samcheck: {ignore: [SC1001, lambda-memory-range]}}`` on a resource silences
those rules for findings on that resource, including findings on what SAM generates from
it and on values it inherits from ``Globals``; the same under the template's top-level
``Metadata`` silences them for the whole file.
"""

from __future__ import annotations

from typing import Any

from samcheck.findings import Finding


def _ignored(metadata: Any) -> list[str]:
    section = metadata.get("samcheck") if isinstance(metadata, dict) else None
    entries = section.get("ignore") if isinstance(section, dict) else None
    return [str(entry) for entry in entries] if isinstance(entries, list) else []


def _matches(finding: Finding, selectors: list[str]) -> bool:
    return any(finding.rule.startswith(s.upper()) or finding.name == s.lower() for s in selectors)


def apply_metadata_suppressions(findings: list[Finding], source: dict[str, Any] | None) -> list[Finding]:
    if not source:
        return findings
    file_wide = _ignored(source.get("Metadata"))
    resources = source.get("Resources")
    resources = resources if isinstance(resources, dict) else {}
    kept = []
    for finding in findings:
        selectors = list(file_wide)
        resource = resources.get(finding.resource) if finding.resource else None
        if isinstance(resource, dict):
            selectors += _ignored(resource.get("Metadata"))
        if not _matches(finding, selectors):
            kept.append(finding)
    return kept
