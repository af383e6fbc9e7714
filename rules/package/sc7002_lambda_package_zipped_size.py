from collections.abc import Iterator

from samcheck.analysis.artifacts import measured_artifact
from samcheck.analysis.units import megabytes
from samcheck.rule import Finding, Rule, RuleContext, Severity


class LambdaPackageZippedSize(Rule):
    """A zipped deployment package over 50 MB cannot be uploaded directly to Lambda; it deploys
    fine through S3, which is what ``sam deploy`` does, so this is information for anyone uploading
    with the console or ``update-function-code --zip-file``. For a folder the compressed size is an
    estimate: a sample of the files is deflated, no zip file is written.

    **Anti-pattern**

    ```yaml
    CodeUri: build/large-function.zip   # 70 MB zipped
    ```

    **Best practice**

    ```yaml
    CodeUri: build/large-function.zip   # deploy through S3 (sam deploy), or trim it
    ```
    """

    id = "SC7002"
    name = "lambda-package-zipped-size"
    severity = Severity.INFO
    summary = "Zipped package over 50 MB: too big for a direct upload, fine through S3"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
    tags = ("lambda", "package")
    reads_disk = True
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limit = context.limit("lambda-package-zipped-max")
        for resource in context.of_type("AWS::Lambda::Function"):
            measured = measured_artifact(context.template, resource)
            if measured is None:
                continue
            artifact, size = measured
            if size.zipped > limit:
                about = "about " if size.zipped_is_estimate else ""
                yield context.report(
                    artifact.location,
                    f"{artifact.declared} zips to {about}{megabytes(size.zipped)} > {megabytes(limit)} "
                    "allowed "
                    "for a direct upload; deploy it through S3 (sam deploy does)",
                    resource=resource.source_id,
                )
