from collections.abc import Iterator

from samcheck.analysis.wiring import Target, is_fifo, targets_of
from samcheck.rule import SAM_PREFIX, Finding, Location, Related, Resource, Rule, RuleContext, Severity, get_path

_SAM_TYPES = {"SQS": "AWS::SQS::Queue", "SNS": "AWS::SNS::Topic"}


class LambdaDlqType(Rule):
    """A function's dead-letter target (``DeadLetterConfig.TargetArn``, SAM ``DeadLetterQueue``)
    must be a standard SQS queue or a standard SNS topic. A FIFO queue or topic, or any other kind
    of resource, cannot receive the failed events. In SAM, ``DeadLetterQueue.Type`` must name the
    target's real type: SAM grants ``sqs:SendMessage`` or ``sns:Publish`` from it, so a wrong type
    leaves the function without permission to write to its dead-letter target.

    **Anti-pattern**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        DeadLetterQueue:
          Type: SQS
          TargetArn: !Ref FailuresTopic
    ```

    **Best practice**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        DeadLetterQueue:
          Type: SNS
          TargetArn: !Ref FailuresTopic
    ```
    """

    id = "SC3003"
    name = "lambda-dlq-type"
    severity = Severity.ERROR
    summary = "A function's dead-letter target is FIFO, of the wrong kind, or not the SAM Type given"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html"
    tags = ("lambda", "wiring")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for function in context.of_type("AWS::Lambda::Function"):
            branches = context.branches(function, ("DeadLetterConfig", "TargetArn"))
            for target, written in targets_of(context.template, branches):
                if target.type is not None:
                    # In an Fn::If, the branch; else the whole setting (its Type is judged too).
                    where = written if branches.qualifier else ("DeadLetterConfig",)
                    yield from self._judge(
                        context, function, target, context.locate(function, where), branches.qualifier
                    )

    def _judge(
        self, context: RuleContext, function: Resource, target: Target, location: Location, qualifier: str
    ) -> Iterator[Finding]:
        template = context.template
        related = (
            [Related(f"{target.name} defined here", context.locate(target.resource).span)] if target.resource else []
        )
        if target.type not in ("AWS::SQS::Queue", "AWS::SNS::Topic"):
            yield context.report(
                location,
                f"dead-letter target {target.name}{qualifier} is a {target.type}; a function's dead-letter target "
                "must be a standard SQS queue or SNS topic",
                resource=function.source_id,
                related=related,
            )
            return
        if is_fifo(template, target):
            yield context.report(
                location,
                f"dead-letter target {target.name}{qualifier} is FIFO; Lambda can only send failed events to a "
                "standard queue or topic, use one",
                resource=function.source_id,
                related=related,
            )
        if function.origin.source_type.startswith(SAM_PREFIX):
            declared = context.resolve(
                get_path(
                    template.source,
                    ("Resources", function.source_id, "Properties", "DeadLetterQueue", "Type"),
                )
                or get_path(template.source, ("Globals", "Function", "DeadLetterQueue", "Type"))
            ).single
            if declared in _SAM_TYPES and _SAM_TYPES[declared] != target.type:
                actual = "SQS" if target.type == "AWS::SQS::Queue" else "SNS"
                yield context.report(
                    location,
                    f"DeadLetterQueue.Type is {declared} but {target.name}{qualifier} is an {actual} "
                    f"{'queue' if actual == 'SQS' else 'topic'}, so SAM grants the wrong permission; "
                    f"set Type: {actual}",
                    resource=function.source_id,
                    related=related,
                )
