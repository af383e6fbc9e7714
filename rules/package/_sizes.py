"""What the package rules share: a function's layers in the template, and byte formatting."""

from samcheck.references import referenced
from samcheck.template import Resource, Template

MB = 1024 * 1024


def layers_of(template: Template, function: Resource) -> list[Resource]:
    resources = template.resources
    names = dict.fromkeys(name for name, _, _ in referenced(function.properties.get("Layers"), resources))
    return [resources[name] for name in names if resources[name].type == "AWS::Lambda::LayerVersion"]


def megabytes(size: float) -> str:
    return f"{size / MB:,.1f} MB"
