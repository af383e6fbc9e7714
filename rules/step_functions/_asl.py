"""What the Step Functions rules share: the function a Task invokes."""

from typing import Any

from samcheck.analysis.statemachines import State, StateMachine
from samcheck.analysis.wiring import target_of
from samcheck.rule import Resource, Template, get_path, single_variable

INVOKE = "arn:aws:states:::lambda:invoke"


def invoked_function(template: Template, machine: StateMachine, state: State) -> Resource | None:
    if state.body.get("Type") != "Task":
        return None
    resource = state.body.get("Resource")
    if not isinstance(resource, str):
        return None
    if resource.startswith(INVOKE):
        reference = get_path(state.body, ("Parameters", "FunctionName")) or get_path(
            state.body, ("Arguments", "FunctionName")
        )
    elif ":lambda:" in resource or single_variable(resource):
        reference = resource
    else:
        return None
    return _function(template, machine, reference)


def _function(template: Template, machine: StateMachine, reference: Any) -> Resource | None:
    if not isinstance(reference, str):
        return None
    variable = single_variable(reference)
    if variable and variable.name in machine.substitutions:
        target = target_of(template, machine.substitutions[variable.name])
        return target.resource if target and target.resource and target.type == "AWS::Lambda::Function" else None
    name = reference.split(":")[6] if reference.startswith("arn:") and len(reference.split(":")) > 6 else reference
    for function in template.of_type("AWS::Lambda::Function"):
        if template.property(function, "FunctionName").value.single == name:
            return function
    return None
