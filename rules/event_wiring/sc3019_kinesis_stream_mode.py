from collections.abc import Iterator

from samcheck.analysis.values import qualifier, texts, together, written
from samcheck.rule import Finding, Rule, RuleContext, Severity


class KinesisStreamMode(Rule):
    """A Kinesis data stream's capacity mode decides who manages shards. ``StreamMode: PROVISIONED``
    needs ``ShardCount`` (the resource schema: "Required when StreamMode = PROVISIONED is passed");
    an ``ON_DEMAND`` stream manages its own shards, so a ``ShardCount`` beside it says capacity the
    stream does not take from it, and readers sized for that count are sized wrong. A mode or
    ``ShardCount`` chosen by a parameter's allowed values or a condition is judged for each.

    **Anti-pattern**

    ```yaml
    Type: AWS::Kinesis::Stream
    Properties:
      StreamModeDetails: {StreamMode: ON_DEMAND}
      ShardCount: 4
    ```

    **Best practice**

    ```yaml
    Type: AWS::Kinesis::Stream
    Properties:
      StreamModeDetails: {StreamMode: ON_DEMAND}
    ```
    """

    id = "SC3019"
    name = "kinesis-stream-mode"
    severity = Severity.ERROR
    summary = "A PROVISIONED Kinesis stream without ShardCount (error), or ShardCount on an ON_DEMAND stream (warning)"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kinesis-stream.html"
    tags = ("kinesis",)
    resource_types = frozenset({"AWS::Kinesis::Stream"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for stream in context.of_type("AWS::Kinesis::Stream"):
            mode = context.property(stream, ("StreamModeDetails", "StreamMode"))
            shards = written(context.template, stream, ("ShardCount",))
            for (name, sharded), when in together(texts(mode), shards):
                if name == "PROVISIONED" and not sharded:
                    yield context.report(
                        mode.location,
                        f"StreamMode PROVISIONED needs ShardCount{qualifier(when)}, and the stream cannot be created "
                        "without it; add ShardCount, or use ON_DEMAND",
                        resource=stream.source_id,
                        related=context.when_related(when),
                    )
                elif name == "ON_DEMAND" and sharded:
                    yield context.report(
                        context.locate(stream, ("ShardCount",)),
                        f"ShardCount applies to PROVISIONED streams; this stream is ON_DEMAND{qualifier(when)} and "
                        "manages its own shards, so remove ShardCount (or set StreamMode to PROVISIONED to keep a "
                        "fixed count)",
                        resource=stream.source_id,
                        severity=Severity.WARNING,
                        related=context.when_related(when),
                    )
