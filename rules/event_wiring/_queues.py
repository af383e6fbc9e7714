"""What the event-wiring rules share about the queues they point at."""

from samcheck.analysis.wiring import Target
from samcheck.rule import Related, RuleContext


def defined_here(context: RuleContext, queue: Target) -> list[Related]:
    """Where a queue of this template is defined, as a related location (none for an ARN)."""
    if queue.resource is None:
        return []
    return [Related(f"queue {queue.name} defined here", context.locate(queue.resource).span)]
