from collections.abc import Iterator
from datetime import datetime, timezone

from samcheck.analysis.statemachines import state_machines, walk_states
from samcheck.analysis.values import as_number
from samcheck.rule import Finding, Rule, RuleContext, Severity


class AslDurationLimits(Rule):
    """An EXPRESS workflow runs at most 5 minutes and a STANDARD one at most a year: a Wait state (its
    ``Seconds``, or a fixed ``Timestamp`` further away than that) or a ``TimeoutSeconds`` longer than
    that can never be reached; the execution is stopped first.

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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for machine in state_machines(context.template):
            limit = context.limit("sfn-express-duration-max" if machine.express else "sfn-standard-duration-max")
            kind = "EXPRESS" if machine.express else "STANDARD"
            places = [((), machine.definition)] + [(s.path, s.body) for s in walk_states(machine.definition)]
            for path, body in places:
                checks = [("TimeoutSeconds", as_number(body.get("TimeoutSeconds")))]
                if body.get("Type") == "Wait":
                    checks.append(("Seconds", as_number(body.get("Seconds"))))
                    checks.append(("Timestamp", _seconds_until(body.get("Timestamp"), context)))
                for field, seconds in checks:
                    if seconds is not None and seconds > limit:
                        yield context.report(
                            machine.span((*path, field)),
                            f"{field} means {seconds:,.0f} s, longer than a {kind} workflow may run ({limit:,.0f} s); "
                            "shorten it" + ("" if not machine.express else " or make the workflow STANDARD"),
                            resource=machine.resource.source_id,
                            file=machine.file,
                        )


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
