"""The type each resource property takes, from CloudFormation's resource schemas (the copies
cfn-lint ships, kept current with AWS), and whether a value is of that type as CloudFormation reads it.

CloudFormation coerces scalars before the service sees them: text holding a number is a number,
"true"/"false" are booleans, and a number or a boolean is text where text is taken. So only what no
coercion turns into the type is the wrong type: text that is no number where a number is taken,
a list or a mapping where a scalar is, a scalar where a list or a mapping is. A property the schema
gives several types (``oneOf``, ``anyOf``, a list of types) takes any of them and is never judged.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from samcheck.analysis.cfnlint_data import resource_schema
from samcheck.analysis.values import as_number
from samcheck.findings import NodePath

# Types whose properties their provider defines: a template's own custom resources, never a schema.
_UNTYPED_PREFIXES = ("Custom::", "AWS::CloudFormation::CustomResource")
# Properties that `aws cloudformation package` turns from a local path (text) into the object
# CloudFormation takes; cfn-lint leaves them out of its type check for the same reason.
_PACKAGED = frozenset(
    {
        ("AWS::ApiGateway::RestApi", "BodyS3Location"),
        ("AWS::Lambda::Function", "Code"),
        ("AWS::Lambda::LayerVersion", "Content"),
        ("AWS::ElasticBeanstalk::ApplicationVersion", "SourceBundle"),
        ("AWS::StepFunctions::StateMachine", "DefinitionS3Location"),
        ("AWS::AppSync::GraphQLSchema", "DefinitionS3Location"),
        ("AWS::AppSync::Resolver", "RequestMappingTemplateS3Location"),
        ("AWS::AppSync::Resolver", "ResponseMappingTemplateS3Location"),
        ("AWS::AppSync::FunctionConfiguration", "RequestMappingTemplateS3Location"),
        ("AWS::AppSync::FunctionConfiguration", "ResponseMappingTemplateS3Location"),
        ("AWS::CloudFormation::Stack", "TemplateURL"),
        ("AWS::Serverless::Application", "Location"),
    }
)
_BOOLEAN_TEXTS = frozenset({"true", "false"})


@cache
def schema(type_name: str, region: str) -> dict[str, Any] | None:
    """A resource type's schema in a Region (else in us-east-1); None for custom resources and
    types cfn-lint has no schema for."""
    if type_name.startswith(_UNTYPED_PREFIXES):
        return None
    try:
        return resource_schema(type_name, region) or resource_schema(type_name, "us-east-1")
    except FileNotFoundError:  # a Region cfn-lint does not know
        return resource_schema(type_name, "us-east-1")


def _follow(root: dict[str, Any], shape: Any) -> dict[str, Any] | None:
    """A schema node with its ``$ref`` followed (within the resource's schema); None when it leads
    nowhere or in a circle."""
    seen: set[str] = set()
    while isinstance(shape, dict) and "$ref" in shape:
        reference = shape["$ref"]
        if not isinstance(reference, str) or reference in seen:
            return None
        seen.add(reference)
        _, _, pointer = reference.partition("#")
        shape = root
        for step in filter(None, pointer.split("/")):
            shape = shape.get(step) if isinstance(shape, dict) else None
    return shape if isinstance(shape, dict) else None


def top_level(root: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The schema of a resource's top-level property."""
    properties = root.get("properties")
    return _follow(root, properties.get(name)) if isinstance(properties, dict) else None


def member(root: dict[str, Any], shape: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The schema of an object's entry ``key`` (a named property, a pattern's or any other's)."""
    properties = shape.get("properties")
    if isinstance(properties, dict) and key in properties:
        return _follow(root, properties[key])
    patterns = shape.get("patternProperties")
    if isinstance(patterns, dict):
        for pattern, inner in patterns.items():
            if _matches(pattern, key):
                return _follow(root, inner)
    additional = shape.get("additionalProperties")
    return _follow(root, additional) if isinstance(additional, dict) else None


def item(root: dict[str, Any], shape: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of an array's items."""
    return _follow(root, shape.get("items"))


@cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except (re.error, RecursionError):
        return None


def _matches(pattern: str, key: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is not None and compiled.search(key) is not None


def expected(shape: dict[str, Any]) -> str | None:
    """The one type a schema node takes; None when it takes several or says none."""
    if "oneOf" in shape or "anyOf" in shape:
        return None
    kind = shape.get("type")
    if isinstance(kind, list):
        kind = kind[0] if len(kind) == 1 else None
    return kind if kind in ("string", "integer", "number", "boolean", "array", "object") else None


def packaged(type_name: str, path: NodePath) -> bool:
    """A property ``aws cloudformation package`` fills from a local path written as text."""
    return len(path) == 1 and (type_name, path[0]) in _PACKAGED


def fits(value: Any, kind: str) -> bool:
    """Whether CloudFormation reads ``value`` as ``kind``, coercions included."""
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if isinstance(value, (list, dict)):
        return False
    if kind == "string":
        return True
    if kind in ("integer", "number"):
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            return True
        return isinstance(value, str) and (as_number(value) is not None or _non_finite(value))
    if kind == "boolean":
        # A number may be taken for a flag by the service's own reader: only text is judged.
        return not isinstance(value, str) or value.lower() in _BOOLEAN_TEXTS
    return True


def _non_finite(text: str) -> bool:
    try:
        float(text)
    except (ValueError, OverflowError):
        return False
    return True


def kind_of(value: Any) -> str:
    """What a value is, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty (null)"
    return "text"


# -- units, for the fix of a quantity written with one ("15m" where seconds are taken) ---------------

_SECONDS = {"ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400, "day": 86400}
_MEGABYTES = {"kb": 1 / 1024, "k": 1 / 1024, "mb": 1, "m": 1, "gb": 1024, "g": 1024}
_UNITS: dict[str, dict[str, float]] = {
    "seconds": _SECONDS,
    "MB": _MEGABYTES,
    "minutes": {name: factor / 60 for name, factor in _SECONDS.items()},
    "days": {name: factor / 86400 for name, factor in _SECONDS.items()},
}
# Quantities whose name does not say their unit.
_UNIT_OF = {
    ("AWS::Lambda::Function", ("Timeout",)): "seconds",
    ("AWS::Lambda::Function", ("MemorySize",)): "MB",
    ("AWS::Lambda::Function", ("EphemeralStorage", "Size")): "MB",
    ("AWS::SQS::Queue", ("VisibilityTimeout",)): "seconds",
    ("AWS::SQS::Queue", ("MessageRetentionPeriod",)): "seconds",
    ("AWS::Logs::LogGroup", ("RetentionInDays",)): "days",
}
_SUFFIX_UNITS = (("Seconds", "seconds"), ("Minutes", "minutes"), ("Days", "days"))
_QUANTITY = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*")
_PLURAL = re.compile(r"(?<=[a-z])s$")


def unit(type_name: str, path: NodePath) -> str | None:
    """The unit a quantity is counted in, where samcheck knows it."""
    named = [step for step in path if isinstance(step, str)]
    if (type_name, tuple(named)) in _UNIT_OF:
        return _UNIT_OF[(type_name, tuple(named))]
    last = named[-1] if named else ""
    return next((name for suffix, name in _SUFFIX_UNITS if last.endswith(suffix)), None)


def in_unit(text: str, unit_name: str) -> float | None:
    """A quantity written with a unit ("15m", "2 GB") counted in ``unit_name``; None when the text
    is no such quantity or its unit is not one of that dimension."""
    match = _QUANTITY.fullmatch(text)
    if match is None or unit_name not in _UNITS:
        return None
    factors = _UNITS[unit_name]
    written = match.group(2).lower()
    factor = factors.get(written, factors.get(_PLURAL.sub("", written)))
    if factor is None and written in ("second", "minute", "hour"):
        factor = factors.get(written[0])
    return float(match.group(1)) * factor if factor is not None else None
