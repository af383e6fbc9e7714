from collections.abc import Iterator

from samcheck.analysis.invocation import ASYNC, POLL, Invoker, invokers
from samcheck.analysis.wiring import SOURCE_KINDS, EventSource, redrive_policy
from samcheck.rule import Finding, Location, Related, Resource, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import functions_named, mapping_reads


class FailureHandlingNeverReached(Rule):
    """A function's ``DeadLetterQueue`` and its ``EventInvokeConfig`` ``OnFailure`` destination
    receive only failed *asynchronous* invocations. When everything in the template that invokes the
    function polls (SQS, Kinesis, DynamoDB mappings) or waits for the answer (API Gateway, a load
    balancer, a function URL), nothing ever reaches them, and failures are handled nowhere: a
    poisoned SQS message needs the queue's ``RedrivePolicy``, a failing stream batch an
    ``OnFailure`` destination on the mapping, and a synchronous caller gets the error itself.

    Whatever else names the function (an output, another function's environment, a policy, a state
    machine, a custom resource) may invoke it asynchronously, so then nothing is reported; a caller
    outside the template cannot be seen, hence a warning. A permission whose principal is one of
    several a parameter allows counts as waiting or polling only when every one of them does.

    **Anti-pattern**

    ```yaml
    Worker:
      Type: AWS::Serverless::Function
      Properties:
        DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt Failed.Arn}
        Events:
          Jobs:
            Type: SQS
            Properties:
              Queue: !GetAtt Jobs.Arn
    ```

    **Best practice**

    ```yaml
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        RedrivePolicy: {deadLetterTargetArn: !GetAtt Failed.Arn, maxReceiveCount: 5}
    ```
    """

    id = "SC3020"
    name = "failure-handling-never-reached"
    severity = Severity.WARNING
    summary = "A DeadLetterQueue or async OnFailure on a function the template never invokes asynchronously"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html"
    tags = ("lambda", "wiring")
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        functions = {function.logical_id: function for function in context.of_type("AWS::Lambda::Function")}
        handling: dict[str, list[tuple[str, Location]]] = {}
        for name, function in functions.items():
            if context.property(function, ("DeadLetterConfig", "TargetArn")).present:
                where = context.locate(function, ("DeadLetterConfig",))
                handling.setdefault(name, []).append(("dead-letter queue", where))
        for config in context.of_type("AWS::Lambda::EventInvokeConfig"):
            on_failure = context.property(config, ("DestinationConfig", "OnFailure"))
            if not on_failure.present:
                continue
            for function, _ in functions_named(template, config, "FunctionName"):
                handling.setdefault(function.logical_id, []).append(("OnFailure destination", on_failure.location))
        for name, places in handling.items():
            callers = invokers(template, context.graph, functions[name])
            if not callers or any(caller.mode == ASYNC for caller in callers):
                continue  # unknown or no callers here, or some invoke asynchronously
            function = functions[name]
            described = sorted(dict.fromkeys(_describe(context, caller) for caller in callers))
            related = [
                Related(f"invoked by {_describe(context, caller)}", context.locate(caller.resource).span)
                for caller in callers
            ]
            for what, where in places:
                yield context.report(
                    where,
                    f"{function.source_id}'s {what} receives only failed asynchronous invocations, but here it is "
                    f"invoked only by {', '.join(described)}, so nothing reaches it; {_instead(context, callers)}",
                    resource=function.source_id,
                    related=list(dict.fromkeys(related)),
                )


def _reads(context: RuleContext, mapping: Resource) -> list[EventSource]:
    """What a mapping reads, once per source it may read."""
    return [read for read in mapping_reads(context.template) if read.mapping is mapping]


def _describe(context: RuleContext, caller: Invoker) -> str:
    if caller.mode != POLL:
        return caller.what
    kinds = {read.kind for read in _reads(context, caller.resource)}
    kind = kinds.pop() if len(kinds) == 1 else None
    return f"{SOURCE_KINDS[kind]} polling" if kind in SOURCE_KINDS else "an event source mapping"


def _instead(context: RuleContext, callers: list[Invoker]) -> str:
    sources = [read for caller in callers if caller.mode == POLL for read in _reads(context, caller.resource)]
    kinds = {source.kind for source in sources}
    queues = [s.source.resource for s in sources if s.kind == "sqs" and s.source and s.source.resource]
    fixes = []
    if any(redrive_policy(context.template, queue) is None for queue in queues) or ("sqs" in kinds and not queues):
        fixes.append("give the source queue a RedrivePolicy")
    elif "sqs" in kinds:
        fixes.append("the source queue's RedrivePolicy already keeps failed messages")
    if kinds - {"sqs"}:
        fixes.append("set DestinationConfig.OnFailure on the stream's mapping (event)")
    if any(c.mode != POLL for c in callers):
        fixes.append("synchronous callers get the error in their response")
    return "; ".join(fixes) + "; or remove it"
