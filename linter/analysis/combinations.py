"""Property combinations the services refuse, from the table ``schemas/property_combinations.json``.

Each row names a resource type and the conditions that together are refused (a property present or
absent, one of a set of values or none of them, the kind of source an event source mapping reads),
with the service's rule, the fix and the AWS page or issue it comes from. A row with ``owned_by``
names the rule that already judges the combination, so one mistake is one finding.

A condition is judged once per way the template may be deployed: ``holds`` gives each candidate
with whether the condition holds there, and a value that stays unknown gives none, so nothing is
ever judged on a guess.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from samcheck.analysis.values import LEFT_OUT, Candidate, where_set, written
from samcheck.analysis.wiring import SOURCE_KINDS, mapping_sources
from samcheck.datafiles import load_json
from samcheck.findings import NodePath, Severity
from samcheck.model.template import Resource, Template

EACH = "[]"  # a path step that stands for each entry of a list


class Condition(NamedTuple):
    path: tuple[str, ...]  # empty for a ``source`` condition
    present: bool | None = None  # the property is written (True) or left out (False)
    values: frozenset[str] = frozenset()  # the value is one of these ("in")
    excluded: frozenset[str] = frozenset()  # the value is none of these ("not_in")
    not_matching: re.Pattern[str] | None = None  # the value does not match this whole
    default: str | None = None  # what the service takes when the property is left out
    sources: frozenset[str] = frozenset()  # the event source mapping reads one of these kinds


class Combination(NamedTuple):
    type: str
    conditions: tuple[Condition, ...]
    refusal: str  # the service's rule, for messages
    fix: str
    severity: Severity
    source: str


@cache
def combinations(type_name: str) -> tuple[Combination, ...]:
    return _by_type().get(type_name, ())


@cache
def _by_type() -> dict[str, tuple[Combination, ...]]:
    found: dict[str, list[Combination]] = {}
    for row in load_json("property_combinations.json")["rows"]:
        if "owned_by" not in row:
            found.setdefault(row["type"], []).append(_combination(row))
    return {type_name: tuple(rows) for type_name, rows in found.items()}


def _combination(row: dict[str, Any]) -> Combination:
    return Combination(
        row["type"],
        tuple(_condition(given) for given in row["when"]),
        row["refusal"],
        row["fix"],
        Severity[row.get("severity", "error").upper()],
        row["source"],
    )


def _condition(given: dict[str, Any]) -> Condition:
    pattern = given.get("not_matching")
    default = given.get("default")
    return Condition(
        tuple(given["property"].split(".")) if "property" in given else (),
        given.get("present"),
        frozenset(_text(value) for value in given.get("in", ())),
        frozenset(_text(value) for value in given.get("not_in", ())),
        re.compile(pattern) if pattern else None,
        None if default is None else _text(default),
        frozenset(given.get("source", ())),
    )


def _text(value: Any) -> str:
    """A value as compared: booleans (also written as text) as true/false, the rest as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.lower() if isinstance(value, str) and value.lower() in ("true", "false") else str(value)


def concrete(path: tuple[str, ...], index: int | None) -> NodePath:
    """A condition's path with each-entry steps filled in with ``index`` and list indices as ints."""
    return tuple(
        index if step == EACH and index is not None else int(step) if step.isdigit() else step for step in path
    )


def list_path(combination: Combination) -> NodePath | None:
    """The list whose entries a combination judges one by one (``Targets``), if any."""
    for condition in combination.conditions:
        if EACH in condition.path:
            return condition.path[: condition.path.index(EACH)]
    return None


def holds(template: Template, resource: Resource, condition: Condition, path: NodePath) -> list[Candidate]:
    """Whether a condition holds, once per way the template may be deployed (the value read, or
    LEFT_OUT, is kept for messages as ``(holds, value)``); none where the value is unknown."""
    if condition.sources:
        return [
            Candidate((source.kind in condition.sources, SOURCE_KINDS.get(source.kind)), source.when)
            for source in mapping_sources(template, resource)
            if source.kind != "unknown"
        ]
    if condition.present is not None:
        return [
            Candidate((case.value == condition.present, LEFT_OUT if not case.value else None), case.when)
            for case in written(template, resource, path)
        ]
    found = []
    for case in where_set(template, resource, path):
        if case.value is LEFT_OUT:
            if condition.default is not None:
                found.append(Candidate((_matches(condition, condition.default), LEFT_OUT), case.when))
        elif isinstance(case.value, (str, bool, int, float)):  # a list or mapping is no value to compare
            found.append(Candidate((_matches(condition, _text(case.value)), case.value), case.when))
    return found


def _matches(condition: Condition, text: str) -> bool:
    if condition.values:
        return text in condition.values
    if condition.excluded:
        return text not in condition.excluded
    return condition.not_matching is not None and condition.not_matching.fullmatch(text) is None
