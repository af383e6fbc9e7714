from collections import Counter, defaultdict
from collections.abc import Iterator

from samcheck.analysis.wiring import StreamReader, dynamodb_stream_readers
from samcheck.rule import Finding, Location, Related, Resource, Rule, RuleContext, Severity


class DynamodbStreamReaders(Rule):
    """DynamoDB Streams throttle when more than two processes read the same shard at once: a third
    reader of one table's stream (Lambda event source mappings and EventBridge Pipes count alike)
    makes every reader slower. Fan out through one reader (EventBridge Pipes, Kinesis Data Streams
    for DynamoDB) instead. A mapping that invokes one of several functions is one reader.

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
    summary = "More than 2 readers (Lambda mappings, pipes) of the same DynamoDB stream"
    url = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html"
    tags = ("dynamodb", "wiring")
    resource_types = frozenset({"AWS::Lambda::EventSourceMapping", "AWS::Pipes::Pipe"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        limit = int(context.limit("dynamodb-stream-readers-max"))
        # stream (table logical ID or ARN) -> (where the reader is written, a name for it, its kind)
        # a mapping that may invoke one of several functions is one reader
        found_by_reader: dict[tuple[str, str], list[StreamReader]] = defaultdict(list)
        for found in dynamodb_stream_readers(template):
            key = found.table.resource.logical_id if found.table.resource else str(found.table.arn)
            found_by_reader[key, found.reader.logical_id].append(found)
        readers: dict[str, list[tuple[Location, Resource, str, str]]] = defaultdict(list)
        names: dict[str, str] = {}
        for (key, _), found_all in found_by_reader.items():
            found = found_all[0]
            invoked = {(each.function or each.reader).source_id for each in found_all}
            reader = invoked.pop() if len(invoked) == 1 else found.reader.source_id
            # a mapping SAM makes from an Events entry is placed at that entry
            where = context.locate(found.reader, () if found.kind == "Lambda mapping" else found.source_path)
            readers[key].append((where, found.reader, reader, found.kind))
            names[key] = found.table.name
        for key, group in readers.items():
            if len(group) <= limit:
                continue
            counted = Counter(kind for _, _, _, kind in group)
            kinds = ", ".join(f"{count} {kind}{'s' if count > 1 else ''}" for kind, count in sorted(counted.items()))
            who = ", ".join(name for _, _, name, _ in group)
            where, holder, _, _ = group[limit]
            yield context.report(
                where,
                f"{len(group)} readers of the stream of {names[key]} ({kinds}: {who}) > {limit} per shard before "
                "DynamoDB throttles; fan out from one reader instead (one pipe or mapping feeding the others)",
                resource=holder.source_id,
                related=[Related("another reader", location.span) for location, _, _, _ in group[:limit]],
            )
