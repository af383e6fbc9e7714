import difflib
from collections.abc import Iterator

from samcheck.analysis.statemachines import (
    State,
    StateFields,
    StateMachine,
    query_language,
    state_fields,
    state_machines,
    walk_states,
)
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.step_functions._asl import END_STATE_FORBIDDEN

# What a JSONPath state writes instead of each JSONata field.
_IN_JSONPATH = {"Arguments": "Parameters", "Output": "ResultSelector or OutputPath", "Items": "ItemsPath"}


class AslStateFields(Rule):
    """Each state type takes its own fields, and Step Functions rejects the definition for any
    other (``SCHEMA_VALIDATION_FAILED``): ``Retry`` on a Pass, Wait or Choice state,
    ``TimeoutSeconds`` outside a Task, a misspelled retrier key (``IntervalSecond``,
    ``BackOffRate``, ``MaxAttempt``). The query language decides the rest: a JSONata state has
    ``Arguments`` and ``Output`` instead of ``InputPath``, ``Parameters``, ``ResultSelector``,
    ``ResultPath``, ``OutputPath`` and the ``…Path`` fields, and a JSONPath state the reverse.
    Fields of Fail and Succeed states that end the execution are SC6002's.

    **Anti-pattern**

    ```yaml
    Pause:
      Type: Wait
      Seconds: 10
      Next: Poll
      Retry:
        - ErrorEquals: [States.ALL]
          IntervalSecond: 2
    ```

    **Best practice**

    ```yaml
    Pause:
      Type: Wait
      Seconds: 10
      Next: Poll
    ```
    """

    id = "SC6012"
    name = "asl-state-fields"
    severity = Severity.ERROR
    summary = "A field the state type, retrier or catcher does not take, or one of the other query language"
    url = "https://states-language.net/spec.html"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for machine in state_machines(context.template):
            fields = state_fields()  # read once a template has a state machine
            for state in walk_states(machine.definition):
                yield from self._state(context, machine, state, fields)
                for handler, allowed in (("Retry", fields.retrier), ("Catch", fields.catcher)):
                    entries = state.body.get(handler)
                    for index, entry in enumerate(entries if isinstance(entries, list) else []):
                        for key in sorted(set(entry) - allowed) if isinstance(entry, dict) else ():
                            yield context.report(
                                machine.span((*state.path, handler, index, key)),
                                f"{state.name}: {handler}[{index}] has {key}, which a "
                                f"{'retrier' if handler == 'Retry' else 'catcher'} does not take; "
                                f"{_suggest(key, allowed)}",
                                resource=machine.resource.source_id,
                                file=machine.file,
                            )

    def _state(
        self, context: RuleContext, machine: StateMachine, state: State, fields: StateFields
    ) -> Iterator[Finding]:
        kind = state.body.get("Type")
        if not isinstance(kind, str) or kind not in fields.states:
            return  # no or an unknown Type: the schema reports that
        allowed = fields.common | fields.states[kind]
        language = query_language(machine.definition, state)
        for key in sorted(state.body):
            if kind in ("Fail", "Succeed") and key in END_STATE_FORBIDDEN:
                continue
            other = next((name for name, own in fields.query_language_only.items() if key in own), None)
            if key not in allowed:
                message = f"{kind} state {state.name} does not take {key}; {_suggest(key, allowed)}"
            elif language is not None and other is not None and other != language:
                instead = "Arguments and Output" if language == "JSONata" else _IN_JSONPATH.get(key, "JSONPath fields")
                message = (
                    f"{state.name} is read as {language}, but {key} is a {other} field; use {instead}, or set "
                    f'"QueryLanguage": "{other}" on the state'
                )
            else:
                continue
            yield context.report(
                machine.span((*state.path, key)), message, resource=machine.resource.source_id, file=machine.file
            )


def _suggest(key: str, allowed: frozenset[str]) -> str:
    close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
    return f"did you mean {close[0]}?" if close else f"remove it (it takes {', '.join(sorted(allowed))})"
