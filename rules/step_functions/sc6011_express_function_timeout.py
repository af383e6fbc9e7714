from collections.abc import Iterator

from samcheck.analysis.statemachines import state_machines, task_functions, walk_states
from samcheck.analysis.values import Candidate, numbers, qualifier, together
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity


class ExpressFunctionTimeout(Rule):
    """An EXPRESS workflow ends after 5 minutes, whatever its states are doing: a task that invokes
    a function of this template whose ``Timeout`` is longer fails the execution while the function
    runs on (and is billed). Shorten the function, or run the workflow as STANDARD. The machine's type,
    the function a Task invokes and its ``Timeout`` are judged together for every deployment they
    may have (a parameter's allowed values, an ``Fn::If``); the finding says which.

    **Anti-pattern**

    ```yaml
    Report:
      Type: AWS::Serverless::Function
      Properties:
        Timeout: 600
    Flow:
      Type: AWS::Serverless::StateMachine
      Properties:
        Type: EXPRESS
        Definition:
          StartAt: Build
          States:
            Build: {Type: Task, Resource: !GetAtt Report.Arn, End: true}
    ```

    **Best practice**

    ```yaml
    Flow:
      Type: AWS::Serverless::StateMachine
      Properties:
        Type: STANDARD   # or keep EXPRESS with a function Timeout of at most 300
    ```
    """

    id = "SC6011"
    name = "express-function-timeout"
    severity = Severity.WARNING
    summary = "An EXPRESS workflow invokes a function whose Timeout exceeds the workflow's 5-minute limit"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html"
    tags = ("stepfunctions", "lambda", "limit")
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        limit = context.limit("sfn-express-duration-max")
        for machine in state_machines(template):
            express = machine.express
            if not express:
                continue
            for state in walk_states(machine.definition):
                for task in task_functions(template, machine, state):
                    function = task.function
                    timeout = context.property(function, "Timeout", context.limit("lambda-timeout-default"))
                    invoked = [Candidate(task, task.when)]
                    for (seconds, _, _), when in together(numbers(timeout), express, invoked):
                        if seconds <= limit:
                            continue
                        yield context.report(
                            machine.span(state.path),
                            f"{state.name} invokes {function.source_id}, which may run {seconds:g} s, but an EXPRESS "
                            f"workflow ends after {limit:g} s{qualifier(when)}; lower the function's Timeout to "
                            f"{limit:g} s or run the workflow as STANDARD",
                            resource=machine.resource.source_id,
                            file=machine.file,
                            related=[
                                Related(
                                    f"{function.source_id} Timeout {seconds:g} s", timeout.location.span, context.file
                                ),
                                *context.when_related(when),
                            ],
                        )
