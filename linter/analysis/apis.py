"""What kind of endpoint an API or a custom domain has: edge-optimized, regional or private."""

from __future__ import annotations

from samcheck.model.template import Resource, Template


def endpoint_types(template: Template, resource: Resource) -> set[str] | None:
    """The endpoint types a REST API or domain may be deployed with: EDGE when none is set
    (CloudFormation's default), every type a known set of values allows, None when unknown."""
    setting = template.property(resource, ("EndpointConfiguration", "Types"), ["EDGE"])
    if not setting.value.known:
        return None
    types: set[str] = set()
    for candidate in setting.candidates:
        if not isinstance(candidate, list) or not candidate:
            return None
        types |= {str(kind) for kind in candidate}
    return types
