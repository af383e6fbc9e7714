from collections.abc import Iterator

from samcheck.analysis.schedules import schedule_problem
from samcheck.analysis.values import qualifier, texts
from samcheck.rule import Finding, Rule, RuleContext, Severity

# Resource type -> whether it is EventBridge Scheduler (which also runs one-time at() schedules).
_SCHEDULES = {"AWS::Events::Rule": False, "AWS::Scheduler::Schedule": True}


class ScheduleExpression(Rule):
    """A schedule expression EventBridge rejects fails the deploy: ``rate(1 minutes)`` (a value of
    1 takes the singular unit), ``rate(30 seconds)`` (a minute is the shortest rate), a ``cron()``
    with five fields (EventBridge's has six, the year last), with both day-of-month and
    day-of-week given (one must be ``?``) or with a value a field does not take (``-1`` as a day of
    the week, which takes 1-7 or SUN-SAT, ``MON#6``, ``L`` in the hours), and ``at()`` anywhere but
    EventBridge Scheduler. SAM
    ``Schedule``/``ScheduleV2`` events, ``AWS::Events::Rule`` and ``AWS::Scheduler::Schedule`` are
    checked; every expression a parameter allows or a condition chooses is judged, and one known only
    at deploy time is not.

    **Anti-pattern**

    ```yaml
    Events:
      Nightly:
        Type: Schedule
        Properties:
          Schedule: cron(0 3 * * *)
    ```

    **Best practice**

    ```yaml
    Events:
      Nightly:
        Type: Schedule
        Properties:
          Schedule: cron(0 3 * * ? *)
    ```
    """

    id = "SC3014"
    name = "schedule-expression"
    severity = Severity.ERROR
    summary = "A rate(), cron() or at() schedule expression EventBridge rejects"
    url = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html"
    tags = ("eventbridge", "scheduler")
    resource_types = frozenset({"AWS::Events::Rule", "AWS::Scheduler::Schedule"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for resource in context.of_type(*_SCHEDULES):
            expression = context.property(resource, "ScheduleExpression")
            for text, when in texts(expression):
                problem = schedule_problem(text, scheduler=_SCHEDULES[resource.type])
                if problem is not None:
                    yield context.report(
                        expression.location,
                        f"schedule {text}{qualifier(when)}: {problem}",
                        resource=resource.source_id,
                        related=context.when_related(when),
                    )
