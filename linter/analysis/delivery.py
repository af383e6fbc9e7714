"""Where AWS services deliver on the template's behalf, and so need a resource policy that lets them:
S3 notifications, SNS subscriptions, EventBridge rule targets, API Gateway integrations and
authorizers, and load balancer target groups, each naming a function, queue or topic; and
EventBridge Scheduler targets, which are called with the schedule's role instead.

Each delivery says which service principal calls which action on which target, on behalf of which
source (what ``aws:SourceArn`` names), and what happens when the target's policy does not let it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from samcheck.analysis import per_template
from samcheck.analysis.apis import openapi_operations
from samcheck.analysis.arns import spellings, symbolic, symbolic_property, tokens
from samcheck.analysis.iam import Access, Request, decide, deployments, role_policies
from samcheck.analysis.values import ALWAYS, Candidate, When, candidates, merge, qualifier, texts, together
from samcheck.analysis.wiring import Target, reaches, target_of
from samcheck.cfn.document import get_path
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

FUNCTION_TYPES = frozenset({"AWS::Lambda::Function", "AWS::Lambda::Alias", "AWS::Lambda::Version"})
# The action a service calls on each kind of target.
ACTIONS = {
    "AWS::Lambda::Function": "lambda:InvokeFunction",
    "AWS::Lambda::Alias": "lambda:InvokeFunction",
    "AWS::Lambda::Version": "lambda:InvokeFunction",
    "AWS::SQS::Queue": "sqs:SendMessage",
    "AWS::SNS::Topic": "sns:Publish",
}
DEPLOY_FAILS = "the deploy fails"
DROPPED = "its events are dropped without an error"
CALLS_FAIL = "every call fails (500, 'Invalid permissions on Lambda function')"


@dataclass(frozen=True)
class Delivery:
    holder: Resource  # the resource that says where events go
    path: NodePath  # where it names the target (below Properties)
    service: str  # the service principal, "s3.amazonaws.com"
    what: str  # the source, for messages: "S3 bucket Uploads" (and when it delivers there, if not always)
    source: Resource  # what aws:SourceArn names (the bucket, topic, rule, API, target group)
    source_spellings: tuple[str, ...]  # its symbolic ARNs; empty: any ARN that names it counts
    target: Target
    without: str  # what happens when the target's policy does not let the service
    invoked: str | None = None  # how the function is named (symbolic), qualifier included
    ordered: bool = False  # the holder is validated at creation: the permission must exist first
    role: Any = None  # the RoleArn the service delivers with instead of its own principal, as written
    when: When = ALWAYS  # the deployments that deliver there (an Fn::If branch of the target)

    @property
    def action(self) -> str:
        return ACTIONS[self.target.type or ""]

    @property
    def source_arn(self) -> str:
        """How a template writes the ARN aws:SourceArn takes for this source."""
        name = self.source.logical_id
        if self.source.type in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
            return f"!Sub arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{name}}}/*"
        if self.source.type in ("AWS::SNS::Topic", "AWS::ElasticLoadBalancingV2::TargetGroup"):
            return f"!Ref {name}"
        return f"!GetAtt {name}.Arn"


def deliveries(template: Template) -> list[Delivery]:
    return _deliveries(template)


def principal_deliveries(template: Template, target_types: Iterable[str]) -> Iterator[tuple[Delivery, Resource]]:
    """Deliveries a service makes as its own principal (no role) to a target of the template of these
    types: the ones a resource policy or Lambda permission must let in."""
    wanted = frozenset(target_types)
    for delivery in _deliveries(template):
        target = delivery.target.resource
        if target is not None and target.type in wanted and delivery.role is None:
            yield delivery, target


@per_template
def _deliveries(template: Template) -> list[Delivery]:
    found: list[Delivery] = []
    for bucket in template.of_type("AWS::S3::Bucket"):
        found += _bucket(template, bucket)
    for subscription in template.of_type("AWS::SNS::Subscription"):
        topic = target_of(template, subscription.properties.get("TopicArn"))  # as written: one topic, else unknown
        if topic is not None and topic.resource is not None:
            found += _subscription(template, subscription, (), topic.resource)
    for topic_resource in template.of_type("AWS::SNS::Topic"):
        inline = topic_resource.properties.get("Subscription")  # as written: the entries, each read below
        for index in range(len(inline) if isinstance(inline, list) else 0):
            found += _subscription(template, topic_resource, ("Subscription", index), topic_resource)
    for rule in template.of_type("AWS::Events::Rule"):
        targets = rule.properties.get("Targets")  # as written: the entries, each read below
        for index, entry in enumerate(targets if isinstance(targets, list) else []):
            path = ("Targets", index, "Arn")
            service = "events.amazonaws.com"
            for delivery in _delivery(template, rule, path, service, rule, DROPPED):
                role = get_path(entry, ("RoleArn",))  # as written: EventBridge then calls with the role's grants
                found.append(replace(delivery, role=role) if role is not None else delivery)
    for schedule in template.of_type("AWS::Scheduler::Schedule"):
        service, without = "scheduler.amazonaws.com", "every invocation fails"
        role = get_path(schedule.properties, ("Target", "RoleArn"))  # as written: the role, read by role_access
        for delivery in _delivery(template, schedule, ("Target", "Arn"), service, schedule, without):
            found.append(replace(delivery, role=role))  # Scheduler always calls with the role
    found += _apis(template)
    for group in template.of_type("AWS::ElasticLoadBalancingV2::TargetGroup"):
        kinds = candidates(template.property(group, "TargetType"))
        if not kinds or any(kind.value != "lambda" for kind in kinds):
            continue  # a Lambda target group in every deployment, else not judged
        targets = group.properties.get("Targets")  # as written: the entries, each read below
        for index in range(len(targets) if isinstance(targets, list) else 0):
            path = ("Targets", index, "Id")
            service = "elasticloadbalancing.amazonaws.com"
            for delivery in _delivery(template, group, path, service, group, DEPLOY_FAILS):
                found.append(replace(delivery, ordered=True))
    return [delivery for delivery in found if delivery.target.type in ACTIONS]


def _bucket(template: Template, bucket: Resource) -> list[Delivery]:
    found: list[Delivery] = []
    for list_name, key in (
        ("LambdaConfigurations", "Function"),
        ("QueueConfigurations", "Queue"),
        ("TopicConfigurations", "Topic"),
    ):
        configurations = get_path(bucket.properties, ("NotificationConfiguration", list_name))  # as written: entries
        for index in range(len(configurations) if isinstance(configurations, list) else 0):
            path = ("NotificationConfiguration", list_name, index, key)
            for delivery in _delivery(template, bucket, path, "s3.amazonaws.com", bucket, DEPLOY_FAILS):
                found.append(replace(delivery, ordered=True))
    return found


def _subscription(template: Template, holder: Resource, base: NodePath, topic: Resource) -> list[Delivery]:
    found = []
    for protocol in candidates(template.property(holder, (*base, "Protocol"))):
        if protocol.value in ("lambda", "sqs"):  # the deployments that deliver to a function or queue
            found += _delivery(
                template, holder, (*base, "Endpoint"), "sns.amazonaws.com", topic, DROPPED, protocol.when
            )
    return found


def _delivery(
    template: Template,
    holder: Resource,
    path: NodePath,
    service: str,
    source: Resource,
    without: str,
    assumed: When = ALWAYS,
) -> list[Delivery]:
    """What a holder delivers to at ``path``: one delivery per ``Fn::If`` branch naming a resource of
    the template, with when (within the deployments ``assumed`` names)."""
    found = []
    branches = template.branches(holder, path)
    for node, branch_when in zip(branches.nodes, branches.whens, strict=True):
        target = target_of(template, node)
        when = merge(branch_when, assumed)
        if target is None or target.resource is None or when is None:
            continue
        what = f"{_NOUNS.get(source.type, source.type)} {source.source_id}{qualifier(when)}"
        invoked = symbolic(template, node)
        found.append(
            Delivery(
                holder, path, service, what, source, spellings(template, source), target, without, invoked, when=when
            )
        )
    return found


_FUNCTION_IN_URI = re.compile(r"/functions/(.+)/invocations")
_NOUNS = {
    "AWS::S3::Bucket": "S3 bucket",
    "AWS::SNS::Topic": "SNS topic",
    "AWS::Events::Rule": "EventBridge rule",
    "AWS::ApiGateway::RestApi": "REST API",
    "AWS::ApiGatewayV2::Api": "API",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "target group",
    "AWS::Scheduler::Schedule": "schedule",
}
# API Gateway resources that invoke a function: (type, API property, function property, credentials property).
_API_INVOKERS: list[tuple[str, str, NodePath, NodePath]] = [
    ("AWS::ApiGateway::Method", "RestApiId", ("Integration", "Uri"), ("Integration", "Credentials")),
    ("AWS::ApiGatewayV2::Integration", "ApiId", ("IntegrationUri",), ("CredentialsArn",)),
    ("AWS::ApiGateway::Authorizer", "RestApiId", ("AuthorizerUri",), ("AuthorizerCredentials",)),
    ("AWS::ApiGatewayV2::Authorizer", "ApiId", ("AuthorizerUri",), ("AuthorizerCredentialsArn",)),
]


def _apis(template: Template) -> list[Delivery]:
    found: list[Delivery] = []
    for api, path, integration in openapi_operations(template):
        if "credentials" in integration:
            continue  # API Gateway calls the function with that role, not its own principal
        uri = symbolic(template, integration.get("uri"))
        found += _api_delivery(template, api, api, (*path, "uri"), uri)
    for resource_type, api_key, uri_path, credentials_path in _API_INVOKERS:
        for holder in template.of_type(resource_type):
            if template.property(holder, credentials_path).present:
                continue  # API Gateway calls the function with that role (in some deployment), not its own principal
            named = target_of(template, holder.properties.get(api_key))  # as written: one API, else unknown
            if named is not None and named.resource is not None:
                uri = symbolic_property(template, holder, uri_path)
                found += _api_delivery(template, holder, named.resource, uri_path, uri)
    return found


def _api_delivery(
    template: Template, holder: Resource, api: Resource, path: NodePath, uri: str | None
) -> list[Delivery]:
    """The function an integration URI invokes, when it names one of the template."""
    if uri is None:
        return []
    named = {name.split(".", 1)[0] for name in tokens(uri) if name.endswith((".Arn", ".Ref"))}
    resources = [template.resources.get(name) for name in sorted(named)]
    functions = [resource for resource in resources if resource is not None and resource.type in FUNCTION_TYPES]
    if len(functions) != 1:
        return []
    what = f"{_NOUNS.get(api.type, 'API')} {api.source_id}"
    invoked = _FUNCTION_IN_URI.search(uri)
    service = "apigateway.amazonaws.com"
    target = Target.of(functions[0])
    if invoked is None:
        return [Delivery(holder, path, service, what, api, (), target, CALLS_FAIL)]
    return [
        Delivery(
            holder, path, service, f"{what}{stage}{qualifier(when)}", api, (), target, CALLS_FAIL, named, when=when
        )
        for named, stage, when in _with_stage_variables(template, api, invoked.group(1))
    ]


_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")
# Resources that make a stage of an API, with the API property and where its stage variables are.
_STAGES: list[tuple[str, str, NodePath]] = [
    ("AWS::ApiGateway::Stage", "RestApiId", ("Variables",)),
    ("AWS::ApiGateway::Deployment", "RestApiId", ("StageDescription", "Variables")),
    ("AWS::ApiGatewayV2::Stage", "ApiId", ("StageVariables",)),
]


def _with_stage_variables(template: Template, api: Resource, invoked: str) -> list[tuple[str, str, When]]:
    """How an integration names its function in each stage of the API: a ``${stageVariables.x}``
    in it (an alias chosen per stage) takes each stage's value, with " (stage prod)" for messages;
    none when a stage's value is unknown here (a parameter) or no stage of the template sets it."""
    used = set(_STAGE_VARIABLE.findall(invoked))
    if not used:
        return [(invoked, "", ALWAYS)]
    found = []
    for stage_type, api_key, variables_path in _STAGES:
        for stage in template.of_type(stage_type):
            of_api = [reach.when for reach in reaches(template, stage, api_key) if reach.target.resource is api]
            if not of_api:
                continue
            read = {name: template.property(stage, (*variables_path, name)) for name in used}
            if not all(variable.present for variable in read.values()):
                continue  # a stage without the variable cannot call the function at all
            values = {name: texts(variable) for name, variable in read.items()}
            if any(not cases for cases in values.values()):
                return []  # a stage whose variable is known only at deploy time: what it invokes is not known
            for (*chosen, _), when in together(*values.values(), [Candidate(api, way) for way in of_api]):
                filled = _fill_stage_variables(invoked, dict(zip(values, chosen, strict=True)))
                found.append((filled, f" (stage {_stage_name(template, stage)})", when))
    return found


def _fill_stage_variables(text: str, values: dict[str, str]) -> str:
    return _STAGE_VARIABLE.sub(lambda match: values[match.group(1)], text)


def _stage_name(template: Template, stage: Resource) -> str:
    names = texts(template.property(stage, "StageName"))
    return names[0].value if len(names) == 1 else stage.source_id


def role_access(template: Template, delivery: Delivery) -> list[tuple[Access, When]] | None:
    """For a delivery made with a role: whether the role's policies let it, in each way they may be
    deployed (UNKNOWN for a role outside the template); None when the service calls as its own principal."""
    if delivery.role is None:
        return None
    role = target_of(template, delivery.role)
    if role is None or role.resource is None or role.resource.type != "AWS::IAM::Role":
        return [(Access.UNKNOWN, ALWAYS)]
    target = delivery.target.resource
    targets = spellings(template, target) if target is not None else ()
    if delivery.invoked is not None and delivery.invoked not in targets:
        targets = (*targets, delivery.invoked)
    policies = role_policies(template, role.resource)
    request = Request(delivery.action, targets)
    return [(decide(template, policies, request, way), way) for way in deployments(policies)]
