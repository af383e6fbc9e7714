from collections.abc import Iterator

from samcheck.analysis.values import outside
from samcheck.rule import Finding, Rule, RuleContext, Severity


class LambdaAsyncConfigRange(Rule):
    """Asynchronous invocation settings (``AWS::Lambda::EventInvokeConfig``, SAM
    ``EventInvokeConfig``): ``MaximumRetryAttempts`` must be 0 to 2 and
    ``MaximumEventAgeInSeconds`` 60 to 21,600 (6 hours).

    **Anti-pattern**

    ```yaml
    EventInvokeConfig:
      MaximumRetryAttempts: 5
      MaximumEventAgeInSeconds: 30
    ```

    **Best practice**

    ```yaml
    EventInvokeConfig:
      MaximumRetryAttempts: 2
      MaximumEventAgeInSeconds: 3600
    ```
    """

    id = "SC1013"
    name = "lambda-async-config-range"
    severity = Severity.ERROR
    summary = "EventInvokeConfig MaximumRetryAttempts outside 0–2 or MaximumEventAgeInSeconds outside 60–21,600"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html"
    tags = ("lambda", "async")
    resource_types = frozenset({"AWS::Lambda::EventInvokeConfig"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        ranges = {
            "MaximumRetryAttempts": ("lambda-async-retries-min", "lambda-async-retries-max", ""),
            "MaximumEventAgeInSeconds": ("lambda-async-event-age-min", "lambda-async-event-age-max", "s"),
        }
        for config in context.of_type("AWS::Lambda::EventInvokeConfig"):
            for name, (low_name, high_name, unit) in ranges.items():
                low, high = context.limit(low_name), context.limit(high_name)
                setting = context.property(config, name)
                offending = outside(setting.value, low, high)
                if offending:
                    yield context.report(
                        setting.location,
                        f"{name} {setting.value.describe(offending)} is outside {low:g}–{high:,.0f}"
                        f"{' ' + unit if unit else ''}; "
                        "set a value in that range",
                        resource=config.source_id,
                        related=context.parameter_related(setting.value),
                    )
