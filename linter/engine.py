"""The pipeline for one file: load → resolve → expand → graph → rules → findings."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from samcheck.cache import Cache, Entry, signatures
from samcheck.cfnlint_bridge import cfn_lint_findings
from samcheck.concurrency import Share, deployed_templates, provisioned_shares, reserved_shares
from samcheck.config import Settings
from samcheck.expansion import Expansion, expand
from samcheck.findings import Finding, Severity
from samcheck.limits import Limits
from samcheck.loading import Document, parse_document, read_source
from samcheck.resolving import Resolver
from samcheck.rule import Rule, RuleContext
from samcheck.source_map import Span
from samcheck.suppression import (
    Directive,
    apply_comment_suppressions,
    apply_metadata_suppressions,
    matches,
    read_directives,
)
from samcheck.template import Template

if TYPE_CHECKING:
    from samcheck.graph import ResourceGraph


@dataclass
class FileResult:
    path: Path
    findings: list[Finding]
    lines: list[str]  # the source, for reporters that show the offending line
    rules: tuple[str, ...] = ()  # ids of the rules that ran on the file (JUnit reports the passes too)
    # --account-scope: this file's (and its nested templates') shares of the account's budgets
    budgets: dict[str, list[Share]] = field(default_factory=dict)


def _parameter_values(resolver: Resolver, template: dict[str, object]) -> dict[str, object]:
    """One value per parameter for the translator: the override, else the first candidate."""
    parameters = template.get("Parameters")
    values: dict[str, object] = {}
    for name in parameters if isinstance(parameters, dict) else {}:
        candidates = resolver.parameter_values(name)
        if candidates:
            values[name] = candidates[0]
    return values


def expand_document(document: Document, settings: Settings) -> Expansion | None:
    """The document's SAM expansion (its resources as they are without the transform)."""
    if document.data is None:
        return None
    resolver = Resolver(document.data, dict(settings.parameter_overrides), settings.effective_region)
    values = _parameter_values(resolver, document.data)
    return expand(document.data, values, settings.effective_region, document.path.parent)


def assemble(document: Document, expansion: Expansion | None, settings: Settings) -> Template | None:
    if expansion is None:
        return None
    # Resolve against the expanded template: SAM adds Conditions and keeps the Parameters.
    resolver = Resolver(expansion.template, dict(settings.parameter_overrides), settings.effective_region)
    return Template(document, expansion, resolver)


def build_template(document: Document, settings: Settings) -> Template | None:
    return assemble(document, expand_document(document, settings), settings)


def run_rules(
    document: Document,
    template: Template | None,
    rules: Sequence[type[Rule]],
    limits: Limits,
    settings: Settings,
    directives: list[Directive] | None = None,
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
        context = RuleContext(
            rule,
            document,
            template,
            limits,
            transform_errors,
            graph_factory,
            settings.today,
            directives or [],
            settings,
        )
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


def _selected(findings: list[Finding], settings: Settings) -> list[Finding]:
    """cfn-lint's findings, filtered by --select/--ignore like samcheck's rules."""
    if settings.select:
        findings = [f for f in findings if matches(f, list(settings.select))]
    return [f for f in findings if not matches(f, list(settings.ignore))]


def _apply_severity(findings: list[Finding], settings: Settings) -> list[Finding]:
    overrides = {key.upper(): level for key, level in settings.severity} | {
        key.lower(): level for key, level in settings.severity
    }
    result = []
    for finding in findings:
        level = overrides.get(finding.rule) or overrides.get(finding.name)
        result.append(finding.with_severity(level) if level else finding)
    return result


def lint_file(path: Path, settings: Settings, rules: Sequence[type[Rule]], cache: Cache | None = None) -> FileResult:
    """Lint one file. Never raises: a failure of samcheck itself becomes a finding on the file."""
    try:
        return _lint_file(path, settings, rules, cache)
    except Exception as error:
        message = f"samcheck failed on this file: {type(error).__name__}: {error}; please report it"
        finding = Finding("SC0001", "template-parse-error", Severity.ERROR, message, str(path), Span.point())
        return FileResult(path, [finding], [], tuple(rule.id for rule in rules))


def _lint_file(path: Path, settings: Settings, rules: Sequence[type[Rule]], cache: Cache | None) -> FileResult:
    limits = Limits(dict(settings.limits))
    source = read_source(path)
    if isinstance(source, Document):  # unreadable: only the rules about the file itself apply
        findings = run_rules(source, None, rules, limits, settings)
        ran = tuple(rule.id for rule in rules if not rule.needs_template)
        return FileResult(path, sorted(set(findings), key=lambda finding: finding.sort_key), [], ran)
    from_template = [rule for rule in rules if not rule.reads_disk and not rule.reviews_suppressions]
    from_disk = [rule for rule in rules if rule.reads_disk]
    reviewing = [rule for rule in rules if rule.reviews_suppressions]
    key = cache.key(path, source, settings, [rule.id for rule in from_template]) if cache else ""
    entry = cache.get(key) if cache else None
    if entry is None:
        document = parse_document(path, source)
        expansion = expand_document(document, settings)
        template = assemble(document, expansion, settings)
        findings = run_rules(document, template, from_template, limits, settings)
        if settings.with_cfn_lint:
            findings += _selected(cfn_lint_findings(document, settings.effective_region, findings), settings)
        entry = Entry(document, expansion, findings, signatures(expansion.inputs if expansion else []))
        if cache:
            cache.put(key, entry)
    else:
        template = assemble(entry.document, entry.expansion, settings)
    document = entry.document
    findings = entry.findings + run_rules(document, template, from_disk, limits, settings)
    findings = apply_metadata_suppressions(findings, document.data)
    directives = read_directives(document.text)
    ran = tuple(rule.id for rule in rules if template is not None or not rule.needs_template)
    findings = apply_comment_suppressions(findings, directives, settings.today, set(ran))
    findings += run_rules(document, template, reviewing, limits, settings, directives)
    findings = _apply_severity(findings, settings)
    budgets = _budgets(template, settings, limits) if settings.account_scope and template else {}
    return FileResult(path, sorted(set(findings), key=lambda finding: finding.sort_key), document.lines, ran, budgets)


def _budgets(template: Template, settings: Settings, limits: Limits) -> dict[str, list[Share]]:
    templates = deployed_templates(template, settings, int(limits["nested-stack-depth-max"]))
    return {
        "reserved": [share for t in templates for share in reserved_shares(t)],
        "provisioned": [share for t in templates for share in provisioned_shares(t)],
    }
