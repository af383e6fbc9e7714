from collections.abc import Iterator

from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity, get_path
from samcheck.rules.api_gateway._apis import method_settings, stage_settings

_LEVELS = ("OFF", "ERROR", "INFO")


class ApiLoggingLevel(Rule):
    """API Gateway execution logging takes ``OFF``, ``ERROR`` or ``INFO``; ``DEBUG`` or ``WARN``
    (words from other logging systems) fail the deploy of the stage. Checked in REST stage and
    deployment ``MethodSettings`` (SAM ``MethodSettings`` become these) and in HTTP/WebSocket stage
    route settings.

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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        places: list[tuple[Resource, NodePath]] = []
        for settings in stage_settings(context.template):
            places += [
                (settings.holder, (*settings.prefix, "MethodSettings", index, "LoggingLevel"))
                for index, _ in method_settings(settings)
            ]
            if settings.prefix:
                places.append((settings.holder, (*settings.prefix, "LoggingLevel")))
        for stage in context.of_type("AWS::ApiGatewayV2::Stage"):
            places.append((stage, ("DefaultRouteSettings", "LoggingLevel")))
            routes = get_path(stage.properties, ("RouteSettings",))
            for route in routes if isinstance(routes, dict) else {}:
                places.append((stage, ("RouteSettings", route, "LoggingLevel")))
        for holder, path in places:
            level = context.property(holder, path)
            wrong = [value for value in level.candidates if isinstance(value, str) and value.upper() not in _LEVELS]
            if wrong:
                yield context.report(
                    level.location,
                    f"LoggingLevel {level.value.describe(wrong)} is not one API Gateway takes; use OFF, ERROR or INFO "
                    "(INFO logs each request in full)",
                    resource=holder.source_id,
                    related=context.parameter_related(level.value),
                )
