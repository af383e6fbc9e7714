from collections.abc import Iterator

from samcheck.analysis.values import Candidate, qualifier, together
from samcheck.analysis.wiring import Target, fifo_cases
from samcheck.rule import Edit, Finding, Fix, Related, Rule, RuleContext, Severity, Template
from samcheck.rules.event_wiring._queues import dead_letter_reaches


class RedriveDlqTypeMismatch(Rule):
    """A queue's dead-letter queue (``RedrivePolicy.deadLetterTargetArn``) must be of the same
    kind: a FIFO queue needs a FIFO dead-letter queue, a standard queue a standard one. SQS
    rejects the redrive policy otherwise. A queue outside the template is judged by its ARN
    (a name ending in ``.fifo``); a ``FifoQueue`` or dead-letter queue chosen by a parameter's
    allowed values or a condition is judged for each.

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
    resource_types = frozenset({"AWS::SQS::Queue"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        kinds = {True: "FIFO", False: "standard"}
        for queue in context.of_type("AWS::SQS::Queue"):
            for reach in dead_letter_reaches(template, queue):
                target = reach.target
                if target.type != "AWS::SQS::Queue":
                    continue
                wired = [Candidate(target, reach.when)]  # the branch that names this dead-letter queue
                judged = together(fifo_cases(template, Target.of(queue)), fifo_cases(template, target), wired)
                for (source_fifo, target_fifo, _), when in judged:
                    if source_fifo == target_fifo:
                        continue
                    yield context.report(
                        context.locate(queue, ("RedrivePolicy",)),
                        f"{kinds[source_fifo]} queue {queue.source_id} has a {kinds[target_fifo]} dead-letter queue "
                        f"{target.name}{qualifier(when)}; the dead-letter queue must be {kinds[source_fifo]} too",
                        resource=queue.source_id,
                        related=[*_dead_letter_here(context, target), *context.when_related(when)],
                        # Only an edit right in every deployment is offered.
                        fix=_make_fifo(template, target) if source_fifo and not when else None,
                    )


def _dead_letter_here(context: RuleContext, target: Target) -> list[Related]:
    if target.resource is None:
        return []
    return [Related(f"dead-letter queue {target.name} defined here", context.locate(target.resource).span)]


def _make_fifo(template: Template, dead_letter: Target) -> Fix | None:
    """Make a standard dead-letter queue of this template FIFO, with a .fifo name if it has one."""
    queue = dead_letter.resource
    if queue is None or queue.origin.generated:
        return None
    base = ("Resources", queue.source_id, "Properties")
    edits = [Edit((*base, "FifoQueue"), True)]
    name = queue.properties.get("QueueName")  # as written: only a name written as text is renamed
    if isinstance(name, str):
        edits.append(Edit((*base, "QueueName"), f"{name}.fifo"))
    elif name is not None:
        return None  # a computed name: renaming it is not a safe edit
    return Fix(f"make {queue.source_id} a FIFO queue", tuple(edits))
