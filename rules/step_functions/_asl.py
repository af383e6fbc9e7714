"""What the Step Functions rules share: the function a Task invokes."""

from typing import Any

from samcheck.analysis.statemachines import State, StateMachine
from samcheck.analysis.wiring import target_of
from samcheck.rule import Resource, Template, get_path, single_variable

INVOKE = "arn:aws:states:::lambda:invoke"
# What a Fail or Succeed state, which ends the execution, cannot have (SC6002 reports them).
END_STATE_FORBIDDEN = ("Next", "End", "Retry", "Catch", "ResultPath")


def invoked_function(template: Template, machine: StateMachine, state: State) -> Resource | None:
    """The function of this template a Task invokes: named by an ARN, a function name, a
    ``${}`` substitution or an intrinsic (``!GetAtt Fn.Arn`` in an inline definition)."""
    if state.body.get("Type") != "Task":
        return None
    resource = state.body.get("Resource")
    if isinstance(resource, str) and resource.startswith(INVOKE):
        reference = get_path(state.body, ("Parameters", "FunctionName")) or get_path(
            state.body, ("Arguments", "FunctionName")
        )
    elif isinstance(resource, dict) or (isinstance(resource, str) and (":lambda:" in resource or "${" in resource)):
        reference = resource
    else:
        return None
    return _function(template, machine, reference)


def _function(template: Template, machine: StateMachine, reference: Any) -> Resource | None:
    if isinstance(reference, dict):  # an intrinsic in an inline definition
        return _lambda(template, reference)
    if not isinstance(reference, str):
        return None
    variable = single_variable(reference)
    if variable and variable.name in machine.substitutions:
        return _lambda(template, machine.substitutions[variable.name])
    name = reference.split(":")[6] if reference.startswith("arn:") and len(reference.split(":")) > 6 else reference
    for function in template.of_type("AWS::Lambda::Function"):
        if template.property(function, "FunctionName").value.single == name:
            return function
    return None


def _lambda(template: Template, value: Any) -> Resource | None:
    target = target_of(template, value)
    if target is None or target.resource is None:
        return None
    if target.type in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):
        target = target_of(template, target.resource.properties.get("FunctionName"))
    return target.resource if target and target.resource and target.type == "AWS::Lambda::Function" else None
