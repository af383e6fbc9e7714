from collections.abc import Iterator

from samcheck.rule import Finding, Related, Rule, RuleContext, Severity

INLINE_RUNTIMES = ("nodejs", "python")


class LambdaInlineCodeRuntime(Rule):
    """Inline code (``Code.ZipFile``, SAM ``InlineCode``) only works with Node.js and Python
    runtimes: CloudFormation writes it to ``index`` and zips it, and no other runtime can load that.

    There is no separate size check: older documentation gave a 4,096-character limit, which
    CloudFormation removed in 2022; the current limit is a 4 MB zip, which inline code cannot reach
    inside a template that may itself be at most 1 MB (SC0007 checks the template size).

    **Anti-pattern**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: java21
        Handler: example.Handler
        InlineCode: "public class Handler {}"
    ```

    **Best practice**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: java21
        Handler: example.Handler
        CodeUri: build/handler.jar
    ```
    """

    id = "SC1007"
    name = "lambda-inline-code-runtime"
    severity = Severity.ERROR
    summary = "Inline code on a runtime other than Node.js and Python"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html"
    tags = ("lambda",)
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for function in context.of_type("AWS::Lambda::Function"):
            # Written, not merely possible: a Code a pre-processor fills in (!Rain::S3) may hold anything.
            if not context.branches(function, ("Code", "ZipFile")).nodes:
                continue
            code = context.property(function, ("Code", "ZipFile"))
            runtime = context.property(function, "Runtime")
            unsupported = [r for r in runtime.candidates if isinstance(r, str) and not r.startswith(INLINE_RUNTIMES)]
            if unsupported:
                yield context.report(
                    code.location,
                    "inline code only works with Node.js and Python runtimes, "
                    f"not {runtime.value.describe(unsupported)}; "
                    "package the code and use CodeUri (SAM) or Code.S3Bucket",
                    resource=function.source_id,
                    related=[Related("runtime set here", runtime.location.span)],
                )
