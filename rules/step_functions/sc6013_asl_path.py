from collections.abc import Iterator

from samcheck.analysis.asl_expressions import EVALUATED, expressions, looks_like_call, path_problem
from samcheck.analysis.statemachines import query_language, state_machines, walk_states
from samcheck.rule import Finding, Rule, RuleContext, Severity


class AslPath(Rule):
    """In a JSONPath state, the path fields (``InputPath``, ``OutputPath``, ``ResultPath``,
    ``ItemsPath``, the ``…Path`` fields, a Choice rule's ``Variable``) and every payload template key
    ending in ``.$`` hold a path: ``$`` alone, ``$.field``, ``$[0]``, a variable ``$name``, or
    ``$$.`` and a field of the Context object (``$$.Execution.Id``, ``$$.Map.Item.Value``).
    Step Functions refuses the definition for anything else ("must be a valid JSONPath or a valid
    intrinsic function call"): a path without ``$``, a bracket or quote not closed, a Context field
    that does not exist. ``ResultPath`` and the other Reference Paths name one node, so no filter,
    wildcard or slice. ``InputPath``, ``OutputPath`` and ``ResultPath`` may be ``null``. An
    intrinsic function call in a ``.$`` key is SC6014's.

    **Anti-pattern**

    ```yaml
    Parameters:
      orderId.$: order.id
      startedAt.$: $$.Execution.StartedTime
    ```

    **Best practice**

    ```yaml
    Parameters:
      orderId.$: $.order.id
      startedAt.$: $$.Execution.StartTime
    ```
    """

    id = "SC6013"
    name = "asl-path"
    severity = Severity.ERROR
    summary = "A path field or .$ key whose value is not a path Step Functions accepts"
    url = "https://states-language.net/spec.html#path"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for machine in state_machines(context.template):
            for state in walk_states(machine.definition):
                if query_language(machine.definition, state) != "JSONPath":
                    continue  # a JSONata state has no paths (SC6012 reports JSONPath fields there)
                for expression in expressions(state):
                    value = expression.value
                    if machine.is_unknown(expression.path) or (value is None and "null" in expression.kinds):
                        continue
                    problem: str | None = None
                    if not isinstance(value, str):
                        problem = "it is not a text"
                    elif "call" in expression.kinds and looks_like_call(value):
                        continue  # SC6014 judges calls
                    elif not value.startswith("$") and expression.field.endswith(EVALUATED):
                        problem = "it is neither a path ($.field, $$.Context, $variable) nor an intrinsic function call"
                    else:
                        problem = path_problem(value, "reference" in expression.kinds)
                    if problem is not None:
                        yield context.report(
                            machine.span(expression.path),
                            f"{state.name}: {expression.field} is {value!r}, which Step Functions refuses: {problem}",
                            resource=machine.resource.source_id,
                            file=machine.file,
                        )
