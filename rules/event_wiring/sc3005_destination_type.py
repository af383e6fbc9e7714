from collections.abc import Iterator

from samcheck.analysis.values import ALWAYS, Candidate, When, qualifier, together
from samcheck.analysis.wiring import Reach, fifo_cases, reaches
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import mapping_reads

_ASYNC = {
    "AWS::SQS::Queue": "SQS queue",
    "AWS::SNS::Topic": "SNS topic",
    "AWS::Lambda::Function": "Lambda function",
    "AWS::Events::EventBus": "EventBridge bus",
    "AWS::S3::Bucket": "S3 bucket",
}
_MAPPING_FAILURE = {"AWS::SQS::Queue": "SQS queue", "AWS::SNS::Topic": "SNS topic", "AWS::S3::Bucket": "S3 bucket"}


class DestinationType(Rule):
    """Asynchronous invocation destinations (``EventInvokeConfig`` ``OnSuccess``/``OnFailure``) must be
    a standard SQS queue, a standard SNS topic, a Lambda function or an EventBridge bus; an S3 bucket
    only for ``OnFailure``. An event source mapping's ``OnFailure`` destination must be an SQS queue,
    an SNS topic or an S3 bucket, and SQS sources have none at all (use the queue's redrive policy).
    A FIFO queue or topic as destination deploys but never receives anything (warning). A destination
    or FIFO flag chosen by a parameter's allowed values or a condition is judged for each.

    **Anti-pattern**

    ```yaml
    EventInvokeConfig:
      DestinationConfig:
        OnSuccess:
          Type: S3Bucket
          Destination: !GetAtt Archive.Arn
    ```

    **Best practice**

    ```yaml
    EventInvokeConfig:
      DestinationConfig:
        OnFailure:
          Type: S3Bucket
          Destination: !GetAtt Archive.Arn
    ```
    """

    id = "SC3005"
    name = "destination-type"
    severity = Severity.ERROR
    summary = "An async or event source mapping destination of a kind that cannot receive the records"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html"
    tags = ("lambda", "wiring")
    resource_types = frozenset({"AWS::Lambda::EventInvokeConfig", "AWS::Lambda::EventSourceMapping"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for config in context.of_type("AWS::Lambda::EventInvokeConfig"):
            for outcome in ("OnSuccess", "OnFailure"):
                allowed = {k: v for k, v in _ASYNC.items() if outcome == "OnFailure" or k != "AWS::S3::Bucket"}
                for reach in reaches(template, config, ("DestinationConfig", outcome, "Destination")):
                    if reach.target.type is not None:
                        yield from self._judge(context, config, reach, outcome, allowed)
        reads: dict[str, list[When]] = {}
        for wiring in mapping_reads(template):
            if wiring.kind == "sqs":
                reads.setdefault(wiring.mapping.logical_id, []).append(wiring.when)
        for mapping in context.of_type("AWS::Lambda::EventSourceMapping"):
            path = ("DestinationConfig", "OnFailure", "Destination")
            if not context.branches(mapping, path).nodes:
                continue
            queues = reads.get(mapping.logical_id, [])
            for when in dict.fromkeys(queues):
                yield context.report(
                    context.locate(mapping, ("DestinationConfig",)),
                    f"an SQS event source mapping{qualifier(when)} has no OnFailure destination; give the queue a "
                    "RedrivePolicy with a dead-letter queue instead",
                    resource=mapping.source_id,
                    related=context.when_related(when),
                )
            if ALWAYS in queues:
                continue
            for reach in reaches(template, mapping, path):
                if reach.target.type is not None:
                    yield from self._judge(context, mapping, reach, "OnFailure", _MAPPING_FAILURE)

    def _judge(
        self, context: RuleContext, holder: Resource, reach: Reach, outcome: str, allowed: dict[str, str]
    ) -> Iterator[Finding]:
        template = context.template
        target = reach.target
        location = context.locate(holder, reach.path)
        related = (
            [Related(f"{target.name} defined here", context.locate(target.resource).span)] if target.resource else []
        )
        if target.type not in allowed:
            kinds = ", ".join(allowed.values())
            yield context.report(
                location,
                f"{outcome} destination {target.name}{qualifier(reach.when)} is a {target.type}; it must be one of: "
                f"{kinds}",
                resource=holder.source_id,
                related=[*related, *context.when_related(reach.when)],
            )
        elif target.type in ("AWS::SQS::Queue", "AWS::SNS::Topic"):
            for (fifo, _), when in together(fifo_cases(template, target), [Candidate(target, reach.when)]):
                if fifo:
                    yield context.report(
                        location,
                        f"{outcome} destination {target.name}{qualifier(when)} is FIFO: it deploys, but Lambda never "
                        "delivers to FIFO queues or topics; use a standard one",
                        resource=holder.source_id,
                        related=[*related, *context.when_related(when)],
                        severity=Severity.WARNING,
                    )
