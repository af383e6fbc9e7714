"""What the package rules share: a function's layers in the template."""

from samcheck.rule import Resource, Template, referenced


def layers_of(template: Template, function: Resource) -> list[Resource]:
    resources = template.resources
    names = dict.fromkeys(name for name, _, _ in referenced(function.properties.get("Layers"), resources))
    return [resources[name] for name in names if resources[name].type == "AWS::Lambda::LayerVersion"]
