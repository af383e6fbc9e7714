from collections.abc import Iterator

from samcheck.analysis.values import candidates, qualifier
from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity
from samcheck.rules.api_gateway._apis import method_settings, stage_settings

_LEVELS = ("OFF", "ERROR", "INFO")


class ApiLoggingLevel(Rule):
    """API Gateway execution logging takes ``OFF``, ``ERROR`` or ``INFO``; ``DEBUG`` or ``WARN``
    (words from other logging systems) fail the deploy of the stage. Checked in REST stage and
    deployment ``MethodSettings`` (SAM ``MethodSettings`` become these) and in HTTP/WebSocket stage
    route settings, for every value a parameter allows or an ``Fn::If`` may choose.

    **Anti-pattern**

    ```yaml
    MethodSettings:
      - ResourcePath: "/*"
        HttpMethod: "*"
        LoggingLevel: DEBUG
    ```

    **Best practice**

    ```yaml
    MethodSettings:
      - ResourcePath: "/*"
        HttpMethod: "*"
        LoggingLevel: INFO
    ```
    """

    id = "SC4013"
    name = "api-logging-level"
    severity = Severity.ERROR
    summary = "A stage LoggingLevel other than OFF, ERROR or INFO"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-apigateway-stage-methodsetting.html"
    tags = ("apigateway", "logging")
    resource_types = frozenset({"AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        places: list[tuple[Resource, NodePath]] = []
        for settings in stage_settings(template):
            places += [(settings.holder, (*entry, "LoggingLevel")) for entry in method_settings(template, settings)]
            if settings.prefix:
                places.append((settings.holder, (*settings.prefix, "LoggingLevel")))
        for stage in context.of_type("AWS::ApiGatewayV2::Stage"):
            places.append((stage, ("DefaultRouteSettings", "LoggingLevel")))
            routes = context.branches(stage, "RouteSettings").nodes
            for route in dict.fromkeys(key for node in routes if isinstance(node, dict) for key in node):
                places.append((stage, ("RouteSettings", route, "LoggingLevel")))
        for holder, path in places:
            level = context.property(holder, path)
            for written, when in candidates(level):
                if isinstance(written, str) and written.upper() not in _LEVELS:
                    yield context.report(
                        level.location,
                        f"LoggingLevel {written}{qualifier(when)} is not one API Gateway takes; use OFF, ERROR or "
                        "INFO (INFO logs each request in full)",
                        resource=holder.source_id,
                        related=context.when_related(when),
                    )
