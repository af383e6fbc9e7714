from collections.abc import Iterator

from samcheck.analysis.values import Candidate, numbers, qualifier, together
from samcheck.rule import Finding, Resource, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import mapping_reads

_UNBOUNDED = -1  # what Lambda stores for "no limit" (and assumes when the property is left out)


class StreamRetriesUnbounded(Rule):
    """A Kinesis or DynamoDB stream mapping left with the defaults retries a failing batch until
    its records expire (24 hours by default, up to a year on Kinesis): the shard makes no progress
    meanwhile, and an ``OnFailure`` destination only receives the batch at the end. Cap the
    retries (``MaximumRetryAttempts``) or the record age (``MaximumRecordAgeInSeconds``), and let
    Lambda split the batch to find the bad record (``BisectBatchOnFunctionError``).
    Each value a parameter allows or a condition chooses is judged, and the warning says which.

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
    resource_types = frozenset({"AWS::Lambda::EventSourceMapping"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for wiring in mapping_reads(context.template):
            if wiring.kind not in ("kinesis", "dynamodb"):
                continue
            retries = _bounds(context, wiring.mapping, "MaximumRetryAttempts")
            age = _bounds(context, wiring.mapping, "MaximumRecordAgeInSeconds")
            read = [Candidate(wiring, wiring.when)]  # the branch that reads this stream
            for (retries_bounded, age_bounded, _), when in together(retries, age, read):
                if retries_bounded or age_bounded:
                    continue
                consumer = wiring.function.source_id if wiring.function else wiring.mapping.source_id
                yield context.report(
                    context.locate(wiring.mapping),
                    f"{consumer}'s {wiring.kind} stream mapping retries a failing batch until its records expire"
                    f"{qualifier(when)}, and its shard waits meanwhile (OnFailure gets the batch only then); set "
                    "MaximumRetryAttempts (e.g. 3) or MaximumRecordAgeInSeconds, and BisectBatchOnFunctionError: true",
                    resource=wiring.mapping.source_id,
                    related=context.when_related(when),
                )


def _bounds(context: RuleContext, mapping: Resource, name: str) -> list[Candidate]:
    """Whether a setting bounds the retries, in each way the template may be deployed; one known only
    at deploy time was written down on purpose: not this rule's to doubt."""
    setting = context.property(mapping, name, _UNBOUNDED)
    if not setting.value.known:
        return [Candidate(True)]
    return [Candidate(value != _UNBOUNDED, when) for value, when in numbers(setting)]
