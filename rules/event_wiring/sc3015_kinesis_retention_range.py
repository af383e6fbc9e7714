from collections.abc import Iterator

from samcheck.analysis.values import outside
from samcheck.rule import Finding, Rule, RuleContext, Severity


class KinesisRetentionRange(Rule):
    """A Kinesis data stream keeps records for 24 hours to 365 days (8,760 hours); a
    ``RetentionPeriodHours`` outside that fails the deploy. A stream that feeds Lambda should keep
    records at least as long as a failing batch may be retried.

    **Anti-pattern**

    ```yaml
    Events:
      Type: AWS::Kinesis::Stream
      Properties:
        RetentionPeriodHours: 12
    ```

    **Best practice**

    ```yaml
    Events:
      Type: AWS::Kinesis::Stream
      Properties:
        RetentionPeriodHours: 24
    ```
    """

    id = "SC3015"
    name = "kinesis-retention-range"
    severity = Severity.ERROR
    summary = "A Kinesis stream's RetentionPeriodHours outside 24–8,760 hours"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kinesis-stream.html"
    tags = ("kinesis", "limit")
    resource_types = frozenset({"AWS::Kinesis::Stream"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        low, high = context.limit("kinesis-retention-min"), context.limit("kinesis-retention-max")
        for stream in context.of_type("AWS::Kinesis::Stream"):
            retention = context.property(stream, "RetentionPeriodHours")
            offending = outside(retention.value, low, high)
            if offending:
                yield context.report(
                    retention.location,
                    f"RetentionPeriodHours {retention.value.describe(offending, 'h')} is outside {low:g}–{high:,.0f} "
                    "hours; set a value in that range",
                    resource=stream.source_id,
                    related=context.parameter_related(retention.value),
                )
