from collections import defaultdict
from collections.abc import Iterator

from samcheck.analysis.values import Candidate, When, as_number, qualifier, texts, together
from samcheck.analysis.wiring import dead_letter_queues, event_sources, redrive_policy
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import functions_named

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
_DEAD_LETTER = ("DeadLetterConfig", "TargetArn")
_ON_FAILURE = ("DestinationConfig", "OnFailure", "Destination")


class AsyncWithoutFailureHandling(Rule):
    """Events that fail keep being retried and are then dropped unless something catches them: a
    function invoked asynchronously (S3, SNS, EventBridge rules and schedules, CloudWatch Logs,
    IoT…) needs a dead-letter queue or an ``OnFailure`` destination; a stream mapping (Kinesis,
    DynamoDB) needs an ``OnFailure`` destination, or one bad record blocks its shard until it
    expires; an SQS source queue needs a redrive policy, or a poison message is retried until its
    retention ends. One warning per function, naming the sources and the fix for each kind.

    An explicit ``MaximumRetryAttempts: 0`` (on ``EventInvokeConfig`` or a stream's event) is a
    decision to drop failed events, not a gap, and a queue that is itself a dead-letter queue is
    not asked for one of its own. A source that invokes an alias or a version (``AutoPublishAlias``,
    a qualified ARN) counts for the function behind it, and a principal or function that depends on
    a parameter's allowed values or a condition is judged for each, the warning saying which.

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
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        functions = {f.logical_id: f for f in context.of_type("AWS::Lambda::Function")}
        # function -> (the kind of source, what invokes it, when)
        problems: dict[str, list[tuple[str, Resource, When]]] = defaultdict(list)
        handled = {name for name, f in functions.items() if context.property(f, _DEAD_LETTER).present}
        for config in context.of_type("AWS::Lambda::EventInvokeConfig"):
            if context.property(config, _ON_FAILURE).present or _never_retried(context, config):
                handled |= {function.logical_id for function, _ in functions_named(template, config, "FunctionName")}
        dead_letter = dead_letter_queues(template)
        for permission in context.of_type("AWS::Lambda::Permission"):
            principals = [
                Candidate(ASYNC_PRINCIPALS[service], case.when)
                for case in texts(context.property(permission, "Principal"))
                if (service := case.value.split(".", 1)[0]) in ASYNC_PRINCIPALS
            ]
            invoked = [
                Candidate(f.logical_id, when) for f, when in functions_named(template, permission, "FunctionName")
            ]
            for (service, name), when in together(principals, invoked):
                if name not in handled:
                    problems[name].append((f"{service} invocations", permission, when))
        for schedule in context.of_type("AWS::Scheduler::Schedule"):
            for function, when in functions_named(template, schedule, ("Target", "Arn")):
                if function.logical_id not in handled:
                    problems[function.logical_id].append(("scheduled invocations", schedule, when))
        for wiring in event_sources(template):
            if wiring.function is None:
                continue
            consumer = wiring.function.logical_id
            if (
                wiring.kind in ("kinesis", "dynamodb")
                and not context.property(wiring.mapping, _ON_FAILURE).present
                and not _never_retried(context, wiring.mapping)
            ):
                problems[consumer].append((f"{wiring.kind} stream without OnFailure", wiring.mapping, wiring.when))
            queue = wiring.source.resource if wiring.kind == "sqs" and wiring.source else None
            if queue is not None and queue.logical_id not in dead_letter and redrive_policy(template, queue) is None:
                problems[consumer].append(
                    (f"queue {queue.source_id} without a redrive policy", wiring.mapping, wiring.when)
                )
        for name, sources in problems.items():
            function = functions[name]
            kinds = sorted(dict.fromkeys(kind for kind, _, _ in sources))
            described = sorted(dict.fromkeys(f"{kind}{qualifier(when)}" for kind, _, when in sources))
            related = [
                Related(f"{kind}{qualifier(when)}", context.locate(holder).span) for kind, holder, when in sources
            ]
            related += [place for _, _, when in sources for place in context.when_related(when)]
            yield context.report(
                context.locate(function),
                f"{function.source_id} has nowhere to send events that keep failing ({'; '.join(described)}); "
                f"add {'; '.join(_fixes(kinds))}",
                resource=function.source_id,
                related=list(dict.fromkeys(related)),
            )


def _never_retried(context: RuleContext, resource: Resource) -> bool:
    """``MaximumRetryAttempts: 0`` written out, in every deployment: failed events are dropped on
    purpose."""
    attempts = context.property(resource, "MaximumRetryAttempts").value
    return attempts.known and all(as_number(case.value) == 0 for case in attempts.cases)


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
