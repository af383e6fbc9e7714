"""Check one file: load → build the model (expand SAM, resolve) → run the rules → findings.

The findings are undecided (no selection of cfn-lint's checks, no suppression, no severity
override): that is what the cache keeps, and the decide stage (``samcheck.decide``) gives its
verdict once, after the budgets of the whole run are added up.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from samcheck.analysis.concurrency import Share, deployed_templates, provisioned_shares, reserved_shares
from samcheck.cfn.document import Document, parse_document, read_source
from samcheck.check.cache import Cache, Entry, sizes_and_mtimes
from samcheck.check.cfnlint_bridge import cfn_lint_findings
from samcheck.config import Settings
from samcheck.decide.directives import Directive
from samcheck.decide.verdict import suppressions_of
from samcheck.findings import (
    FileResult,
    Finding,
    Related,
    Severity,
    Span,
    internal_error,
    rule_failure,
    sorted_findings,
)
from samcheck.limits import Limits
from samcheck.model.build import assemble, expand_document
from samcheck.model.template import Template
from samcheck.registry import all_rules
from samcheck.rule import Rule, RuleContext

if TYPE_CHECKING:
    from samcheck.model.graph import ResourceGraph


class CheckedFile(NamedTuple):
    """One file after the rules ran: undecided findings and what the later stages need."""

    result: FileResult
    suppressions: tuple[Directive, ...]  # the template's Metadata suppressions
    # --account-scope: this file's (and its nested templates') shares of the account's budgets
    budgets: dict[str, list[Share]]


def run_rules(
    document: Document, template: Template | None, rules: Sequence[type[Rule]], limits: Limits, settings: Settings
) -> list[Finding]:
    @cache
    def graph_factory() -> ResourceGraph:
        from samcheck.model.graph import ResourceGraph

        assert template is not None
        return ResourceGraph(template)

    transform_errors = template.expansion.errors if template else []
    known = tuple((rule.id, rule.name) for rule in all_rules())
    findings: list[Finding] = []
    for rule_class in rules:
        if rule_class.needs_template and template is None:
            continue
        rule = rule_class()
        context = RuleContext(
            rule, document, template, limits, transform_errors, graph_factory, settings.today, [], settings, known
        )
        try:
            found = list(rule.check(context))
            for finding in found:
                _validate(finding, rule)
            findings.extend(found)
        except Exception as error:  # one broken rule must not lose the other findings
            findings.append(rule_failure(rule.id, rule.name, str(document.path), error))
    return findings


def _validate(finding: object, rule: Rule) -> None:
    """A finding every report can show: a plugin's malformed one fails its rule (SC0000), not the run."""
    if not isinstance(finding, Finding):
        raise TypeError(f"the rule yielded {type(finding).__name__}, not a Finding (use context.report)")
    if finding.rule != rule.id or not finding.message or not isinstance(finding.span, Span):
        raise ValueError(f"the rule yielded a malformed finding: {finding.rule} {finding.message!r} {finding.span!r}")
    if not isinstance(finding.severity, Severity) or not all(isinstance(r, Related) for r in finding.related):
        raise TypeError("the rule yielded a finding with a bad severity or related location")


def check_file(
    path: Path, settings: Settings, rules: Sequence[type[Rule]], cache: Cache | None = None, source: bytes | None = None
) -> CheckedFile:
    """Check one file (``source``, when given, is its text instead of what is on disk: an editor's
    unsaved buffer, standard input, a fix's candidate). Never raises: a failure of samcheck itself
    becomes an SC0000 finding."""
    try:
        return _check_file(path, settings, rules, cache, source)
    except Exception as error:
        message = f"samcheck failed on this file: {type(error).__name__}: {error}; please report it"
        ran = tuple(rule.id for rule in rules)
        return CheckedFile(FileResult(path, [internal_error(str(path), message)], [], ran), (), {})


def _check_file(
    path: Path, settings: Settings, rules: Sequence[type[Rule]], cache: Cache | None, given: bytes | None
) -> CheckedFile:
    limits = Limits(dict(settings.limits), settings.effective_region)
    checking = [rule for rule in rules if not rule.reviews_suppressions]
    source = read_source(path) if given is None else given
    if isinstance(source, Document):  # unreadable: only the rules about the file itself apply
        findings = run_rules(source, None, checking, limits, settings)
        ran = tuple(rule.id for rule in rules if not rule.needs_template)
        return CheckedFile(FileResult(path, sorted_findings(findings), [], ran), (), {})
    from_template = [rule for rule in checking if not rule.reads_disk]
    from_disk = [rule for rule in checking if rule.reads_disk]
    key = cache.key(path, source, settings, [rule.id for rule in from_template]) if cache else ""
    entry = cache.get(key) if cache else None
    if entry is None:
        document = parse_document(path, source)
        expansion = expand_document(document, settings)
        template = assemble(document, expansion, settings)
        findings = run_rules(document, template, from_template, limits, settings)
        if settings.with_cfn_lint:
            findings += cfn_lint_findings(document, settings.effective_region, findings)
        entry = Entry(document, expansion, findings, sizes_and_mtimes(expansion.inputs if expansion else []))
        if cache:
            cache.put(key, entry)
    else:
        template = assemble(entry.document, entry.expansion, settings)
    document = entry.document
    findings = entry.findings + run_rules(document, template, from_disk, limits, settings)
    ran = tuple(rule.id for rule in rules if template is not None or not rule.needs_template)
    budgets = _budgets(template, settings, limits) if settings.account_scope and template else {}
    result = FileResult(path, sorted_findings(findings), document.lines, ran)
    return CheckedFile(result, suppressions_of(document), budgets)


def _budgets(template: Template, settings: Settings, limits: Limits) -> dict[str, list[Share]]:
    templates = deployed_templates(template, settings, int(limits["nested-stack-depth-max"]))
    return {
        "reserved": [share for t in templates for share in reserved_shares(t)],
        "provisioned": [share for t in templates for share in provisioned_shares(t)],
    }
