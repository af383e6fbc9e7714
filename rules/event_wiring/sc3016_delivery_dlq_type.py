from collections.abc import Iterator
from typing import Any

from samcheck.analysis.wiring import is_fifo, redrive_policy, target_of
from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity, get_path
from samcheck.rules.event_wiring._queues import defined_here

_KIND = {True: "FIFO", False: "standard"}


class DeliveryDlqType(Rule):
    """Where SNS, EventBridge, EventBridge Scheduler and Pipes put what they could not deliver must
    be the right kind of queue. An EventBridge rule target's (or event bus's) ``DeadLetterConfig``
    takes only a standard queue ("SQS FIFO is not supported by Dead Letter Queues"), and so does a
    schedule's (EventBridge Scheduler "does not support using a FIFO queue as your schedule's DLQ",
    nor anything but an SQS queue); a pipe reading a stream sends failed records only to an SQS queue
    or an SNS topic; an SNS subscription's ``RedrivePolicy`` takes a FIFO queue for a FIFO topic and
    a standard queue for a standard one. Each mismatch fails the deploy (SAM ``EventBridgeRule``,
    ``Schedule``, ``ScheduleV2`` and ``SNS`` events included).

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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for rule in context.of_type("AWS::Events::Rule"):
            targets = rule.properties.get("Targets")
            for index, target in enumerate(targets if isinstance(targets, list) else []):
                arn = get_path(target, ("DeadLetterConfig", "Arn"))
                yield from self._standard_only(
                    context, rule, ("Targets", index, "DeadLetterConfig"), arn, "EventBridge"
                )
        for bus in context.of_type("AWS::Events::EventBus"):
            arn = get_path(bus.properties, ("DeadLetterConfig", "Arn"))
            yield from self._standard_only(context, bus, ("DeadLetterConfig",), arn, "EventBridge")
        for schedule in context.of_type("AWS::Scheduler::Schedule"):
            arn = get_path(schedule.properties, ("Target", "DeadLetterConfig", "Arn"))
            yield from self._standard_only(
                context, schedule, ("Target", "DeadLetterConfig"), arn, "EventBridge Scheduler"
            )
        for pipe in context.of_type("AWS::Pipes::Pipe"):
            parameters = pipe.properties.get("SourceParameters")
            for name, source in parameters.items() if isinstance(parameters, dict) else ():
                arn = get_path(source, ("DeadLetterConfig", "Arn")) if isinstance(source, dict) else None
                target = target_of(template, arn) if arn is not None else None
                if target is None or target.type in (None, "AWS::SQS::Queue", "AWS::SNS::Topic"):
                    continue
                yield context.report(
                    context.locate(pipe, ("SourceParameters", name, "DeadLetterConfig")),
                    f"the pipe's dead-letter target {target.name} is an {target.type}, but a pipe sends failed "
                    "records only to an SQS queue or an SNS topic; name one of those",
                    resource=pipe.source_id,
                    related=defined_here(context, target),
                )
        for subscription in context.of_type("AWS::SNS::Subscription"):
            policy = redrive_policy(template, subscription)
            queue = target_of(template, policy.get("deadLetterTargetArn")) if policy else None
            topic = target_of(template, subscription.properties.get("TopicArn"))
            if queue is None or topic is None or queue.type != "AWS::SQS::Queue":
                continue
            topic_fifo, queue_fifo = is_fifo(template, topic), is_fifo(template, queue)
            if topic_fifo is None or queue_fifo is None or topic_fifo == queue_fifo:
                continue
            yield context.report(
                context.locate(subscription, ("RedrivePolicy",)),
                f"the subscription to {_KIND[topic_fifo]} topic {topic.name} has {_KIND[queue_fifo]} dead-letter "
                f"queue {queue.name}; a subscription's dead-letter queue must be {_KIND[topic_fifo]} like its topic",
                resource=subscription.source_id,
                related=defined_here(context, queue),
            )

    def _standard_only(
        self, context: RuleContext, holder: Resource, path: NodePath, arn: Any, service: str
    ) -> Iterator[Finding]:
        queue = target_of(context.template, arn) if arn is not None else None
        if queue is None or queue.type is None:
            return
        if queue.type != "AWS::SQS::Queue":
            if service != "EventBridge Scheduler":
                return  # EventBridge's own kind check is its schema's
            yield context.report(
                context.locate(holder, path),
                f"dead-letter target {queue.name} is an {queue.type}, but EventBridge Scheduler sends undeliverable "
                "events only to a standard SQS queue; name one",
                resource=holder.source_id,
                related=defined_here(context, queue),
            )
            return
        if is_fifo(context.template, queue) is not True:
            return
        yield context.report(
            context.locate(holder, path),
            f"dead-letter queue {queue.name} is FIFO, but {service} sends undeliverable events only to a standard "
            "queue; use a standard queue",
            resource=holder.source_id,
            related=defined_here(context, queue),
        )
