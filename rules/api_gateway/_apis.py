"""What the API Gateway rules share: where cache settings and Lambda integrations are declared."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from samcheck.analysis.apis import openapi_operations
from samcheck.analysis.values import as_number
from samcheck.rule import Location, NodePath, Resource, Template, get_path, referenced


@dataclass(frozen=True)
class StageSettings:
    """A stage's cache settings: an AWS::ApiGateway::Stage, or a deployment's StageDescription."""

    holder: Resource
    prefix: NodePath  # path of the settings inside the holder's properties


def stage_settings(template: Template) -> Iterator[StageSettings]:
    for stage in template.of_type("AWS::ApiGateway::Stage"):
        yield StageSettings(stage, ())
    for deployment in template.of_type("AWS::ApiGateway::Deployment"):
        if isinstance(deployment.properties.get("StageDescription"), dict):
            yield StageSettings(deployment, ("StageDescription",))


def method_settings(settings: StageSettings) -> list[tuple[int, dict[str, Any]]]:
    entries = get_path(settings.holder.properties, (*settings.prefix, "MethodSettings"))
    return [(i, e) for i, e in enumerate(entries if isinstance(entries, list) else []) if isinstance(e, dict)]


@dataclass(frozen=True)
class Integration:
    """A Lambda proxy integration: the API, the function, the timeout and where it is declared."""

    api: Resource
    function: Resource
    timeout_ms: float | None  # None: the default
    where: Location
    protocol: str  # "REST", "HTTP" or "WEBSOCKET"
    holder: Resource  # the resource a user edits there: the function (SAM event), the API or the method
    streaming: bool = False  # a REST proxy integration with responseTransferMode STREAM


def _protocol(template: Template, api: Resource) -> str:
    if api.type == "AWS::ApiGateway::RestApi":
        return "REST"
    kind = template.property(api, "ProtocolType").value.single
    return "WEBSOCKET" if kind == "WEBSOCKET" else "HTTP"


def integrations(template: Template) -> Iterator[Integration]:
    functions = {f.logical_id: f for f in template.of_type("AWS::Lambda::Function")}
    for api, path, integration in openapi_operations(template):
        for name, _, _ in referenced(integration.get("uri"), functions):
            timeout = as_number(template.resolver.resolve(integration.get("timeoutInMillis")).single)
            where, holder = _where(template, api, functions[name], path)
            streaming = template.resolver.resolve(integration.get("responseTransferMode")).single == "STREAM"
            protocol = _protocol(template, api)
            yield Integration(api, functions[name], timeout, where, protocol, holder, streaming)
    for method in template.of_type("AWS::ApiGateway::Method", "AWS::ApiGatewayV2::Integration"):
        rest = method.type == "AWS::ApiGateway::Method"
        uri_path: NodePath = ("Integration", "Uri") if rest else ("IntegrationUri",)
        timeout_path: NodePath = ("Integration", "TimeoutInMillis") if rest else ("TimeoutInMillis",)
        apis = [
            n for n, _, _ in referenced(method.properties.get("RestApiId" if rest else "ApiId"), template.resources)
        ]
        for name, _, _ in referenced(get_path(method.properties, uri_path), functions):
            if not apis or template.resources[apis[0]].type not in (
                "AWS::ApiGateway::RestApi",
                "AWS::ApiGatewayV2::Api",
            ):
                continue
            api = template.resources[apis[0]]
            timeout = as_number(template.property(method, timeout_path).value.single)
            where = template.locate(method, timeout_path)
            mode = template.property(method, ("Integration", "ResponseTransferMode")).value.single if rest else None
            protocol = _protocol(template, api)
            yield Integration(api, functions[name], timeout, where, protocol, method, mode == "STREAM")


def _where(template: Template, api: Resource, function: Resource, path: NodePath) -> tuple[Location, Resource]:
    """A SAM event's integration is edited at the function's event entry; otherwise in the API body."""
    for permission in template.of_type("AWS::Lambda::Permission"):
        targets = {
            n for n, _, _ in referenced(permission.properties.get("FunctionName"), {function.logical_id: function})
        }
        sources = {n for n, _, _ in referenced(permission.properties.get("SourceArn"), {api.logical_id: api})}
        if targets and sources and permission.origin.event is not None:
            return template.locate(permission), function
    return template.locate(api, path), api
