import difflib
import re
from collections.abc import Iterator
from typing import Any

from samcheck.analysis.asl_expressions import EVALUATED, NESTED_MACHINES
from samcheck.analysis.jsonata import expression_of, jsonata_names, mentions_expression, read
from samcheck.analysis.statemachines import (
    State,
    StateMachine,
    query_language,
    state_fields,
    state_machines,
    walk_states,
)
from samcheck.analysis.values import qualifier, texts
from samcheck.rule import Finding, NodePath, Rule, RuleContext, Severity, When, intrinsic_name, shortened

# Fields a JSONata state evaluates a {% %} text in only where they hold data, not names or notes.
_NOT_EVALUATED = frozenset({"Type", "Comment", "Next", "End", "Default", "QueryLanguage", "Label", "Retry"})
# Fields of a JSONPath state that take a number, with the JSONPath field that reads one from the input.
_NUMBERS = {
    "Seconds": "SecondsPath",
    "TimeoutSeconds": "TimeoutSecondsPath",
    "HeartbeatSeconds": "HeartbeatSecondsPath",
    "MaxConcurrency": "MaxConcurrencyPath",
    "ToleratedFailureCount": "ToleratedFailureCountPath",
    "ToleratedFailurePercentage": "ToleratedFailurePercentagePath",
}
# Fields of a JSONPath state that take a text, passed as written.
_TEXTS = {"Timestamp": "TimestampPath", "Error": "ErrorPath", "Cause": "CausePath"}
_VARIABLE_NAME = re.compile(r"[^\W\d]\w*")

_Found = tuple[NodePath, str, Severity | None, When]  # When: the deployments it holds in


def _error(path: NodePath, message: str) -> _Found:
    return path, message, None, frozenset()


def _warning(path: NodePath, message: str) -> _Found:
    return path, message, Severity.WARNING, frozenset()


class AslJsonata(Rule):
    """JSONata in Amazon States Language, as Step Functions reads it. A JSONata state evaluates a
    text only when it is wholly ``{% … %}``; Step Functions parses each such expression when the
    state machine is created and refuses one with a bracket or quote not closed, or that opens with
    a bare name (``{% states.input.id %}``: an expression has no input in context, the input is
    ``$states.input``). ``$states`` has ``input``, ``result``, ``errorOutput`` and ``context`` only;
    a call of a function that is neither JSONata's nor one Step Functions adds (``$partition``,
    ``$range``, ``$hash``, ``$random``, ``$uuid``, ``$parse``; ``$eval`` is left out) fails when the
    expression is evaluated. A state may not be JSONPath in a JSONata machine, nor a Map's
    ``ItemProcessor`` set ``QueryLanguage``; a JSONata Choice rule is a ``Condition``, a JSONPath one
    a ``Variable`` and a comparison; a JSONPath state's ``Seconds``, ``TimeoutSeconds`` and the other
    numbers are numbers, not expressions. ``Assign`` names variables as JSONata can read them
    (``$name``), and ``states`` is taken. Warnings: text around ``{% … %}`` (the whole value is then
    passed as written), a ``{% %}`` ``Error``, ``Cause`` or ``Timestamp`` of a JSONPath state (passed
    as written), and a variable that no state of the machine assigns. Fields of the other query
    language are SC6012's; a ``.$`` key in a JSONata state and a ``{%`` not closed, SC6015's.

    **Anti-pattern**

    ```yaml
    QueryLanguage: JSONata
    States:
      Charge:
        Type: Task
        Resource: arn:aws:states:::lambda:invoke
        Arguments:
          FunctionName: charge
          Payload: "{% states.input.order %}"
        Output: "Charged {% $states.result.Payload.id %}"
        End: true
    ```

    **Best practice**

    ```yaml
    QueryLanguage: JSONata
    States:
      Charge:
        Type: Task
        Resource: arn:aws:states:::lambda:invoke
        Arguments:
          FunctionName: charge
          Payload: "{% $states.input.order %}"
        Output: "{% 'Charged ' & $states.result.Payload.id %}"
        End: true
    ```
    """

    id = "SC6017"
    name = "asl-jsonata"
    severity = Severity.ERROR
    summary = "A JSONata expression, query language or Choice rule that Step Functions refuses or reads as text"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for machine in state_machines(context.template):
            assigned = _assigned(machine)
            for state in walk_states(machine.definition):
                found = [*_query_language(machine, state), *_assign_names(machine, state)]
                language = query_language(machine.definition, state)
                if language == "JSONata":
                    found += _choice_rules(machine, state, "JSONata")
                    for path, key, text, when in _texts(context, machine, state):
                        found += [
                            (path, message + qualifier(when), severity, when)
                            for message, severity in _judge_text(key, text, assigned)
                        ]
                elif language == "JSONPath":
                    found += _choice_rules(machine, state, "JSONPath")
                    found += _jsonpath_expressions(machine, state)
                for path, message, severity, when in found:
                    yield context.report(
                        machine.span(path),
                        f"{state.name}: {message}",
                        resource=machine.resource.source_id,
                        file=machine.file,
                        severity=severity,
                        related=context.when_related(when),
                    )


def _query_language(machine: StateMachine, state: State) -> Iterator[_Found]:
    top = machine.definition.get("QueryLanguage")
    if top == "JSONata" and state.body.get("QueryLanguage") == "JSONPath":
        yield _error(
            (*state.path, "QueryLanguage"),
            "QueryLanguage is JSONPath, but the machine's is JSONata, and Step Functions refuses a JSONPath "
            "state in a JSONata machine; leave the machine's QueryLanguage out (JSONPath) and set "
            '"QueryLanguage": "JSONata" on the states that use it, or write this state in JSONata',
        )
    for key in ("ItemProcessor", "Iterator"):
        processor = state.body.get(key)
        if isinstance(processor, dict) and "QueryLanguage" in processor:
            yield _error(
                (*state.path, key, "QueryLanguage"),
                f"{key} does not take QueryLanguage (its states take the machine's); set it on each of its "
                "states, or on the machine",
            )


def _assign_blocks(state: State) -> Iterator[tuple[NodePath, Any]]:
    """Every Assign of a state: its own, its catchers' and its Choice rules'."""
    if "Assign" in state.body:
        yield (*state.path, "Assign"), state.body["Assign"]
    for handler in ("Catch", "Choices"):
        entries = state.body.get(handler)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and "Assign" in entry:
                yield (*state.path, handler, index, "Assign"), entry["Assign"]


def _assigned(machine: StateMachine) -> frozenset[str] | None:
    """The variables some state of the machine assigns; None when which is not certain (an Assign or
    a state known only at deploy time)."""
    names: set[str] = set()
    states = walk_states(machine.definition)
    for state in states:
        if machine.is_unknown(state.path):
            return None
        for path, block in _assign_blocks(state):
            if not isinstance(block, dict) or machine.is_unknown(path):
                return None
            names |= {key.removesuffix(EVALUATED) for key in block if isinstance(key, str)}
    return frozenset(names)


def _assign_names(machine: StateMachine, state: State) -> Iterator[_Found]:
    for path, block in _assign_blocks(state):
        for key in block if isinstance(block, dict) else ():
            name = key.removesuffix(EVALUATED) if isinstance(key, str) else key
            if machine.is_unknown((*path, key)):
                continue
            if name == "states":
                yield _error((*path, key), "Assign names a variable states, but $states is Step Functions' own")
            elif not isinstance(name, str) or _VARIABLE_NAME.fullmatch(name) is None:
                yield _error(
                    (*path, key),
                    f"Assign names a variable {name!r}, which JSONata cannot read as ${name} (a variable's name is a "
                    "letter or _, then letters, digits or _)",
                )


def _choice_rules(machine: StateMachine, state: State, language: str) -> Iterator[_Found]:
    if state.body.get("Type") != "Choice":
        return
    fields = state_fields().choice_rule
    choices = state.body.get("Choices")
    for index, rule in enumerate(choices if isinstance(choices, list) else []):
        path = (*state.path, "Choices", index)
        if not isinstance(rule, dict) or machine.is_unknown(path):
            continue
        jsonpath = [key for key in rule if key in fields["JSONPath"]]
        if language == "JSONata":
            if jsonpath:
                yield _error(
                    (*path, jsonpath[0]),
                    f"Choices[{index}] has {' and '.join(jsonpath)}, which a JSONPath Choice rule takes; the state "
                    'is read as JSONata, where a rule is a "Condition": "{% … %}" that is true or false',
                )
            elif "Condition" not in rule:
                yield _error(path, f'Choices[{index}] has no Condition; add "Condition": "{{% … %}}"')
        elif "Condition" in rule:
            yield _error(
                (*path, "Condition"),
                f"Choices[{index}] has Condition, which a JSONata Choice rule takes; the state is read as "
                'JSONPath, where a rule compares a Variable; set "QueryLanguage": "JSONata" on the state',
            )


def _texts(context: RuleContext, machine: StateMachine, state: State) -> Iterator[tuple[NodePath, str, str, When]]:
    """The texts of a JSONata state that hold {% %}, with the key they are written under: those of an
    intrinsic (an ``Fn::If``, a parameter's AllowedValues) once per candidate, with when it is deployed."""
    skipped = _NOT_EVALUATED | NESTED_MACHINES | state_fields().query_language_only["JSONPath"]
    for key, value in state.body.items():
        if key in ("Choices", "Catch") and isinstance(value, list):
            for index, entry in enumerate(value):
                for field in ("Condition", "Output", "Assign"):
                    if isinstance(entry, dict) and field in entry:
                        yield from _within(context, machine, entry[field], (*state.path, key, index, field), field)
        elif key not in skipped:
            yield from _within(context, machine, value, (*state.path, key), key)


def _within(
    context: RuleContext, machine: StateMachine, node: Any, path: NodePath, key: str
) -> Iterator[tuple[NodePath, str, str, When]]:
    if isinstance(node, dict) and intrinsic_name(node) is not None:
        for candidate in texts(context.template.resolver.resolve(node)):
            # A ${} left in a candidate is a substitution whose value is not known here.
            if "${" not in candidate.value and mentions_expression(candidate.value):
                yield path, key, candidate.value, candidate.when
    elif machine.is_unknown(path):
        return
    elif isinstance(node, dict):
        for name, value in node.items():
            yield from _within(context, machine, value, (*path, name), str(name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _within(context, machine, item, (*path, index), key)
    elif isinstance(node, str) and mentions_expression(node):
        yield path, key, node, frozenset()


def _judge_text(key: str, text: str, assigned: frozenset[str] | None) -> Iterator[tuple[str, Severity | None]]:
    expression = expression_of(text)
    if expression is None:
        if not text.lstrip().startswith("{%"):  # one that opens {% and does not end %} is SC6015's
            yield (
                f"{key} is {shortened(text)!r}: only a text that is wholly {{% … %}} is evaluated, so this one is "
                f"passed as written; write the whole value as one expression, such as {{% 'text ' & $value %}}",
                Severity.WARNING,
            )
        return
    reading = read(expression)
    for problem in reading.problems:
        yield f"{key}: Step Functions refuses the JSONata expression, as it does not parse: {problem}", None
    if reading.problems:
        return
    names = jsonata_names()
    if reading.bare_start is not None:
        hint = (
            "did you mean $states?"
            if reading.bare_start == "states"
            else f"did you mean $states.input.{reading.bare_start}?"
        )
        yield (
            f"{key} opens with {reading.bare_start}, a reference at the top level, which Step Functions refuses "
            f"(an expression has no input in context: the state's input is $states.input); {hint}",
            None,
        )
    for field in sorted(set(reading.states_fields) - names.states):
        yield (
            f"{key} reads $states.{field}, but $states has only {', '.join(sorted(names.states))}"
            f"{_close(field, names.states)}",
            None,
        )
    known = names.functions | reading.bound | (assigned or frozenset())
    for function in sorted(set(reading.calls) - known):
        if function in names.unavailable:
            yield (
                f"{key} calls ${function}, which Step Functions does not offer; call ${names.unavailable[function]}",
                None,
            )
        else:
            yield (
                f"{key} calls ${function}, which is neither a JSONata function nor one Step Functions adds, so the "
                f"expression fails when evaluated{_close(function, names.functions, '$')}",
                None,
            )
    if assigned is None:
        return  # which variables the machine assigns is not certain
    unassigned = set(reading.variables) - assigned - reading.bound - names.functions - {"states"}
    for variable in sorted(unassigned):
        yield (
            f"{key} reads ${variable}, but no state of this machine assigns {variable}; assign it with Assign in an "
            f"earlier state{_close(variable, assigned, '$')}",
            Severity.WARNING,
        )


def _jsonpath_expressions(machine: StateMachine, state: State) -> Iterator[_Found]:
    """The {% %} expressions of a JSONPath state's number and text fields (its payload templates are
    SC6015's)."""
    for key, path_field in {**_NUMBERS, **_TEXTS}.items():
        value = state.body.get(key)
        path = (*state.path, key)
        if not isinstance(value, str) or expression_of(value) is None or machine.is_unknown(path):
            continue
        switch = f'set "QueryLanguage": "JSONata" on the state, or use {path_field}'
        if key in _NUMBERS:
            yield _error(
                path,
                f"{key} is a JSONata expression, but the state is read as JSONPath, where {key} is a number; {switch}",
            )
        else:
            yield _warning(
                path,
                f"{key} is a JSONata expression, but the state is read as JSONPath, which passes it as that "
                f"text; {switch}",
            )


def _close(name: str, names: frozenset[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.75)
    return f"; did you mean {prefix}{close[0]}?" if close else ""
