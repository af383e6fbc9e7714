from collections.abc import Iterator

from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity, referenced


class DeploymentBeforeMethods(Rule):
    """An ``AWS::ApiGateway::Deployment`` snapshots the methods that exist when it is created.
    Nothing orders it after ``AWS::ApiGateway::Method`` resources it does not refer to, so without
    ``DependsOn`` CloudFormation may create it first: the deploy fails ("The REST API doesn't
    contain any methods"), or the stage serves an API without the methods created after it. (SAM
    and OpenAPI bodies do not have this problem: the methods are part of the API.)

    **Anti-pattern**

    ```yaml
    Deployment:
      Type: AWS::ApiGateway::Deployment
      Properties:
        RestApiId: !Ref Api
    ```

    **Best practice**

    ```yaml
    Deployment:
      Type: AWS::ApiGateway::Deployment
      DependsOn: [GetItems, PostItem]
      Properties:
        RestApiId: !Ref Api
    ```
    """

    id = "SC4011"
    name = "deployment-before-methods"
    severity = Severity.ERROR
    summary = "A REST API Deployment that may be created before the API's methods (no DependsOn)"
    url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-deployment.html"
    )
    tags = ("apigateway", "ordering")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        apis = {api.logical_id: api for api in context.of_type("AWS::ApiGateway::RestApi")}
        methods: dict[str, list[Resource]] = {}
        for method in context.of_type("AWS::ApiGateway::Method"):
            for name, _, _ in referenced(method.properties.get("RestApiId"), apis):
                methods.setdefault(name, []).append(method)
        for deployment in context.of_type("AWS::ApiGateway::Deployment"):
            names = {name for name, _, _ in referenced(deployment.properties.get("RestApiId"), apis)}
            if len(names) != 1:
                continue
            api = names.pop()
            if deployment.origin.generated or not methods.get(api):
                continue  # SAM orders what it generates
            before = context.graph.created_before(deployment.logical_id)
            missing = [method for method in methods[api] if method.logical_id not in before]
            if not missing:
                continue
            severity = Severity.WARNING if len(missing) < len(methods[api]) else None
            outcome = (
                "the stage serves the API without them"
                if severity
                else 'the deploy fails ("The REST API doesn\'t contain any methods")'
            )
            yield context.report(
                context.locate(deployment),
                f"deployment {deployment.source_id} of {api} may be created before method(s) "
                f"{', '.join(m.source_id for m in missing)}: {outcome}; add them to its DependsOn",
                resource=deployment.source_id,
                severity=severity,
                related=[Related(f"method {m.source_id}", context.locate(m).span) for m in missing[:5]],
            )
