from collections.abc import Iterator
from typing import Any

from samcheck.analysis.asl_expressions import EVALUATED, NESTED_MACHINES, literals, looks_like_call, looks_like_path
from samcheck.analysis.statemachines import (
    State,
    StateMachine,
    query_language,
    state_fields,
    state_machines,
    walk_states,
)
from samcheck.rule import Finding, NodePath, Rule, RuleContext, Severity


class AslLiteralText(Rule):
    """Text that reads as an expression but that Step Functions passes on as written. In a JSONPath
    state only the payload template keys ending in ``.$`` are evaluated: ``orderId: $.orderId``
    passes the text "$.orderId", not the order's id, and so does an intrinsic function call or a
    JSONata ``{% %}`` expression there. In a JSONata state only a whole ``{% … %}`` text is
    evaluated: a key ending in ``.$`` is a plain key, and a text that opens ``{%`` without closing
    it with ``%}`` is passed as written.

    **Anti-pattern**

    ```yaml
    Parameters:
      FunctionName: process
      Payload:
        orderId: $.orderId
    ```

    **Best practice**

    ```yaml
    Parameters:
      FunctionName: process
      Payload:
        orderId.$: $.orderId
    ```
    """

    id = "SC6015"
    name = "asl-literal-text"
    severity = Severity.WARNING
    summary = "A path, function call or JSONata expression that Step Functions passes on as literal text"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for machine in state_machines(context.template):
            for state in walk_states(machine.definition):
                language = query_language(machine.definition, state)
                found = self._jsonpath(state) if language == "JSONPath" else self._jsonata(state)
                for path, message in found if language is not None else ():
                    if not machine.is_unknown(path):
                        yield self._report(context, machine, path, f"{state.name}: {message}")

    def _report(self, context: RuleContext, machine: StateMachine, path: NodePath, message: str) -> Finding:
        return context.report(machine.span(path), message, resource=machine.resource.source_id, file=machine.file)

    def _jsonpath(self, state: State) -> Iterator[tuple[NodePath, str]]:
        for path, key, value in literals(state):
            if looks_like_path(value) or (value.startswith("States.") and looks_like_call(value)):
                kind = "a path" if value.startswith("$") else "a function call"
                yield (
                    path,
                    (
                        f"{key} is {value!r}, which looks like {kind} but is passed as that text, since only keys "
                        f"ending in .$ are evaluated; did you mean {key}.$?"
                    ),
                )
            elif _jsonata(value):
                yield (
                    path,
                    (
                        f"{key} is a JSONata expression, but the state is read as JSONPath, which passes it as "
                        f'that text; set "QueryLanguage": "JSONata" on the state, or use {key}.$ and a path'
                    ),
                )

    def _jsonata(self, state: State) -> Iterator[tuple[NodePath, str]]:
        jsonpath_only = state_fields().query_language_only["JSONPath"]
        for key, value in state.body.items():
            if key not in NESTED_MACHINES and key not in jsonpath_only:  # SC6012 reports JSONPath fields
                yield from _in_jsonata(value, (*state.path, key), key)


def _jsonata(text: str) -> bool:
    stripped = text.strip()
    return stripped.startswith("{%") and stripped.endswith("%}")


def _in_jsonata(node: Any, path: NodePath, key: str) -> Iterator[tuple[NodePath, str]]:
    """What a JSONata state's field holds that reads as an expression but is not evaluated."""
    if isinstance(node, dict):
        for name, value in node.items():
            if isinstance(name, str) and name.endswith(EVALUATED):
                yield (
                    (*path, name),
                    (
                        f"{name} is a plain key in a JSONata state, and its value is passed as written; "
                        f"name it {name[: -len(EVALUATED)]} and write its value as {{% … %}}"
                    ),
                )
            yield from _in_jsonata(value, (*path, name), str(name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _in_jsonata(item, (*path, index), key)
    elif isinstance(node, str) and node.strip().startswith("{%") and not node.strip().endswith("%}"):
        yield (
            path,
            f"{key} opens a JSONata expression with {{% but does not close it with %}}, so it is passed as that text",
        )
