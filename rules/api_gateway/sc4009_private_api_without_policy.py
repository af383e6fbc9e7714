from collections.abc import Iterator

from samcheck.analysis.apis import endpoint_types
from samcheck.analysis.values import LEFT_OUT, qualifier, together, where_set
from samcheck.rule import Finding, Rule, RuleContext, Severity


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
    resource_types = frozenset({"AWS::ApiGateway::RestApi"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for api in context.of_type("AWS::ApiGateway::RestApi"):
            private = [case for case in endpoint_types(template, api) if "PRIVATE" in case.value]
            if not private or context.property(api, "BodyS3Location").present:
                continue  # the policy may be in the uploaded definition
            # LEFT_OUT where a policy is left out (in some branch); one known only once deployed is there.
            policy = where_set(template, api, "Policy")
            in_body = where_set(template, api, ("Body", "x-amazon-apigateway-policy"))
            for (_, written, embedded), when in together(private, policy, in_body):
                if written is LEFT_OUT and embedded is LEFT_OUT:
                    yield context.report(
                        context.locate(api, ("EndpointConfiguration", "Types")),
                        f"PRIVATE API {api.source_id} has no resource policy{qualifier(when)}, so API Gateway refuses "
                        "to deploy it; allow its VPC endpoints in Auth.ResourcePolicy (SAM) or Policy",
                        resource=api.source_id,
                        related=context.when_related(when),
                    )
