"""What the services' own APIs accept for a CloudFormation property: its pattern, length, range
and enum, read from botocore's service models through the table ``schemas/service_constraints.json``.

Each row maps a resource type's property path (``Layers.[]``: each list item, ``Environment.
Variables.{}``: each mapping key) to the API input shape and member path it becomes (the same
names unless the row says ``member``); a row with ``constraints`` carries the rule the model leaves
out, with its source page; a row with ``owned_by`` names the rule that already judges the property,
so one mistake is one finding. A service model is read when a template first has a resource of a
type its rows name, once per run.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from samcheck.analysis import botocore_data
from samcheck.datafiles import load_json

_NUMERIC = frozenset({"integer", "long", "double", "float"})


class Constraint(NamedTuple):
    """What an API accepts for one property path; None where it says nothing."""

    path: tuple[str, ...]  # property steps, "[]" for each list item, "{}" for each mapping key
    numeric: bool  # a number (a range) rather than text (a pattern, a length, an enum)
    source: str  # "the Lambda API (CreateFunctionRequest.Handler)", or the documentation page
    low: float | None = None  # length for text, value for a number
    high: float | None = None
    pattern: re.Pattern[str] | None = None
    enum: tuple[str, ...] = ()


@cache
def _rows() -> dict[str, list[dict[str, Any]]]:
    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in load_json("service_constraints.json")["rows"]:
        if "owned_by" not in row:
            by_type.setdefault(row["type"], []).append(row)
    return by_type


def covered(type_name: str) -> bool:
    return type_name in _rows()


@cache
def constraints(type_name: str) -> tuple[Constraint, ...]:
    """The constraints on a type's properties, from the rows and the service models they name."""
    return tuple(_constraint(row) for row in _rows().get(type_name, []))


def refuses(type_name: str, path: tuple[str, ...], text: str) -> bool:
    """Whether the API's pattern, length or enum for a property path refuses a text: SC0019's
    finding, which a rule judging the same value leaves to it (one mistake, one finding)."""
    for constraint in constraints(type_name) if covered(type_name) else ():
        if constraint.path != path or constraint.numeric:
            continue
        if constraint.enum and text not in constraint.enum:
            return True
        if (constraint.low is not None and len(text) < constraint.low) or (
            constraint.high is not None and len(text) > constraint.high
        ):
            return True
        if constraint.pattern is not None and constraint.pattern.fullmatch(text) is None:
            return True
    return False


def _constraint(row: dict[str, Any]) -> Constraint:
    path = tuple(row["property"].split("."))
    if "constraints" in row:
        given = row["constraints"]
        return Constraint(
            path, False, row["source"], given.get("min"), given.get("max"), _compiled(given.get("pattern"))
        )
    member = tuple(row.get("member", row["property"]).split("."))
    shape = _member_shape(row["service"], row["shape"], member)
    skip = set(row.get("skip", ()))
    numeric = shape.get("type") in _NUMERIC
    return Constraint(
        path,
        numeric,
        f"the {row['service']} API's {row['shape']}.{'.'.join(member)}",
        shape.get("min"),
        shape.get("max"),
        None if numeric else _compiled(shape.get("pattern")),
        () if "enum" in skip else tuple(shape.get("enum", ())),
    )


def _member_shape(service: str, start: str, member: tuple[str, ...]) -> dict[str, Any]:
    shape = botocore_data.shape(service, start)
    for step in member:
        if step == "[]":
            name = shape["member"]["shape"]
        elif step == "{}":
            name = shape["key"]["shape"]
        else:
            name = shape["members"][step]["shape"]
        shape = botocore_data.shape(service, name)
    return shape


def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    """A model's pattern as Python reads it, matched against the whole value as the services do;
    None for one Python cannot read the same way (Java's ``\\p{…}`` classes, ``\\z``…): not judged."""
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except (re.error, RecursionError):
        return None
