from collections.abc import Iterator

from samcheck.analysis.statemachines import state_machines, walk_states
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.step_functions._asl import END_STATE_FORBIDDEN


class AslFailStateFields(Rule):
    """Fail and Succeed states end the execution: ``Next``, ``End``, ``Retry``, ``Catch`` and
    ``ResultPath`` make no sense there, and Step Functions rejects the definition.

    **Anti-pattern**

    ```yaml
    Failed:
      Type: Fail
      Error: OrderRejected
      Next: Notify
    ```

    **Best practice**

    ```yaml
    Failed:
      Type: Fail
      Error: OrderRejected
    ```
    """

    id = "SC6002"
    name = "asl-fail-state-fields"
    severity = Severity.ERROR
    summary = "A Fail or Succeed state with Next, End, Retry, Catch or ResultPath"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for machine in state_machines(context.template):
            for state in walk_states(machine.definition):
                kind = state.body.get("Type")
                if kind not in ("Fail", "Succeed"):
                    continue
                for field in END_STATE_FORBIDDEN:
                    if field in state.body:
                        yield context.report(
                            machine.span((*state.path, field)),
                            f"{kind} state {state.name} cannot have {field}; remove it",
                            resource=machine.resource.source_id,
                            file=machine.file,
                        )
