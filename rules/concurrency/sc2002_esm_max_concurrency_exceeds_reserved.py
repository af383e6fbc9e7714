from collections.abc import Iterator

from samcheck.analysis.values import Candidate, numbers, qualifier, together
from samcheck.analysis.wiring import event_sources
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity


class EsmMaxConcurrencyExceedsReserved(Rule):
    """An SQS event source mapping's ``ScalingConfig.MaximumConcurrency`` above the function's
    reserved concurrency: the poller scales up to invocations the function can never run, they are
    throttled, and the messages go back to the queue (and eventually to its dead-letter queue).
    Keep ``MaximumConcurrency`` at or below the reserved concurrency. Every value a parameter allows
    or an ``Fn::If`` may choose is judged, and each function a mapping may invoke.

    **Anti-pattern**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        ReservedConcurrentExecutions: 5
        Events:
          Orders:
            Type: SQS
            Properties:
              Queue: !GetAtt Orders.Arn
              ScalingConfig:
                MaximumConcurrency: 50
    ```

    **Best practice**

    ```yaml
              ScalingConfig:
                MaximumConcurrency: 5
    ```
    """

    id = "SC2002"
    name = "esm-max-concurrency-exceeds-reserved"
    severity = Severity.WARNING
    summary = "SQS mapping MaximumConcurrency above the function's reserved concurrency"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html"
    tags = ("lambda", "concurrency", "sqs")
    resource_types = frozenset({"AWS::Lambda::EventSourceMapping"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for wiring in event_sources(template):
            if wiring.kind != "sqs" or wiring.function is None:
                continue
            maximum = context.property(wiring.mapping, ("ScalingConfig", "MaximumConcurrency"))
            reserved = context.property(wiring.function, "ReservedConcurrentExecutions")
            wired = [Candidate(wiring, wiring.when)]  # the branch that wires this function to this queue
            for (most, allowed, _), when in together(numbers(maximum), numbers(reserved), wired):
                if most <= allowed:
                    continue
                yield context.report(
                    maximum.location,
                    f"MaximumConcurrency {most:g} > ReservedConcurrentExecutions {allowed:g} "
                    f"of {wiring.function.source_id}{qualifier(when)}: "
                    f"the poller will be throttled; set MaximumConcurrency to at most {allowed:g}",
                    resource=wiring.mapping.source_id,
                    related=[
                        Related(f"{wiring.function.source_id} reserves {allowed:g}", reserved.location.span),
                        *context.when_related(when),
                    ],
                )
