from collections.abc import Iterator

from samcheck.analysis.apis import endpoint_types
from samcheck.analysis.values import Candidate, qualifier, together
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.api_gateway._apis import integrations


class ApiIntegrationTimeoutRange(Rule):
    """Integration timeouts (``TimeoutInMillis``): REST 50–29,000 ms, HTTP APIs 50–30,000 ms,
    WebSocket 50–29,000 ms. Since 2024 a Regional or private REST API may go above 29,000 ms after a
    quota raise (warning there); an edge-optimized one may not (error).

    **Anti-pattern**

    ```yaml
    Integration:
      Type: AWS_PROXY
      TimeoutInMillis: 60000
    ```

    **Best practice**

    ```yaml
    Integration:
      Type: AWS_PROXY
      TimeoutInMillis: 29000
    ```
    """

    id = "SC4005"
    name = "api-integration-timeout-range"
    severity = Severity.ERROR
    summary = "Integration TimeoutInMillis outside 50–29,000 (REST, WebSocket) or 50–30,000 ms (HTTP)"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html"
    tags = ("apigateway", "limit")
    resource_types = frozenset({"AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        low = context.limit("api-rest-timeout-min")
        highs = {
            "REST": context.limit("api-rest-timeout-max"),
            "HTTP": context.limit("api-http-timeout-max"),
            "WEBSOCKET": context.limit("api-websocket-timeout-max"),
        }
        for integration in integrations(template):
            value = integration.timeout_ms
            high = highs[integration.protocol]
            if value is None or low <= value <= high:
                continue
            endpoints = [Candidate(frozenset({"EDGE"}))]  # whatever the endpoint, an error
            if integration.protocol == "REST" and value > high:
                # An endpoint type known only at deploy time may be Regional: a warning at most.
                endpoints = endpoint_types(template, integration.api) or [Candidate(frozenset())]
            for (_, types), when in together([Candidate(integration, integration.when)], endpoints):
                raisable = "EDGE" not in types
                note = "; a Regional or private REST API can go higher only after a quota raise" if raisable else ""
                yield context.report(
                    integration.where,
                    f"TimeoutInMillis {value:g} is outside {low:g}–{high:,.0f} ms for a {integration.protocol} API"
                    f"{qualifier(when)}{note}; set it to at most {high:,.0f}",
                    resource=integration.holder.source_id,
                    severity=Severity.WARNING if raisable else None,
                    related=context.when_related(when),
                )
