from collections.abc import Iterator
from typing import Any

from samcheck.analysis.values import Candidate, qualifier, texts, together
from samcheck.analysis.wiring import Reach, fifo_cases, reaches
from samcheck.rule import (
    SAM_PREFIX,
    Finding,
    Location,
    Related,
    Resource,
    Rule,
    RuleContext,
    Severity,
    Template,
    get_path,
)

_SAM_TYPES = {"SQS": "AWS::SQS::Queue", "SNS": "AWS::SNS::Topic"}


class LambdaDlqType(Rule):
    """A function's dead-letter target (``DeadLetterConfig.TargetArn``, SAM ``DeadLetterQueue``)
    must be a standard SQS queue or a standard SNS topic. A FIFO queue or topic, or any other kind
    of resource, cannot receive the failed events. In SAM, ``DeadLetterQueue.Type`` must name the
    target's real type: SAM grants ``sqs:SendMessage`` or ``sns:Publish`` from it, so a wrong type
    leaves the function without permission to write to its dead-letter target. A target or FIFO flag
    chosen by a parameter's allowed values or a condition is judged for each.

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
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for function in context.of_type("AWS::Lambda::Function"):
            for reach in reaches(context.template, function, ("DeadLetterConfig", "TargetArn")):
                if reach.target.type is not None:
                    # A branch where one is chosen; else the whole setting (its Type is judged too).
                    where = reach.path if reach.when else ("DeadLetterConfig",)
                    yield from self._judge(context, function, reach, context.locate(function, where))

    def _judge(self, context: RuleContext, function: Resource, reach: Reach, location: Location) -> Iterator[Finding]:
        template = context.template
        target = reach.target
        related = (
            [Related(f"{target.name} defined here", context.locate(target.resource).span)] if target.resource else []
        )
        wired = [Candidate(target, reach.when)]  # the branch that names this target
        if target.type not in ("AWS::SQS::Queue", "AWS::SNS::Topic"):
            yield context.report(
                location,
                f"dead-letter target {target.name}{qualifier(reach.when)} is a {target.type}; a function's "
                "dead-letter target must be a standard SQS queue or SNS topic",
                resource=function.source_id,
                related=[*related, *context.when_related(reach.when)],
            )
            return
        for (fifo, _), when in together(fifo_cases(template, target), wired):
            if fifo:
                yield context.report(
                    location,
                    f"dead-letter target {target.name}{qualifier(when)} is FIFO; Lambda can only send failed events "
                    "to a standard queue or topic, use one",
                    resource=function.source_id,
                    related=[*related, *context.when_related(when)],
                )
        if not function.origin.source_type.startswith(SAM_PREFIX):
            return
        declared = context.resolve(_sam_type(template, function))
        actual = "SQS" if target.type == "AWS::SQS::Queue" else "SNS"
        for (kind, _), when in together(texts(declared), wired):
            if kind in _SAM_TYPES and kind != actual:
                yield context.report(
                    location,
                    f"DeadLetterQueue.Type is {kind} but {target.name}{qualifier(when)} is an {actual} "
                    f"{'queue' if actual == 'SQS' else 'topic'}, so SAM grants the wrong permission; "
                    f"set Type: {actual}",
                    resource=function.source_id,
                    related=[*related, *context.when_related(when)],
                )


def _sam_type(template: Template, function: Resource) -> Any:
    """The SAM ``DeadLetterQueue.Type`` of a function, which the expanded function no longer has."""
    path = ("DeadLetterQueue", "Type")
    own = get_path(template.source, ("Resources", function.source_id, "Properties", *path))  # as written: SAM's
    return own or get_path(template.source, ("Globals", "Function", *path))  # as written: SAM's Globals
