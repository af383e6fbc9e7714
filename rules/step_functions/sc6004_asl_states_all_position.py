from collections.abc import Iterator

from samcheck.analysis.statemachines import state_machines, walk_states
from samcheck.rule import Finding, Rule, RuleContext, Severity

ALL = "States.ALL"


class AslStatesAllPosition(Rule):
    """``States.ALL`` matches every error, so it must stand alone in its ``ErrorEquals`` and be in
    the last retrier or catcher; anywhere else the definition is rejected (and would hide the more
    specific handlers after it).

    **Anti-pattern**

    ```yaml
    Catch:
      - ErrorEquals: [States.ALL]
        Next: Cleanup
      - ErrorEquals: [States.Timeout]
        Next: Retry
    ```

    **Best practice**

    ```yaml
    Catch:
      - ErrorEquals: [States.Timeout]
        Next: Retry
      - ErrorEquals: [States.ALL]
        Next: Cleanup
    ```
    """

    id = "SC6004"
    name = "asl-states-all-position"
    severity = Severity.ERROR
    summary = "States.ALL not alone in ErrorEquals, or not in the last retrier or catcher"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for machine in state_machines(context.template):
            for state in walk_states(machine.definition):
                for field in ("Retry", "Catch"):
                    handlers = state.body.get(field)
                    handlers = handlers if isinstance(handlers, list) else []
                    for index, handler in enumerate(handlers):
                        errors = handler.get("ErrorEquals") if isinstance(handler, dict) else None
                        if not isinstance(errors, list) or ALL not in errors:
                            continue
                        problem = None
                        if len(errors) > 1:
                            problem = f"{ALL} must be alone in ErrorEquals"
                        elif index != len(handlers) - 1:
                            problem = f"{ALL} must be in the last entry of {field}"
                        if problem:
                            yield context.report(
                                machine.span((*state.path, field, index, "ErrorEquals")),
                                f"{state.name}: {problem}; move it last, on its own",
                                resource=machine.resource.source_id,
                                file=machine.file,
                            )
