from collections.abc import Iterator

from samcheck.analysis.statemachines import state_machines, walk_states
from samcheck.analysis.values import as_number
from samcheck.rule import Finding, Rule, RuleContext, Severity


class AslHeartbeatTimeout(Rule):
    """A task's ``HeartbeatSeconds`` must be smaller than its ``TimeoutSeconds`` (a heartbeat that
    cannot arrive before the timeout is meaningless, and rejected), and a value and its ``…Path``
    form cannot both be set.

    **Anti-pattern**

    ```yaml
    Type: Task
    TimeoutSeconds: 60
    HeartbeatSeconds: 120
    ```

    **Best practice**

    ```yaml
    Type: Task
    TimeoutSeconds: 3600
    HeartbeatSeconds: 120
    ```
    """

    id = "SC6005"
    name = "asl-heartbeat-timeout"
    severity = Severity.ERROR
    summary = "HeartbeatSeconds not below TimeoutSeconds, or a value and its Path form both set"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for machine in state_machines(context.template):
            for state in walk_states(machine.definition):
                body = state.body
                for field in ("TimeoutSeconds", "HeartbeatSeconds"):
                    if field in body and f"{field}Path" in body:
                        yield context.report(
                            machine.span((*state.path, field)),
                            f"{state.name} sets both {field} and {field}Path; keep one",
                            resource=machine.resource.source_id,
                            file=machine.file,
                        )
                timeout, heartbeat = as_number(body.get("TimeoutSeconds")), as_number(body.get("HeartbeatSeconds"))
                if timeout is not None and heartbeat is not None and heartbeat >= timeout:
                    yield context.report(
                        machine.span((*state.path, "HeartbeatSeconds")),
                        f"{state.name}: HeartbeatSeconds {heartbeat:g} is not below TimeoutSeconds {timeout:g}; "
                        "make the heartbeat shorter than the timeout",
                        resource=machine.resource.source_id,
                        file=machine.file,
                    )
