from collections.abc import Iterator

from samcheck.analysis.values import Candidate, When, qualifier, together
from samcheck.analysis.wiring import reaches
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity


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
    resource_types = frozenset({"AWS::ApiGateway::Deployment", "AWS::ApiGateway::Method", "AWS::ApiGateway::RestApi"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        methods: dict[str, list[Candidate]] = {}
        for method in context.of_type("AWS::ApiGateway::Method"):
            for named in reaches(template, method, "RestApiId"):
                if named.target.type == "AWS::ApiGateway::RestApi" and named.target.resource is not None:
                    methods.setdefault(named.target.resource.logical_id, []).append(Candidate(method, named.when))
        for deployment in context.of_type("AWS::ApiGateway::Deployment"):
            if deployment.origin.generated:
                continue  # SAM orders what it generates
            for named in reaches(template, deployment, "RestApiId"):
                api = named.target.name
                deployed = together(methods.get(api, []), [Candidate(deployment, named.when)])
                of_api = [method for (method, _), _ in deployed]
                if named.target.resource is None or not of_api:
                    continue
                yield from self._judge(context, deployment, api, of_api, named.when)

    def _judge(
        self, context: RuleContext, deployment: Resource, api: str, methods: list[Resource], when: When
    ) -> Iterator[Finding]:
        before = context.created_before(deployment.logical_id)
        missing = [method for method in methods if method.logical_id not in before]
        if not missing:
            return
        severity = Severity.WARNING if len(missing) < len(methods) else None
        outcome = (
            "the stage serves the API without them"
            if severity
            else 'the deploy fails ("The REST API doesn\'t contain any methods")'
        )
        yield context.report(
            context.locate(deployment),
            f"deployment {deployment.source_id} of {api}{qualifier(when)} may be created before method(s) "
            f"{', '.join(m.source_id for m in missing)}: {outcome}; add them to its DependsOn",
            resource=deployment.source_id,
            severity=severity,
            related=[
                *(Related(f"method {m.source_id}", context.locate(m).span) for m in missing[:5]),
                *context.when_related(when),
            ],
        )
