from collections.abc import Iterator

from samcheck.analysis.values import When, merge, qualifier, written
from samcheck.analysis.wiring import EventSource
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import mapping_reads

_FILTERS = ("FilterCriteria", "Filters")


class FilteredMappingOnSharedQueue(Rule):
    """An SQS event source mapping with ``FilterCriteria`` deletes from the queue every message that
    does not match its filter: when another mapping reads the same queue, the messages meant for it
    that this mapping receives first are lost without an error (Lambda's event filtering guide:
    for Amazon SQS, "Lambda automatically removes" the messages that don't match). Two functions
    sharing one queue, each filtering its own messages, lose about half of them. Give each consumer
    its own queue (an SNS topic or an EventBridge rule with a filter per queue), or filter in the
    function. SAM ``SQS`` events and plain mappings alike; a mapping or filter that one deployment
    of a known set has is judged there, and the warning says which.

    **Anti-pattern**

    ```yaml
    Events:
      Orders:
        Type: SQS
        Properties:
          Queue: !GetAtt Inbox.Arn
          FilterCriteria:
            Filters: [{Pattern: '{"body": {"type": ["order"]}}'}]
    # ...and another function's SQS event on Inbox
    ```

    **Best practice**

    ```yaml
    Events:
      Orders:
        Type: SQS
        Properties:
          Queue: !GetAtt OrdersQueue.Arn   # its own queue, fed by a filtered subscription
    ```
    """

    id = "SC3034"
    name = "filtered-mapping-on-shared-queue"
    severity = Severity.WARNING
    summary = "An SQS mapping with a filter on a queue another mapping reads (it deletes their messages)"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html"
    tags = ("sqs", "lambda", "events")
    resource_types = frozenset({"AWS::Lambda::EventSourceMapping"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        by_queue: dict[str, list[EventSource]] = {}
        for reads in mapping_reads(context.template):
            queue = reads.source
            if reads.kind != "sqs" or queue is None:
                continue
            key = queue.resource.logical_id if queue.resource is not None else queue.arn
            if key is not None:
                by_queue.setdefault(key, []).append(reads)
        for readers in by_queue.values():
            for filtered in readers:
                for has_filter, filter_when in written(context.template, filtered.mapping, _FILTERS):
                    when = merge(filtered.when, filter_when)
                    if not has_filter or when is None:
                        continue
                    others = [
                        other
                        for other in readers
                        if other.mapping is not filtered.mapping and merge(when, other.when) is not None
                    ]
                    if others:
                        yield self._report(context, filtered, others, when)

    def _report(self, context: RuleContext, filtered: EventSource, others: list[EventSource], when: When) -> Finding:
        queue = filtered.source
        named = queue.resource.source_id if queue is not None and queue.resource is not None else "its queue"
        readers = ", ".join(sorted({_reader(other) for other in others}))
        return context.report(
            context.locate(filtered.mapping, ("FilterCriteria",)),
            f"this mapping filters queue {named}, which {readers} also read{'s' if len(others) == 1 else ''}"
            f"{qualifier(when)}: Lambda deletes from the queue every message the filter does not match, so "
            f"messages meant for {readers} that reach this mapping first are lost; give each consumer its own queue "
            "(a topic or rule with a filter per queue), or filter in the function",
            resource=filtered.mapping.source_id,
            related=[
                *(Related(f"{_reader(o)} reads {named} here", context.locate(o.mapping).span) for o in others),
                *context.when_related(when),
            ],
        )


def _reader(source: EventSource) -> str:
    function = source.function.source_id if source.function is not None else None
    return f"function {function}" if function else f"mapping {source.mapping.source_id}"
