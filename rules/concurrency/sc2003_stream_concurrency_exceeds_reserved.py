from collections.abc import Iterator

from samcheck.analysis.values import as_number
from samcheck.analysis.wiring import event_sources
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity


class StreamConcurrencyExceedsReserved(Rule):
    """A Kinesis stream is read with one concurrent invocation per shard and parallelization slot:
    ``ShardCount`` × ``ParallelizationFactor`` above the function's reserved concurrency means the
    shards cannot all be processed at once, and the iterator age grows. Judged for provisioned
    streams of this template (an on-demand stream's shard count is not known).

    **Anti-pattern**

    ```yaml
    Clicks:
      Type: AWS::Kinesis::Stream
      Properties: {ShardCount: 20}
    Reader:
      Type: AWS::Serverless::Function
      Properties:
        ReservedConcurrentExecutions: 10
        Events:
          Clicks:
            Type: Kinesis
            Properties:
              Stream: !GetAtt Clicks.Arn
              StartingPosition: LATEST
              ParallelizationFactor: 2
    ```

    **Best practice**

    ```yaml
        ReservedConcurrentExecutions: 40   # 20 shards x 2
    ```
    """

    id = "SC2003"
    name = "stream-concurrency-exceeds-reserved"
    severity = Severity.WARNING
    summary = "Kinesis ShardCount x ParallelizationFactor above the consuming function's reserved concurrency"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html"
    tags = ("lambda", "concurrency", "kinesis")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for wiring in event_sources(template):
            if wiring.kind != "kinesis" or wiring.function is None or wiring.source is None:
                continue
            stream = wiring.source.resource
            if (
                stream is None
                or context.property(stream, ("StreamModeDetails", "StreamMode")).value.single == "ON_DEMAND"
            ):
                continue
            shards = context.property(stream, "ShardCount")
            factor = as_number(context.property(wiring.mapping, "ParallelizationFactor", 1).value.single)
            reserved = context.property(wiring.function, "ReservedConcurrentExecutions")
            count, allowed = as_number(shards.value.single), as_number(reserved.value.single)
            if count is None or factor is None or allowed is None or count * factor <= allowed:
                continue
            yield context.report(
                context.locate(wiring.mapping),
                f"{count:g} shards x ParallelizationFactor {factor:g} = {count * factor:g} concurrent invocations > "
                f"ReservedConcurrentExecutions {allowed:g} of {wiring.function.source_id}; the stream falls behind. "
                f"Reserve at least {count * factor:g} or lower the parallelization",
                resource=wiring.mapping.source_id,
                related=[
                    Related(f"stream {stream.source_id}: {count:g} shards", shards.location.span),
                    Related(f"{wiring.function.source_id} reserves {allowed:g}", reserved.location.span),
                ],
            )
