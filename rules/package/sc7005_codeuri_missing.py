from collections.abc import Iterator

from samcheck.analysis.artifacts import handler_file_missing, local_artifact, missing_local_files
from samcheck.rule import Finding, Rule, RuleContext, Severity


class CodeUriMissing(Rule):
    """A local ``CodeUri`` or ``ContentUri`` that does not exist, relative to the template's folder:
    ``sam build`` fails on it. So does a local ``DefinitionUri`` (state machines, REST and HTTP
    APIs), a SAM application's ``Location`` or a nested stack's packaged ``TemplateURL`` naming a
    file that is not there. A warning, because a template can be linted apart from its code.

    A zip function with neither ``CodeUri`` nor ``InlineCode`` (nor a Globals ``CodeUri``) whose
    Node.js or Python handler file is not in the template's folder is reported too: ``sam build``
    and ``sam deploy`` package that folder for it, and the SAM transform refuses it when the
    template is deployed as written ("Either 'InlineCode' or 'CodeUri' must be set"). With the
    handler's file beside the template, the folder is the code, and nothing is said.

    **Anti-pattern**

    ```yaml
    CodeUri: functions/order_handler/   # the folder is functions/order-handler/
    ```

    **Best practice**

    ```yaml
    CodeUri: functions/order-handler/
    ```
    """

    id = "SC7005"
    name = "codeuri-missing"
    severity = Severity.WARNING
    summary = "A local CodeUri, ContentUri, DefinitionUri, Location or TemplateURL path does not exist"
    url = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-cli-command-reference-sam-build.html"
    tags = ("sam", "package")
    reads_disk = True
    resource_types = frozenset(
        {
            "AWS::Lambda::Function",
            "AWS::Lambda::LayerVersion",
            "AWS::Serverless::StateMachine",
            "AWS::Serverless::Api",
            "AWS::Serverless::HttpApi",
            "AWS::Serverless::Application",
            "AWS::CloudFormation::Stack",
        }
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        folder = context.document.path.parent
        for resource in context.of_type("AWS::Lambda::Function", "AWS::Lambda::LayerVersion"):
            artifact = local_artifact(context.template, resource)
            if artifact is not None and artifact.size is None:
                yield context.report(
                    artifact.location,
                    f"{artifact.declared} does not exist (looked in {folder / artifact.declared}); "
                    "fix the path, or build the code there before sam build",
                    resource=resource.source_id,
                )
        for function in context.of_type("AWS::Lambda::Function"):
            if handler_file_missing(context.template, function, folder):
                yield context.report(
                    context.locate(function),
                    f"{function.source_id} has neither CodeUri nor InlineCode, and its handler's file is not in "
                    "the template's folder, which sam build would package for it; deployed as written, the SAM "
                    "transform refuses it. Write CodeUri: the folder of its code",
                    resource=function.source_id,
                )
        for missing in missing_local_files(context.template):
            yield context.report(
                missing.location,
                f"{missing.property} {missing.path} does not exist (looked in {folder / missing.path}); fix the "
                "path, or create the file there before sam build",
                resource=missing.resource,
            )
