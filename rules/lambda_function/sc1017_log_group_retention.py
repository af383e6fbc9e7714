from collections.abc import Iterator

from samcheck.analysis.cfnlint_data import allowed_values
from samcheck.rule import Finding, Rule, RuleContext, Severity


class LogGroupRetention(Rule):
    """CloudWatch Logs keeps log events for one of a fixed set of periods (1, 3, 5, 7, 14, 30, 60,
    90 days and so on up to 3,653); any other ``RetentionInDays`` fails the deploy. A function's log
    group is where this is usually set. The allowed values are read from the CloudFormation
    resource schema cfn-lint ships for the Region, so they follow AWS.

    **Anti-pattern**

    ```yaml
    FunctionLogs:
      Type: AWS::Logs::LogGroup
      Properties:
        LogGroupName: !Sub /aws/lambda/${Function}
        RetentionInDays: 45
    ```

    **Best practice**

    ```yaml
    FunctionLogs:
      Type: AWS::Logs::LogGroup
      Properties:
        LogGroupName: !Sub /aws/lambda/${Function}
        RetentionInDays: 60
    ```
    """

    id = "SC1017"
    name = "log-group-retention"
    severity = Severity.ERROR
    summary = "A log group's RetentionInDays is not one of the periods CloudWatch Logs keeps events for"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html"
    tags = ("logs", "limit")
    resource_types = frozenset({"AWS::Logs::LogGroup"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        groups = list(context.of_type("AWS::Logs::LogGroup"))
        # cfn-lint's schema is read only for a template with log groups
        allowed = allowed_values("AWS::Logs::LogGroup", "RetentionInDays", context.region) if groups else ()
        if not allowed:
            return
        for group in groups:
            retention = context.property(group, "RetentionInDays")
            offending = [value for value in retention.candidates if _number(value) not in (None, *allowed)]
            if offending:
                days = _number(offending[0]) or 0
                lower = max((period for period in allowed if period < days), default=min(allowed))
                higher = min((period for period in allowed if period > days), default=max(allowed))
                nearest = " or ".join(str(period) for period in sorted({lower, higher}))
                yield context.report(
                    retention.location,
                    f"RetentionInDays {retention.value.describe(offending)} is not a period CloudWatch Logs keeps "
                    f"events for; use {nearest} (the nearest allowed), or leave it out to keep them forever",
                    resource=group.source_id,
                    related=context.parameter_related(retention.value),
                )


def _number(value: object) -> float | None:
    """A number of days as written (``30`` or ``"30"``); None for anything else, which is not this
    rule's to judge."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return float(value)
    except ValueError:
        return None
