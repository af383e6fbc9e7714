from collections.abc import Iterator

from samcheck.analysis.values import Candidate, numbers, qualifier, texts, together
from samcheck.analysis.wiring import event_sources
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity


class StreamConcurrencyExceedsReserved(Rule):
    """A Kinesis stream is read with one concurrent invocation per shard and parallelization slot:
    ``ShardCount`` × ``ParallelizationFactor`` above the function's reserved concurrency means the
    shards cannot all be processed at once, and the iterator age grows. Judged for provisioned
    streams of this template (an on-demand stream's shard count is not known), for every value a
    parameter allows or an ``Fn::If`` may choose.

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
    resource_types = frozenset({"AWS::Kinesis::Stream"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for wiring in event_sources(template):
            if wiring.kind != "kinesis" or wiring.function is None or wiring.source is None:
                continue
            stream = wiring.source.resource
            if stream is None:
                continue
            # An on-demand stream's shard count is not known: only provisioned candidates are judged.
            mode = context.property(stream, ("StreamModeDetails", "StreamMode"), "PROVISIONED")
            provisioned = [case for case in texts(mode) if case.value != "ON_DEMAND"]
            shards = context.property(stream, "ShardCount")
            factor = context.property(wiring.mapping, "ParallelizationFactor", 1)
            reserved = context.property(wiring.function, "ReservedConcurrentExecutions")
            wired = [Candidate(wiring, wiring.when)]  # the branch that wires this function to this stream
            judged = together(provisioned, numbers(shards), numbers(factor), numbers(reserved), wired)
            for (_, count, parallel, allowed, _), when in judged:
                needed = count * parallel
                if needed <= allowed:
                    continue
                yield context.report(
                    context.locate(wiring.mapping),
                    f"{count:g} shards x ParallelizationFactor {parallel:g} = {needed:g} concurrent invocations > "
                    f"ReservedConcurrentExecutions {allowed:g} of {wiring.function.source_id}{qualifier(when)}; the "
                    f"stream falls behind. Reserve at least {needed:g} or lower the parallelization",
                    resource=wiring.mapping.source_id,
                    related=[
                        Related(f"stream {stream.source_id}: {count:g} shards", shards.location.span),
                        Related(f"{wiring.function.source_id} reserves {allowed:g}", reserved.location.span),
                        *context.when_related(when),
                    ],
                )
