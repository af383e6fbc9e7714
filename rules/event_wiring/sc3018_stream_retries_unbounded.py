from collections.abc import Iterator

from samcheck.analysis.values import as_number
from samcheck.analysis.wiring import event_sources
from samcheck.rule import Finding, Rule, RuleContext, Severity

_UNBOUNDED = -1  # what Lambda stores for "no limit" (and assumes when the property is left out)


class StreamRetriesUnbounded(Rule):
    """A Kinesis or DynamoDB stream mapping left with the defaults retries a failing batch until
    its records expire (24 hours by default, up to a year on Kinesis): the shard makes no progress
    meanwhile, and an ``OnFailure`` destination only receives the batch at the end. Cap the
    retries (``MaximumRetryAttempts``) or the record age (``MaximumRecordAgeInSeconds``), and let
    Lambda split the batch to find the bad record (``BisectBatchOnFunctionError``).

    **Anti-pattern**

    ```yaml
    Events:
      Clicks:
        Type: Kinesis
        Properties:
          Stream: !GetAtt Clicks.Arn
          StartingPosition: LATEST
    ```

    **Best practice**

    ```yaml
    Events:
      Clicks:
        Type: Kinesis
        Properties:
          Stream: !GetAtt Clicks.Arn
          StartingPosition: LATEST
          MaximumRetryAttempts: 3
          BisectBatchOnFunctionError: true
          DestinationConfig:
            OnFailure: {Destination: !GetAtt FailedClicks.Arn}
    ```
    """

    id = "SC3018"
    name = "stream-retries-unbounded"
    severity = Severity.WARNING
    summary = "A Kinesis or DynamoDB stream mapping that retries a failing batch until its records expire"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html"
    tags = ("lambda", "kinesis", "dynamodb", "reliability")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for wiring in event_sources(context.template):
            if wiring.kind not in ("kinesis", "dynamodb"):
                continue
            bounded = False
            for name in ("MaximumRetryAttempts", "MaximumRecordAgeInSeconds"):
                setting = context.property(wiring.mapping, name)
                value = as_number(setting.value.single) if setting.present else _UNBOUNDED
                # Known only at deploy time, or written down: not this rule's to doubt.
                bounded = bounded or (setting.present and value is None) or (value is not None and value != _UNBOUNDED)
            if bounded:
                continue
            consumer = wiring.function.source_id if wiring.function else wiring.mapping.source_id
            yield context.report(
                context.locate(wiring.mapping),
                f"{consumer}'s {wiring.kind} stream mapping retries a failing batch until its records expire, and "
                "its shard waits meanwhile (OnFailure gets the batch only then); set MaximumRetryAttempts (e.g. 3) "
                "or MaximumRecordAgeInSeconds, and BisectBatchOnFunctionError: true",
                resource=wiring.mapping.source_id,
            )
