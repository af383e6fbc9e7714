from collections.abc import Iterator

from samcheck.rule import Finding, NodePath, Rule, RuleContext, Severity

_LOGICAL_ID_MESSAGE = "Logical ids must be alphanumeric."


class SamTransformError(Rule):
    """The SAM transform rejects the template. ``sam deploy`` (and CloudFormation's
    transform) would fail with this message. samcheck runs the official aws-sam-translator
    offline and reports each error at the resource and event it names; the rest of the
    template is still expanded and checked.

    **Anti-pattern**

    ```yaml
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: app.handler
          CodeUri: src/
          ProvisionedConcurrencyConfig:
            ProvisionedConcurrentExecutions: 5
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
          AutoPublishAlias: live
          ProvisionedConcurrencyConfig:
            ProvisionedConcurrentExecutions: 5
    ```
    """

    id = "SC0003"
    name = "sam-transform-error"
    severity = Severity.ERROR
    summary = "The SAM translator rejects the template"
    url = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification.html"
    tags = ("sam", "template")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        source_map = context.document.source_map
        # Resources a pre-processor rewrites (SC0010): the translator's view of them is not what deploys.
        tagged = {problem.path[:2] for problem in context.document.preprocessor_tags}
        for error in context.transform_errors:
            if error.message.endswith(_LOGICAL_ID_MESSAGE):
                continue  # SC0011 reports every logical ID that is not alphanumeric, SAM's or not
            if tagged and (error.resource is None or ("Resources", error.resource) in tagged):
                continue
            path: NodePath = ("Transform",)
            if error.resource is None and error.property_path[:1] == ("Globals",):
                path = error.property_path
            elif error.resource is not None:
                path = ("Resources", error.resource)
                if error.event is not None:
                    path = (*path, "Properties", "Events", error.event)
                elif error.property_path:
                    path = (*path, "Properties", *error.property_path)
            _, span = source_map.nearest(path)
            # A translator samcheck had to stop says nothing about the template being wrong.
            severity = Severity.WARNING if error.gave_up else None
            yield context.report(span, error.message, resource=error.resource, severity=severity)
