from collections.abc import Iterator

from samcheck.analysis.artifacts import url_artifacts
from samcheck.rule import Finding, Rule, RuleContext, Severity


class ArtifactUriNotS3(Rule):
    """A SAM ``CodeUri``, ``ContentUri`` or ``DefinitionUri`` written as a URL other than
    ``s3://bucket/key`` (``https://…``, ``http://…``). ``sam build`` reads it as a local path that
    does not exist, and the transform rejects it ("is not a valid S3 Uri of the form
    's3://bucket/key'"). Only an ``AWS::Serverless::Application`` ``Location`` takes an
    ``https://`` S3 URL.

    **Anti-pattern**

    ```yaml
    CodeUri: https://my-bucket.s3.amazonaws.com/builds/orders.zip
    ```

    **Best practice**

    ```yaml
    CodeUri: s3://my-bucket/builds/orders.zip   # or a local folder that sam build packages
    ```
    """

    id = "SC7006"
    name = "artifact-uri-not-s3"
    severity = Severity.ERROR
    summary = "A CodeUri, ContentUri or DefinitionUri that is a URL but not s3://bucket/key"
    url = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-codeuri"
    tags = ("sam", "package")
    resource_types = frozenset(
        {
            "AWS::Serverless::Function",
            "AWS::Serverless::LayerVersion",
            "AWS::Serverless::StateMachine",
            "AWS::Serverless::Api",
            "AWS::Serverless::HttpApi",
            "AWS::Lambda::Function",
            "AWS::Lambda::LayerVersion",
            "AWS::StepFunctions::StateMachine",
            "AWS::ApiGateway::RestApi",
            "AWS::ApiGatewayV2::Api",
        }
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for artifact in url_artifacts(context.template):
            yield context.report(
                artifact.location,
                f"{artifact.url} is neither a local path nor an s3://bucket/key URI, so sam build and the SAM "
                "transform reject it; upload the artifact and write s3://bucket/key, or point at a local path",
                resource=artifact.resource.source_id,
            )
