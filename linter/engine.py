"""The pipeline for one file: load → resolve → expand → graph → rules → findings."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from samcheck.config import Settings
from samcheck.expansion import Expansion, expand
from samcheck.findings import Finding, Severity
from samcheck.limits import Limits
from samcheck.loading import Document, load_document
from samcheck.resolving import Resolver
from samcheck.rule import Rule, RuleContext
from samcheck.source_map import Span
from samcheck.suppression import apply_metadata_suppressions
from samcheck.template import Template

if TYPE_CHECKING:
    from samcheck.graph import ResourceGraph


@dataclass
class FileResult:
    path: Path
    findings: list[Finding]
    lines: list[str]  # the source, for reporters that show the offending line


def _parameter_values(resolver: Resolver, template: dict[str, object]) -> dict[str, object]:
    """One value per parameter for the translator: the override, else the first candidate."""
    parameters = template.get("Parameters")
    values: dict[str, object] = {}
    for name in parameters if isinstance(parameters, dict) else {}:
        candidates = resolver.parameter_values(name)
        if candidates:
            values[name] = candidates[0]
    return values


def build_template(document: Document, settings: Settings) -> Template | None:
    if document.data is None:
        return None
    region = settings.effective_region
    resolver = Resolver(document.data, dict(settings.parameter_overrides), region)
    expansion: Expansion = expand(
        document.data, _parameter_values(resolver, document.data), region, document.path.parent
    )
    # Resolve against the expanded template: SAM adds Conditions and keeps the Parameters.
    resolver = Resolver(expansion.template, dict(settings.parameter_overrides), region)
    return Template(document, expansion, resolver)


def run_rules(
    document: Document, template: Template | None, rules: Sequence[type[Rule]], limits: Limits, today: date
) -> list[Finding]:
    @cache
    def graph_factory() -> ResourceGraph:
        from samcheck.graph import ResourceGraph

        assert template is not None
        return ResourceGraph(template)

    transform_errors = template.expansion.errors if template else []
    findings: list[Finding] = []
    for rule_class in rules:
        if rule_class.needs_template and template is None:
            continue
        rule = rule_class()
        context = RuleContext(rule, document, template, limits, transform_errors, graph_factory, today)
        try:
            findings.extend(rule.check(context))
        except Exception as error:  # one broken rule must not lose the other findings
            where = traceback.extract_tb(error.__traceback__)[-1]
            findings.append(
                Finding(
                    rule.id,
                    rule.name,
                    Severity.ERROR,
                    f"internal error in rule {rule.id}: {type(error).__name__}: {error} "
                    f"({Path(where.filename).name}:{where.lineno}); please report it",
                    str(document.path),
                    Span.point(),
                )
            )
    return findings


def _apply_severity(findings: list[Finding], settings: Settings) -> list[Finding]:
    overrides = {key.upper(): level for key, level in settings.severity} | {
        key.lower(): level for key, level in settings.severity
    }
    result = []
    for finding in findings:
        level = overrides.get(finding.rule) or overrides.get(finding.name)
        result.append(finding.with_severity(level) if level else finding)
    return result


def lint_file(path: Path, settings: Settings, rules: Sequence[type[Rule]]) -> FileResult:
    document = load_document(path)
    template = build_template(document, settings)
    limits = Limits(dict(settings.limits))
    findings = run_rules(document, template, rules, limits, settings.today)
    findings = apply_metadata_suppressions(findings, document.data)
    findings = _apply_severity(findings, settings)
    return FileResult(path, sorted(set(findings), key=lambda finding: finding.sort_key), document.lines)
