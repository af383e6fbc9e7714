"""What kind of endpoint an API or a custom domain has (edge-optimized, regional or private), and the
operations of an API's OpenAPI body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

API_TYPES = ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method")


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


def openapi_operations(template: Template) -> Iterator[tuple[Resource, NodePath, dict[str, Any]]]:
    """Each operation's ``x-amazon-apigateway-integration`` in an API's OpenAPI body: the API, the
    path to the integration and the integration."""
    for api in template.of_type(*API_TYPES):
        body = api.properties.get("Body")
        paths = body.get("paths") if isinstance(body, dict) else None
        for route, operations in paths.items() if isinstance(paths, dict) else []:
            for method, operation in operations.items() if isinstance(operations, dict) else []:
                integration = operation.get("x-amazon-apigateway-integration") if isinstance(operation, dict) else None
                if isinstance(method, str) and method.lower() in _METHODS and isinstance(integration, dict):
                    yield api, ("Body", "paths", route, method, "x-amazon-apigateway-integration"), integration
