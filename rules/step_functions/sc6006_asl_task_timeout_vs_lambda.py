from collections.abc import Iterator

from samcheck.analysis.statemachines import state_machines, task_functions, walk_states
from samcheck.analysis.values import Candidate, as_number, numbers, qualifier, together
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity

_TIMEOUT_FIELDS = ("TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath")


class AslTaskTimeoutVsLambda(Rule):
    """A task that invokes a function of this template with a ``TimeoutSeconds`` shorter than the
        function's ``Timeout`` fails the state while the function runs on (and its retries start a second
        copy). A ``.waitForTaskToken`` task with neither ``TimeoutSeconds`` nor ``HeartbeatSeconds`` (or
        their ``…Path`` forms) waits for a token that may never come, up to a year; a top-level
        ``TimeoutSeconds`` on the machine bounds the wait, so it is not reported then. Functions are
        found however the task names them: ``!GetAtt Fn.Arn`` in an inline definition, ``${Fn.Arn}`` in
        an ``Fn::Sub`` definition, a ``DefinitionSubstitutions`` entry, a function name or ARN. Every
    function a Task may invoke (each ``Fn::If`` branch) and every ``Timeout`` a function may have (a
    parameter's allowed values) is judged; the finding says when it holds.

        **Anti-pattern**

        ```yaml
        Charge:
          Type: Task
          Resource: arn:aws:states:::lambda:invoke
          Parameters: {FunctionName: "${ChargeFunctionArn}"}
          TimeoutSeconds: 10     # ChargeFunction has Timeout: 60
          End: true
        ```

        **Best practice**

        ```yaml
          TimeoutSeconds: 70
        ```
    """

    id = "SC6006"
    name = "asl-task-timeout-vs-lambda"
    severity = Severity.WARNING
    summary = "Task TimeoutSeconds shorter than the invoked function's Timeout, or a callback without a timeout"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html"
    tags = ("stepfunctions", "lambda", "wiring")
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for machine in state_machines(template):
            bounded = "TimeoutSeconds" in machine.definition  # the whole execution times out
            for state in walk_states(machine.definition):
                body = state.body
                resource = body.get("Resource")
                callback = isinstance(resource, str) and resource.endswith(".waitForTaskToken")
                if callback and not bounded and not any(key in body for key in _TIMEOUT_FIELDS):
                    yield context.report(
                        machine.span(state.path),
                        f"{state.name} waits for a task token with no TimeoutSeconds or HeartbeatSeconds, so it "
                        "can wait up to a year; set a TimeoutSeconds (or HeartbeatSeconds)",
                        resource=machine.resource.source_id,
                        file=machine.file,
                    )
                state_timeout = as_number(body.get("TimeoutSeconds"))
                if state_timeout is None:
                    continue
                for task in task_functions(template, machine, state):
                    function = task.function
                    timeout = context.property(function, "Timeout", context.limit("lambda-timeout-default"))
                    for (seconds, _), when in together(numbers(timeout), [Candidate(task, task.when)]):
                        if state_timeout >= seconds:
                            continue
                        yield context.report(
                            machine.span((*state.path, "TimeoutSeconds")),
                            f"{state.name} times out after {state_timeout:g} s, but {function.source_id} may run "
                            f"{seconds:g} s{qualifier(when)}; raise TimeoutSeconds to at least {seconds:g} or "
                            "shorten the function",
                            resource=machine.resource.source_id,
                            file=machine.file,
                            related=[
                                Related(
                                    f"{function.source_id} Timeout {seconds:g} s", timeout.location.span, context.file
                                ),
                                *context.when_related(when),
                            ],
                        )
