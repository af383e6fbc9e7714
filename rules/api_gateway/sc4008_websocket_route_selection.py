from collections.abc import Iterator

from samcheck.analysis.values import LEFT_OUT, qualifier, texts, together, where_set
from samcheck.rule import Finding, Rule, RuleContext, Severity


class WebsocketRouteSelection(Rule):
    """A WebSocket API picks a route for each message with its ``RouteSelectionExpression``
    (usually ``$request.body.action``); CloudFormation rejects a WebSocket API without one.

    **Anti-pattern**

    ```yaml
    Chat:
      Type: AWS::ApiGatewayV2::Api
      Properties:
        Name: chat
        ProtocolType: WEBSOCKET
    ```

    **Best practice**

    ```yaml
    Chat:
      Type: AWS::ApiGatewayV2::Api
      Properties:
        Name: chat
        ProtocolType: WEBSOCKET
        RouteSelectionExpression: $request.body.action
    ```
    """

    id = "SC4008"
    name = "websocket-route-selection"
    severity = Severity.ERROR
    summary = "A WebSocket API without a RouteSelectionExpression"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-routes.html"
    tags = ("apigateway", "websocket")
    resource_types = frozenset({"AWS::ApiGatewayV2::Api"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for api in context.of_type("AWS::ApiGatewayV2::Api"):
            websocket = [case for case in texts(context.property(api, "ProtocolType")) if case.value == "WEBSOCKET"]
            if not websocket or any(context.property(api, key).present for key in ("Body", "BodyS3Location")):
                continue  # an imported OpenAPI definition is another way to declare it
            selection = where_set(context.template, api, "RouteSelectionExpression")
            for (_, expression), when in together(websocket, selection):
                if expression is LEFT_OUT:
                    yield context.report(
                        context.locate(api, ("ProtocolType",)),
                        f"WebSocket API {api.source_id} has no RouteSelectionExpression{qualifier(when)}, which "
                        "CloudFormation requires; add one, e.g. RouteSelectionExpression: $request.body.action",
                        resource=api.source_id,
                        related=context.when_related(when),
                    )
