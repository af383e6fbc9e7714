from collections.abc import Iterator

from samcheck.analysis.values import Candidate, When, qualifier, together
from samcheck.rule import Finding, Resource, Rule, RuleContext, Severity, Template

# Targets that only some deployments have are combined up to this many (each doubles the work);
# the others are not counted, so a count may be too low, never too high.
_COMBINED_AT_MOST = 12


class EventbridgeTargets(Rule):
    """An EventBridge rule can have at most 5 targets; CloudFormation rejects a sixth. Split the
    targets over several rules with the same pattern, or fan out through one SNS topic. Targets an
    ``Fn::If`` chooses or leaves out are counted in each way the template may be deployed.

    **Anti-pattern**

    ```yaml
    Rule:
      Type: AWS::Events::Rule
      Properties:
        Targets: [A, B, C, D, E, F]   # six targets
    ```

    **Best practice**

    ```yaml
    Rule:
      Type: AWS::Events::Rule
      Properties:
        Targets: [A, B, C]
    SecondRule:
      Type: AWS::Events::Rule
      Properties:
        Targets: [D, E, F]   # the same EventPattern
    ```
    """

    id = "SC3013"
    name = "eventbridge-targets"
    severity = Severity.ERROR
    summary = "More than 5 targets on one EventBridge rule"
    url = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html"
    tags = ("eventbridge", "limit")
    resource_types = frozenset({"AWS::Events::Rule"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limit = context.limit("eventbridge-rule-targets-max")
        for rule in context.of_type("AWS::Events::Rule"):
            for count, when in _over_limit(context.template, rule, limit):
                yield context.report(
                    context.locate(rule, ("Targets",)),
                    f"{count} targets > {limit:g} allowed on one EventBridge rule{qualifier(when)}; split them over "
                    "several rules with the same pattern",
                    resource=rule.source_id,
                    related=context.when_related(when),
                )


def _over_limit(template: Template, rule: Resource, limit: float) -> list[tuple[int, When]]:
    """Where a rule has more than ``limit`` targets: the largest count under each fewest assumptions,
    for every branch of an ``Fn::If`` around the list and every combination of targets that an
    ``Fn::If`` may leave out."""
    found: dict[When, int] = {}
    lists = template.branches(rule, "Targets")
    for targets, when in zip(lists.nodes, lists.whens, strict=True):
        always = 0
        sometimes: list[list[Candidate]] = []
        for target in targets if isinstance(targets, list) else []:
            branches = template.resolver.branches(target, ())
            if branches.nodes and not branches.sometimes_absent:
                always += 1
            elif branches.nodes and len(sometimes) < _COMBINED_AT_MOST:
                sometimes.append([Candidate(1, written) for written in branches.whens] + [Candidate(0)])
        for counts, both in together([Candidate(always, when)], *sometimes):
            if sum(counts) > limit:
                found[both] = max(found.get(both, 0), sum(counts))
    fewest = [(count, when) for when, count in found.items() if not any(other < when for other in found)]
    return sorted(fewest, key=lambda item: sorted(item[1]))
