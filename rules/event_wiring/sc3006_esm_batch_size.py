from collections.abc import Iterator

from samcheck.analysis.values import as_number
from samcheck.analysis.wiring import SOURCE_KINDS, event_sources, is_fifo
from samcheck.rule import Edit, Finding, Fix, Rule, RuleContext, Severity

# The message Lambda's CreateEventSourceMapping returns for an SQS batch above 10 without a window.
AWS_BATCH_WINDOW_ERROR = (
    "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
)


class EsmBatchSize(Rule):
    """``BatchSize`` of an event source mapping: 1–10,000 for standard SQS queues, Kinesis and
    DynamoDB streams, Amazon MSK and self-managed Kafka, Amazon MQ and DocumentDB, 1–10 for FIFO
    queues; a source of unknown kind is held to the widest range. An SQS ``BatchSize`` above 10 needs
    ``MaximumBatchingWindowInSeconds`` of at least 1 (Lambda answers "Maximum batch window in seconds
    must be greater than 0 if maximum batch size is greater than 10"), and FIFO queues take no
    batching window at all.

    **Anti-pattern**

    ```yaml
    Events:
      Orders:
        Type: SQS
        Properties:
          Queue: !GetAtt Orders.Arn
          BatchSize: 100
    ```

    **Best practice**

    ```yaml
    Events:
      Orders:
        Type: SQS
        Properties:
          Queue: !GetAtt Orders.Arn
          BatchSize: 100
          MaximumBatchingWindowInSeconds: 5
    ```
    """

    id = "SC3006"
    name = "esm-batch-size"
    severity = Severity.ERROR
    summary = "BatchSize out of range for the source, an SQS batch over 10 without a window, or a window on FIFO"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html"
    tags = ("lambda", "wiring")
    fixable = True

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for wiring in event_sources(template):
            mapping = wiring.mapping
            fifo = wiring.kind == "sqs" and wiring.source is not None and is_fifo(template, wiring.source) is True
            high = context.limit("esm-batch-size-sqs-fifo-max" if fifo else "esm-batch-size-max")
            low = context.limit("esm-batch-size-min")
            batch = context.property(mapping, "BatchSize")
            window = context.property(mapping, "MaximumBatchingWindowInSeconds")
            size, seconds = as_number(batch.value.single), as_number(window.value.single)
            source = "FIFO SQS queue" if fifo else SOURCE_KINDS.get(wiring.kind, "source of any kind")
            if size is not None and not low <= size <= high:
                yield context.report(
                    batch.location,
                    f"BatchSize {size:g} is outside {low:g}–{high:,.0f} for {_article(source)} {source}; "
                    "set a BatchSize in that range",
                    resource=mapping.source_id,
                )
            if wiring.kind != "sqs":
                continue
            if fifo and window.present and (seconds is None or seconds > 0):
                yield context.report(
                    window.location,
                    "MaximumBatchingWindowInSeconds is not supported on FIFO queues; remove it",
                    resource=mapping.source_id,
                )
            limit = context.limit("esm-batch-size-sqs-without-window")
            if (
                not fifo
                and size is not None
                and size > limit
                and ((seconds is None and not window.present) or seconds == 0)
            ):
                yield context.report(
                    batch.location,
                    f"BatchSize {size:g} > {limit:g} on an SQS source needs MaximumBatchingWindowInSeconds "
                    "of at least 1 "
                    f'(Lambda: "{AWS_BATCH_WINDOW_ERROR}"); set MaximumBatchingWindowInSeconds: 1 or more',
                    resource=mapping.source_id,
                    fix=_batching_window_fix(batch.location.source_path),
                )


def _batching_window_fix(batch_size_path: tuple[str | int, ...]) -> Fix | None:
    """Set MaximumBatchingWindowInSeconds: 1 beside the BatchSize that needs it."""
    if batch_size_path[-1:] != ("BatchSize",):
        return None
    return Fix(
        "set MaximumBatchingWindowInSeconds to 1", (Edit((*batch_size_path[:-1], "MaximumBatchingWindowInSeconds"), 1),)
    )


def _article(noun: str) -> str:
    return "an" if noun[0] in "AEIOS" else "a"
