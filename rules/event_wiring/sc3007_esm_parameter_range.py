from collections.abc import Iterator

from samcheck.analysis.values import as_number
from samcheck.analysis.wiring import event_sources
from samcheck.rule import Finding, Rule, RuleContext, Severity

STREAM_KINDS = ("kinesis", "dynamodb")


class EsmParameterRange(Rule):
    """Event source mapping settings outside what Lambda accepts: ``MaximumBatchingWindowInSeconds``
    0–300, ``ParallelizationFactor`` 1–10, ``MaximumRetryAttempts`` -1 or 0–10,000,
    ``MaximumRecordAgeInSeconds`` -1 or 60–604,800, ``TumblingWindowInSeconds`` 0–900,
    ``ScalingConfig.MaximumConcurrency`` 2–1,000. ``StartingPosition`` is required for streams and
    forbidden for SQS; samcheck knows the source's kind also when it is a ``!GetAtt`` to a stream or
    queue of the template.

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
        for wiring in event_sources(template):
            mapping = wiring.mapping
            for path, low, high, minus_one_allowed in ranges:
                setting = context.property(mapping, path)
                value = as_number(setting.value.single)
                if value is None or low <= value <= high or (minus_one_allowed and value == -1):
                    continue
                infinite = " (or -1 for no limit)" if minus_one_allowed else ""
                yield context.report(
                    setting.location,
                    f"{'.'.join(path)} {value:g} is outside {low:g}–{high:,.0f}{infinite}; set a value in that range",
                    resource=mapping.source_id,
                )
            starting = context.property(mapping, "StartingPosition")
            if wiring.kind == "sqs" and starting.present:
                yield context.report(
                    starting.location,
                    "StartingPosition applies to streams, not to SQS queues, and Lambda rejects it here; remove it",
                    resource=mapping.source_id,
                )
            elif wiring.kind in STREAM_KINDS and not starting.present:
                yield context.report(
                    context.locate(mapping),
                    f"a {wiring.kind} stream source needs StartingPosition "
                    "(TRIM_HORIZON, LATEST or AT_TIMESTAMP); add it",
                    resource=mapping.source_id,
                )
