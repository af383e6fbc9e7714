from collections.abc import Iterator

from samcheck.analysis.statemachines import state_machines, task_functions, walk_states
from samcheck.analysis.units import megabytes
from samcheck.analysis.values import Candidate, as_number, numbers, qualifier, together
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity


class AslDefinitionSize(Rule):
    """A state machine definition (after substitutions) may be at most 1 MB. And a Map state whose
    ``MaxConcurrency`` is above the reserved concurrency of the function its iterations invoke gets
    throttled (warning), judged for every function the iterations may invoke and every reserved
    concurrency it may have.

    **Anti-pattern**

    ```yaml
    ProcessAll:
      Type: Map
      MaxConcurrency: 100          # the function reserves 10
      ItemProcessor:
        StartAt: Process
        States:
          Process:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            Parameters: {FunctionName: "${ProcessArn}"}
            End: true
    ```

    **Best practice**

    ```yaml
      MaxConcurrency: 10
    ```
    """

    id = "SC6009"
    name = "asl-definition-size"
    severity = Severity.ERROR
    summary = "A definition over 1 MB, or a Map MaxConcurrency above a called function's reserved concurrency"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html"
    tags = ("stepfunctions", "limit")
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        limit = context.limit("sfn-definition-max")
        for machine in state_machines(template):
            if machine.size > limit:
                yield context.report(
                    machine.span(()),
                    f"the definition is {machine.size:,} bytes ({megabytes(machine.size)}) > {limit:,.0f} bytes "
                    "allowed; "
                    "split it into "
                    "nested state machines",
                    resource=machine.resource.source_id,
                    file=machine.file,
                )
            states = walk_states(machine.definition)
            for state in states:
                concurrency = as_number(state.body.get("MaxConcurrency"))
                if state.body.get("Type") != "Map" or not concurrency:
                    continue
                inner = [s for s in states if s.path[: len(state.path)] == state.path and s is not state]
                called = {
                    (task.function.logical_id, task.when): task
                    for s in inner
                    for task in task_functions(template, machine, s)
                }
                for task in called.values():
                    function = task.function
                    reserved = context.property(function, "ReservedConcurrentExecutions")
                    for (allowed, _), when in together(numbers(reserved), [Candidate(task, task.when)]):
                        if concurrency <= allowed:
                            continue
                        yield context.report(
                            machine.span((*state.path, "MaxConcurrency")),
                            f"{state.name} runs up to {concurrency:g} iterations at once, but {function.source_id} "
                            f"reserves {allowed:g}{qualifier(when)}; the rest are throttled. Set MaxConcurrency to "
                            f"{allowed:g} or less",
                            resource=machine.resource.source_id,
                            file=machine.file,
                            severity=Severity.WARNING,
                            related=[
                                Related(
                                    f"{function.source_id} reserves {allowed:g}", reserved.location.span, template.file
                                ),
                                *context.when_related(when),
                            ],
                        )
