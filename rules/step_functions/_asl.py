"""What the Step Functions rules share (the function a Task invokes is ``samcheck.analysis.statemachines``')."""

from dataclasses import replace

from samcheck.analysis.values import When
from samcheck.rule import Related, RuleContext

# What a Fail or Succeed state, which ends the execution, cannot have (SC6002 reports them).
END_STATE_FORBIDDEN = ("Next", "End", "Retry", "Catch", "ResultPath")


def when_related(context: RuleContext, when: When) -> list[Related]:
    """Where a finding's assumptions are defined, in the template: a finding in a definition file
    (``DefinitionUri``) points there too."""
    return [replace(related, file=context.file) for related in context.when_related(when)]
