from collections.abc import Iterator

from samcheck.analysis.statemachines import state_machines, walk_states
from samcheck.analysis.values import as_number
from samcheck.rule import Finding, Rule, RuleContext, Severity

JITTER_STRATEGIES = ("FULL", "NONE")


class AslRetryRange(Rule):
    """Retrier fields Step Functions rejects: ``IntervalSeconds`` below 1, ``MaxAttempts`` outside
    0–99,999,999, ``BackoffRate`` below 1.0, ``MaxDelaySeconds`` outside 1–31,622,400, a
    ``JitterStrategy`` other than FULL or NONE.

    **Anti-pattern**

    ```yaml
    Retry:
      - ErrorEquals: [States.TaskFailed]
        IntervalSeconds: 0
        BackoffRate: 0.5
    ```

    **Best practice**

    ```yaml
    Retry:
      - ErrorEquals: [States.TaskFailed]
        IntervalSeconds: 2
        BackoffRate: 2.0
        JitterStrategy: FULL
    ```
    """

    id = "SC6007"
    name = "asl-retry-range"
    severity = Severity.ERROR
    summary = "A retrier's IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds or JitterStrategy out of range"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        ranges = {
            "IntervalSeconds": (context.limit("sfn-retry-interval-min"), None),
            "MaxAttempts": (0, context.limit("sfn-retry-attempts-max")),
            "BackoffRate": (context.limit("sfn-retry-backoff-min"), None),
            "MaxDelaySeconds": (context.limit("sfn-retry-max-delay-min"), context.limit("sfn-retry-max-delay-max")),
        }
        for machine in state_machines(context.template):
            for state in walk_states(machine.definition):
                retriers = state.body.get("Retry")
                for index, retrier in enumerate(retriers if isinstance(retriers, list) else []):
                    if not isinstance(retrier, dict):
                        continue
                    for field, (low, high) in ranges.items():
                        value = as_number(retrier.get(field))
                        if value is None or (value >= low and (high is None or value <= high)):
                            continue
                        bounds = f"at least {low:g}" if high is None else f"{low:g}–{high:,.0f}"
                        yield context.report(
                            machine.span((*state.path, "Retry", index, field)),
                            f"{state.name}: Retry {field} {value:g} must be {bounds}; fix the retrier",
                            resource=machine.resource.source_id,
                            file=machine.file,
                        )
                    jitter = retrier.get("JitterStrategy")
                    jitter_path = (*state.path, "Retry", index, "JitterStrategy")
                    if jitter is not None and not machine.is_unknown(jitter_path) and jitter not in JITTER_STRATEGIES:
                        yield context.report(
                            machine.span(jitter_path),
                            f"{state.name}: JitterStrategy {jitter!r} must be FULL or NONE",
                            resource=machine.resource.source_id,
                            file=machine.file,
                        )
