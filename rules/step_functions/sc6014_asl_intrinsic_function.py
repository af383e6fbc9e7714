from collections.abc import Iterator

from samcheck.analysis.asl_expressions import call_problems, expressions, looks_like_call
from samcheck.analysis.statemachines import query_language, state_machines, walk_states
from samcheck.rule import Finding, Rule, RuleContext, Severity


class AslIntrinsicFunction(Rule):
    """An intrinsic function call (in a ``.$`` key of a JSONPath state, or its ``ErrorPath`` and
    ``CausePath``) names one of the ``States.*`` functions Step Functions defines and gives it as
    many arguments as it takes (``States.MathAdd`` two, ``States.MathRandom`` two or three,
    ``States.Format`` the format and any number more); arguments are quoted texts, numbers,
    paths and calls. Step Functions refuses the definition otherwise. The functions and their
    arguments are data in ``schemas/asl-expressions.json``, with their source.

    **Anti-pattern**

    ```yaml
    Parameters:
      id.$: States.UUID($.seed)
      total.$: States.Add($.a, $.b)
    ```

    **Best practice**

    ```yaml
    Parameters:
      id.$: States.UUID()
      total.$: States.MathAdd($.a, $.b)
    ```
    """

    id = "SC6014"
    name = "asl-intrinsic-function"
    severity = Severity.ERROR
    summary = "An intrinsic function call of a function that does not exist, or with the wrong arguments"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for machine in state_machines(context.template):
            for state in walk_states(machine.definition):
                if query_language(machine.definition, state) != "JSONPath":
                    continue  # JSONata states have no intrinsic functions
                for expression in expressions(state):
                    value = expression.value
                    if "call" not in expression.kinds or not isinstance(value, str) or not looks_like_call(value):
                        continue
                    if machine.is_unknown(expression.path):
                        continue
                    for problem in call_problems(value):
                        yield context.report(
                            machine.span(expression.path),
                            f"{state.name}: {expression.field}: {problem}",
                            resource=machine.resource.source_id,
                            file=machine.file,
                        )
