import re
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache

from samcheck.analysis.cfnlint_data import runtime_lifecycle
from samcheck.rule import Finding, Rule, RuleContext, Severity

_FAMILY = re.compile(r"^([a-z]+)")


class LambdaRuntimeDeprecated(Rule):
    """Lambda runtimes reach end of support: after the deprecation date they get no security
    patches (warning); once creates are blocked a new function with that runtime cannot be
    deployed (error); under 180 days before deprecation samcheck mentions it (info). Dates come
    from the runtime lifecycle table that ships with cfn-lint, judged against today (or
    ``--as-of DATE`` for reproducible CI).

    **Anti-pattern**

    ```yaml
    Runtime: python3.8
    ```

    **Best practice**

    ```yaml
    Runtime: python3.13
    ```
    """

    id = "SC1006"
    name = "lambda-runtime-deprecated"
    severity = Severity.WARNING
    summary = "A deprecated runtime, or one whose deprecation is near"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"
    tags = ("lambda", "runtime")
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        lifecycle = runtime_lifecycle()
        notice = timedelta(days=context.limit("lambda-runtime-deprecation-notice"))
        today = context.today
        for function in context.of_type("AWS::Lambda::Function"):
            runtime = context.property(function, "Runtime")
            for name in runtime.candidates:
                dates = lifecycle.get(name) if isinstance(name, str) else None
                if not dates or not dates.get("deprecated"):
                    continue
                deprecated = date.fromisoformat(str(dates["deprecated"]))
                create_block = _date(dates.get("create-block"))
                update_block = _date(dates.get("update-block"))
                newest = _newest_in_family(name, today)
                advice = f"; move to {newest}" if newest else ""
                blocks = "".join(
                    f", {label} blocked from {when.isoformat()}"
                    for label, when in (("creates", create_block), ("updates", update_block))
                    if when
                )
                dates_text = f"deprecated on {deprecated.isoformat()}{blocks}"
                if create_block and today >= create_block:
                    message, severity = (
                        f"runtime {name} can no longer be used for new functions ({dates_text})",
                        Severity.ERROR,
                    )
                elif today >= deprecated:
                    message, severity = f"runtime {name} is deprecated ({dates_text})", Severity.WARNING
                elif deprecated - today <= notice:
                    days = (deprecated - today).days
                    message, severity = (
                        f"runtime {name} is deprecated in {days} days ({dates_text})",
                        Severity.INFO,
                    )
                else:
                    continue
                yield context.report(
                    runtime.location,
                    message + runtime.value.where([name]) + advice,
                    resource=function.source_id,
                    severity=severity,
                    related=context.parameter_related(runtime.value),
                )


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@cache  # once per runtime, not per function
def _newest_in_family(runtime: str, today: date) -> str | None:
    """The supported runtime of the same family that stays supported longest."""
    family = _FAMILY.match(runtime)
    if not family:
        return None
    candidates = []
    for name, dates in runtime_lifecycle().items():
        if not name.startswith(family.group(1)) or name == runtime:
            continue
        deprecated = _date(dates.get("deprecated"))
        if deprecated is None or deprecated > today:
            candidates.append((deprecated or date.max, name))
    return max(candidates)[1] if candidates else None
