from collections.abc import Iterator

from samcheck.analysis.values import Candidate, qualifier, together
from samcheck.analysis.wiring import Reach, fifo_cases, reaches
from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import dead_letter_reaches, defined_here, entries, entry_reaches

_KIND = {True: "FIFO", False: "standard"}
# The source parameters of a pipe reading a stream, which take a DeadLetterConfig.
_PIPE_STREAM_PARAMETERS = ("DynamoDBStreamParameters", "KinesisStreamParameters")


class DeliveryDlqType(Rule):
    """Where SNS, EventBridge, EventBridge Scheduler and Pipes put what they could not deliver must
    be the right kind of queue. An EventBridge rule target's (or event bus's) ``DeadLetterConfig``
    takes only a standard queue ("SQS FIFO is not supported by Dead Letter Queues"), and so does a
    schedule's (EventBridge Scheduler "does not support using a FIFO queue as your schedule's DLQ",
    nor anything but an SQS queue); a pipe reading a stream sends failed records only to an SQS queue
    or an SNS topic; an SNS subscription's ``RedrivePolicy`` takes a FIFO queue for a FIFO topic and
    a standard queue for a standard one. Each mismatch fails the deploy (SAM ``EventBridgeRule``,
    ``Schedule``, ``ScheduleV2`` and ``SNS`` events included). A queue, topic or FIFO flag chosen by
    a parameter's allowed values or a condition is judged for each.

    **Anti-pattern**

    ```yaml
    Targets:
      - Id: orders
        Arn: !GetAtt OrdersFunction.Arn
        DeadLetterConfig: {Arn: !GetAtt FailedEvents.Arn}   # FailedEvents is FIFO
    ```

    **Best practice**

    ```yaml
    FailedEvents:
      Type: AWS::SQS::Queue   # standard
    ```
    """

    id = "SC3016"
    name = "delivery-dlq-type"
    severity = Severity.ERROR
    summary = "A FIFO DLQ for EventBridge or Scheduler, a pipe DLQ of the wrong kind, an SNS DLQ of the other kind"
    url = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html"
    tags = ("eventbridge", "sns", "sqs", "wiring")
    resource_types = frozenset(
        {
            "AWS::Events::Rule",
            "AWS::Events::EventBus",
            "AWS::Scheduler::Schedule",
            "AWS::Pipes::Pipe",
            "AWS::SNS::Subscription",
        }
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for rule in context.of_type("AWS::Events::Rule"):
            for entry in entries(template, rule, ("Targets",)):
                for reach in entry_reaches(template, entry, ("DeadLetterConfig", "Arn")):
                    yield from self._standard_only(
                        context, rule, (*entry.path, "DeadLetterConfig"), reach, "EventBridge"
                    )
        for bus in context.of_type("AWS::Events::EventBus"):
            for reach in reaches(template, bus, ("DeadLetterConfig", "Arn")):
                yield from self._standard_only(context, bus, ("DeadLetterConfig",), reach, "EventBridge")
        for schedule in context.of_type("AWS::Scheduler::Schedule"):
            for reach in reaches(template, schedule, ("Target", "DeadLetterConfig", "Arn")):
                yield from self._standard_only(
                    context, schedule, ("Target", "DeadLetterConfig"), reach, "EventBridge Scheduler"
                )
        for pipe in context.of_type("AWS::Pipes::Pipe"):
            for name in _PIPE_STREAM_PARAMETERS:
                for reach in reaches(template, pipe, ("SourceParameters", name, "DeadLetterConfig", "Arn")):
                    target = reach.target
                    if target.type in (None, "AWS::SQS::Queue", "AWS::SNS::Topic"):
                        continue
                    yield context.report(
                        context.locate(pipe, ("SourceParameters", name, "DeadLetterConfig")),
                        f"the pipe's dead-letter target {target.name}{qualifier(reach.when)} is an {target.type}, "
                        "but a pipe sends failed records only to an SQS queue or an SNS topic; name one of those",
                        resource=pipe.source_id,
                        related=[*defined_here(context, target), *context.when_related(reach.when)],
                    )
        for subscription in context.of_type("AWS::SNS::Subscription"):
            topics = [
                Candidate(reach.target, reach.when)
                for reach in reaches(template, subscription, "TopicArn")
                if reach.target.type == "AWS::SNS::Topic"
            ]
            queues = [
                Candidate(reach.target, reach.when)
                for reach in dead_letter_reaches(template, subscription)
                if reach.target.type == "AWS::SQS::Queue"
            ]
            for (topic, queue), wired in together(topics, queues):
                judged = together(fifo_cases(template, topic), fifo_cases(template, queue), [Candidate(None, wired)])
                for (topic_fifo, queue_fifo, _), when in judged:
                    if topic_fifo == queue_fifo:
                        continue
                    yield context.report(
                        context.locate(subscription, ("RedrivePolicy",)),
                        f"the subscription to {_KIND[topic_fifo]} topic {topic.name} has {_KIND[queue_fifo]} "
                        f"dead-letter queue {queue.name}{qualifier(when)}; a subscription's dead-letter queue must be "
                        f"{_KIND[topic_fifo]} like its topic",
                        resource=subscription.source_id,
                        related=[*defined_here(context, queue), *context.when_related(when)],
                    )

    def _standard_only(
        self, context: RuleContext, holder: Resource, path: NodePath, reach: Reach, service: str
    ) -> Iterator[Finding]:
        queue = reach.target
        if queue.type is None:
            return
        if queue.type != "AWS::SQS::Queue":
            if service != "EventBridge Scheduler":
                return  # EventBridge's own kind check is its schema's
            yield context.report(
                context.locate(holder, path),
                f"dead-letter target {queue.name}{qualifier(reach.when)} is an {queue.type}, but EventBridge "
                "Scheduler sends undeliverable events only to a standard SQS queue; name one",
                resource=holder.source_id,
                related=[*defined_here(context, queue), *context.when_related(reach.when)],
            )
            return
        for (fifo, _), when in together(fifo_cases(context.template, queue), [Candidate(queue, reach.when)]):
            if fifo:
                yield context.report(
                    context.locate(holder, path),
                    f"dead-letter queue {queue.name}{qualifier(when)} is FIFO, but {service} sends undeliverable "
                    "events only to a standard queue; use a standard queue",
                    resource=holder.source_id,
                    related=[*defined_here(context, queue), *context.when_related(when)],
                )
