"""Lambda@Edge: the functions CloudFront distributions of the template associate with their cache
behaviours, how each association names its function, and where it is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from samcheck.analysis.wiring import target_of
from samcheck.cfn.document import get_path
from samcheck.cfn.references import referenced
from samcheck.model.template import Location, Resource, Template


@dataclass(frozen=True)
class EdgeAssociation:
    distribution: Resource
    location: Location  # the LambdaFunctionAssociations entry
    event_type: str  # viewer-request, origin-response…
    function: Resource | None  # the function of this template, when it is one
    qualifier: str  # "version", "alias", "latest", "unqualified" or "unknown"
    arn_region: str | None  # for an ARN written out


def edge_associations(template: Template) -> Iterator[EdgeAssociation]:
    for distribution in template.of_type("AWS::CloudFront::Distribution"):
        config = distribution.properties.get("DistributionConfig")
        behaviors: list[tuple[tuple[str | int, ...], Any]] = [
            (("DistributionConfig", "DefaultCacheBehavior"), get_path(config, ("DefaultCacheBehavior",)))
        ]
        others = get_path(config, ("CacheBehaviors",))
        behaviors += [
            (("DistributionConfig", "CacheBehaviors", i), b)
            for i, b in enumerate(others if isinstance(others, list) else [])
        ]
        for path, behavior in behaviors:
            associations = get_path(behavior, ("LambdaFunctionAssociations",))
            for index, association in enumerate(associations if isinstance(associations, list) else []):
                if not isinstance(association, dict):
                    continue
                event_type = template.resolver.resolve(association.get("EventType")).single
                function, qualifier, region = _function_of(template, association.get("LambdaFunctionARN"))
                where = template.locate(distribution, (*path, "LambdaFunctionAssociations", index))
                yield EdgeAssociation(distribution, where, str(event_type), function, qualifier, region)


def _function_of(template: Template, value: Any) -> tuple[Resource | None, str, str | None]:
    """(function of this template, how the ARN is qualified, the region of a written ARN)."""
    functions = {f.logical_id: f for f in template.of_type("AWS::Lambda::Function")}
    target = target_of(template, value)
    if target is not None and target.resource is not None:
        resource = target.resource
        if resource.type in ("AWS::Lambda::Version", "AWS::Lambda::Alias"):
            names = [n for n, _, _ in referenced(resource.properties.get("FunctionName"), functions)]
            kind = "version" if resource.type == "AWS::Lambda::Version" else "alias"
            return (functions[names[0]] if names else None), kind, None
        if resource.type == "AWS::Lambda::Function":
            return resource, "unqualified", None
    if target is not None and target.arn is not None:  # an ARN written out
        parts = target.arn.split(":")
        return None, _qualifier(parts[7] if len(parts) > 7 else None), parts[3] or None
    sub = value.get("Fn::Sub") if isinstance(value, dict) else None
    text = sub[0] if isinstance(sub, list) and sub else sub
    names = [n for n, _, _ in referenced(value, functions)]
    if isinstance(text, str) and names:
        suffix = text[text.rfind("}") + 1 :]  # what follows the last ${...}
        if suffix == "" and text.endswith(".Arn}"):
            return functions[names[0]], "unqualified", None
        if suffix.startswith(":") or suffix == "":
            return functions[names[0]], _qualifier(suffix[1:] or "${version}"), None
    return None, "unknown", None


def _qualifier(text: str | None) -> str:
    if text is None:
        return "unqualified"
    if text == "$LATEST":
        return "latest"
    if text.isdigit() or text.startswith("${"):  # a number, or ${Version.Version}
        return "version"
    return "alias"
