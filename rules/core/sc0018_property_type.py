from collections.abc import Iterator
from typing import Any

from samcheck.analysis import property_types
from samcheck.analysis.values import ALWAYS, When, merge, qualifier
from samcheck.rule import (
    NO_VALUE,
    Finding,
    NodePath,
    Resource,
    Rule,
    RuleContext,
    Severity,
    intrinsic_name,
    property_name,
    shortened,
)

_TAKES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of settings",
}


class PropertyType(Rule):
    """A property's value must be of the type CloudFormation's resource schema gives it: a
    ``Timeout`` of ``15m``, a ``MemorySize`` of ``2GB``, a list where one value is taken or text
    where a mapping is, fail the deployment (or, passed through SAM, the transform), while the rules
    that judge the number never see one. Every resource of the expanded template is checked, nested
    settings too, each at the SAM or CloudFormation line the value is written on (or at the function
    with its ``Globals`` key); with a parameter that lists ``AllowedValues`` or an undecided
    ``Fn::If``, every candidate is judged. What CloudFormation coerces is no finding: text holding a
    number where a number is taken, a number or a boolean where text is, ``"true"``/``"false"``
    where a boolean is. A value known only at deploy time (a ``Ref`` to a resource or to a parameter
    without a value, ``Fn::GetAtt``, ``Fn::ImportValue``, a pre-processor's tag) is not judged, nor
    a property the schema gives several types, nor a custom resource, nor what the SAM translator
    makes up. The types come from the resource schemas cfn-lint ships.

    **Anti-pattern**

    ```yaml
    Globals:
      Function:
        Timeout: 15m
        MemorySize: 2GB
    ```

    **Best practice**

    ```yaml
    Globals:
      Function:
        Timeout: 900    # seconds
        MemorySize: 2048  # MB
    ```
    """

    id = "SC0018"
    name = "property-type"
    severity = Severity.ERROR
    summary = "A property value of the wrong type: text where a number is taken, a list where one value is…"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-type-schemas.html"
    tags = ("template",)

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for resource in context.resources.values():
            root = property_types.schema(resource.type, context.region)
            if root is None:
                continue
            for properties in context.branches(resource, ()).nodes:  # as written: intrinsics kept
                for name, node in properties.items() if isinstance(properties, dict) else ():
                    shape = property_types.top_level(root, name)
                    if shape is not None:
                        yield from _judge(context, resource, root, shape, (name,), node, ALWAYS)


def _judge(
    context: RuleContext,
    resource: Resource,
    root: dict[str, Any],
    shape: dict[str, Any],
    path: NodePath,
    node: Any,
    when: When,
) -> Iterator[Finding]:
    """Findings for a node as written (each deployable ``Fn::If`` branch; each candidate of what an
    intrinsic resolves to) against its schema."""
    branches = context.template.resolver.branches(node, ())
    for written, branch_when in zip(branches.nodes, branches.whens, strict=True):
        deployed = merge(when, branch_when)
        if deployed is None:
            continue
        if intrinsic_name(written) is None:
            yield from _judge_written(context, resource, root, shape, path, written, deployed)
            continue
        for case in context.resolve(written):
            resolved_when = merge(deployed, case.when)
            if resolved_when is not None and case.value is not NO_VALUE and intrinsic_name(case.value) is None:
                yield from _judge_written(context, resource, root, shape, path, case.value, resolved_when)


def _judge_written(
    context: RuleContext,
    resource: Resource,
    root: dict[str, Any],
    shape: dict[str, Any],
    path: NodePath,
    value: Any,
    when: When,
) -> Iterator[Finding]:
    kind = property_types.expected(shape)
    if kind is not None and not property_types.fits(value, kind):
        packaged = kind == "object" and isinstance(value, str) and property_types.packaged(resource.type, path)
        if not packaged and context.template.user_wrote(resource, path):
            yield _finding(context, resource, path, value, kind, when)
        return
    if isinstance(value, dict):
        for key, inner in value.items():
            inner_shape = property_types.member(root, shape, key)
            if inner_shape is not None:
                yield from _judge(context, resource, root, inner_shape, (*path, key), inner, when)
    elif isinstance(value, list):
        item_shape = property_types.item(root, shape)
        if item_shape is not None:
            for index, inner in enumerate(value):
                yield from _judge(context, resource, root, item_shape, (*path, index), inner, when)


def _finding(context: RuleContext, resource: Resource, path: NodePath, value: Any, kind: str, when: When) -> Finding:
    name = property_name(path)
    unit = property_types.unit(resource.type, path) if kind in ("integer", "number") else None
    takes = _TAKES[kind] + (f" of {unit}" if unit else "")
    shown = f"'{shortened(value)}'" if isinstance(value, str) else shortened(value)
    return context.report(
        context.locate(resource, path),
        f"{name} takes {takes}; {shown} is {property_types.kind_of(value)}{qualifier(when)}: {_fix(value, kind, unit)}",
        resource=resource.source_id,
        related=context.when_related(when),
    )


def _fix(value: Any, kind: str, unit: str | None) -> str:
    if kind in ("integer", "number") and isinstance(value, str):
        converted = property_types.in_unit(value, unit) if unit else None
        if converted is not None and (kind == "number" or converted.is_integer()):
            return f"write {converted:g}"
        if converted is not None:
            return f"write a whole number of {unit} (it is {converted:g})"
        return f"write {_TAKES[kind]}{f' of {unit}' if unit else ''} alone"
    if kind == "boolean":
        return "write true or false"
    if kind == "array" and not isinstance(value, dict):
        return "write it as a list, even of one item (- value)"
    if kind == "array":
        return "write the settings as list items (- Key: value)"
    if kind == "object":
        return "write the settings as a mapping (Key: value) under it"
    if isinstance(value, list):
        return "write one value, not a list"
    return "write one value; a mapping here is no intrinsic function CloudFormation knows (Ref, Fn::Sub…)"
