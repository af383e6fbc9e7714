"""Lambda@Edge: the functions CloudFront distributions of the template associate with their cache
behaviours, how each association names its function, and where it is written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from samcheck.analysis.values import ALWAYS, Candidate, When, entry_indices, texts, together
from samcheck.analysis.wiring import function_behind, reaches_of
from samcheck.cfn.references import referenced, sub_variables
from samcheck.cfn.resolver import Branches
from samcheck.findings import NodePath
from samcheck.model.template import Location, Resource, Template

_FUNCTION = "AWS::Lambda::Function"


class EdgeAssociation(NamedTuple):
    """A Lambda@Edge association in one way the template may be deployed."""

    distribution: Resource
    location: Location  # the LambdaFunctionAssociations entry
    event_type: str | None  # viewer-request, origin-response…; None when known only once deployed
    function: Resource | None  # the function of this template, when it is one
    qualifier: str  # "version", "alias", "latest", "unqualified" or "unknown"
    arn_region: str | None  # for an ARN written out
    when: When = ALWAYS  # the assumptions its event type and function are deployed under

    @property
    def trigger(self) -> str:
        """For messages: "viewer-request", or "Lambda@Edge" when the event type is unknown."""
        return self.event_type or "Lambda@Edge"


def cache_behaviors(template: Template, distribution: Resource) -> list[NodePath]:
    """Where a distribution's default and other cache behaviours are written (in any branch)."""
    others = ("DistributionConfig", "CacheBehaviors")
    return [
        ("DistributionConfig", "DefaultCacheBehavior"),
        *((*others, index) for index in entry_indices(template, distribution, others)),
    ]


def edge_associations(template: Template) -> Iterator[EdgeAssociation]:
    """Every Lambda@Edge association, once per event type and function it may have (an ``Fn::If``
    branch, an allowed value of a parameter); an association whose function is unknown is left out,
    one whose event type is unknown has none."""
    for distribution in template.of_type("AWS::CloudFront::Distribution"):
        for behavior in cache_behaviors(template, distribution):
            associations = (*behavior, "LambdaFunctionAssociations")
            for index in entry_indices(template, distribution, associations):
                entry = (*associations, index)
                events = texts(template.property(distribution, (*entry, "EventType"))) or [Candidate(None)]
                where = template.locate(distribution, entry)
                arns = template.branches(distribution, (*entry, "LambdaFunctionARN"))
                for node, path, when in zip(arns.nodes, arns.paths, arns.whens, strict=True):
                    for function, qualifier, region, named in _functions_of(template, node, path, when):
                        for (event_type, _), both in together(events, [Candidate(function, named)]):
                            yield EdgeAssociation(distribution, where, event_type, function, qualifier, region, both)


_Named = tuple[Resource | None, str, str | None, When]


def _functions_of(template: Template, node: Any, path: NodePath, when: When) -> list[_Named]:
    """(function of this template, how the ARN is qualified, the region of a written ARN, when) for
    each function one branch of ``LambdaFunctionARN`` may name."""
    own = _own_arn(template, node)
    if own is not None:
        return [(*own, None, when)]
    found: list[_Named] = []
    for reach in reaches_of(template, Branches((node,), (path,), (when,))):
        target = reach.target
        if target.arn is not None:  # an ARN written out
            parts = target.arn.split(":")
            found.append((None, _qualifier(parts[7] if len(parts) > 7 else None), parts[3] or None, reach.when))
        elif target.type in ("AWS::Lambda::Version", "AWS::Lambda::Alias"):
            kind = "version" if target.type == "AWS::Lambda::Version" else "alias"
            found.append((function_behind(template, target), kind, None, reach.when))
    return found


def _own_arn(template: Template, node: Any) -> tuple[Resource, str] | None:
    """A function of this template named by its own ARN (as written: the qualifier is the text that
    follows it): ``!GetAtt Fn.Arn`` or ``!Ref Fn`` is unqualified, ``!Sub ${Fn.Arn}:3`` or
    ``${Fn.Arn}:${Version.Version}`` a version, ``!Sub ${Fn.Arn}:live`` an alias."""
    named = [name for name, _, _ in referenced(node, template.resources)]
    functions = [template.resources[name] for name in named if template.resources[name].type == _FUNCTION]
    if isinstance(node, dict) and len(node) == 1 and ("Ref" in node or "Fn::GetAtt" in node):
        return (functions[0], "unqualified") if functions else None
    sub = node.get("Fn::Sub") if isinstance(node, dict) else None
    text = sub[0] if isinstance(sub, list) and sub else sub
    if not isinstance(text, str) or not functions:
        return None
    for variable in sub_variables(text):
        if variable.name == f"{functions[0].logical_id}.Arn":
            suffix = text[variable.end :]
            if suffix == "":
                return functions[0], "unqualified"
            if suffix.startswith(":"):
                return functions[0], _qualifier(suffix[1:])
    return None


def _qualifier(text: str | None) -> str:
    if text is None:
        return "unqualified"
    if text == "$LATEST":
        return "latest"
    if text.isdigit() or text.startswith("${"):  # a number, or ${Version.Version}
        return "version"
    return "alias"
