from collections import defaultdict
from collections.abc import Iterator

from samcheck.analysis.wiring import dead_letter_queues, event_sources, redrive_policy, target_of
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity, get_path, referenced

# Services that invoke a function asynchronously, by the principal in its permissions.
ASYNC_PRINCIPALS = {
    "sns": "SNS",
    "s3": "S3",
    "events": "EventBridge",
    "logs": "CloudWatch Logs",
    "iot": "IoT",
    "ses": "SES",
    "codecommit": "CodeCommit",
    "config": "AWS Config",
}


class AsyncWithoutFailureHandling(Rule):
    """Events that fail keep being retried and are then dropped unless something catches them: a
    function invoked asynchronously (S3, SNS, EventBridge rules and schedules, CloudWatch Logs,
    IoT…) needs a dead-letter queue or an ``OnFailure`` destination; a stream mapping (Kinesis,
    DynamoDB) needs an ``OnFailure`` destination, or one bad record blocks its shard until it
    expires; an SQS source queue needs a redrive policy, or a poison message is retried until its
    retention ends. One warning per function, naming the sources and the fix for each kind.

    An explicit ``MaximumRetryAttempts: 0`` (on ``EventInvokeConfig`` or a stream's event) is a
    decision to drop failed events, not a gap, and a queue that is itself a dead-letter queue is
    not asked for one of its own.

    **Anti-pattern**

    ```yaml
    Thumbnailer:
      Type: AWS::Serverless::Function
      Properties:
        Events:
          Upload:
            Type: S3
            Properties:
              Bucket: !Ref Uploads
              Events: s3:ObjectCreated:*
    ```

    **Best practice**

    ```yaml
    Thumbnailer:
      Type: AWS::Serverless::Function
      Properties:
        EventInvokeConfig:
          DestinationConfig:
            OnFailure:
              Type: SQS
              Destination: !GetAtt FailedUploads.Arn
        Events:
          Upload:
            Type: S3
            Properties:
              Bucket: !Ref Uploads
              Events: s3:ObjectCreated:*
    ```
    """

    id = "SC3011"
    name = "async-without-failure-handling"
    severity = Severity.WARNING
    summary = "Async invocations, stream or SQS sources with nowhere for failed events to go"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html"
    tags = ("lambda", "wiring", "reliability")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        functions = {f.logical_id: f for f in context.of_type("AWS::Lambda::Function")}
        problems: dict[str, list[tuple[str, Resource]]] = defaultdict(list)
        handled = {name for name, f in functions.items() if get_path(f.properties, ("DeadLetterConfig", "TargetArn"))}
        for config in context.of_type("AWS::Lambda::EventInvokeConfig"):
            on_failure = get_path(config.properties, ("DestinationConfig", "OnFailure", "Destination"))
            if on_failure is not None or _never_retried(context, config):
                handled |= {name for name, _, _ in referenced(config.properties.get("FunctionName"), functions)}
        dead_letter = dead_letter_queues(template)
        for permission in context.of_type("AWS::Lambda::Permission"):
            principal = context.property(permission, "Principal").value.single
            service = principal.split(".", 1)[0] if isinstance(principal, str) else None
            if service in ASYNC_PRINCIPALS:
                for name, _, _ in referenced(permission.properties.get("FunctionName"), functions):
                    if name not in handled:
                        problems[name].append((f"{ASYNC_PRINCIPALS[service]} invocations", permission))
        for schedule in context.of_type("AWS::Scheduler::Schedule"):
            target = target_of(template, get_path(schedule.properties, ("Target", "Arn")))
            scheduled = target.resource.logical_id if target and target.resource else None
            if scheduled in functions and scheduled not in handled:
                problems[scheduled].append(("scheduled invocations", schedule))
        for wiring in event_sources(template):
            if wiring.function is None:
                continue
            consumer = wiring.function.logical_id
            on_failure = get_path(wiring.mapping.properties, ("DestinationConfig", "OnFailure", "Destination"))
            if (
                wiring.kind in ("kinesis", "dynamodb")
                and on_failure is None
                and not _never_retried(context, wiring.mapping)
            ):
                problems[consumer].append((f"{wiring.kind} stream without OnFailure", wiring.mapping))
            queue = wiring.source.resource if wiring.kind == "sqs" and wiring.source else None
            if queue is not None and queue.logical_id not in dead_letter and redrive_policy(template, queue) is None:
                problems[consumer].append((f"queue {queue.source_id} without a redrive policy", wiring.mapping))
        for name, sources in problems.items():
            function = functions[name]
            kinds = sorted(dict.fromkeys(kind for kind, _ in sources))
            related = [Related(kind, context.locate(holder).span) for kind, holder in sources]
            yield context.report(
                context.locate(function),
                f"{function.source_id} has nowhere to send events that keep failing ({'; '.join(kinds)}); "
                f"add {'; '.join(_fixes(kinds))}",
                resource=function.source_id,
                related=list(dict.fromkeys(related)),
            )


def _never_retried(context: RuleContext, resource: Resource) -> bool:
    """``MaximumRetryAttempts: 0`` written out: failed events are dropped on purpose."""
    attempts = context.property(resource, "MaximumRetryAttempts")
    return attempts.present and attempts.value.single == 0


def _fixes(kinds: list[str]) -> list[str]:
    """What catches failed events, for each kind of source named."""
    fixes = []
    if any(kind.endswith("invocations") for kind in kinds):
        fixes.append("an EventInvokeConfig OnFailure destination or a DeadLetterQueue (asynchronous invocations)")
    if any("stream" in kind for kind in kinds):
        fixes.append("an OnFailure destination on the stream event (DestinationConfig)")
    if any(kind.startswith("queue ") for kind in kinds):
        fixes.append("a RedrivePolicy on the queue (SQS)")
    return fixes
