from collections.abc import Iterator

from samcheck.analysis.values import Candidate, flags, qualifier, together, written
from samcheck.analysis.wiring import fifo_cases
from samcheck.rule import Finding, Resource, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import Entry, defined_here, entries, entry_reaches


class FifoTargetSettings(Rule):
    """EventBridge and EventBridge Scheduler send to a FIFO queue only with a message group: a
    target without ``SqsParameters.MessageGroupId`` is rejected. They send no deduplication id
    either, so the queue needs ``ContentBasedDeduplication: true``, or every message is refused
    and the events go to the dead-letter queue, if any (a warning). A queue, FIFO flag or setting
    chosen by a parameter's allowed values or a condition is judged for each.

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
    resource_types = frozenset({"AWS::Events::Rule", "AWS::Scheduler::Schedule"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for rule in context.of_type("AWS::Events::Rule"):
            for entry in entries(template, rule, ("Targets",)):
                yield from self._judge(context, rule, entry)
        for schedule in context.of_type("AWS::Scheduler::Schedule"):
            targets = context.branches(schedule, "Target")
            for node, path, when in zip(targets.nodes, targets.paths, targets.whens, strict=True):
                yield from self._judge(context, schedule, Entry(schedule, node, path, when, ("Target",)))

    def _judge(self, context: RuleContext, holder: Resource, target: Entry) -> Iterator[Finding]:
        template = context.template
        grouped = written(template, holder, (*target.at, "SqsParameters", "MessageGroupId"))
        for reach in entry_reaches(template, target, ("Arn",)):
            queue = reach.target
            if queue.type != "AWS::SQS::Queue":
                continue
            fifo = [case for case in fifo_cases(template, queue) if case.value]
            wired = [Candidate(queue, reach.when)]  # the branch that names this queue
            for (_, has_group, _), when in together(fifo, grouped, wired):
                if not has_group:
                    yield context.report(
                        context.locate(holder, target.path),
                        f"FIFO queue {queue.name}{qualifier(when)} is a target without SqsParameters.MessageGroupId, "
                        "which FIFO delivery requires; add SqsParameters: {MessageGroupId: …}",
                        resource=holder.source_id,
                        related=[*defined_here(context, queue), *context.when_related(when)],
                    )
            if queue.resource is None:
                continue
            deduplication = flags(context.property(queue.resource, "ContentBasedDeduplication", False))
            for (_, content_based, _), when in together(fifo, deduplication, wired):
                if not content_based:
                    yield context.report(
                        context.locate(holder, target.path),
                        f"FIFO queue {queue.name}{qualifier(when)} has no ContentBasedDeduplication, and EventBridge "
                        "sends no deduplication id: every message is refused; set ContentBasedDeduplication: true on "
                        "the queue",
                        resource=holder.source_id,
                        severity=Severity.WARNING,
                        related=[*defined_here(context, queue), *context.when_related(when)],
                    )
