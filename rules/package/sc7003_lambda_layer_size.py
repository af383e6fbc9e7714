from collections.abc import Iterator

from samcheck.analysis.artifacts import measured_artifact
from samcheck.analysis.units import megabytes
from samcheck.rule import Finding, Rule, RuleContext, Severity


class LambdaLayerSize(Rule):
    """One layer may be at most 250 MB unzipped, like a whole function package: a larger layer can
    never be attached to any function. Measured from the layer's local ``ContentUri``.

    **Anti-pattern**

    ```yaml
    Deps:
      Type: AWS::Serverless::LayerVersion
      Properties:
        ContentUri: layers/ml/   # 300 MB of wheels
    ```

    **Best practice**

    ```yaml
    Deps:
      Type: AWS::Serverless::LayerVersion
      Properties:
        ContentUri: layers/ml-slim/   # only the runtime dependencies
    ```
    """

    id = "SC7003"
    name = "lambda-layer-size"
    severity = Severity.ERROR
    summary = "A layer over 250 MB unzipped, measured on disk"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
    tags = ("lambda", "package")
    reads_disk = True
    resource_types = frozenset({"AWS::Lambda::LayerVersion"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limit = context.limit("lambda-package-unzipped-max")
        for layer in context.of_type("AWS::Lambda::LayerVersion"):
            measured = measured_artifact(context.template, layer)
            if measured is None:
                continue
            artifact, size = measured
            if size.unzipped > limit:
                yield context.report(
                    artifact.location,
                    f"layer {artifact.declared} is {megabytes(size.unzipped)} unzipped > "
                    f"{megabytes(limit)} allowed; split it or trim its contents",
                    resource=layer.source_id,
                )
