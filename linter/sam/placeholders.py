"""Stand-ins for parameter values that exist only at deploy time, and their removal afterwards.

CloudFormation hands the SAM transform every parameter's value, and the translator resolves
``Ref``s to parameters in a few properties itself (``Auth.ResourcePolicy``, ``CodeUri``,
``AutoPublishAlias``…), rejecting an unresolved one. Offline, a parameter without a ``Default`` has
no value: when the translator fails, it runs again with a placeholder of the parameter's type for
each of them. What the placeholders leave in the expanded template is turned back into a ``Ref``
(or an ``Fn::Sub``), so that rules see an unknown value, never the placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_TOKEN = "samcheckunknown"
_TOKEN_PATTERN = re.compile(rf"{_TOKEN}([A-Za-z0-9]+?)x")
# The shape AWS-specific parameter types check; the translator may test a prefix (vpc-/vpce-).
_PREFIXES = {
    "AWS::EC2::VPC::Id": "vpc-",
    "AWS::EC2::Subnet::Id": "subnet-",
    "AWS::EC2::SecurityGroup::Id": "sg-",
    "AWS::EC2::Image::Id": "ami-",
    "AWS::EC2::Instance::Id": "i-",
    "AWS::EC2::Volume::Id": "vol-",
}
# Numbers carry no text to recognise: a number nobody writes, one per parameter.
_NUMBER_BASE = 7_340_032_000


def placeholders(parameters: dict[str, str]) -> dict[str, Any]:
    """A value of each parameter's type (name -> CloudFormation parameter type)."""
    values: dict[str, Any] = {}
    for index, (name, kind) in enumerate(sorted(parameters.items())):
        token = f"{_TOKEN}{name}x"  # alphanumeric: the translator checks some names (aliases)
        inner = kind.removeprefix("AWS::SSM::Parameter::Value<").removesuffix(">")
        if inner == "Number":
            values[name] = _NUMBER_BASE + index
        elif inner.startswith("List<") or inner == "CommaDelimitedList":
            item = inner.removeprefix("List<").removesuffix(">")
            values[name] = [_PREFIXES.get(item, "") + token]
        else:
            values[name] = _PREFIXES.get(inner, "") + token
    return values


def named_after_placeholders(logical_ids: Iterable[str]) -> list[re.Pattern[str]]:
    """The logical IDs the translator made from a placeholder (``FnAlias<placeholder>`` for an
    ``AutoPublishAlias: !Ref P``), as patterns of the IDs a real value may give them: alphanumerics
    in the placeholder's place."""
    return [
        re.compile("[A-Za-z0-9]+".join(re.escape(part) for part in _TOKEN_PATTERN.split(logical_id)[::2]))
        for logical_id in logical_ids
        if _TOKEN in logical_id
    ]


def restore(node: Any, values: dict[str, Any]) -> Any:
    """``node`` with every placeholder of ``values`` turned back into a reference to its parameter."""
    numbers = {value: name for name, value in values.items() if isinstance(value, int)}
    return _restore(node, numbers, {name for name, value in values.items() if not isinstance(value, int)})


# Where a text is a logical ID (the translator names resources after an alias): kept as it is.
_NAMING_KEYS = frozenset({"Ref", "Fn::GetAtt", "DependsOn"})


def _restore(node: Any, numbers: dict[int, str], texts: set[str]) -> Any:
    if isinstance(node, dict):
        return {key: value if key in _NAMING_KEYS else _restore(value, numbers, texts) for key, value in node.items()}
    if isinstance(node, list):
        return [_restore(item, numbers, texts) for item in node]
    if isinstance(node, int) and not isinstance(node, bool) and node in numbers:
        return {"Ref": numbers[node]}
    if isinstance(node, str) and _TOKEN in node:
        return _restore_text(node, texts)
    return node


def _restore_text(text: str, names: set[str]) -> Any:
    matches = [match for match in _TOKEN_PATTERN.finditer(text) if match.group(1) in names]
    if not matches:
        return text
    whole = matches[0]
    prefix = text[: whole.start()]
    if len(matches) == 1 and whole.end() == len(text) and (prefix == "" or prefix in _PREFIXES.values()):
        return {"Ref": whole.group(1)}
    parts, last = [], 0
    for match in matches:
        parts += [text[last : match.start()].replace("${", "${!"), "${" + match.group(1) + "}"]
        last = match.end()
    parts.append(text[last:].replace("${", "${!"))
    return {"Fn::Sub": "".join(parts)}
