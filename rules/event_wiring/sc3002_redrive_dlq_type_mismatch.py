from collections.abc import Iterator

from samcheck.analysis.wiring import Target, is_fifo, redrive_policy, target_of
from samcheck.rule import Edit, Finding, Fix, Related, Rule, RuleContext, Severity, Template


class RedriveDlqTypeMismatch(Rule):
    """A queue's dead-letter queue (``RedrivePolicy.deadLetterTargetArn``) must be of the same
    kind: a FIFO queue needs a FIFO dead-letter queue, a standard queue a standard one. SQS
    rejects the redrive policy otherwise. A queue outside the template is judged by its ARN
    (a name ending in ``.fifo``).

    **Anti-pattern**

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        FifoQueue: true
        RedrivePolicy:
          deadLetterTargetArn: !GetAtt OrdersDlq.Arn
          maxReceiveCount: 5
    OrdersDlq:
      Type: AWS::SQS::Queue
    ```

    **Best practice**

    ```yaml
    OrdersDlq:
      Type: AWS::SQS::Queue
      Properties:
        FifoQueue: true
    ```
    """

    id = "SC3002"
    name = "redrive-dlq-type-mismatch"
    severity = Severity.ERROR
    summary = "FIFO queue with a standard dead-letter queue, or the reverse"
    url = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html"
    tags = ("sqs", "wiring")
    fixable = True

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for queue in context.of_type("AWS::SQS::Queue"):
            policy = redrive_policy(template, queue)
            if policy is None:
                continue
            target = target_of(template, policy.get("deadLetterTargetArn"))
            if target is None or target.type != "AWS::SQS::Queue":
                continue
            source_fifo = is_fifo(template, Target.of(queue))
            target_fifo = is_fifo(template, target)
            if source_fifo is None or target_fifo is None or source_fifo == target_fifo:
                continue
            kinds = {True: "FIFO", False: "standard"}
            related = []
            if target.resource is not None:
                related.append(
                    Related(f"dead-letter queue {target.name} defined here", context.locate(target.resource).span)
                )
            yield context.report(
                context.locate(queue, ("RedrivePolicy",)),
                f"{kinds[source_fifo]} queue {queue.source_id} has a {kinds[target_fifo]} dead-letter queue "
                f"{target.name}; the dead-letter queue must be {kinds[source_fifo]} too",
                resource=queue.source_id,
                related=related,
                fix=_make_fifo(template, target) if source_fifo else None,
            )


def _make_fifo(template: Template, dead_letter: Target) -> Fix | None:
    """Make a standard dead-letter queue of this template FIFO, with a .fifo name if it has one."""
    queue = dead_letter.resource
    if queue is None or queue.origin.generated:
        return None
    base = ("Resources", queue.source_id, "Properties")
    edits = [Edit((*base, "FifoQueue"), True)]
    name = queue.properties.get("QueueName")
    if isinstance(name, str):
        edits.append(Edit((*base, "QueueName"), f"{name}.fifo"))
    elif name is not None:
        return None  # a computed name: renaming it is not a safe edit
    return Fix(f"make {queue.source_id} a FIFO queue", tuple(edits))
