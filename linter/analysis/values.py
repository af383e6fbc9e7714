"""Resolved values as rules compare them with limits: every candidate, typed, with when it holds.

A rule never asks "what is the value?" of a property that may be one of several: it iterates the
candidates (``numbers``, ``texts``, ``flags``, ``lists``, ``mappings``), each with the assumptions
it is deployed under (a parameter's value, an undecided condition's branch), and compares values
read together with ``together``, which pairs only candidates whose assumptions agree. A finding
that holds for some candidates says which with ``qualifier`` ("when parameter ApiType is PRIVATE").

Candidates of another type than the one asked for are left out here: a value of the wrong type is
the type checks' to report, never guessed at.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

from samcheck.cfn.resolver import ALWAYS, Candidate, Value, When, describe_when, merge
from samcheck.findings import NodePath
from samcheck.model.template import Property, Resource, Template

__all__ = [
    "ALWAYS",
    "LEFT_OUT",
    "Candidate",
    "When",
    "as_number",
    "candidates",
    "entry_indices",
    "flags",
    "is_true",
    "lists",
    "mappings",
    "merge",
    "numbers",
    "outside",
    "qualifier",
    "texts",
    "together",
    "where_set",
    "written",
]


def as_number(candidate: Any) -> float | None:
    """A candidate as a finite number; CloudFormation also accepts numbers written as text.

    NaN and infinity are never a setting anyone can deploy, so they count as unknown.
    """
    if isinstance(candidate, bool):
        return None
    number: float
    if isinstance(candidate, (int, float)):
        number = candidate
    elif isinstance(candidate, str):
        try:
            number = float(candidate)
        except (ValueError, OverflowError):
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def is_true(candidate: Any) -> bool:
    """A CloudFormation boolean: true, or the text "true"/"True"."""
    return candidate is True or candidate in ("true", "True")


def _value(read: Value | Property) -> Value:
    return read.value if isinstance(read, Property) else read


def candidates(read: Value | Property) -> list[Candidate]:
    """Every candidate of a value, as written (any type)."""
    return list(_value(read).cases)


def numbers(read: Value | Property) -> list[Candidate]:
    """The candidates that are finite numbers (written as numbers or as text), as floats."""
    found = []
    for case in _value(read).cases:
        number = as_number(case.value)
        if number is not None:
            found.append(Candidate(number, case.when))
    return found


def texts(read: Value | Property) -> list[Candidate]:
    """The candidates that are text (numbers and booleans as CloudFormation writes them as text)."""
    found = []
    for case in _value(read).cases:
        if isinstance(case.value, str):
            found.append(case)
        elif isinstance(case.value, bool):
            found.append(Candidate("true" if case.value else "false", case.when))
        elif isinstance(case.value, (int, float)) and as_number(case.value) is not None:
            number = float(case.value)
            found.append(Candidate(str(int(number)) if number.is_integer() else str(number), case.when))
    return found


def flags(read: Value | Property) -> list[Candidate]:
    """The candidates that are CloudFormation booleans (true/false, also as text), as bools."""
    found = []
    for case in _value(read).cases:
        if isinstance(case.value, bool):
            found.append(case)
        elif isinstance(case.value, str) and case.value.lower() in ("true", "false"):
            found.append(Candidate(case.value.lower() == "true", case.when))
    return found


def lists(read: Value | Property) -> list[Candidate]:
    """The candidates that are lists."""
    return [case for case in _value(read).cases if isinstance(case.value, list)]


def mappings(read: Value | Property) -> list[Candidate]:
    """The candidates that are mappings."""
    return [case for case in _value(read).cases if isinstance(case.value, dict)]


class _LeftOut:
    """The candidate of a deployment that leaves a property out (``where_set``)."""

    def __repr__(self) -> str:
        return "left out"


LEFT_OUT = _LeftOut()


def where_set(template: Template, resource: Resource, path: NodePath | str) -> list[Candidate]:
    """Every candidate of a property, and ``LEFT_OUT`` for each deployment that leaves it out (not
    written, or an ``Fn::If`` branch without it), each with when; none when it is unknown. For rules
    whose finding is about a property's absence in some deployment."""
    return list(template.property(resource, path, LEFT_OUT).value.cases)


def numbers_where_set(template: Template, resource: Resource, path: NodePath | str) -> list[Candidate]:
    """The numeric candidates of a property, and ``LEFT_OUT`` where it is left out, each with when."""
    found = []
    for case in where_set(template, resource, path):
        number = case.value if case.value is LEFT_OUT else as_number(case.value)
        if number is not None:
            found.append(Candidate(number, case.when))
    return found


def written(template: Template, resource: Resource, path: NodePath | str) -> list[Candidate]:
    """Whether a property is written, once per way the template may be deployed. No candidate where a
    branch leaves it out but the others cannot be evaluated: which deployment lacks it is not known."""
    setting = template.property(resource, path, LEFT_OUT)
    if not setting.present:
        return [Candidate(False)]
    if setting.value.known:
        return [Candidate(case.value is not LEFT_OUT, case.when) for case in setting.value.cases]
    return [] if template.branches(resource, path).sometimes_absent else [Candidate(True)]


def entry_indices(template: Template, resource: Resource, path: NodePath) -> range:
    """The indices a list property may have entries at, in any ``Fn::If`` branch: reading an entry's
    settings at each index through ``template.property`` judges every branch that has it."""
    written = template.branches(resource, path).nodes
    return range(max((len(node) for node in written if isinstance(node, list)), default=0))


def written_paths(template: Template, resource: Resource, pattern: tuple[str, ...]) -> list[NodePath]:
    """The concrete paths of a property pattern ("[]": each list item) that the resource writes in
    some deployable ``Fn::If`` branch; each is then read for every candidate through ``template.property``."""
    found: list[NodePath] = [()]
    for step in pattern:
        if step == "[]":
            found = [(*path, index) for path in found for index in entry_indices(template, resource, path)]
        else:
            found = [(*path, step) for path in found]
    return [path for path in found if template.branches(resource, path).nodes]


def together(*reads: list[Candidate]) -> Iterator[tuple[tuple[Any, ...], When]]:
    """Every combination of one candidate of each read whose assumptions agree, with the merged
    assumptions: values compared with each other ("visibility against timeout") are judged for each
    way the template may be deployed, never across two that exclude each other."""
    for combo in itertools.product(*reads):
        when = merge(*(case.when for case in combo))
        if when is not None:
            yield tuple(case.value for case in combo), when


def qualifier(when: When) -> str:
    """For messages: " (when parameter T is 900)", or "" for what holds in every deployment."""
    return f" ({describe_when(when)})" if when else ""


def outside(read: Value | Property, low: float | None, high: float | None) -> list[Any]:
    """The numeric candidates of a value below ``low`` or above ``high``, as written."""
    offending = []
    for case in _value(read).cases:
        number = as_number(case.value)
        if number is None:
            continue
        if (low is not None and number < low) or (high is not None and number > high):
            offending.append(case.value)
    return offending
