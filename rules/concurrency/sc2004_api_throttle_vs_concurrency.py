from collections.abc import Iterator

from samcheck.analysis.values import as_number
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity, referenced
from samcheck.rules.concurrency._throttles import stage_throttles


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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        budget = context.limit("concurrent-executions") - context.limit("unreserved-minimum")
        functions = {f.logical_id: f for f in context.of_type("AWS::Lambda::Function")}
        permissions = list(context.of_type("AWS::Lambda::Permission"))
        for throttle in stage_throttles(template):
            if throttle.kind != "rate" or throttle.api is None or not throttle.stage_wide:
                continue
            for edge in context.graph.out_edges(throttle.api.logical_id, "event_source"):
                function = functions.get(edge.target)
                if function is None:
                    continue
                timeout = context.property(function, "Timeout", context.limit("lambda-timeout-default"))
                seconds = as_number(timeout.value.single)
                reserved = context.property(function, "ReservedConcurrentExecutions")
                allowed = as_number(reserved.value.single)
                ceiling, what = (
                    (allowed, f"ReservedConcurrentExecutions {allowed:g}")
                    if allowed is not None
                    else (
                        budget,
                        f"the account's {budget:g} available",
                    )
                )
                if seconds is None or ceiling is None or throttle.value * seconds <= ceiling:
                    continue
                needed = throttle.value * seconds
                where = next(
                    (
                        context.locate(p)
                        for p in permissions
                        if function.logical_id
                        in {n for n, _, _ in referenced(p.properties.get("FunctionName"), functions)}
                        and throttle.api.logical_id
                        in {n for n, _, _ in referenced(p.properties.get("SourceArn"), context.resources)}
                    ),
                    context.locate(function),
                )
                yield context.report(
                    where,
                    f"{throttle.value:g} requests/s x {seconds:g} s Timeout of {function.source_id} = "
                    f"{needed:,.0f} concurrent "
                    f"executions > {what}; lower the throttle to {ceiling / seconds:g} requests/s or "
                    + ("reserve more" if allowed is not None else "raise the account's concurrency quota"),
                    resource=function.source_id,
                    related=[Related(f"throttle of {throttle.holder.source_id}", throttle.location.span)],
                )
