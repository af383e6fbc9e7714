"""The one place that decides which findings a user sees, and how severe they are.

Every finding passes here once, whichever stage produced it (a rule on one file, cfn-lint, or the
account budgets added up across the run): selection (``--select``/``--ignore``), suppressions in
``Metadata`` and in comments, the rules that review those suppressions (unused, expired), then
severity overrides.

``Metadata: {samcheck: {ignore: [SC1001, lambda-memory-range]}}`` on a resource silences those
rules for findings on that resource, including findings on what SAM generates from it and on
values it inherits from ``Globals``; the same under the template's top-level ``Metadata`` silences
them for the whole file. Comments are described in ``samcheck.decide.directives``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from samcheck.cfn.document import Document
from samcheck.cfn.source_map import SourceMap
from samcheck.config import Settings
from samcheck.decide.directives import Directive, read_directives
from samcheck.decide.selectors import selected
from samcheck.findings import INTERNAL_ERROR, FileResult, Finding, NodePath, Severity, rule_failure, sorted_findings
from samcheck.limits import Limits
from samcheck.registry import RuleInfo, rule_class
from samcheck.rule import RuleContext


def _ignored(metadata: Any) -> list[str]:
    section = metadata.get("samcheck") if isinstance(metadata, dict) else None
    entries = section.get("ignore") if isinstance(section, dict) else None
    return [str(entry) for entry in entries] if isinstance(entries, list) else []


def suppressions_of(document: Document) -> tuple[Directive, ...]:
    """The template's Metadata suppressions, as records like its comments' (read when it is checked,
    where the positions are known)."""
    source = document.data or {}
    places: list[tuple[NodePath, str | None, Any]] = [(("Metadata",), None, source.get("Metadata"))]
    resources = source.get("Resources")
    for logical_id, resource in resources.items() if isinstance(resources, dict) else ():
        if isinstance(resource, dict):
            places.append((("Resources", logical_id, "Metadata"), str(logical_id), resource.get("Metadata")))
    found = []
    for path, resource_id, metadata in places:
        selectors = _ignored(metadata)
        if selectors:
            _, span = document.source_map.nearest((*path, "samcheck", "ignore"))
            found.append(Directive(span, selectors, resource_id is None, False, None, "", resource=resource_id))
    return tuple(found)


def _matches(finding: Finding, selectors: Sequence[str]) -> bool:
    return selected(finding.rule, finding.name, list(selectors))


def _is_selected(finding: Finding, settings: Settings) -> bool:
    if _matches(finding, settings.ignore):
        return False
    # samcheck's own failure shows unless ignored by name, whatever --select says: never silently green.
    return not settings.select or finding.rule == INTERNAL_ERROR or _matches(finding, settings.select)


def _suppressions_allow(finding: Finding, directives: list[Directive]) -> bool:
    covering = [d for d in directives if not d.expired and _matches(finding, d.selectors) and d.covers(finding)]
    for directive in covering:
        directive.used += 1
    return not covering


def _review(
    result: FileResult, directives: list[Directive], rules: Sequence[RuleInfo], settings: Settings
) -> list[Finding]:
    """Findings of the rules about suppression comments (SC0008 unused, SC0009 expired)."""
    reviewing = [rule_class(info) for info in rules if info.reviews_suppressions]
    if not reviewing:
        return []
    document = Document(result.path, "\n".join(result.lines), None, SourceMap())
    limits = Limits(dict(settings.limits), settings.effective_region)
    findings: list[Finding] = []
    for reviewer in reviewing:
        context = RuleContext(
            reviewer(),
            document,
            None,
            limits,
            [],
            _no_graph,
            settings.today,
            directives,
            settings,
        )
        try:
            findings.extend(context.rule.check(context))
        except Exception as error:  # a broken review rule must not lose the run
            findings.append(rule_failure(context.rule.id, context.rule.name, str(result.path), error))
    return findings


def _no_graph() -> Any:
    raise AssertionError("rules that review suppressions have no template")


def _severity_overrides(settings: Settings) -> dict[str, Severity]:
    """Configured severities by rule id and by slug."""
    return {key.upper(): level for key, level in settings.severity} | {
        key.lower(): level for key, level in settings.severity
    }


def _severity(finding: Finding, overrides: dict[str, Severity]) -> Finding:
    level = overrides.get(finding.rule) or overrides.get(finding.name)
    return finding.with_severity(level) if level else finding


def verdict(
    result: FileResult, suppressions: Sequence[Directive], settings: Settings, rules: Sequence[RuleInfo]
) -> FileResult:
    """``result`` as the user sees it: ``rules`` are the rules selected for the file; the
    suppression comments are read from its lines, ``suppressions`` are its Metadata's."""
    directives = read_directives(result.lines) + [replace(metadata) for metadata in suppressions]
    for directive in directives:
        directive.expired = directive.until is not None and directive.until < settings.today
        directive.judged = bool(directive.selectors) and all(
            any(selected(rule_id, "", [selector]) for rule_id in result.rules) for selector in directive.selectors
        )
    kept = [
        finding
        for finding in result.findings
        if _is_selected(finding, settings) and _suppressions_allow(finding, directives)
    ]
    kept += _review(result, directives, rules, settings)
    overrides = _severity_overrides(settings)
    return replace(result, findings=sorted_findings([_severity(f, overrides) for f in kept]))
