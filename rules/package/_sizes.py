"""What the package rules share: a function's layers in the template."""

from samcheck.analysis.values import Candidate, When, entry_indices
from samcheck.analysis.wiring import reaches
from samcheck.rule import Resource, Template


def layers_of(template: Template, function: Resource) -> list[Candidate]:
    """The layers of the template a function uses, each with when it does (an ``Fn::If`` around
    the list or one of its items uses a layer only in some deployments)."""
    found: dict[tuple[str, When], Candidate] = {}
    for index in entry_indices(template, function, ("Layers",)):
        for reach in reaches(template, function, ("Layers", index)):
            layer = reach.target.resource
            if layer is not None and layer.type == "AWS::Lambda::LayerVersion":
                found.setdefault((layer.logical_id, reach.when), Candidate(layer, reach.when))
    return list(found.values())
