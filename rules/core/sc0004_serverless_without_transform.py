from collections.abc import Iterator

from samcheck.rule import SAM_PREFIX, SAM_TRANSFORM, Finding, Rule, RuleContext, Severity, declares_sam


class ServerlessWithoutTransform(Rule):
    """``AWS::Serverless::*`` resources only exist inside the SAM transform. Without
    ``Transform: AWS::Serverless-2016-10-31`` CloudFormation rejects the template with
    "Unrecognized resource types".

    **Anti-pattern**

    ```yaml
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: app.handler
          CodeUri: src/
    ```

    **Best practice**

    ```yaml
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: app.handler
          CodeUri: src/
    ```
    """

    id = "SC0004"
    name = "serverless-without-transform"
    severity = Severity.ERROR
    summary = "AWS::Serverless::* resources in a template without the SAM transform"
    url = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy.html"
    tags = ("sam", "template")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        if declares_sam(template.source):
            return
        for logical_id, resource in template.source_resources.items():
            resource_type = resource.get("Type")
            if isinstance(resource_type, str) and resource_type.startswith(SAM_PREFIX):
                _, span = context.document.source_map.nearest(("Resources", logical_id, "Type"))
                yield context.report(
                    span,
                    f"{resource_type} needs the SAM transform; add 'Transform: {SAM_TRANSFORM}' at the top level",
                    resource=logical_id,
                )
