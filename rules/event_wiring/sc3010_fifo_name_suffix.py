from collections.abc import Iterator

from samcheck.analysis.values import is_true
from samcheck.rule import Finding, Rule, RuleContext, Severity

_KINDS = {
    "AWS::SQS::Queue": (
        "FifoQueue",
        "QueueName",
        ("ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"),
    ),
    "AWS::SNS::Topic": ("FifoTopic", "TopicName", ()),  # FIFO-only topic settings are not checked
}


class FifoNameSuffix(Rule):
    """A FIFO queue or topic with an explicit name must end in ``.fifo`` (80 characters at most, the
    suffix included), and a standard one must not. FIFO-only settings (``ContentBasedDeduplication``,
    ``DeduplicationScope``, ``FifoThroughputLimit``) are rejected on a standard queue.

    **Anti-pattern**

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        FifoQueue: true
        QueueName: orders
    ```

    **Best practice**

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        FifoQueue: true
        QueueName: orders.fifo
    ```
    """

    id = "SC3010"
    name = "fifo-name-suffix"
    severity = Severity.ERROR
    summary = "FIFO queue or topic name without .fifo (or a standard one with it), or FIFO-only settings on standard"
    url = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues.html"
    tags = ("sqs", "sns")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        longest = context.limit("sqs-fifo-name-max")
        for resource in context.of_type("AWS::SQS::Queue", "AWS::SNS::Topic"):
            flag, name_key, fifo_only = _KINDS[resource.type]
            fifo_value = context.property(resource, flag).value
            if not fifo_value.known and resource.properties.get(flag) is not None:
                continue
            fifo = any(is_true(candidate) for candidate in fifo_value.candidates)
            kind = "queue" if resource.type == "AWS::SQS::Queue" else "topic"
            name = context.property(resource, name_key)
            text = name.value.single
            if isinstance(text, str):
                if fifo and not text.endswith(".fifo"):
                    yield context.report(
                        name.location,
                        f"FIFO {kind} name {text} must end in .fifo; rename it {text}.fifo",
                        resource=resource.source_id,
                    )
                elif not fifo and text.endswith(".fifo"):
                    yield context.report(
                        name.location,
                        f"{kind} name {text} ends in .fifo but {flag} is not true; set {flag}: true or rename it",
                        resource=resource.source_id,
                    )
                elif fifo and len(text) > longest:
                    yield context.report(
                        name.location,
                        f"FIFO {kind} name is {len(text)} characters > {longest:g} allowed with .fifo; shorten it",
                        resource=resource.source_id,
                    )
            if not fifo:
                for key in fifo_only:
                    if key in resource.properties:
                        yield context.report(
                            context.locate(resource, (key,)),
                            f"{key} only applies to FIFO queues; set {flag}: true or remove {key}",
                            resource=resource.source_id,
                        )
