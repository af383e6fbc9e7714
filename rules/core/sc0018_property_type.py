from collections.abc import Iterator
from typing import Any

from samcheck.analysis import property_types
from samcheck.analysis.values import When, qualifier
from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity, property_name, shortened
from samcheck.rules.core._schema_values import schema_values

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
            for path, value, shape, when in schema_values(context, resource):
                kind = property_types.expected(shape)
                if kind is None or property_types.fits(value, kind):
                    continue
                packaged = kind == "object" and isinstance(value, str) and property_types.packaged(resource.type, path)
                if not packaged and context.template.user_wrote(resource, path):
                    yield _finding(context, resource, path, value, kind, when)


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
