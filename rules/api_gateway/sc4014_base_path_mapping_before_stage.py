from collections.abc import Iterator

from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity, referenced


class BasePathMappingBeforeStage(Rule):
    """A ``BasePathMapping`` that names its stage by a literal (``Stage: prod``) does not make
    CloudFormation wait for that stage: when the stage comes from a ``Stage`` or ``Deployment`` of
    the same template, the mapping may be created first and fails ("Invalid stage identifier
    specified"). Refer to the stage (``Stage: !Ref ProdStage``) or add ``DependsOn``. (SAM orders its
    own domains and mappings.)

    **Anti-pattern**

    ```yaml
    Mapping:
      Type: AWS::ApiGateway::BasePathMapping
      Properties:
        DomainName: !Ref Domain
        RestApiId: !Ref Api
        Stage: prod
    ```

    **Best practice**

    ```yaml
    Mapping:
      Type: AWS::ApiGateway::BasePathMapping
      Properties:
        DomainName: !Ref Domain
        RestApiId: !Ref Api
        Stage: !Ref ProdStage
    ```
    """

    id = "SC4014"
    name = "base-path-mapping-before-stage"
    severity = Severity.ERROR
    summary = "A BasePathMapping that may be created before the stage it names (a literal stage name)"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-basepathmapping.html"
    tags = ("apigateway", "ordering")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        apis = {api.logical_id: api for api in context.of_type("AWS::ApiGateway::RestApi")}
        for mapping in context.of_type("AWS::ApiGateway::BasePathMapping"):
            if mapping.origin.generated:
                continue  # SAM orders what it generates
            stage = context.property(mapping, "Stage")
            name = stage.value.single
            api = {n for n, _, _ in referenced(mapping.properties.get("RestApiId"), apis)}
            if not isinstance(name, str) or len(api) != 1:
                continue
            makers = _stage_makers(context, api.pop(), name)
            before = context.graph.created_before(mapping.logical_id)
            if makers and not any(maker.logical_id in before for maker in makers):
                first = makers[0]
                fix = f"write Stage: !Ref {first.source_id}, or add" if first.type.endswith("::Stage") else "add"
                yield context.report(
                    stage.location,
                    f"stage {name} comes from {', '.join(m.source_id for m in makers)}, which nothing makes "
                    "CloudFormation create before this mapping: it may fail with 'Invalid stage identifier'; "
                    f"{fix} {first.source_id} to its DependsOn",
                    resource=mapping.source_id,
                    related=[Related(f"stage made by {m.source_id}", context.locate(m).span) for m in makers],
                )


def _stage_makers(context: RuleContext, api: str, name: str) -> list[Resource]:
    """The resources of this template that create stage ``name`` of ``api``."""
    makers = []
    for maker in context.of_type("AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment"):
        if api not in {n for n, _, _ in referenced(maker.properties.get("RestApiId"), {api: None})}:
            continue
        if context.property(maker, "StageName").value.single == name:
            makers.append(maker)
    return makers
