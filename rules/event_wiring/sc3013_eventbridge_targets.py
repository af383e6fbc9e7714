from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity


class EventbridgeTargets(Rule):
    """An EventBridge rule can have at most 5 targets; CloudFormation rejects a sixth. Split the
    targets over several rules with the same pattern, or fan out through one SNS topic.

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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limit = context.limit("eventbridge-rule-targets-max")
        for rule in context.of_type("AWS::Events::Rule"):
            targets = rule.properties.get("Targets")
            if isinstance(targets, list) and len(targets) > limit:
                yield context.report(
                    context.locate(rule, ("Targets",)),
                    f"{len(targets)} targets > {limit:g} allowed on one EventBridge rule; split them over "
                    "several rules with the same pattern",
                    resource=rule.source_id,
                )
