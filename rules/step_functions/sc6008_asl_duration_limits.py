from collections.abc import Iterator
from datetime import datetime, timezone

from samcheck.analysis.statemachines import state_machines, walk_states
from samcheck.analysis.values import ALWAYS, Candidate, When, as_number, qualifier
from samcheck.rule import Finding, Rule, RuleContext, Severity


class AslDurationLimits(Rule):
    """An EXPRESS workflow runs at most 5 minutes and a STANDARD one at most a year: a Wait state (its
    ``Seconds``, or a fixed ``Timestamp`` further away than that) or a ``TimeoutSeconds`` longer than
    that can never be reached; the execution is stopped first. A type that is one of several is
    judged for each (the finding says when); one known only at deploy time against a year.

    **Anti-pattern**

    ```yaml
    Type: EXPRESS
    Definition:
      StartAt: Pause
      States:
        Pause: {Type: Wait, Seconds: 600, End: true}
    ```

    **Best practice**

    ```yaml
    Type: STANDARD   # or wait less than 5 minutes
    ```
    """

    id = "SC6008"
    name = "asl-duration-limits"
    severity = Severity.ERROR
    summary = "A Wait or TimeoutSeconds longer than the workflow may run (5 minutes EXPRESS, 1 year STANDARD)"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html"
    tags = ("stepfunctions", "limit")
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limits = {
            "EXPRESS": context.limit("sfn-express-duration-max"),
            "STANDARD": context.limit("sfn-standard-duration-max"),
        }
        for machine in state_machines(context.template):
            # A type known only at deploy time: the STANDARD limit holds whatever it is.
            kinds = [kind for kind in machine.types if kind.value in limits] or [Candidate("STANDARD")]
            places = [((), machine.definition)] + [(s.path, s.body) for s in walk_states(machine.definition)]
            for path, body in places:
                checks = [("TimeoutSeconds", as_number(body.get("TimeoutSeconds")))]
                if body.get("Type") == "Wait":
                    checks.append(("Seconds", as_number(body.get("Seconds"))))
                    checks.append(("Timestamp", _seconds_until(body.get("Timestamp"), context)))
                for field, seconds in checks:
                    if seconds is None:
                        continue
                    for kind, when in _exceeded(kinds, limits, seconds):
                        yield context.report(
                            machine.span((*path, field)),
                            f"{field} means {seconds:,.0f} s, longer than a {kind} workflow may run "
                            f"({limits[kind]:,.0f} s){qualifier(when)}; shorten it"
                            + (" or make the workflow STANDARD" if kind == "EXPRESS" else ""),
                            resource=machine.resource.source_id,
                            file=machine.file,
                            related=context.when_related(when),
                        )


def _exceeded(kinds: list[Candidate], limits: dict[str, float], seconds: float) -> list[tuple[str, When]]:
    """The types whose limit a duration exceeds, with when; once, for every deployment, when it
    exceeds them all (named by the longest limit)."""
    over = [kind for kind in kinds if seconds > limits[kind.value]]
    if over and len(over) == len(kinds):
        return [(max((kind.value for kind in over), key=limits.__getitem__), ALWAYS)]
    return [(kind.value, kind.when) for kind in over]


def _seconds_until(timestamp: object, context: RuleContext) -> float | None:
    if not isinstance(timestamp, str):
        return None
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    today = datetime(context.today.year, context.today.month, context.today.day, tzinfo=timezone.utc)
    return (moment - today).total_seconds()
