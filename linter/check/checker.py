"""Check one file: load → build the model (expand SAM, resolve) → run the rules → findings.

The findings are undecided (no selection of cfn-lint's checks, no suppression, no severity
override): that is what the cache keeps, and the decide stage (``samcheck.decide``) gives its
verdict once, after the run-wide rules have judged the facts they collected from every file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from samcheck.cfn.document import Document, parse_document, read_template
from samcheck.cfn.local import Reads, note_reads, real, recording
from samcheck.check.cache import Cache, Entry
from samcheck.check.cfnlint_bridge import cfn_lint_findings
from samcheck.check.cfnlint_rules import cfn_lint_rules
from samcheck.check.sandbox import Outcome, plugin_seconds, run_contained
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
from samcheck.registry import RuleInfo, known_rules, rule_class, run_wide_rules
from samcheck.rule import Rule, RuleContext

if TYPE_CHECKING:
    from samcheck.model.graph import ResourceGraph


class CheckedFile(NamedTuple):
    """One file after the rules ran: undecided findings and what the later stages need."""

    result: FileResult
    suppressions: tuple[Directive, ...]  # the template's Metadata suppressions
    collected: dict[str, Any]  # by rule id: what the run-wide rules collected from this file


class RuleRun(NamedTuple):
    findings: list[Finding]
    collected: dict[str, Any]  # by rule id: the facts the run-wide rules collected
    settled: bool  # False when a plugin was stopped for time: the result depends on the machine's load


def run_rules(
    document: Document,
    template: Template | None,
    rules: Sequence[RuleInfo],
    limits: Limits,
    settings: Settings,
    collecting: Sequence[RuleInfo] = (),
) -> RuleRun:
    """The findings of ``rules``, and the facts the run-wide rules of ``collecting`` collect (every
    registered one, selected here or not: a file's part of an account is spent whatever it reports).
    Only the rules the template can need are imported and run (``RuleInfo.applies_to``).
    samcheck's own rules run here; each third-party pack's run contained (``sandbox``), after them."""

    @cache
    def graph_factory() -> ResourceGraph:
        from samcheck.analysis.graph import resource_graph

        assert template is not None
        graph: ResourceGraph = resource_graph(template)
        return graph

    transform_errors = template.expansion.errors if template else []
    today = settings.today  # once, not once per rule: the clock is asked ~100 times a template otherwise
    known = known_rules()
    checks, collects = set(rules), set(collecting)

    def run(group: Sequence[RuleInfo]) -> tuple[list[Finding], dict[str, Any]]:
        findings: list[Finding] = []
        collected: dict[str, Any] = {}
        for info in group:
            try:
                rule = rule_class(info)()
            except Exception as error:  # a rule that cannot be imported fails itself, not the file
                findings.append(rule_failure(info.id, info.name, str(document.path), error))
                continue
            context = RuleContext(
                rule,
                document,
                template,
                limits,
                transform_errors,
                graph_factory,
                today,
                [],
                settings,
                known,
                cfn_lint_rules,
            )
            try:
                if info in checks:
                    found = list(rule.check(context))
                    for finding in found:
                        validate(finding, rule)
                    findings.extend(found)
                if info in collects and (facts := rule.collect(context)) is not None:
                    collected[rule.id] = facts
            except Exception as error:  # one broken rule must not lose the other findings
                findings.append(rule_failure(rule.id, rule.name, str(document.path), error))
        return findings, collected

    def run_recorded(group: Sequence[RuleInfo]) -> tuple[list[Finding], dict[str, Any], Reads]:
        """``run`` in a forked child, which sends back what it read: its recording stays there."""
        with recording() as reads:
            return (*run(group), reads)

    types = template.resource_types if template is not None else frozenset()
    runnable = [
        info
        for info in dict.fromkeys([*rules, *collecting])
        if (template is not None or not info.needs_template) and info.applies_to(types)
    ]
    packs: dict[str, list[RuleInfo]] = {}
    for info in runnable:
        packs.setdefault(info.pack if info.plugin else "", []).append(info)
    findings, collected = run(packs.pop("", []))  # first: a plugin's child inherits the graph they built
    settled = True
    for pack, group in packs.items():
        outcome = run_contained(partial(run_recorded, group), plugin_seconds())
        if outcome.value is None:
            findings.append(plugin_failure(pack, outcome, str(document.path)))
            settled = settled and not outcome.timed_out
        else:
            findings += outcome.value[0]
            collected |= outcome.value[1]
            note_reads(outcome.value[2])
    return RuleRun(findings, collected, settled)


def plugin_failure(pack: str, outcome: Outcome[Any], file: str, doing: str = "checking this file") -> Finding:
    """The SC0000 of a third-party pack whose contained call failed."""
    lost = "its findings on this file are lost" if doing == "checking this file" else "its findings are lost"
    return internal_error(file, f"rule pack {pack} {outcome.failure} while {doing}; {lost}, please report it")


def validate(finding: object, rule: Rule) -> None:
    """A finding every report can show: a plugin's malformed one fails its rule (SC0000), not the run."""
    if not isinstance(finding, Finding):
        raise TypeError(f"the rule yielded {type(finding).__name__}, not a Finding (use context.report)")
    if finding.rule != rule.id or not finding.message or not isinstance(finding.span, Span):
        raise ValueError(f"the rule yielded a malformed finding: {finding.rule} {finding.message!r} {finding.span!r}")
    if not isinstance(finding.severity, Severity) or not all(isinstance(r, Related) for r in finding.related):
        raise TypeError("the rule yielded a finding with a bad severity or related location")


@contextmanager
def _importing_meanwhile(rules: Sequence[RuleInfo], document: Document) -> Iterator[None]:
    """While the translator child expands a SAM template this process would only wait: it imports the
    rules meanwhile (waiting on the pipe leaves the interpreter to another thread), and stops when
    the expansion is back. Which rules the template needs is known only then."""
    from samcheck.sam import declares_sam, translator_process

    if not isinstance(document.data, dict) or not declares_sam(document.data) or not translator_process.running():
        yield
        return
    import threading

    back = threading.Event()

    def import_rules() -> None:
        for info in rules:
            if back.is_set():
                return
            with contextlib.suppress(Exception):  # a rule that cannot be imported fails when it runs
                rule_class(info)

    importing = threading.Thread(target=import_rules, name="samcheck-rule-imports", daemon=True)
    importing.start()
    try:
        yield
    finally:
        back.set()
        importing.join()


def check_file(
    path: Path, settings: Settings, rules: Sequence[RuleInfo], cache: Cache | None = None, source: bytes | None = None
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
    path: Path, settings: Settings, rules: Sequence[RuleInfo], cache: Cache | None, given: bytes | None
) -> CheckedFile:
    limits = Limits(dict(settings.limits), settings.effective_region)
    checking = [rule for rule in rules if not rule.reviews_suppressions]
    source = read_template(path) if given is None else given
    run_wide = run_wide_rules()
    if isinstance(source, Document):  # unreadable: only the rules about the file itself apply
        findings, collected, _ = run_rules(source, None, checking, limits, settings, run_wide)
        ran = tuple(rule.id for rule in rules if not rule.needs_template)
        return CheckedFile(FileResult(path, sorted_findings(findings), [], ran), (), collected)
    from_template = [rule for rule in checking if not rule.reads_disk]
    from_disk = [rule for rule in checking if rule.reads_disk]
    collected_once = [rule for rule in run_wide if not rule.reads_disk]  # cached with the findings
    cached_ids = [rule.id for rule in dict.fromkeys([*from_template, *collected_once])]
    key = cache.key(path, source, settings, cached_ids) if cache else ""
    entry = cache.get(key) if cache else None
    if entry is None:
        with recording() as reads:
            document = parse_document(path, source)
            with _importing_meanwhile(from_template, document):
                expansion = expand_document(document, settings)
            template = assemble(document, expansion, settings)
            findings, collected, settled = run_rules(
                document, template, from_template, limits, settings, collected_once
            )
            if settings.with_cfn_lint:
                findings += cfn_lint_findings(document, settings.effective_region, findings)
        entry = Entry(document, expansion, findings, collected, reads)
        if cache and settled:
            cache.put(key, entry)
    else:
        template = assemble(entry.document, entry.expansion, settings)
    document = entry.document
    collected_fresh = [rule for rule in run_wide if rule.reads_disk]
    findings, collected, _ = run_rules(document, template, from_disk, limits, settings, collected_fresh)
    ran = tuple(rule.id for rule in rules if template is not None or not rule.needs_template)
    read = tuple(sorted({where for where, _ in entry.reads.files.values()} - {str(real(path))}))
    result = FileResult(path, sorted_findings(entry.findings + findings), document.lines, ran, read)
    return CheckedFile(result, suppressions_of(document), entry.collected | collected)
