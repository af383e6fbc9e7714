"""How the permissions rules name things in messages: the value a user writes for a resource's ARN."""

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
