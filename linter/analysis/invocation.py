"""How a function of the template is invoked: by a caller that waits (API Gateway, a load balancer,
a function URL), by Lambda polling a source (event source mappings), or asynchronously (S3, SNS,
EventBridge…). Only asynchronous invocations reach a function's dead-letter queue or its
``EventInvokeConfig`` ``OnFailure`` destination.

Every resource that names the function (or one of its versions and aliases) must be one whose way
of invoking is known; anything else (another function's environment, a policy, an output, a state
machine, a custom resource) may invoke it in any way, and the answer is None.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

from samcheck.analysis.values import texts
from samcheck.cfn.references import referenced
from samcheck.model.template import Resource, Template

if TYPE_CHECKING:
    from samcheck.model.graph import ResourceGraph

SYNC, POLL, ASYNC = "synchronous", "polling", "asynchronous"
# Service principals of Lambda permissions, by how the service invokes.
_PRINCIPAL_MODES = {
    "apigateway": (SYNC, "API Gateway"),
    "elasticloadbalancing": (SYNC, "a load balancer"),
    "sns": (ASYNC, "SNS"),
    "s3": (ASYNC, "S3"),
    "events": (ASYNC, "EventBridge"),
    "scheduler": (ASYNC, "EventBridge Scheduler"),
    "logs": (ASYNC, "CloudWatch Logs"),
    "iot": (ASYNC, "IoT"),
    "ses": (ASYNC, "SES"),
    "codecommit": (ASYNC, "CodeCommit"),
    "config": (ASYNC, "AWS Config"),
}
# Resources that name a function and invoke it one way, whatever else they say.
_TYPE_MODES = {
    "AWS::Lambda::EventSourceMapping": (POLL, "an event source mapping"),
    "AWS::Lambda::Url": (SYNC, "a function URL"),
    "AWS::ApiGateway::Authorizer": (SYNC, "an API Gateway authorizer"),
    "AWS::ApiGatewayV2::Authorizer": (SYNC, "an API Gateway authorizer"),
    "AWS::ElasticLoadBalancingV2::TargetGroup": (SYNC, "a load balancer"),
    "AWS::S3::Bucket": (ASYNC, "S3"),
    "AWS::SNS::Subscription": (ASYNC, "SNS"),
    "AWS::SNS::Topic": (ASYNC, "SNS"),
    "AWS::Events::Rule": (ASYNC, "EventBridge"),
    "AWS::Scheduler::Schedule": (ASYNC, "EventBridge Scheduler"),
    "AWS::Logs::SubscriptionFilter": (ASYNC, "CloudWatch Logs"),
    "AWS::IoT::TopicRule": (ASYNC, "IoT"),
}
# API resources invoke synchronously unless an integration asks for an asynchronous invocation.
_API_TYPES = frozenset(
    {
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGatewayV2::Integration",
        "AWS::ApiGatewayV2::Api",
    }
)
_ASYNC_HEADER = "x-amz-invocation-type"
# Resources that name a function without invoking it.
_NEUTRAL_TYPES = frozenset(
    {
        "AWS::Lambda::EventInvokeConfig",
        "AWS::Lambda::Version",
        "AWS::Lambda::Alias",
        "AWS::Logs::LogGroup",
        "AWS::CloudWatch::Alarm",
        "AWS::CodeDeploy::DeploymentGroup",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGatewayV2::Stage",
        "AWS::ApiGatewayV2::Route",
    }
)


class Invoker(NamedTuple):
    resource: Resource
    mode: str  # SYNC, POLL or ASYNC
    what: str  # the service or resource kind, for messages


def invokers(template: Template, graph: ResourceGraph, function: Resource) -> list[Invoker] | None:
    """Who invokes the function in this template and how; None when something names it whose way
    of invoking is not known (then nothing may be said about it)."""
    names = {function.logical_id} | {
        name
        for name in graph.referrers(function.logical_id)
        if template.resources[name].type in ("AWS::Lambda::Version", "AWS::Lambda::Alias")
    }
    outputs = template.expansion.template.get("Outputs")
    if any(True for _ in referenced(outputs, names)):
        return None  # exported or shown: anyone may invoke it
    referring = set().union(*(graph.referrers(named) for named in names)) - names
    found: list[Invoker] = []
    for name in (name for name in template.resources if name in referring):  # in template order
        invoker = _invoker(template, template.resources[name])
        if invoker is None:
            return None
        if invoker.mode:
            found.append(invoker)
    return found


def _invoker(template: Template, resource: Resource) -> Invoker | None:
    """How one resource that names the function invokes it (mode "" for not at all)."""
    if resource.type in _NEUTRAL_TYPES:
        return Invoker(resource, "", "")
    if resource.type in _TYPE_MODES:
        mode, what = _TYPE_MODES[resource.type]
        return Invoker(resource, mode, what)
    if resource.type in _API_TYPES:
        text = json.dumps(resource.properties).lower()  # as written: the header may be in any intrinsic
        return None if _ASYNC_HEADER in text else Invoker(resource, SYNC, "API Gateway")
    if resource.type == "AWS::Lambda::Permission":
        return _permission(template, resource)
    return None


def _permission(template: Template, permission: Resource) -> Invoker | None:
    if template.property(permission, "FunctionUrlAuthType").present:
        return Invoker(permission, SYNC, "a function URL")
    ways: dict[tuple[str, str], None] = {}  # (mode, what) of each principal it may be, in order
    for principal in texts(template.property(permission, "Principal")):
        service = principal.value.split(".", 1)[0] if principal.value.endswith(".amazonaws.com") else None
        if service not in _PRINCIPAL_MODES:
            return None  # an account, a role, or a service whose way of invoking is not listed
        ways[_PRINCIPAL_MODES[service]] = None
    modes = {mode for mode, _ in ways}
    if len(modes) != 1:
        return None  # not known, or the principal invokes one way in some deployments and another in others
    return Invoker(permission, modes.pop(), " or ".join(what for _, what in ways))
