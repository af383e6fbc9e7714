"""Event patterns and SNS filter policies: where a template writes one, and what the grammar the
service parses it with refuses.

An event pattern is read by EventBridge (a rule's ``EventPattern``, a pipe's filters) and by Lambda
(an event source mapping's ``FilterCriteria``); an SNS subscription's ``FilterPolicy`` is read with
the same operators, plus limits of its own. Grammar (checked against the services' guides):
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html and
https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html.

A pattern is read as written, once per way the template may be deployed (``Resolver.variants``). A
part only the deployment knows (a resource's ``Ref``, a ``GetAtt``) is ``OPAQUE``: never judged,
except that a ``Ref`` of a resource or a ``Sub`` is text, never the array a pattern's value must be.
A pattern written as text is read with ``embedded.parsed_text``; text that does not parse is SC0017's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, NamedTuple

from samcheck.analysis import per_template
from samcheck.analysis.embedded import Parsed, parsed_text
from samcheck.analysis.values import Candidate, texts, together
from samcheck.cfn.references import intrinsic_name
from samcheck.cfn.resolver import ALWAYS, When, merge
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template


class _Opaque:
    """A part of a pattern only the deployment knows; ``text`` when it is a text for certain."""

    def __init__(self, text: bool) -> None:
        self.text = text

    def __repr__(self) -> str:
        return "text known at deploy time" if self.text else "value known at deploy time"


OPAQUE = _Opaque(text=False)
OPAQUE_TEXT = _Opaque(text=True)

# EventBridge's content filters; an object in a value's array must be one of these.
OPERATORS = ("prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric", "exists", "cidr")
# What ``anything-but`` may hold as an object instead of its values.
_ANYTHING_BUT_OBJECT = ("prefix", "suffix", "wildcard", "equals-ignore-case")
_LOWER_BOUNDS = (">", ">=")
_UPPER_BOUNDS = ("<", "<=")
_COMPARISONS = (*_LOWER_BOUNDS, *_UPPER_BOUNDS, "=")


class Problem(NamedTuple):
    at: NodePath  # inside the pattern: the key or entry at fault
    message: str


def grammar_problems(pattern: Any) -> list[Problem]:
    """What EventBridge's pattern grammar refuses in ``pattern`` (also an SNS policy's grammar)."""
    problems: list[Problem] = []
    if isinstance(pattern, _Opaque):
        return problems
    if not isinstance(pattern, dict):
        return [Problem((), "a pattern is a JSON object of field names")]
    try:
        _object(pattern, (), problems)
    except RecursionError:  # nested past Python's stack: what the service makes of it is not known
        return []
    return problems


def _object(node: dict[str, Any], path: NodePath, problems: list[Problem]) -> None:
    for key, value in node.items():
        here = (*path, key)
        if key == "$or" and isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                _object(item, (*here, index), problems)
        elif isinstance(value, dict):
            _object(value, here, problems)
        elif isinstance(value, list):
            if not value:  # EventBridge, Lambda and SNS alike: "Empty arrays are not allowed"
                problems.append(
                    Problem(
                        here,
                        f"the value of {key} is an empty array, which matches nothing: list the values to match "
                        f"([null] for a null), or leave {key} out",
                    )
                )
            for index, item in enumerate(value):
                _match(item, (*here, index), problems)
        elif value is not OPAQUE:  # a scalar, or a text known at deploy time
            shown = "[...]" if isinstance(value, _Opaque) else f"[{json.dumps(value)}]"
            problems.append(Problem(here, f"the value of {key} is not an array: write {key}: {shown}"))


def _match(item: Any, at: NodePath, problems: list[Problem]) -> None:
    """One entry of a value's array: a value to equal, or one content filter."""
    if isinstance(item, list):
        problems.append(Problem(at, "an array inside a value's array: each entry is a value or a content filter"))
    if not isinstance(item, dict):
        return
    if len(item) != 1:
        if item:
            keys = ", ".join(sorted(item))
            problems.append(Problem(at, f"a content filter holds one operator, not several ({keys})"))
        return
    ((operator, argument),) = item.items()
    if operator not in OPERATORS:
        known = ", ".join(OPERATORS)
        problems.append(Problem(at, f"unknown content filter {operator!r} (known: {known})"))
        return
    wrong = _argument_problem(operator, argument)
    if wrong:
        problems.append(Problem((*at, operator), f"{operator} {wrong}"))


def _argument_problem(operator: str, argument: Any) -> str | None:
    """Why a content filter's argument is not of its operator's shape; None when it is (or unknown)."""
    if isinstance(argument, _Opaque):
        return None
    if operator in ("prefix", "suffix"):
        if isinstance(argument, dict) and set(argument) == {"equals-ignore-case"}:
            return None if _is_text(argument["equals-ignore-case"]) else "equals-ignore-case takes a text"
        return None if _is_text(argument) else 'takes a text, or {"equals-ignore-case": text}'
    if operator in ("equals-ignore-case", "wildcard", "cidr"):
        return None if _is_text(argument) else "takes a text"
    if operator == "exists":
        return None if isinstance(argument, bool) else "takes true or false"
    if operator == "numeric":
        return _numeric_problem(argument)
    return _anything_but_problem(argument)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) or value is OPAQUE_TEXT or value is OPAQUE


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) or value is OPAQUE


def _numeric_problem(argument: Any) -> str | None:
    shape = 'takes [operator, number] or a range [">", low, "<", high] (operators <, <=, =, >, >=)'
    if not isinstance(argument, list) or len(argument) not in (2, 4):
        return shape
    operators, bounds = argument[0::2], argument[1::2]
    if any(isinstance(op, _Opaque) for op in operators):
        return None
    if not all(op in _COMPARISONS for op in operators):
        return shape
    if not all(_is_number(bound) for bound in bounds):
        return "compares with numbers, written without quotes"
    if len(operators) == 2 and (operators[0] not in _LOWER_BOUNDS or operators[1] not in _UPPER_BOUNDS):
        return 'range is a lower bound (">" or ">=") then an upper bound ("<" or "<=")'
    return None


def _anything_but_problem(argument: Any) -> str | None:
    if isinstance(argument, dict):
        if len(argument) != 1 or next(iter(argument)) not in _ANYTHING_BUT_OBJECT:
            return "takes a value, a list of values, or one of " + ", ".join(_ANYTHING_BUT_OBJECT)
        (inner,) = argument.values()
        listed = inner if isinstance(inner, list) else [inner]
        return None if listed and all(_is_text(value) for value in listed) else f"{next(iter(argument))} takes a text"
    return None


# -- SNS filter policies ------------------------------------------------------------------


class PolicyLimits(NamedTuple):
    keys: int  # attribute names, with FilterPolicyScope MessageAttributes
    combinations: int  # the product of every value array's length
    size: int  # bytes of the policy's JSON


def policy_problems(policy: Any, scope: str | None, limits: PolicyLimits) -> list[Problem]:
    """What SNS refuses in a filter policy read with ``scope`` (None: not known, so only what both
    scopes refuse is judged)."""
    problems = grammar_problems(policy)
    if not isinstance(policy, dict):
        return problems
    try:
        size = len(json.dumps(policy, separators=(",", ":"), default=str).encode())
        combinations = _combinations(policy)
    except (RecursionError, ValueError):  # nested past Python's stack: not known
        return problems
    if size > limits.size:
        problems.append(Problem((), f"the policy is {size} bytes; SNS takes at most {limits.size}"))
    if scope == "MessageAttributes":
        for key, value in policy.items():
            if key != "$or" and isinstance(value, dict):
                problems.append(
                    Problem((key,), f"{key} nests an object: only a policy with FilterPolicyScope MessageBody may")
                )
        names = set(policy) - {"$or"}
        if len(names) > limits.keys and "$or" not in policy:
            problems.append(Problem((), f"{len(names)} attribute names; SNS takes at most {limits.keys}"))
    if combinations is not None and combinations > limits.combinations:
        problems.append(
            Problem(
                (),
                f"{combinations} combinations of values (the product of every array's length); "
                f"SNS takes at most {limits.combinations}",
            )
        )
    return problems


def _combinations(node: dict[str, Any]) -> int | None:
    """The product of the lengths of every value array; None with an ``$or`` or a part not known."""
    total = 1
    for key, value in node.items():
        if key == "$or" or isinstance(value, _Opaque):
            return None
        if isinstance(value, dict):
            inner = _combinations(value)
            if inner is None:
                return None
            total *= inner
        elif isinstance(value, list):
            total *= max(len(value), 1)
    return total


# -- where patterns are written -----------------------------------------------------------

EVENT_PATTERN = "event pattern"
FILTER_POLICY = "filter policy"


class Written(NamedTuple):
    """A pattern or policy as one deployment writes it: its value (``OPAQUE`` in the parts only the
    deployment knows), whether it is written as JSON text, and where."""

    resource: Resource
    path: NodePath  # of the property, in the resource as the template expands it
    kind: str  # EVENT_PATTERN or FILTER_POLICY
    value: Any
    text: bool  # written as a JSON text: positions inside it are not the template's
    when: When
    written: Any  # the value as written, intrinsics kept (a text: its parsed value)
    scope: str | None = None  # a filter policy's FilterPolicyScope, None when not known


@per_template
def written_patterns(template: Template) -> list[Written]:
    """Every event pattern and filter policy of the template, once per way it may be deployed."""
    found: list[Written] = []
    for rule in template.of_type("AWS::Events::Rule"):
        found += _variants(template, rule, ("EventPattern",), EVENT_PATTERN)
    for mapping in template.of_type("AWS::Lambda::EventSourceMapping"):
        found += _listed(template, mapping, ("FilterCriteria", "Filters"))
    for pipe in template.of_type("AWS::Pipes::Pipe"):
        found += _listed(template, pipe, ("SourceParameters", "FilterCriteria", "Filters"))
    for subscription in template.of_type("AWS::SNS::Subscription"):
        scopes = texts(template.property(subscription, "FilterPolicyScope", "MessageAttributes"))
        for written in _variants(template, subscription, ("FilterPolicy",), FILTER_POLICY):
            paired = list(together(scopes, [Candidate(None, written.when)]))
            found += [written._replace(scope=scope, when=when) for (scope, _), when in paired]
            found += [] if paired else [written]  # the scope is not known: judged without it
    return found


def _listed(template: Template, resource: Resource, holder: NodePath) -> Iterator[Written]:
    branches = template.branches(resource, holder)
    for items, when in zip(branches.nodes, branches.whens, strict=True):
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and "Pattern" in item:
                for written in _variants(template, resource, (*holder, index, "Pattern"), EVENT_PATTERN):
                    joined = merge(when, written.when)
                    if joined is not None:
                        yield written._replace(when=joined)


def _variants(template: Template, resource: Resource, path: NodePath, kind: str) -> list[Written]:
    found = []
    branches = template.branches(resource, path)
    for node, written_when in zip(branches.nodes, branches.whens, strict=True):
        for variant, variant_when in template.resolver.variants(node):
            when = merge(written_when, variant_when)
            if when is None:
                continue
            settled = template.resolver.settle(variant)
            if isinstance(settled, str):
                parsed = parsed_text(template, settled)
                if isinstance(parsed, Parsed):
                    found.append(Written(resource, path, kind, parsed.value, True, when, parsed.value))
            elif intrinsic_name(settled) is None:
                try:
                    known = _known(template, settled)
                except RecursionError:  # nested past Python's stack: not judged
                    continue
                found.append(Written(resource, path, kind, known, False, when, settled))
    return found


def _known(template: Template, node: Any) -> Any:
    """``node`` with each intrinsic replaced by its one value, else by ``OPAQUE`` (``OPAQUE_TEXT``
    where it is text for certain: a ``Sub``, a ``Join``, a resource's ``Ref``)."""
    if isinstance(node, list):
        return [_known(template, item) for item in node]
    if not isinstance(node, dict):
        return node
    name = intrinsic_name(node)
    if name is None:
        return {key: _known(template, value) for key, value in node.items()}
    cases = template.resolver.resolve(node).cases
    if len(cases) == 1 and cases[0].when == ALWAYS:
        return cases[0].value
    if name in ("Fn::Sub", "Fn::Join") or (name == "Ref" and node["Ref"] in template.resources):
        return OPAQUE_TEXT
    return OPAQUE
