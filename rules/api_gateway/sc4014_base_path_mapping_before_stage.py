from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.api_gateway._stages import unordered_stages


class BasePathMappingBeforeStage(Rule):
    """A ``BasePathMapping`` that names its stage by a literal (``Stage: prod``) does not make
    CloudFormation wait for that stage: when the stage comes from a ``Stage`` or ``Deployment`` of
    the same template, the mapping may be created first and fails ("Invalid stage identifier
    specified"). Refer to the stage (``Stage: !Ref ProdStage``; for the stage of an
    ``AWS::Serverless::Api``, ``Stage: !Ref MyApi.Stage``) or add ``DependsOn``. (SAM orders its own
    domains and mappings.)

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
    resource_types = frozenset({"AWS::ApiGateway::BasePathMapping", "AWS::ApiGateway::RestApi"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for mapping in context.of_type("AWS::ApiGateway::BasePathMapping"):
            if mapping.origin.generated:
                continue  # SAM orders what it generates
            stage = context.property(mapping, "Stage")
            yield from unordered_stages(context, mapping, stage, ("RestApiId",), "mapping")
