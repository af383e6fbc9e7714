from collections.abc import Iterator
from typing import Any

from samcheck.rule import Finding, Location, NodePath, Rule, RuleContext, Severity, Span, get_path, intrinsic_name

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
    resource_types = frozenset({"AWS::Cognito::UserPool"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for logical_id, resource in context.template.source_resources.items():
            authorizers = get_path(resource, ("Properties", "Auth", "Authorizers"))  # as written: !Ref is judged
            if resource.get("Type") != "AWS::Serverless::Api" or not isinstance(authorizers, dict):
                continue
            for name, authorizer in context.settle(authorizers).items():
                where: NodePath = ("Resources", logical_id, "Properties", "Auth", "Authorizers", name, "UserPoolArn")
                for index, value in _pools(context, get_path(authorizer, ("UserPoolArn",))):  # as written: !Ref
                    _, span = context.document.source_map.nearest(where if index is None else (*where, index))
                    yield self._report(context, span, "UserPoolArn", value, logical_id)
        for authorizer in context.of_type("AWS::ApiGateway::Authorizer"):
            for index, value in _pools(context, authorizer.properties.get("ProviderARNs")):  # as written: !Ref
                path: NodePath = ("ProviderARNs",) if index is None else ("ProviderARNs", index)
                location = context.locate(authorizer, path)
                yield self._report(context, location, "ProviderARNs", value, authorizer.source_id)

    def _report(self, context: RuleContext, where: Location | Span, key: str, pool: str, resource: str) -> Finding:
        return context.report(
            where,
            f"{key} takes the user pool's ARN, but !Ref {pool} gives its id, so API Gateway rejects the "
            f"authorizer and the deploy fails; use !GetAtt {pool}.Arn",
            resource=resource,
        )


def _pools(context: RuleContext, value: Any) -> Iterator[tuple[int | None, str]]:
    """(index in the list or None, pool) for each ``!Ref`` of a user pool of the template."""
    value = context.settle(value)
    listed = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    for index, item in listed:
        if isinstance(item, dict) and intrinsic_name(item) == "Ref":
            pool = str(item["Ref"])
            if context.template.source_resources.get(pool, {}).get("Type") == POOL:
                yield index, pool
