from collections.abc import Iterator

from samcheck.analysis.statemachines import StateMachine, predefined_errors, state_machines, walk_states
from samcheck.rule import Finding, Rule, RuleContext, Severity

PREFIX = "States."


class AslUnknownStatesError(Rule):
    """Error names that begin with ``States.`` are Step Functions' own, and only the ones it
    defines are ever raised; no task may raise another. A retrier or catcher naming
    ``States.Permission`` or ``States.TaskFailedId`` never matches, so the error it was written for
    fails the execution (or falls through to a later ``States.ALL``). A ``Fail`` state of the same
    machine raises its ``Error``, whatever it is named, so that name is caught; one whose error is
    computed at run time (``ErrorPath``, a JSONata expression) may raise any, and nothing is reported.

    **Anti-pattern**

    ```yaml
    Retry:
      - ErrorEquals: [States.Permission]
        MaxAttempts: 2
    ```

    **Best practice**

    ```yaml
    Retry:
      - ErrorEquals: [States.Permissions]
        MaxAttempts: 2
    ```
    """

    id = "SC6010"
    name = "asl-unknown-states-error"
    severity = Severity.ERROR
    summary = "ErrorEquals names a States.* error that Step Functions does not define: it never matches"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        import difflib

        for machine in state_machines(context.template):
            raised = _raised_by_fail_states(machine)
            if raised is None:
                continue
            known = predefined_errors() | raised
            for state in walk_states(machine.definition):
                for field in ("Retry", "Catch"):
                    handlers = state.body.get(field)
                    for index, handler in enumerate(handlers if isinstance(handlers, list) else []):
                        errors = handler.get("ErrorEquals") if isinstance(handler, dict) else None
                        for position, error in enumerate(errors if isinstance(errors, list) else []):
                            if not isinstance(error, str) or not error.startswith(PREFIX) or error in known:
                                continue
                            path = (*state.path, field, index, "ErrorEquals", position)
                            if machine.is_unknown(path):
                                continue
                            close = difflib.get_close_matches(error, sorted(known), n=1)
                            fix = f"did you mean {close[0]}?" if close else f"use one of {', '.join(sorted(known))}"
                            yield context.report(
                                machine.span(path),
                                f"{state.name}: {field}[{index}] names {error}, which Step Functions never raises, so "
                                f"it never matches; {fix}",
                                resource=machine.resource.source_id,
                                file=machine.file,
                            )


def _raised_by_fail_states(machine: StateMachine) -> frozenset[str] | None:
    """The error names the machine's Fail states raise; None when one is known only at run time."""
    raised = set()
    for state in walk_states(machine.definition):
        if state.body.get("Type") != "Fail":
            continue
        error = state.body.get("Error")
        jsonata = isinstance(error, str) and error.startswith("{%")  # an expression, computed at run time
        if "ErrorPath" in state.body or jsonata or machine.is_unknown((*state.path, "Error")):
            return None
        if isinstance(error, str):
            raised.add(error)
    return frozenset(raised)
