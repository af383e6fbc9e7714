from collections import defaultdict
from collections.abc import Iterator

from samcheck.analysis.wiring import EventSource, event_sources
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity


class DynamodbStreamReaders(Rule):
    """DynamoDB Streams throttle when more than two processes read the same shard at once: a third
    event source mapping on one table's stream makes every reader slower. Fan out through one
    reader (EventBridge Pipes, Kinesis Data Streams for DynamoDB) instead.

    **Anti-pattern**

    ```yaml
    # three functions, each with
    Events:
      Changes:
        Type: DynamoDB
        Properties:
          Stream: !GetAtt Orders.StreamArn
          StartingPosition: LATEST
    ```

    **Best practice**

    ```yaml
    # at most two readers; fan out from one of them, or use Kinesis Data Streams for DynamoDB
    ```
    """

    id = "SC3012"
    name = "dynamodb-stream-readers"
    severity = Severity.WARNING
    summary = "More than 2 event source mappings read the same DynamoDB stream"
    url = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html"
    tags = ("dynamodb", "wiring")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        limit = context.limit("dynamodb-stream-readers-max")
        readers: dict[str, list[EventSource]] = defaultdict(list)
        for wiring in event_sources(template):
            if wiring.kind == "dynamodb" and wiring.source is not None:
                key = wiring.source.resource.logical_id if wiring.source.resource else str(wiring.source.arn)
                readers[key].append(wiring)
        for group in readers.values():
            if len(group) <= limit:
                continue
            stream = group[0].source.name if group[0].source else "?"
            names = ", ".join(w.function.source_id if w.function else w.mapping.source_id for w in group)
            yield context.report(
                context.locate(group[int(limit)].mapping),
                f"{len(group)} event source mappings read the stream of {stream} ({names}) > {limit:g} readers per "
                "shard before DynamoDB throttles; fan out from one reader instead",
                resource=group[int(limit)].mapping.source_id,
                related=[Related("another reader", context.locate(w.mapping).span) for w in group[: int(limit)]],
            )
