from collections.abc import Iterator

from samcheck.analysis.apis import api_permissions
from samcheck.analysis.values import LEFT_OUT, Candidate, When, numbers, numbers_where_set, qualifier, together
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity
from samcheck.rules.concurrency._throttles import Throttle, stage_throttles


class ApiThrottleVsConcurrency(Rule):
    """By Little's law an API needs requests per second × function duration concurrent executions;
    with the function's ``Timeout`` as the worst case, a stage throttle (``ThrottlingRateLimit``)
    that lets through more than the function's reserved concurrency (or, without a reservation, the
    account's budget) produces throttling errors before the API limit is reached. The message shows
    the arithmetic.

    **Anti-pattern**

    ```yaml
    MethodSettings:
      - ResourcePath: "/*"
        HttpMethod: "*"
        ThrottlingRateLimit: 500   # x 10 s Timeout = 5,000 > 100 reserved
    ```

    **Best practice**

    ```yaml
    MethodSettings:
      - ResourcePath: "/*"
        HttpMethod: "*"
        ThrottlingRateLimit: 10    # x 10 s = 100, what the function reserves
    ```
    """

    id = "SC2004"
    name = "api-throttle-vs-concurrency"
    severity = Severity.WARNING
    summary = "API throttle rate x function Timeout above the concurrency the function can get"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html"
    tags = ("lambda", "concurrency", "apigateway")
    resource_types = frozenset({"AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        functions = {f.logical_id: f for f in context.of_type("AWS::Lambda::Function")}
        for throttle in stage_throttles(template):
            if throttle.kind != "rate" or not throttle.stage_wide:
                continue
            for (_, api), when in together([Candidate(throttle, throttle.when)], throttle.apis):
                for edge in context.graph.out_edges(api.logical_id, "event_source"):
                    function = functions.get(edge.target)
                    if function is not None:
                        yield from self._judge(context, throttle, api, function, when)

    def _judge(
        self, context: RuleContext, throttle: Throttle, api: Resource, function: Resource, limited: When
    ) -> Iterator[Finding]:
        """The throttle of ``api`` against one function it invokes, where ``limited`` holds."""
        budget = context.limit("concurrent-executions") - context.limit("unreserved-minimum")
        timeout = context.property(function, "Timeout", context.limit("lambda-timeout-default"))
        # LEFT_OUT where nothing is reserved: the function draws on the account's budget.
        reserved = numbers_where_set(context.template, function, "ReservedConcurrentExecutions")
        for (seconds, allowed, _), when in together(numbers(timeout), reserved, [Candidate(api, limited)]):
            ceiling, what = (
                (allowed, f"ReservedConcurrentExecutions {allowed:g}")
                if allowed is not LEFT_OUT
                else (budget, f"the account's {budget:g} available")
            )
            needed = throttle.value * seconds
            if needed <= ceiling:
                continue
            permissions = api_permissions(context.template, function, api)
            yield context.report(
                context.locate(permissions[0]) if permissions else context.locate(function),
                f"{throttle.value:g} requests/s x {seconds:g} s Timeout of {function.source_id} = {needed:,.0f} "
                f"concurrent executions > {what}{qualifier(when)}; lower the throttle to {ceiling / seconds:g} "
                "requests/s or "
                + ("reserve more" if allowed is not LEFT_OUT else "raise the account's concurrency quota"),
                resource=function.source_id,
                related=[
                    Related(f"throttle of {throttle.holder.source_id}", throttle.location.span),
                    *context.when_related(when),
                ],
            )
