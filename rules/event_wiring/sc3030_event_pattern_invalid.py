from collections.abc import Iterator

from samcheck.analysis.patterns import (
    EVENT_PATTERN,
    PolicyLimits,
    Problem,
    Written,
    grammar_problems,
    policy_problems,
    written_patterns,
)
from samcheck.analysis.values import When, qualifier
from samcheck.rule import Finding, Rule, RuleContext, Severity

_SHOWN_STEPS = 6


class EventPatternInvalid(Rule):
    """An event pattern or SNS filter policy that the service refuses when the stack deploys
    ("Event pattern is not valid", "Invalid parameter: FilterPolicy"). Covers an EventBridge rule's
    ``EventPattern`` (SAM ``EventBridgeRule`` and ``CloudWatchEvent`` events' ``Pattern``), a pipe's
    and an event source mapping's ``FilterCriteria`` (SAM ``FilterCriteria`` on SQS, Kinesis,
    DynamoDB and MSK events), and an SNS subscription's ``FilterPolicy`` (SAM ``SNS`` events).
    Every value is a non-empty array of values or content filters; a content filter is one of ``prefix``,
    ``suffix``, ``equals-ignore-case``, ``wildcard``, ``anything-but``, ``numeric``, ``exists``,
    ``cidr`` in its own shape. A filter policy read with ``FilterPolicyScope: MessageAttributes`` (the
    default) has no nested objects and at most five attribute names; any policy at most 150
    combinations of values and 256 KB. A part known only at deploy time is not judged; a pattern
    chosen by a parameter's allowed values or a condition is judged for each.

    **Anti-pattern**

    ```yaml
    Events:
      Created:
        Type: EventBridgeRule
        Properties:
          Pattern:
            source: aws.s3            # a value, not an array
            detail:
              size: [{numeric: [">", "100"]}]
    ```

    **Best practice**

    ```yaml
    Events:
      Created:
        Type: EventBridgeRule
        Properties:
          Pattern:
            source: [aws.s3]
            detail:
              size: [{numeric: [">", 100]}]
    ```
    """

    id = "SC3030"
    name = "event-pattern-invalid"
    severity = Severity.ERROR
    summary = "An event pattern or SNS filter policy the service refuses (scalar value, content filter shape, limits)"
    url = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html"
    tags = ("eventbridge", "sns", "wiring")
    resource_types = frozenset(
        {"AWS::Events::Rule", "AWS::Lambda::EventSourceMapping", "AWS::Pipes::Pipe", "AWS::SNS::Subscription"}
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limits = PolicyLimits(
            keys=int(context.limit("sns-filter-policy-keys-max")),
            combinations=int(context.limit("sns-filter-policy-combinations-max")),
            size=int(context.limit("sns-filter-policy-size-max")),
        )
        by_property: dict[tuple[str, tuple[object, ...]], list[Written]] = {}
        for written in written_patterns(context.template):
            by_property.setdefault((written.resource.logical_id, written.path), []).append(written)
        for variants in by_property.values():
            found: dict[Problem, list[When]] = {}
            for written in variants:
                problems = (
                    grammar_problems(written.value)
                    if written.kind == EVENT_PATTERN
                    else policy_problems(written.value, written.scope, limits)
                )
                for problem in dict.fromkeys(problems):
                    found.setdefault(problem, []).append(written.when)
            first = variants[0]
            what = "event pattern" if first.kind == EVENT_PATTERN else "SNS filter policy"
            service = "the deployment fails" if first.kind == EVENT_PATTERN else "SNS refuses the subscription"
            for problem, whens in found.items():
                # Once per deployment it holds in: a variant whose text does not parse (SC0017) is
                # not among the variants, so "all of them" may still be one of a known set.
                for when in dict.fromkeys(whens):
                    at = first.path if first.text else (*first.path, *problem.at)
                    inside = f" at {_shown(problem.at)}" if first.text and problem.at else ""
                    yield context.report(
                        context.locate(first.resource, at),
                        f"invalid {what}{inside}{qualifier(when)}: {problem.message}, so {service}",
                        resource=first.resource.source_id,
                        related=context.when_related(when),
                    )


def _shown(at: tuple[object, ...]) -> str:
    """A path inside a text pattern, its last steps only when deep (a text may nest anything)."""
    steps = [str(step) for step in at]
    return ".".join(steps) if len(steps) <= _SHOWN_STEPS else "….".join(["", ".".join(steps[-_SHOWN_STEPS:])])
