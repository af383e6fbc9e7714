"""What kind of endpoint an API or a custom domain has: edge-optimized, regional or private."""

from __future__ import annotations

from samcheck.model.template import Resource, Template


def endpoint_types(template: Template, resource: Resource) -> list[str]:
    """A REST API's or domain's endpoint types; EDGE when none is set (CloudFormation's default)."""
    types = template.property(resource, ("EndpointConfiguration", "Types")).value.single
    return [str(t) for t in types] if isinstance(types, list) and types else ["EDGE"]
