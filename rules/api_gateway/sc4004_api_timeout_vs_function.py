from collections.abc import Iterator

from samcheck.analysis.units import milliseconds, seconds
from samcheck.analysis.values import Candidate, numbers, qualifier, together
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity
from samcheck.rules.api_gateway._apis import integrations


class ApiTimeoutVsFunction(Rule):
    """A function whose ``Timeout`` is longer than its API's integration timeout (REST: 29 s unless
    the integration sets a longer ``TimeoutInMillis``, which Regional and private APIs may after a
    quota increase; a streaming REST integration, ``responseTransferMode: STREAM``, up to 15 minutes
    unless its timeout is set lower; HTTP API: 30 s) keeps running, and is billed, after the client
    has got a 504. Every timeout a parameter allows or an ``Fn::If`` may choose is judged, and each
    function an ``Fn::If`` may integrate.
    Reported on the function, at its ``Api``/``HttpApi`` event entry or the integration, with the
    API as a related location.

    **Anti-pattern**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Timeout: 120
        Events:
          Get:
            Type: Api
            Properties: {Path: /report, Method: get}
    ```

    **Best practice**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Timeout: 25   # long work: start it asynchronously and return 202
    ```
    """

    id = "SC4004"
    name = "api-timeout-vs-function"
    severity = Severity.WARNING
    summary = "Function Timeout longer than the API integration timeout (clients get 504s)"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html"
    tags = ("apigateway", "lambda", "wiring")
    resource_types = frozenset({"AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        stream_max = context.limit("api-rest-stream-timeout-max")
        defaults = {
            "REST": context.limit("api-rest-timeout-max"),
            "HTTP": context.limit("api-http-timeout-max"),
            "WEBSOCKET": context.limit("api-websocket-timeout-max"),
        }
        for integration in integrations(template):
            timeout = context.property(integration.function, "Timeout", context.limit("lambda-timeout-default"))
            # A streaming REST integration may run up to 15 minutes; only a lower timeoutInMillis stops it.
            default_ms = stream_max if integration.streaming else defaults[integration.protocol]
            api_ms = integration.timeout_ms if integration.timeout_ms is not None else default_ms
            deployed = [Candidate(integration, integration.when)]
            for (function_seconds, _), when in together(numbers(timeout), deployed):
                if milliseconds(function_seconds) <= api_ms:
                    continue
                if integration.streaming:
                    fix = (
                        f"raise its timeoutInMillis to {milliseconds(function_seconds):.0f} (a streaming integration "
                        f"may run up to {seconds(stream_max) / 60:g} minutes), or lower Timeout to "
                        f"{seconds(api_ms):g} s"
                    )
                else:
                    fix = f"lower Timeout to {seconds(api_ms):g} s or return early and finish asynchronously"
                yield context.report(
                    integration.where,
                    f"{integration.function.source_id} may run {function_seconds:g} s, but {integration.protocol} API "
                    f"{integration.api.logical_id} gives up after {seconds(api_ms):g} s{qualifier(when)}: the client "
                    f"gets a 504 while the function runs on and is billed; {fix}",
                    resource=integration.function.source_id,
                    related=[
                        Related(f"API {integration.api.logical_id}", context.locate(integration.api).span),
                        Related(f"Timeout {function_seconds:g} s", timeout.location.span),
                        *context.when_related(when),
                    ],
                )
