"""What the event-wiring rules share about the queues they point at."""

from samcheck.analysis.wiring import Target
from samcheck.rule import Related, RuleContext


def defined_here(context: RuleContext, target: Target) -> list[Related]:
    """Where a queue (or another target) of this template is defined, as a related location (none
    for an ARN)."""
    if target.resource is None:
        return []
    noun = "queue " if target.type == "AWS::SQS::Queue" else ""
    return [Related(f"{noun}{target.name} defined here", context.locate(target.resource).span)]
