from collections.abc import Iterator
from typing import Any

from samcheck.analysis.values import is_true
from samcheck.analysis.wiring import is_fifo, target_of
from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity, get_path
from samcheck.rules.event_wiring._queues import defined_here


class FifoTargetSettings(Rule):
    """EventBridge and EventBridge Scheduler send to a FIFO queue only with a message group: a
    target without ``SqsParameters.MessageGroupId`` is rejected. They send no deduplication id
    either, so the queue needs ``ContentBasedDeduplication: true``, or every message is refused
    and the events go to the dead-letter queue, if any (a warning).

    **Anti-pattern**

    ```yaml
    Targets:
      - Id: orders
        Arn: !GetAtt Orders.Arn   # Orders is FIFO
    ```

    **Best practice**

    ```yaml
    Targets:
      - Id: orders
        Arn: !GetAtt Orders.Arn
        SqsParameters: {MessageGroupId: orders}
    # and on the queue: ContentBasedDeduplication: true
    ```
    """

    id = "SC3017"
    name = "fifo-target-settings"
    severity = Severity.ERROR
    summary = "A FIFO queue as EventBridge or Scheduler target without a MessageGroupId or content-based deduplication"
    url = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html"
    tags = ("eventbridge", "scheduler", "sqs", "wiring")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for rule in context.of_type("AWS::Events::Rule"):
            targets = rule.properties.get("Targets")
            for index, target in enumerate(targets if isinstance(targets, list) else []):
                if isinstance(target, dict):
                    yield from self._judge(context, rule, ("Targets", index), target)
        for schedule in context.of_type("AWS::Scheduler::Schedule"):
            target = schedule.properties.get("Target")
            if isinstance(target, dict):
                yield from self._judge(context, schedule, ("Target",), target)

    def _judge(
        self, context: RuleContext, holder: Resource, path: NodePath, target: dict[str, Any]
    ) -> Iterator[Finding]:
        queue = target_of(context.template, target.get("Arn"))
        if queue is None or queue.type != "AWS::SQS::Queue" or is_fifo(context.template, queue) is not True:
            return
        if get_path(target, ("SqsParameters", "MessageGroupId")) is None:
            yield context.report(
                context.locate(holder, path),
                f"FIFO queue {queue.name} is a target without SqsParameters.MessageGroupId, which FIFO delivery "
                "requires; add SqsParameters: {MessageGroupId: …}",
                resource=holder.source_id,
                related=defined_here(context, queue),
            )
        if queue.resource is not None:
            dedup = context.property(queue.resource, "ContentBasedDeduplication")
            refused = dedup.value.known and not any(is_true(value) for value in dedup.candidates)
            if not dedup.present or refused:
                yield context.report(
                    context.locate(holder, path),
                    f"FIFO queue {queue.name} has no ContentBasedDeduplication, and EventBridge sends no "
                    "deduplication id: every message is refused; set ContentBasedDeduplication: true on the queue",
                    resource=holder.source_id,
                    severity=Severity.WARNING,
                    related=defined_here(context, queue),
                )
