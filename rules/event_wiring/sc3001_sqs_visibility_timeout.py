from collections.abc import Iterator

from samcheck.analysis.values import Candidate, numbers, qualifier, together
from samcheck.analysis.wiring import event_sources
from samcheck.rule import Edit, Finding, Fix, Related, Rule, RuleContext, Severity


class SqsVisibilityTimeout(Rule):
    """A queue's ``VisibilityTimeout`` must be at least the ``Timeout`` of the function that reads
    it, or Lambda refuses to create the event source mapping ("Queue visibility timeout … is less
    than Function timeout"). AWS recommends six times the function timeout plus the batching window,
    so that retries after throttling do not hand a message out twice (warning; the factor is the
    limit ``sqs-visibility-timeout-factor``). Defaults count: a queue without ``VisibilityTimeout``
    has 30 s, a function without ``Timeout`` 3 s, and the queue SAM creates for an SNS event with
    ``SqsSubscription: true`` keeps the 30 s default. When either timeout is known only at deploy
    time (a parameter without a ``Default``, an import), nothing is guessed: an info says which value
    and what would make it checkable (``--parameter-overrides``).

    **Anti-pattern**

    ```yaml
    Queue:
      Type: AWS::SQS::Queue          # VisibilityTimeout: 30 (default)
    Consumer:
      Type: AWS::Serverless::Function
      Properties:
        Timeout: 60
        Events:
          Orders:
            Type: SQS
            Properties:
              Queue: !GetAtt Queue.Arn
    ```

    **Best practice**

    ```yaml
    Queue:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 360       # 6 x 60 s
    ```
    """

    id = "SC3001"
    name = "sqs-visibility-timeout"
    severity = Severity.ERROR
    summary = "Queue VisibilityTimeout below the consuming function's Timeout (6x recommended)"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html"
    tags = ("sqs", "lambda", "wiring")
    fixable = True
    resource_types = frozenset({"AWS::Lambda::EventSourceMapping", "AWS::SQS::Queue", "AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        factor = context.limit("sqs-visibility-timeout-factor")
        for wiring in event_sources(template):
            if wiring.kind != "sqs" or wiring.source is None or wiring.source.resource is None:
                continue
            if wiring.function is None:
                continue
            queue, function = wiring.source.resource, wiring.function
            visibility = context.property(queue, "VisibilityTimeout", context.limit("sqs-visibility-timeout-default"))
            timeout = context.property(function, "Timeout", context.limit("lambda-timeout-default"))
            window = context.property(wiring.mapping, "MaximumBatchingWindowInSeconds", 0)
            where = context.locate(wiring.mapping)
            checks = (
                (f"VisibilityTimeout of queue {queue.source_id}", visibility, f"{function.source_id}'s Timeout"),
                (f"Timeout of function {function.source_id}", timeout, f"{queue.source_id}'s VisibilityTimeout"),
            )
            for subject, setting, other in checks:
                if setting.present and not setting.value.known:
                    yield context.report_unknown(
                        where, subject, setting.value, f"its fit with {other}", resource=wiring.mapping.source_id
                    )
            defaults = ", ".join(
                text
                for text, present in (
                    ("queue default", visibility.present),
                    ("function default", timeout.present),
                )
                if not present
            )
            note = f" ({defaults})" if defaults else ""
            wired = [Candidate(wiring, wiring.when)]  # the branch that wires this function to this queue
            judged = together(numbers(visibility), numbers(timeout), numbers(window), wired)
            for (queue_seconds, function_seconds, batching, _), when in judged:
                recommended = factor * function_seconds + batching
                related = [
                    Related(
                        f"queue {queue.source_id}: VisibilityTimeout {queue_seconds:g} s",
                        visibility.location.span,
                    ),
                    Related(f"function {function.source_id}: Timeout {function_seconds:g} s", timeout.location.span),
                    *context.when_related(when),
                ]
                fix = None
                written = queue.properties.get("VisibilityTimeout")  # as written: only a literal is replaced
                if not queue.origin.generated and not when and (not visibility.present or isinstance(written, int)):
                    path = ("Resources", queue.source_id, "Properties", "VisibilityTimeout")
                    fix = Fix(
                        f"set VisibilityTimeout of {queue.source_id} to {recommended:g}",
                        (Edit(path, int(recommended)),),
                    )
                if queue_seconds < function_seconds:
                    yield context.report(
                        where,
                        f"queue {queue.source_id} has VisibilityTimeout {queue_seconds:g} s < Timeout "
                        f"{function_seconds:g} s of {function.source_id}{note}{qualifier(when)}, so the event source "
                        f"mapping cannot be created; set VisibilityTimeout to at least {recommended:g} s "
                        f"({factor:g} x Timeout + window)",
                        resource=wiring.mapping.source_id,
                        related=related,
                        fix=fix,
                    )
                elif queue_seconds < recommended:
                    yield context.report(
                        where,
                        f"queue {queue.source_id} has VisibilityTimeout {queue_seconds:g} s, less than the recommended "
                        f"{factor:g} x {function_seconds:g} s Timeout of {function.source_id} + {batching:g} s "
                        f"batching window = {recommended:g} s{note}{qualifier(when)}; raise it to {recommended:g} s",
                        resource=wiring.mapping.source_id,
                        related=related,
                        severity=Severity.WARNING,
                        fix=fix,
                    )
