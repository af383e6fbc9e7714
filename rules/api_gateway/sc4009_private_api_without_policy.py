from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity, get_path


class PrivateApiWithoutPolicy(Rule):
    """A PRIVATE REST API is reachable only through VPC endpoints its resource policy allows: API
    Gateway refuses to deploy one without a policy ("Private REST API doesn't have a resource policy
    attached to it"). In SAM, ``Auth.ResourcePolicy`` writes it; in CloudFormation, ``Policy``.

    **Anti-pattern**

    ```yaml
    Internal:
      Type: AWS::Serverless::Api
      Properties:
        StageName: prod
        EndpointConfiguration: {Type: PRIVATE}
    ```

    **Best practice**

    ```yaml
    Internal:
      Type: AWS::Serverless::Api
      Properties:
        StageName: prod
        EndpointConfiguration: {Type: PRIVATE, VPCEndpointIds: [!Ref ApiEndpoint]}
        Auth:
          ResourcePolicy:
            SourceVpcWhitelist: [!Ref Vpc]
    ```
    """

    id = "SC4009"
    name = "private-api-without-policy"
    severity = Severity.ERROR
    summary = "A PRIVATE REST API without a resource policy: API Gateway will not deploy it"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html"
    tags = ("apigateway", "security")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for api in context.of_type("AWS::ApiGateway::RestApi"):
            types = context.property(api, ("EndpointConfiguration", "Types"))
            if not any(isinstance(kinds, list) and "PRIVATE" in kinds for kinds in types.candidates):
                continue
            body = api.properties.get("Body")
            if "Policy" in api.properties or get_path(body, ("x-amazon-apigateway-policy",)) is not None:
                continue
            if "BodyS3Location" in api.properties:
                continue  # the policy may be in the uploaded definition
            yield context.report(
                types.location,
                f"PRIVATE API {api.source_id} has no resource policy, so API Gateway refuses to deploy it; allow "
                "its VPC endpoints in Auth.ResourcePolicy (SAM) or Policy",
                resource=api.source_id,
            )
