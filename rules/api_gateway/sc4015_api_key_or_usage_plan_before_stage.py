from collections.abc import Iterator

from samcheck.analysis.values import entry_indices
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.api_gateway._stages import unordered_stages

# What names a stage, in each entry of the list property of each type: (list, stage, REST API).
_NAMING = {
    "AWS::ApiGateway::ApiKey": ("StageKeys", "StageName", "RestApiId", "API key"),
    "AWS::ApiGateway::UsagePlan": ("ApiStages", "Stage", "ApiId", "usage plan"),
}


class ApiKeyOrUsagePlanBeforeStage(Rule):
    """An API key's ``StageKeys`` or a usage plan's ``ApiStages`` that name a stage by text (a
    literal, or a parameter's value) do not make CloudFormation wait for that stage: when the stage
    comes from a ``Stage``, a ``Deployment`` or an ``AWS::Serverless::Api`` of the same template, the
    key or plan may be created first and fails ("Invalid stage identifier specified", "API Stage not
    found"). A ``DependsOn`` on a SAM API waits for the REST API only, not for the stage SAM makes for
    it. Refer to the stage (``!Ref ProdStage``; for a SAM API, ``!Ref MyApi.Stage``) or add the stage
    to ``DependsOn``. (SAM orders the key and plan it makes for ``Auth.UsagePlan``.)

    **Anti-pattern**

    ```yaml
    Plan:
      Type: AWS::ApiGateway::UsagePlan
      DependsOn: MyApi
      Properties:
        ApiStages:
          - ApiId: !Ref MyApi
            Stage: !Ref StageName     # the parameter MyApi's StageName also reads
    ```

    **Best practice**

    ```yaml
    Plan:
      Type: AWS::ApiGateway::UsagePlan
      Properties:
        ApiStages:
          - ApiId: !Ref MyApi
            Stage: !Ref MyApi.Stage
    ```
    """

    id = "SC4015"
    name = "api-key-or-usage-plan-before-stage"
    severity = Severity.ERROR
    summary = "An API key or usage plan that may be created before the stage it names (by text)"
    url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-usageplan.html"
    )
    tags = ("apigateway", "ordering")
    resource_types = frozenset({"AWS::ApiGateway::ApiKey", "AWS::ApiGateway::UsagePlan"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for type_name, (listed, stage_key, api_key, what) in _NAMING.items():
            for holder in context.of_type(type_name):
                if holder.origin.generated:
                    continue  # SAM orders what it generates
                for index in entry_indices(context.template, holder, (listed,)):
                    stage = context.property(holder, (listed, index, stage_key))
                    yield from unordered_stages(context, holder, stage, (listed, index, api_key), what)
