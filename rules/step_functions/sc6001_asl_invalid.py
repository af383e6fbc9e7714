from collections.abc import Iterator
from functools import cache
from typing import Any

from samcheck.analysis.statemachines import StateMachine, asl_schema, state_machines
from samcheck.rule import Finding, Rule, RuleContext, Severity, get_path

_TERMINAL = ("Choice", "Succeed", "Fail")


def _steps(field: str) -> tuple[str | int, ...]:
    """ "Choices.0.Next" as a path."""
    return tuple(int(step) if step.isdigit() else step for step in field.split("."))


def _about_unknown(error: Any, machine: StateMachine) -> bool:
    """Whether a schema error (or one of the alternatives it sums up) is about a value known only
    at deploy time: that value may be anything, so it is never a type error."""
    if machine.is_unknown(tuple(error.absolute_path)):
        return True
    return any(_about_unknown(cause, machine) for cause in error.context or ())


@cache
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(asl_schema())


class AslInvalid(Rule):
    """The definition breaks the Amazon States Language (validated against the ASL schema that
    ships in ``schemas/``) or its own references: ``StartAt``, a ``Next``, a Choice ``Default`` or a
    catcher's ``Next`` naming no state of its scope; a state that is neither ``End`` nor has ``Next``
    (Choice, Succeed and Fail excepted); both ``End`` and ``Next``. States no path from ``StartAt``
    reaches are a warning. Parallel branches and Map processors are checked as machines of their
    own. A value known only at deploy time (a ``${}`` substitution samcheck cannot resolve, an
    intrinsic function) may be anything, so it is never reported as the wrong type.

    **Anti-pattern**

    ```yaml
    Definition:
      StartAt: Validate
      States:
        Validate:
          Type: Task
          Resource: arn:aws:states:::lambda:invoke
          Parameters: {FunctionName: validate}
          Next: Sav      # no such state
        Save:
          Type: Pass
          End: true
    ```

    **Best practice**

    ```yaml
          Next: Save
    ```
    """

    id = "SC6001"
    name = "asl-invalid"
    severity = Severity.ERROR
    summary = "A state machine definition that breaks ASL or names states that do not exist"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for machine in state_machines(context.template):
            yield from self._schema(context, machine)
            yield from self._references(context, machine, ())

    def _report(self, context: RuleContext, machine: StateMachine, path: tuple, message: str, **kw: Any) -> Finding:  # type: ignore[type-arg]
        return context.report(machine.span(path), message, resource=machine.resource.source_id, file=machine.file, **kw)

    def _schema(self, context: RuleContext, machine: StateMachine) -> Iterator[Finding]:
        import jsonschema

        errors = [e for e in _validator().iter_errors(machine.definition) if not _about_unknown(e, machine)]
        error = jsonschema.exceptions.best_match(errors)
        if error is not None:
            where = ".".join(str(p) for p in error.absolute_path) or "the definition"
            yield self._report(
                context, machine, tuple(error.absolute_path), f"{where}: {error.message}; fix the definition"
            )

    def _references(self, context: RuleContext, machine: StateMachine, scope: tuple) -> Iterator[Finding]:  # type: ignore[type-arg]
        definition = machine.definition
        states = get_path(definition, (*scope, "States"))
        if not isinstance(states, dict) or machine.is_unknown((*scope, "States")):
            return  # no states, or which ones is known only at deploy time
        names = set(states)
        start = get_path(definition, (*scope, "StartAt"))
        # A state name known only at deploy time may name any state: neither it nor what it
        # leaves unreached is judged.
        unknown = any(
            machine.is_unknown((*scope, "States", name, field))
            for name in names
            for field in ("Next", "Default")
            if isinstance(states[name], dict) and field in states[name]
        ) or any(machine.is_unknown((*scope, "States", name)) for name in names)
        if machine.is_unknown((*scope, "StartAt")):
            start, unknown = None, True
        if isinstance(start, str) and start not in names:
            yield self._report(
                context, machine, (*scope, "StartAt"), f"StartAt names {start!r}, which is not a state here"
            )
        edges: dict[str, set[str]] = {name: set() for name in names}
        for name, body in states.items():
            path = (*scope, "States", name)
            if not isinstance(body, dict) or machine.is_unknown(path):
                continue
            kind = body.get("Type")
            targets = [("Next", body.get("Next")), ("Default", body.get("Default"))]
            for index, choice in enumerate(body.get("Choices") or []):
                if isinstance(choice, dict):
                    targets.append((f"Choices.{index}.Next", choice.get("Next")))
            for index, catcher in enumerate(body.get("Catch") or []):
                if isinstance(catcher, dict):
                    targets.append((f"Catch.{index}.Next", catcher.get("Next")))
            for field, target in targets:
                if target is None or machine.is_unknown((*path, *_steps(field))):
                    continue
                if isinstance(target, str) and target in names:
                    edges[name].add(target)
                else:
                    yield self._report(
                        context,
                        machine,
                        (*path, *_steps(field)),
                        f"{name}: {field} names {target!r}, which is not a state here; name an existing state",
                    )
            if body.get("End") is True and "Next" in body:
                yield self._report(context, machine, path, f"{name} has both End and Next; keep one")
            if kind not in _TERMINAL and body.get("End") is not True and "Next" not in body:
                yield self._report(context, machine, path, f"{name} ({kind}) has neither Next nor End: true; add one")
            for index in range(len(body.get("Branches") or [])):
                yield from self._references(context, machine, (*path, "Branches", index))
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(body.get(key), dict):
                    yield from self._references(context, machine, (*path, key))
        reachable, frontier = set(), [start] if isinstance(start, str) else []
        while frontier:
            current = frontier.pop()
            if current in reachable or current not in edges:
                continue
            reachable.add(current)
            frontier.extend(edges[current])
        for name in sorted(names - reachable) if not unknown else ():
            if isinstance(start, str) and start in names:
                yield self._report(
                    context,
                    machine,
                    (*scope, "States", name),
                    f"{name} cannot be reached from {start}; connect it or remove it",
                    severity=Severity.WARNING,
                )
