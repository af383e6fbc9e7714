"""What kind of endpoint an API or a custom domain has (edge-optimized, regional or private), the
operations of an API's OpenAPI body, the permissions that let an API invoke a function, and how
the API rules read settings in every deployment (list entries, numbers that may be left out)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from samcheck.analysis.values import Candidate, lists
from samcheck.analysis.wiring import function_behind, reaches
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

API_TYPES = ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method")


def endpoint_types(template: Template, resource: Resource) -> list[Candidate]:
    """The endpoint types a REST API or domain is deployed with, once per candidate (each a frozenset
    of types, with when it is deployed): EDGE when none is set (CloudFormation's default); no
    candidate when unknown."""
    setting = template.property(resource, ("EndpointConfiguration", "Types"), ["EDGE"])
    return [Candidate(frozenset(map(str, case.value)), case.when) for case in lists(setting) if case.value]


def api_permissions(template: Template, function: Resource, api: Resource) -> list[Resource]:
    """The ``AWS::Lambda::Permission`` resources that let an API invoke a function (in some branch)."""
    return [
        permission
        for permission in template.of_type("AWS::Lambda::Permission")
        if any(
            function_behind(template, reach.target) is function
            for reach in reaches(template, permission, "FunctionName")
        )
        and any(reach.target.resource is api for reach in reaches(template, permission, "SourceArn"))
    ]


def openapi_operations(template: Template) -> Iterator[tuple[Resource, NodePath, dict[str, Any]]]:
    """Each operation's ``x-amazon-apigateway-integration`` in an API's OpenAPI body: the API, the
    path to the integration and the integration as written (read its settings at that path through
    ``template.property`` to judge them)."""
    for api in template.of_type(*API_TYPES):
        body = api.properties.get("Body")  # as written: the operations' paths, to read each setting resolved
        paths = body.get("paths") if isinstance(body, dict) else None
        for route, operations in paths.items() if isinstance(paths, dict) else []:
            for method, operation in operations.items() if isinstance(operations, dict) else []:
                integration = operation.get("x-amazon-apigateway-integration") if isinstance(operation, dict) else None
                if isinstance(method, str) and method.lower() in _METHODS and isinstance(integration, dict):
                    yield api, ("Body", "paths", route, method, "x-amazon-apigateway-integration"), integration
