from collections.abc import Iterator

from samcheck.analysis.values import Candidate, numbers, qualifier, together
from samcheck.analysis.wiring import SOURCE_KINDS, fifo_cases
from samcheck.rule import Edit, Finding, Fix, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import mapping_reads

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
    batching window at all. Every size, window and FIFO flag a parameter allows or a condition
    chooses is judged, and the finding says which.

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
    resource_types = frozenset({"AWS::Lambda::EventSourceMapping"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        low = context.limit("esm-batch-size-min")
        without_window = context.limit("esm-batch-size-sqs-without-window")
        for wiring in mapping_reads(template):
            mapping = wiring.mapping
            sqs = wiring.kind == "sqs"
            # A queue whose kind is not known is held to the standard queue's wider range.
            fifos = (fifo_cases(template, wiring.source) if sqs and wiring.source else []) or [Candidate(False)]
            batch = context.property(mapping, "BatchSize")
            window = context.property(mapping, "MaximumBatchingWindowInSeconds", 0)
            read = [Candidate(wiring, wiring.when)]  # the branch that reads this source
            for (fifo, size, _), when in together(fifos, numbers(batch), read):
                high = context.limit("esm-batch-size-sqs-fifo-max" if fifo else "esm-batch-size-max")
                source = "FIFO SQS queue" if fifo else SOURCE_KINDS.get(wiring.kind, "source of any kind")
                if not low <= size <= high:
                    yield context.report(
                        batch.location,
                        f"BatchSize {size:g} is outside {low:g}–{high:,.0f} for {_article(source)} {source}"
                        f"{qualifier(when)}; set a BatchSize in that range",
                        resource=mapping.source_id,
                        related=context.when_related(when),
                    )
            for (fifo, size, seconds, _), when in together(fifos, numbers(batch), numbers(window), read):
                if sqs and not fifo and size > without_window and seconds == 0:
                    yield context.report(
                        batch.location,
                        f"BatchSize {size:g} > {without_window:g} on an SQS source needs "
                        f"MaximumBatchingWindowInSeconds of at least 1{qualifier(when)} "
                        f'(Lambda: "{AWS_BATCH_WINDOW_ERROR}"); set MaximumBatchingWindowInSeconds: 1 or more',
                        resource=mapping.source_id,
                        related=context.when_related(when),
                        fix=None if when else _batching_window_fix(batch.location.source_path),
                    )
            for (fifo, seconds, _), when in together(fifos, numbers(window), read):
                if fifo and seconds > 0:
                    yield context.report(
                        window.location,
                        f"MaximumBatchingWindowInSeconds is not supported on FIFO queues{qualifier(when)}; remove it",
                        resource=mapping.source_id,
                        related=context.when_related(when),
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
