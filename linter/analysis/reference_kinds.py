"""What a reference gives and what a property takes, as kinds: a name, a URL, an id, a version, a
KMS alias name, or an ARN of a service and resource type (``arn:sqs``, ``arn:iam:role``), read from
``schemas/reference_kinds.json`` (CloudFormation's "Return values" and property pages, SAM's pages).

A property takes any of its kinds; a kind ``arn:lambda`` takes every Lambda ARN and ``arn`` every
ARN. A value's kind comes from what it is written as: ``!Ref``/``!GetAtt`` of a resource of the
template (by the ``returns`` rows; a type or attribute without a row is unknown), or a literal or
``Sub`` text parsed as an ARN (a service or resource type the template fills in is unknown).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from samcheck.analysis.arns import has_tokens
from samcheck.analysis.wiring import opaque
from samcheck.cfn.references import intrinsic_name, single_variable
from samcheck.datafiles import load_json
from samcheck.findings import NodePath
from samcheck.model.template import Template

ARN = "arn"
# An intrinsic function written inside quotes: a YAML tag, a JSON object or a function's key as text.
_INTRINSIC_AS_TEXT = re.compile(
    r"\s*(!(Ref|GetAtt|Sub|Join|Select|ImportValue|If|FindInMap|Split|Base64)\s|Fn::[A-Za-z]+|\{\s*\"?(Ref|Fn::)\w*\"?\s*:)"
)
# Services whose ARNs name a resource type before the resource (``role/``, ``function:``).
_TYPED_SERVICES = frozenset(
    {
        "acm",
        "cognito-idp",
        "dynamodb",
        "elasticfilesystem",
        "events",
        "firehose",
        "iam",
        "kafka",
        "kinesis",
        "kms",
        "lambda",
        "logs",
        "mq",
        "rds",
        "secretsmanager",
        "states",
    }
)


class Takes(NamedTuple):
    """What one property path of a resource type takes."""

    path: tuple[str, ...]  # property steps, "[]" for each list item, "{}" for each mapping value
    kinds: tuple[str, ...]
    source: str
    when: tuple[tuple[str, str], ...] = ()  # (property, value) the row holds under (an SNS Protocol)
    references_owned_by: str | None = None  # the rule that judges references here (literals are ours)
    arn_types_owned_by: str | None = None  # the rule that judges which types of ARN fit here


class Returned(NamedTuple):
    """What a reference to a resource of the template gives."""

    logical_id: str  # as the user wrote it (the source template's logical ID)
    written: str  # "!Ref Queue", "!GetAtt Queue.Arn"
    kind: str
    type: str


@cache
def _table() -> dict[str, Any]:
    table: dict[str, Any] = load_json("reference_kinds.json")
    return table


@cache
def _returns() -> dict[str, dict[str, str]]:
    """Per resource type, what ``Ref`` (key "Ref") and each attribute give."""
    return {
        row["type"]: {**({"Ref": row["Ref"]} if "Ref" in row else {}), **row["GetAtt"]} for row in _table()["returns"]
    }


@cache
def takes(type_name: str) -> tuple[Takes, ...]:
    return tuple(_takes(row) for row in _table()["takes"] if row["type"] == type_name)


@cache
def sam_rows() -> tuple[dict[str, Any], ...]:
    return tuple(_table()["sam"])


def _takes(row: dict[str, Any]) -> Takes:
    when = tuple(sorted(row.get("when", {}).items()))
    path = tuple(row["property"].split("."))
    owners = row.get("references_owned_by"), row.get("arn_types_owned_by")
    return Takes(path, tuple(row["takes"]), row["source"], when, *owners)


def row_for(type_name: str, path: NodePath) -> Takes | None:
    """The row a concrete property path (list indices filled in) falls under."""
    for row in takes(type_name):
        if len(row.path) == len(path) and all(
            step == "[]" if isinstance(given, int) else step in (given, "{}")
            for step, given in zip(row.path, path, strict=True)
        ):
            return row
    return None


def describe(kind: str) -> str:
    described: str = _table()["kinds"].get(kind, kind)
    return described


def accepts(kinds: tuple[str, ...], kind: str) -> bool:
    """Whether a property taking ``kinds`` takes a value of ``kind``."""
    return any(kind == taken or kind.startswith(f"{taken}:") for taken in kinds)


def accepts_service(kinds: tuple[str, ...], service: str) -> bool:
    """Whether a property takes some ARN of a service (for an ARN whose resource type is unknown)."""
    return any(taken == ARN or taken == f"arn:{service}" or taken.startswith(f"arn:{service}:") for taken in kinds)


def returned(template: Template, node: Any) -> Returned | None:
    """What a ``Ref``, ``GetAtt`` or one-variable ``Sub`` of a resource of the template gives;
    None for anything else, or a type or attribute without a row."""
    name = intrinsic_name(node) if isinstance(node, dict) else None
    argument = node.get(name) if name else None
    logical_id, attribute = None, None
    if name == "Ref" and isinstance(argument, str):
        logical_id = argument
    elif name == "Fn::GetAtt":
        parts = argument.split(".", 1) if isinstance(argument, str) else argument
        if isinstance(parts, list) and len(parts) == 2 and all(isinstance(part, str) for part in parts):
            logical_id, attribute = parts
    elif name == "Fn::Sub" and isinstance(argument, str):
        variable = single_variable(argument)
        if variable is not None and not variable.literal:
            logical_id, attribute = variable.resource, variable.attribute
    resource = template.resources.get(logical_id) if logical_id else None
    if resource is None or opaque(resource):
        return None
    kind = _returns().get(resource.type, {}).get(attribute or "Ref")
    if kind is None:
        return None
    shown = f"!GetAtt {resource.source_id}.{attribute}" if attribute else f"!Ref {resource.source_id}"
    return Returned(resource.source_id, shown, kind, resource.type)


def fix_for(type_name: str, logical_id: str, kinds: tuple[str, ...]) -> str | None:
    """How to refer to a resource of a type so that a property taking ``kinds`` takes it."""
    returns = _returns().get(type_name, {})
    if "Ref" in returns and accepts(kinds, returns["Ref"]):
        return f"!Ref {logical_id}"
    attribute = next((name for name, kind in returns.items() if name != "Ref" and accepts(kinds, kind)), None)
    return f"!GetAtt {logical_id}.{attribute}" if attribute else None


def intrinsic_as_text(text: str) -> bool:
    return _INTRINSIC_AS_TEXT.match(text) is not None


def judges_text(template: Template, type_name: str, path: NodePath, text: str) -> bool:
    """Whether SC0020 reports a text at a property: an intrinsic in quotes or a bare logical ID
    (SC0019, whose pattern the text also fails, leaves those to it: one mistake, one finding)."""
    row = row_for(type_name, path)
    return row is not None and (intrinsic_as_text(text) or bare_logical_id(template, row.kinds, text) is not None)


def bare_logical_id(template: Template, kinds: tuple[str, ...], text: str) -> str | None:
    """How to refer to the resource of the template a plain text names by its logical ID, where a
    reference to it is taken; None when the text is no such ID, or is also the name the resource
    is given (``QueueName: Orders`` on a queue ``Orders``), or no reference to it fits."""
    source = template.source_resources.get(text)
    resource = template.resources.get(text)
    if source is None or resource is None or template.resolver.is_parameter(text):
        return None
    properties = source.get("Properties")
    if isinstance(properties, dict) and text in properties.values():
        return None
    return fix_for(resource.type, text, kinds)


def arn_kind(text: str) -> tuple[str, bool] | None:
    """The kind of an ARN written as (symbolic) text and whether its resource type is known; None
    when the text is not an ARN's shape or its service is filled in at deploy time."""
    fields = text.split(":", 5)
    if len(fields) < 6 or fields[0] != ARN or not fields[2] or has_tokens(fields[2]):
        return None
    service, resource = fields[2], fields[5]
    if service == "dynamodb" and "/stream/" in resource:
        return "arn:dynamodb:stream", True
    if service not in _TYPED_SERVICES:
        return f"arn:{service}", True
    resource_type = re.split("[/:]", resource, maxsplit=1)[0]
    if has_tokens(resource_type) or resource_type == resource:
        return f"arn:{service}", False
    return f"arn:{service}:{resource_type}", True
