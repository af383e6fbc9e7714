from collections.abc import Iterator

from samcheck.analysis.values import qualifier
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.concurrency._throttles import stage_throttles, usage_plan_throttles


class ApiThrottleExceedsAccount(Rule):
    """A stage, method or usage-plan throttle above the account's own API Gateway limit in the
    template's Region (10,000 requests per second steady, 5,000 burst, by default; 2,500 and 1,250 in
    the Regions opened since 2020, such as af-south-1, eu-south-1 and ap-southeast-3) can never be
    reached: the account limit throttles first. Either the setting is a mistake or the account needs a
    quota raise. ``--region`` (or the configuration, samconfig.toml, ``AWS_REGION``) picks the Region.

    **Anti-pattern**

    ```yaml
    Throttle:
      RateLimit: 50000
      BurstLimit: 20000
    ```

    **Best practice**

    ```yaml
    Throttle:
      RateLimit: 1000
      BurstLimit: 500
    ```
    """

    id = "SC2006"
    name = "api-throttle-exceeds-account"
    severity = Severity.WARNING
    summary = "A throttle above the account's API Gateway limit in the Region (10,000 rps, 5,000 burst in most)"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html"
    tags = ("apigateway", "limit")
    resource_types = frozenset({"AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage", "AWS::ApiGateway::UsagePlan"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limits = {
            "rate": context.limit("api-throttle-rate-account"),
            "burst": context.limit("api-throttle-burst-account"),
        }
        template = context.template
        for throttle in stage_throttles(template) + usage_plan_throttles(template):
            limit = limits[throttle.kind]
            if throttle.value > limit:
                unit = "requests/s" if throttle.kind == "rate" else "requests burst"
                yield context.report(
                    throttle.location,
                    f"{throttle.kind} limit {throttle.value:,.0f}{qualifier(throttle.when)} > the account's "
                    f"{limit:,.0f} {unit} in {context.region}; it can never be reached without a quota raise, so "
                    "lower it (or raise the quota first)",
                    resource=throttle.holder.source_id,
                    related=context.when_related(throttle.when),
                )
