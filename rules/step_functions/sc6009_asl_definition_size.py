from collections.abc import Iterator

from samcheck.analysis.statemachines import invoked_function, state_machines, walk_states
from samcheck.analysis.units import megabytes
from samcheck.analysis.values import as_number
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity


class AslDefinitionSize(Rule):
    """A state machine definition (after substitutions) may be at most 1 MB. And a Map state whose
    ``MaxConcurrency`` is above the reserved concurrency of the function its iterations invoke gets
    throttled (warning).

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
                called_functions = {f.logical_id: f for s in inner if (f := invoked_function(template, machine, s))}
                for called in called_functions.values():
                    reserved = context.property(called, "ReservedConcurrentExecutions")
                    allowed = as_number(reserved.value.single)
                    if allowed is not None and concurrency > allowed:
                        yield context.report(
                            machine.span((*state.path, "MaxConcurrency")),
                            f"{state.name} runs up to {concurrency:g} iterations at once, but {called.source_id} "
                            f"reserves {allowed:g}; the rest are throttled. Set MaxConcurrency to {allowed:g} or less",
                            resource=machine.resource.source_id,
                            file=machine.file,
                            severity=Severity.WARNING,
                            related=[
                                Related(
                                    f"{called.source_id} reserves {allowed:g}", reserved.location.span, template.file
                                )
                            ],
                        )
