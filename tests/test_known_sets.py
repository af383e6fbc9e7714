"""Known sets are judged whole: one of several known values loses no error, and says which it is.

The principle: a value that is one of a known set (a parameter's AllowedValues, both ``Fn::If``
branches on an undecidable condition) is judged for every candidate, and the finding says which.
This is the mirror of tests/test_unknown_values.py, where an unknown value never creates an error.

Take a rule fixture and one literal L below a resource's ``Properties`` (booleans included; not
``Type``, ``Condition``, ``DependsOn``), and make it one of the set {L, H}, where H, the other
candidate, is harmless: for a number 1 (2 for a 1), which most ranges allow, so that a range error
usually holds for L alone; the same for a number written as text; the negation of a boolean; any
other text with an "x" appended. Two mutations:

- parameter: L becomes ``{"Ref": "SamcheckKnownSet"}``, a parameter whose AllowedValues are [L, H]
  (Type Number for a number, else String; a boolean as "true"/"false", the text CloudFormation
  passes);
- condition: L becomes ``{"Fn::If": ["SamcheckUnknownCondition", L, H]}``, on a condition that
  compares a parameter without a Default, so either branch may be deployed.

Lint the original, the mutation, and the original with H written in place of L. Properties:

1. kept: every error (rule, resource) of the original is an error of the mutation: L is still a
   candidate, so what holds for L holds for the set. Errors that H adds are allowed.
2. named: an error of the original that H written in place of L clears holds for one candidate
   only, so where the mutation keeps it, the finding must say which: its message, or the message of
   a related location, names the parameter (``SamcheckKnownSet``) or the condition
   (``SamcheckUnknownCondition``). (An error that holds for L and H alike may name it or not.)

Errors are compared by (rule, resource), the translator's (SC0003) aside, as in test_unknown_values.

A mutation the SAM translator refuses (an SC0003 the original does not have) is skipped: the
translator is the judge of where SAM accepts a reference or an Fn::If, as in test_unknown_values;
when it refuses H written in place of L, property 2 is not judged for that literal.

The rules that fail either property today are allowed by rule id in KNOWN_DROPS and KNOWN_UNNAMED.
The sampled tests (80 literals per mutation) give a small failing example; the exhaustive test tries
every literal of every fixture both ways (about a minute on 2 cores, in the suite as a slow test) and
also fails when a rule of the allow-lists no longer fails, so the lists only shrink;
``.venv/bin/python bench/known_set_probe.py`` prints the same as a report per rule, with where each
rule asks Value.single of several candidates.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samcheck.cfn.resolver import Resolver
from samcheck.config import Settings
from samcheck.findings import Finding, Severity
from tests.mutations import (
    TEMPLATES,
    UNDECIDABLE_CONDITION,
    Error,
    NodePath,
    add_parameter,
    add_undecidable_condition,
    errors,
    findings,
    literals,
    refused,
    replaced,
    value_at,
)

KNOWN_SET = "SamcheckKnownSet"
# The class of drops left: a state machine definition is read as one document, where a value that is one
# of a known set stays unknown (a definition per deployment, as policies are read, is not built yet).
_DEFINITION = "drops known sets: a state machine definition is read as one document, a known set inside it unknown"

# Rules that lose an error when a literal they read becomes one of a known set, and where (found by
# bench/known_set_probe.py). Remove a rule once it judges every candidate: the exhaustive run fails
# while a rule listed here no longer loses one, so the list only shrinks.
KNOWN_DROPS: dict[str, str] = {
    "SC0012": "drops known sets: looks for a dynamic reference only in a literal Location.ApplicationId",
    "SC3002": "drops known sets: a RedrivePolicy that is one parameter of JSON texts is read as written",
    "SC3008": "drops known sets: a RedrivePolicy that is one parameter of JSON texts is read as written",
    "SC6001": _DEFINITION,
    "SC6002": _DEFINITION,
    "SC6003": _DEFINITION,
    "SC6008": _DEFINITION,
    "SC6010": _DEFINITION,
    "SC6012": _DEFINITION,
    "SC6013": _DEFINITION,
    "SC6014": _DEFINITION,
    "SC6016": _DEFINITION,
    "SC6017": _DEFINITION,
    "SC8001": "drops known sets: a BucketName from a parameter is one spelling of the source (analysis/arns)",
    "SC8005": _DEFINITION + " (a Task's FunctionName)",
    "SC8009": "drops known sets: a KmsMasterKeyId from a parameter does not name the key of the template",
}
# Rules that keep an error which holds for one candidate only, without saying which (no parameter or
# condition named in the message or a related location). The exhaustive run keeps this list shrinking too.
KNOWN_UNNAMED: dict[str, str] = {
    "SC0023": "does not say which: SAM resolves AutoPublishAlias's Ref with the first candidate, so the alias it "
    "makes has that one name (model/build)",
    "SC1013": "does not say which: SAM resolves EventInvokeConfig's Ref with the first candidate (model/build)",
    "SC9002": "does not say which: a key schema error does not carry the KeyType candidate it holds for",
}


def other(literal: Any) -> Any:
    """The harmless other candidate of a literal."""
    if isinstance(literal, bool):
        return not literal
    if isinstance(literal, (int, float)):
        return 1 if literal != 1 else 2
    if re.fullmatch(r"[0-9]+", literal):  # a number written as text stays one
        return "1" if int(literal) != 1 else "2"
    return f"{literal}x"


def _text(value: Any) -> Any:
    """A boolean as the text CloudFormation passes for a parameter."""
    return str(value).lower() if isinstance(value, bool) else value


def as_parameter(template: dict[str, Any], path: NodePath) -> dict[str, Any]:
    literal = value_at(template, path)
    mutated = replaced(template, path, {"Ref": KNOWN_SET})
    number = isinstance(literal, (int, float)) and not isinstance(literal, bool)
    allowed = [_text(literal), _text(other(literal))]
    add_parameter(mutated, KNOWN_SET, {"Type": "Number" if number else "String", "AllowedValues": allowed})
    return mutated


def as_condition(template: dict[str, Any], path: NodePath) -> dict[str, Any]:
    literal = value_at(template, path)
    mutated = replaced(template, path, {"Fn::If": [UNDECIDABLE_CONDITION, literal, other(literal)]})
    add_undecidable_condition(mutated)
    return mutated


# mutation -> (how it is made, the name its findings must say)
MUTATIONS: dict[str, tuple[Callable[[dict[str, Any], NodePath], dict[str, Any]], str]] = {
    "parameter": (as_parameter, KNOWN_SET),
    "condition": (as_condition, UNDECIDABLE_CONDITION),
}


def _mutable(template: dict[str, Any]) -> bool:
    """Parameters and Conditions can be added to (a fixture may make either something else)."""
    return all(isinstance(template.get(section, {}), dict) for section in ("Parameters", "Conditions"))


CANDIDATES = [t for t in TEMPLATES if _mutable(t[1]) and literals(t[1], booleans=True)]


@dataclass(frozen=True)
class Outcome:
    fixture: str
    path: NodePath
    mutation: str
    refused: bool = False  # by the SAM translator: not judged
    lost: frozenset[Error] = frozenset()  # errors of the original the mutation does not report
    unnamed: frozenset[Error] = frozenset()  # kept errors of one candidate that do not say which

    @property
    def where(self) -> str:
        return f"{self.fixture}:{'.'.join(map(str, self.path[1:]))} ({self.mutation})"


_ORIGINALS: dict[str, list[Finding]] = {}
_WITH_OTHER: dict[tuple[str, NodePath], set[Error]] = {}


def _original(name: str, template: dict[str, Any], fixture_settings: Settings, folder: Path) -> list[Finding]:
    if name not in _ORIGINALS:
        _ORIGINALS[name] = findings(template, fixture_settings, folder)
    return _ORIGINALS[name]


def _with_other(
    name: str, template: dict[str, Any], fixture_settings: Settings, path: NodePath, folder: Path
) -> set[Error]:
    """The errors with H written in place of L (the original's when the translator refuses it)."""
    if (name, path) not in _WITH_OTHER:
        before = _original(name, template, fixture_settings, folder)
        found = findings(replaced(template, path, other(value_at(template, path))), fixture_settings, folder)
        _WITH_OTHER[name, path] = errors(before) if refused(before, found) else errors(found)
    return _WITH_OTHER[name, path]


def _names(found: list[Finding], error: Error, name: str) -> bool:
    """Some finding of ``error`` names ``name``, in its message or a related location's."""
    return any(
        name in f.message or any(name in related.message for related in f.related)
        for f in found
        if (f.rule, f.resource) == error and f.severity is Severity.ERROR
    )


def judge(
    name: str, template: dict[str, Any], fixture_settings: Settings, path: NodePath, mutation: str, folder: Path
) -> Outcome:
    """Lint ``template`` with the literal at ``path`` made one of a known set by ``mutation``."""
    before = _original(name, template, fixture_settings, folder)
    mutate, named = MUTATIONS[mutation]
    after = findings(mutate(template, path), fixture_settings, folder)
    if refused(before, after):
        return Outcome(name, path, mutation, refused=True)
    lost = errors(before) - errors(after)
    one_candidate = errors(before) - _with_other(name, template, fixture_settings, path, folder)
    unnamed = {error for error in one_candidate & errors(after) if not _names(after, error, named)}
    return Outcome(name, path, mutation, lost=frozenset(lost), unnamed=frozenset(unnamed))


def _rules(errors_: Iterable[Error]) -> set[str]:
    return {rule for rule, _ in errors_}


def _assert_allowed(outcome: Outcome) -> None:
    lost = {e for e in outcome.lost if e[0] not in KNOWN_DROPS}
    assert not lost, f"{outcome.where} lost {sorted(lost, key=str)}"
    unnamed = {e for e in outcome.unnamed if e[0] not in KNOWN_UNNAMED}
    assert not unnamed, f"{outcome.where}: {sorted(unnamed, key=str)} do not say the value is one of a known set"


Case = tuple[str, dict[str, Any], Settings, NodePath]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    name, template, fixture_settings = draw(st.sampled_from(CANDIDATES))
    return name, template, fixture_settings, draw(st.sampled_from(literals(template, booleans=True)))


def _judge_and_check(case: Case, mutation: str, folder: Path) -> None:
    name, template, fixture_settings, path = case
    _assert_allowed(judge(name, template, fixture_settings, path, mutation, folder))


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_a_parameter_with_allowed_values_keeps_every_error_and_names_itself(case: Case, tmp_path: Path) -> None:
    _judge_and_check(case, "parameter", tmp_path)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_an_if_on_an_undecidable_condition_keeps_every_error_and_names_it(case: Case, tmp_path: Path) -> None:
    _judge_and_check(case, "condition", tmp_path)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("literal", [1200, 0.5, "30", "python3.12", True, False])
def test_a_mutation_makes_a_known_set_of_two(mutation: str, literal: Any) -> None:
    """The resolver sees the mutated literal as one of two candidates, the literal first."""
    path: NodePath = ("Resources", "Fn", "Properties", "Value")
    template = {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Value": literal}}}}
    mutate, named = MUTATIONS[mutation]
    mutated = mutate(template, path)
    value = Resolver(mutated, {}, "us-east-1").resolve(value_at(mutated, path))
    expected = (literal, other(literal)) if mutation == "condition" else (_text(literal), _text(other(literal)))
    assert value.candidates == expected
    assert named in (value.parameter, value.condition)


def test_the_property_sees_many_fixtures() -> None:
    assert len(CANDIDATES) > 150


def _probe_fixture(name: str) -> list[Outcome]:
    """Every literal of one fixture, both mutations."""
    ((_, template, fixture_settings),) = [t for t in CANDIDATES if t[0] == name]
    with tempfile.TemporaryDirectory() as folder:
        return [
            judge(name, template, fixture_settings, path, mutation, Path(folder))
            for path in literals(template, booleans=True)
            for mutation in MUTATIONS
        ]


def probe(jobs: int | None = None) -> list[Outcome]:
    """Every literal of every fixture, both mutations, over ``jobs`` processes (default: all cores)."""
    names = [t[0] for t in sorted(CANDIDATES, key=lambda t: -len(literals(t[1], booleans=True)))]
    with ProcessPoolExecutor(max_workers=jobs or os.cpu_count()) as pool:
        return [outcome for outcomes in pool.map(_probe_fixture, names) for outcome in outcomes]


def failing(outcomes: list[Outcome]) -> tuple[set[str], set[str]]:
    """The rules that lost an error, and the rules that kept one without saying which candidate."""
    lost = set().union(*(_rules(o.lost) for o in outcomes))
    unnamed = set().union(*(_rules(o.unnamed) for o in outcomes))
    return lost, unnamed


def _section(title: str, outcomes: list[Outcome], errors_of: Callable[[Outcome], frozenset[Error]]) -> list[str]:
    """Per rule: how many mutations failed it, and up to three literals that did (different fixtures first)."""
    by_rule: dict[str, dict[tuple[str, NodePath], list[Outcome]]] = defaultdict(lambda: defaultdict(list))
    for outcome in outcomes:
        for rule in _rules(errors_of(outcome)):
            by_rule[rule][outcome.fixture, outcome.path].append(outcome)
    lines = [f"{title}: {len(by_rule)} rules", ""]
    for rule, places in sorted(by_rule.items(), key=lambda item: (-sum(map(len, item[1].values())), item[0])):
        failed = [outcome for outcomes in places.values() for outcome in outcomes]
        kinds = ", ".join(f"{m} {sum(o.mutation == m for o in failed)}" for m in MUTATIONS)
        lines.append(f"{rule}  {len(failed)} mutations of {len(places)} literals ({kinds})")
        first = {fixture: (fixture, path) for fixture, path in sorted(places, reverse=True)}
        shown = sorted(first.values())[:3]
        shown += [place for place in sorted(places) if place not in shown][: 3 - len(shown)]
        for fixture, path in shown:
            mutations = ", ".join(o.mutation for o in places[fixture, path])
            resources = sorted({str(r) for o in places[fixture, path] for rid, r in errors_of(o) if rid == rule})
            lines.append(f"    {fixture}:{'.'.join(map(str, path[1:]))} ({mutations})  [{', '.join(resources)}]")
    return [*lines, ""]


def report(outcomes: list[Outcome]) -> str:
    judged = [o for o in outcomes if not o.refused]
    fixtures = len({o.fixture for o in outcomes})
    head = (
        f"{len(outcomes)} mutations ({', '.join(f'{m} {sum(o.mutation == m for o in outcomes)}' for m in MUTATIONS)})"
        f" of the literals of {fixtures} fixtures; {len(outcomes) - len(judged)} refused by the SAM translator"
        f" (skipped); {sum(bool(o.lost) for o in judged)} lost an error, {sum(bool(o.unnamed) for o in judged)}"
        " kept one that holds for one candidate without saying which"
    )
    return "\n".join(
        [
            head,
            "",
            *_section("Errors lost (rule, mutations that lost one of its errors)", judged, lambda o: o.lost),
            *_section("Errors kept without naming the parameter or condition", judged, lambda o: o.unnamed),
        ]
    )


@pytest.mark.slow
def test_every_literal_keeps_its_errors_and_the_allow_lists_only_shrink() -> None:
    outcomes = probe()
    lost, unnamed = failing(outcomes)
    new = f"lost: {sorted(lost - KNOWN_DROPS.keys())}, not named: {sorted(unnamed - KNOWN_UNNAMED.keys())}"
    assert lost <= KNOWN_DROPS.keys() and unnamed <= KNOWN_UNNAMED.keys(), f"{new}\n\n{report(outcomes)}"
    # The lists only shrink: a rule that now passes leaves its list.
    assert KNOWN_DROPS.keys() <= lost, f"remove {sorted(KNOWN_DROPS.keys() - lost)} from KNOWN_DROPS"
    assert KNOWN_UNNAMED.keys() <= unnamed, f"remove {sorted(KNOWN_UNNAMED.keys() - unnamed)} from KNOWN_UNNAMED"
