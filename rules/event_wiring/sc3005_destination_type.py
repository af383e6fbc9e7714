from collections.abc import Iterator

from samcheck.analysis.wiring import Target, event_source, is_fifo, targets_of
from samcheck.rule import Finding, NodePath, Related, Resource, Rule, RuleContext, Severity

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
    A FIFO queue or topic as destination deploys but never receives anything (warning).

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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for config in context.of_type("AWS::Lambda::EventInvokeConfig"):
            for outcome in ("OnSuccess", "OnFailure"):
                path = ("DestinationConfig", outcome, "Destination")
                branches = context.branches(config, path)
                allowed = {k: v for k, v in _ASYNC.items() if outcome == "OnFailure" or k != "AWS::S3::Bucket"}
                for target, written in targets_of(template, branches):
                    if target.type is not None:
                        yield from self._judge(context, config, written, outcome, target, allowed, branches.qualifier)
        for mapping in context.of_type("AWS::Lambda::EventSourceMapping"):
            path = ("DestinationConfig", "OnFailure", "Destination")
            branches = context.branches(mapping, path)
            if not branches.nodes:
                continue
            wiring = event_source(template, mapping)
            if wiring.kind == "sqs":
                yield context.report(
                    context.locate(mapping, ("DestinationConfig",)),
                    "an SQS event source mapping has no OnFailure destination; give the queue a RedrivePolicy "
                    "with a dead-letter queue instead",
                    resource=mapping.source_id,
                )
                continue
            for target, written in targets_of(template, branches):
                if target.type is not None:
                    yield from self._judge(
                        context, mapping, written, "OnFailure", target, _MAPPING_FAILURE, branches.qualifier
                    )

    def _judge(
        self,
        context: RuleContext,
        holder: Resource,
        path: NodePath,
        outcome: str,
        target: Target,
        allowed: dict[str, str],
        qualifier: str,
    ) -> Iterator[Finding]:
        template = context.template
        location = context.locate(holder, path)
        related = (
            [Related(f"{target.name} defined here", context.locate(target.resource).span)] if target.resource else []
        )
        if target.type not in allowed:
            kinds = ", ".join(allowed.values())
            yield context.report(
                location,
                f"{outcome} destination {target.name}{qualifier} is a {target.type}; it must be one of: {kinds}",
                resource=holder.source_id,
                related=related,
            )
        elif target.type in ("AWS::SQS::Queue", "AWS::SNS::Topic") and is_fifo(template, target):
            yield context.report(
                location,
                f"{outcome} destination {target.name}{qualifier} is FIFO: it deploys, but Lambda never delivers "
                "to FIFO queues or topics; use a standard one",
                resource=holder.source_id,
                related=related,
                severity=Severity.WARNING,
            )
