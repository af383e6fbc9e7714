"""How the permissions rules name things in messages: the value a user writes for a resource's ARN,
what a delivery's target is, and who delivers to it."""

from samcheck.analysis.delivery import Delivery
from samcheck.analysis.wiring import Target

# How a template writes each type's ARN (Ref where Ref is the ARN).
_ARN_BY_REF = frozenset(
    {"AWS::SNS::Topic", "AWS::Lambda::Alias", "AWS::Lambda::Version", "AWS::StepFunctions::StateMachine"}
)


def arn_of(target: Target) -> str:
    """``!GetAtt Orders.Arn`` for a resource of the template, the ARN itself otherwise."""
    if target.resource is None:
        return target.arn or "?"
    if target.resource.type in _ARN_BY_REF:
        return f"!Ref {target.resource.logical_id}"
    return f"!GetAtt {target.resource.logical_id}.Arn"


_KINDS = {
    "AWS::Lambda::Function": "function",
    "AWS::Lambda::Alias": "function alias",
    "AWS::Lambda::Version": "function version",
    "AWS::SQS::Queue": "queue",
    "AWS::SNS::Topic": "topic",
    "AWS::StepFunctions::StateMachine": "state machine",
    "AWS::Kinesis::Stream": "stream",
    "AWS::CodeBuild::Project": "build project",
    "AWS::Events::ApiDestination": "API destination",
}


def target_named(target: Target) -> str:
    """``state machine Flow``: what a delivery's target is, and its name."""
    kind = _KINDS.get(target.type or "")
    return f"{kind} {target.name}" if kind else target.name


def deliverer(delivery: Delivery) -> str:
    """Who delivers: the source (``EventBridge rule Nightly``), and the resource that names the
    target when it is another one (an API's integration or authorizer, a subscription filter)."""
    if delivery.holder is delivery.source:
        return delivery.what
    return f"{delivery.what} through {delivery.holder.source_id}"
