"""What the API Gateway rules share: where cache settings and Lambda integrations are declared."""

from collections.abc import Iterator
from typing import NamedTuple

from samcheck.analysis.apis import API_TYPES, api_permissions, openapi_operations
from samcheck.analysis.values import (
    ALWAYS,
    LEFT_OUT,
    Candidate,
    When,
    entry_indices,
    numbers_where_set,
    texts,
    together,
)
from samcheck.analysis.wiring import function_behind, reaches
from samcheck.rule import Location, NodePath, Resource, Template


class StageSettings(NamedTuple):
    """A stage's cache settings: an AWS::ApiGateway::Stage, or a deployment's StageDescription."""

    holder: Resource
    prefix: NodePath  # path of the settings inside the holder's properties


def stage_settings(template: Template) -> Iterator[StageSettings]:
    for stage in template.of_type("AWS::ApiGateway::Stage"):
        yield StageSettings(stage, ())
    for deployment in template.of_type("AWS::ApiGateway::Deployment"):
        if template.property(deployment, "StageDescription").present:
            yield StageSettings(deployment, ("StageDescription",))


def method_settings(template: Template, settings: StageSettings) -> list[NodePath]:
    """Where each ``MethodSettings`` entry of a stage may be written (in any ``Fn::If`` branch)."""
    path = (*settings.prefix, "MethodSettings")
    return [(*path, index) for index in entry_indices(template, settings.holder, path)]


class Integration(NamedTuple):
    """A Lambda integration in one way the template may be deployed: the API, the function, the
    timeout and where it is declared."""

    api: Resource
    function: Resource
    timeout_ms: float | None  # None: the default
    where: Location
    protocol: str  # "REST", "HTTP" or "WEBSOCKET"
    holder: Resource  # the resource a user edits there: the function (SAM event), the API or the method
    streaming: bool  # a REST proxy integration with responseTransferMode STREAM
    when: When = ALWAYS  # the assumptions this integration, API, function and setting are deployed under


def _protocols(template: Template, api: Resource) -> list[Candidate]:
    if api.type == "AWS::ApiGateway::RestApi":
        return [Candidate("REST")]
    # Without ProtocolType, the API is imported from an OpenAPI Body: an HTTP API.
    kinds = texts(template.property(api, "ProtocolType", "HTTP"))
    return [Candidate("WEBSOCKET" if kind.value == "WEBSOCKET" else "HTTP", kind.when) for kind in kinds]


def integrations(template: Template) -> Iterator[Integration]:
    for api, path, _ in openapi_operations(template):
        yield from _deployed(template, api, api, path, ("uri", "timeoutInMillis", "responseTransferMode"), ALWAYS)
    for method in template.of_type("AWS::ApiGateway::Method", "AWS::ApiGatewayV2::Integration"):
        rest = method.type == "AWS::ApiGateway::Method"
        prefix: NodePath = ("Integration",) if rest else ()
        keys = ("Uri", "TimeoutInMillis", "ResponseTransferMode") if rest else ("IntegrationUri", "TimeoutInMillis", "")
        for named in reaches(template, method, "RestApiId" if rest else "ApiId"):
            of_api = named.target.resource
            if of_api is not None and of_api.type in API_TYPES:
                yield from _deployed(template, of_api, method, prefix, keys, named.when)


def _deployed(
    template: Template, api: Resource, holder: Resource, prefix: NodePath, keys: tuple[str, str, str], when: When
) -> Iterator[Integration]:
    """The integration written at ``prefix`` in ``holder`` (its URI, timeout and transfer mode keys),
    once per function it may invoke and per candidate of its settings."""
    uri_key, timeout_key, mode_key = keys
    timeouts = numbers_where_set(template, holder, (*prefix, timeout_key))
    modes = [Candidate(False)]
    if mode_key:
        mode = template.property(holder, (*prefix, mode_key), "BUFFERED")
        modes = [Candidate(case.value == "STREAM", case.when) for case in texts(mode)]
    protocols = _protocols(template, api)
    for reach in reaches(template, holder, (*prefix, uri_key)):
        function = function_behind(template, reach.target)
        if function is None:
            continue
        if holder is api:
            where, edited = _where(template, api, function, prefix)
        else:
            where, edited = template.locate(holder, (*prefix, timeout_key)), holder
        deployed = together(protocols, timeouts, modes, [Candidate(reach, reach.when)], [Candidate(api, when)])
        for (protocol, timeout_ms, streaming, _, _), assumed in deployed:
            written_ms = None if timeout_ms is LEFT_OUT else timeout_ms
            yield Integration(api, function, written_ms, where, protocol, edited, streaming, assumed)


def _where(template: Template, api: Resource, function: Resource, path: NodePath) -> tuple[Location, Resource]:
    """A SAM event's integration is edited at the function's event entry; otherwise in the API body."""
    for permission in api_permissions(template, function, api):
        if permission.origin.event is not None:
            return template.locate(permission), function
    return template.locate(api, path), api
