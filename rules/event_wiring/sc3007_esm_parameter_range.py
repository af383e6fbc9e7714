from collections.abc import Iterator

from samcheck.analysis.values import numbers, qualifier
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import mapping_reads

STREAM_KINDS = ("kinesis", "dynamodb")


class EsmParameterRange(Rule):
    """Event source mapping settings outside what Lambda accepts: ``MaximumBatchingWindowInSeconds``
    0–300, ``ParallelizationFactor`` 1–10, ``MaximumRetryAttempts`` -1 or 0–10,000,
    ``MaximumRecordAgeInSeconds`` -1 or 60–604,800, ``TumblingWindowInSeconds`` 0–900,
    ``ScalingConfig.MaximumConcurrency`` 2–1,000. ``StartingPosition`` is required for streams and
    forbidden for SQS; samcheck knows the source's kind also when it is a ``!GetAtt`` to a stream or
    queue of the template. Every value a parameter allows or a condition chooses is judged, and the
    finding says which.

    **Anti-pattern**

    ```yaml
    Events:
      Clicks:
        Type: Kinesis
        Properties:
          Stream: !GetAtt Clicks.Arn
          ParallelizationFactor: 20
    ```

    **Best practice**

    ```yaml
    Events:
      Clicks:
        Type: Kinesis
        Properties:
          Stream: !GetAtt Clicks.Arn
          StartingPosition: LATEST
          ParallelizationFactor: 10
    ```
    """

    id = "SC3007"
    name = "esm-parameter-range"
    severity = Severity.ERROR
    summary = "Event source mapping setting out of range, or StartingPosition missing on a stream / set on SQS"
    url = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html"
    tags = ("lambda", "wiring")
    resource_types = frozenset({"AWS::Lambda::EventSourceMapping"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        ranges: list[tuple[tuple[str, ...], float, float, bool]] = [
            (
                ("MaximumBatchingWindowInSeconds",),
                context.limit("esm-batching-window-min"),
                context.limit("esm-batching-window-max"),
                False,
            ),
            (
                ("ParallelizationFactor",),
                context.limit("esm-parallelization-min"),
                context.limit("esm-parallelization-max"),
                False,
            ),
            (("MaximumRetryAttempts",), 0, context.limit("esm-retries-max"), True),
            (
                ("MaximumRecordAgeInSeconds",),
                context.limit("esm-record-age-min"),
                context.limit("esm-record-age-max"),
                True,
            ),
            (("TumblingWindowInSeconds",), 0, context.limit("esm-tumbling-window-max"), False),
            (
                ("ScalingConfig", "MaximumConcurrency"),
                context.limit("esm-max-concurrency-min"),
                context.limit("esm-max-concurrency-max"),
                False,
            ),
        ]
        for mapping in context.of_type("AWS::Lambda::EventSourceMapping"):
            for path, low, high, minus_one_allowed in ranges:
                setting = context.property(mapping, path)
                for value, when in numbers(setting):
                    if low <= value <= high or (minus_one_allowed and value == -1):
                        continue
                    infinite = " (or -1 for no limit)" if minus_one_allowed else ""
                    yield context.report(
                        setting.location,
                        f"{'.'.join(path)} {value:g}{qualifier(when)} is outside {low:g}–{high:,.0f}{infinite}; set a "
                        "value in that range",
                        resource=mapping.source_id,
                        related=context.when_related(when),
                    )
        for wiring in mapping_reads(template):
            mapping = wiring.mapping
            starting = context.property(mapping, "StartingPosition")
            if wiring.kind == "sqs" and starting.present:
                yield context.report(
                    starting.location,
                    f"StartingPosition applies to streams, not to SQS queues{qualifier(wiring.when)}, and Lambda "
                    "rejects it here; remove it",
                    resource=mapping.source_id,
                    related=context.when_related(wiring.when),
                )
            elif wiring.kind in STREAM_KINDS and not starting.present:
                yield context.report(
                    context.locate(mapping),
                    f"a {wiring.kind} stream source{qualifier(wiring.when)} needs StartingPosition "
                    "(TRIM_HORIZON, LATEST or AT_TIMESTAMP); add it",
                    resource=mapping.source_id,
                    related=context.when_related(wiring.when),
                )
