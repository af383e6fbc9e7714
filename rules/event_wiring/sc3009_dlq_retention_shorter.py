from collections.abc import Iterator

from samcheck.analysis.units import duration
from samcheck.analysis.values import Candidate, numbers, qualifier, together
from samcheck.analysis.wiring import Target, fifo_cases
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import dead_letter_reaches


class DlqRetentionShorter(Rule):
    """A standard queue's message keeps its original enqueue time when it moves to the dead-letter
    queue, so a dead-letter queue whose ``MessageRetentionPeriod`` is not longer than the source's
    deletes failed messages early, sometimes at once. Give the dead-letter queue a longer retention
    (14 days is the maximum). Both default to 4 days. Each retention a parameter allows or a condition
    chooses is judged, and the warning says which.

    **Anti-pattern**

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        MessageRetentionPeriod: 1209600
        RedrivePolicy: {deadLetterTargetArn: !GetAtt OrdersDlq.Arn, maxReceiveCount: 5}
    OrdersDlq:
      Type: AWS::SQS::Queue   # 4 days by default
    ```

    **Best practice**

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        MessageRetentionPeriod: 345600
        RedrivePolicy: {deadLetterTargetArn: !GetAtt OrdersDlq.Arn, maxReceiveCount: 5}
    OrdersDlq:
      Type: AWS::SQS::Queue
      Properties:
        MessageRetentionPeriod: 1209600
    ```
    """

    id = "SC3009"
    name = "dlq-retention-shorter"
    severity = Severity.WARNING
    summary = "A dead-letter queue that does not keep messages longer than its source queue"
    url = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html"
    tags = ("sqs", "wiring")
    resource_types = frozenset({"AWS::SQS::Queue"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        default = context.limit("sqs-retention-default")
        longest = context.limit("sqs-retention-max")
        for queue in context.of_type("AWS::SQS::Queue"):
            for reach in dead_letter_reaches(template, queue):
                target = reach.target
                if target.resource is None or target.type != "AWS::SQS::Queue":
                    continue
                source = context.property(queue, "MessageRetentionPeriod", default)
                dead = context.property(target.resource, "MessageRetentionPeriod", default)
                wired = [Candidate(target, reach.when)]  # the branch that names this dead-letter queue
                judged = together(fifo_cases(template, Target.of(queue)), numbers(source), numbers(dead), wired)
                for (fifo, source_seconds, dead_seconds, _), when in judged:
                    if fifo or dead_seconds > source_seconds:
                        continue  # a FIFO queue's messages get a new enqueue time in the dead-letter queue
                    advice = (
                        f"give {target.name} a longer MessageRetentionPeriod, e.g. {duration(longest)}, the maximum"
                        if source_seconds < longest
                        else f"shorten the MessageRetentionPeriod of {queue.source_id}: no queue keeps messages longer"
                    )
                    yield context.report(
                        context.locate(queue, ("RedrivePolicy",)),
                        f"dead-letter queue {target.name} keeps messages {duration(dead_seconds)}, not longer than "
                        f"the {duration(source_seconds)} of {queue.source_id}{qualifier(when)}; failed messages keep "
                        f"their original enqueue time and expire early, so {advice}",
                        resource=queue.source_id,
                        related=[Related(f"{target.name} retention", dead.location.span), *context.when_related(when)],
                    )
