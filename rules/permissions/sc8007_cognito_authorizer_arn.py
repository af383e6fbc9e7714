from collections.abc import Iterator
from typing import Any

from samcheck.rule import Finding, NodePath, Rule, RuleContext, Severity, get_path, intrinsic_name

POOL = "AWS::Cognito::UserPool"


class CognitoAuthorizerArn(Rule):
    """A Cognito user pool authorizer names its pools by ARN: SAM's ``UserPoolArn`` and an
    ``AWS::ApiGateway::Authorizer``'s ``ProviderARNs``. ``!Ref UserPool`` gives the pool's id
    (``us-east-1_AbC123``), not its ARN, and API Gateway rejects the authorizer, so the deploy fails.

    **Anti-pattern**

    ```yaml
    Auth:
      Authorizers:
        Users:
          UserPoolArn: !Ref UserPool
    ```

    **Best practice**

    ```yaml
    Auth:
      Authorizers:
        Users:
          UserPoolArn: !GetAtt UserPool.Arn
    ```
    """

    id = "SC8007"
    name = "cognito-authorizer-arn"
    severity = Severity.ERROR
    summary = "A Cognito authorizer given a user pool's id (!Ref) where its ARN is required"
    url = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-cognitoauthorizer.html"
    tags = ("apigateway", "permissions")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        sources = context.template.source_resources
        for logical_id, resource in sources.items():
            properties = resource.get("Properties")
            if not isinstance(properties, dict):
                continue
            if resource.get("Type") == "AWS::Serverless::Api":
                authorizers = get_path(properties, ("Auth", "Authorizers"))
                for name, authorizer in authorizers.items() if isinstance(authorizers, dict) else ():
                    where: NodePath = (
                        "Resources",
                        logical_id,
                        "Properties",
                        "Auth",
                        "Authorizers",
                        name,
                        "UserPoolArn",
                    )
                    yield from self._values(context, get_path(authorizer, ("UserPoolArn",)), where, "UserPoolArn")
            elif resource.get("Type") == "AWS::ApiGateway::Authorizer":
                where = ("Resources", logical_id, "Properties", "ProviderARNs")
                yield from self._values(context, properties.get("ProviderARNs"), where, "ProviderARNs")

    def _values(self, context: RuleContext, value: Any, path: NodePath, key: str) -> Iterator[Finding]:
        listed = value if isinstance(value, list) else [value]
        for index, item in enumerate(listed):
            if not isinstance(item, dict) or intrinsic_name(item) != "Ref":
                continue
            pool = item["Ref"]
            if context.template.source_resources.get(str(pool), {}).get("Type") != POOL:
                continue
            _, span = context.document.source_map.nearest((*path, index) if isinstance(value, list) else path)
            yield context.report(
                span,
                f"{key} takes the user pool's ARN, but !Ref {pool} gives its id, so API Gateway rejects the "
                f"authorizer and the deploy fails; use !GetAtt {pool}.Arn",
                resource=str(path[1]),
            )
