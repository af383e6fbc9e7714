from collections.abc import Iterator

from samcheck.analysis.artifacts import measured_artifact
from samcheck.analysis.units import megabytes
from samcheck.analysis.values import ALWAYS, When, qualifier
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity
from samcheck.rules.package._sizes import layers_of


class LambdaPackageUnzippedSize(Rule):
    """A function's code and all its layers, unzipped, may total at most 250 MB
    (262,144,000 bytes); past that the deploy fails with "Unzipped size must be smaller than
    262144000 bytes". samcheck adds up the regular files of the local ``CodeUri`` and of the layers
    the template builds (``ContentUri``), skipping what ``sam build`` leaves out (``.aws-sam``,
    ``__pycache__``, ``.git``). After ``sam build`` the built package is measured. Functions built by
    a ``Metadata.BuildMethod`` (esbuild, makefile…) and container images are not measured from source.
    A layer that an undecided ``Fn::If`` adds counts only in the deployments that use it, and a
    finding names them.

    **Anti-pattern**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        CodeUri: src/          # 180 MB with its dependencies
        Layers: [!Ref Torch]   # a 120 MB layer built from layers/torch/
    ```

    **Best practice**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        PackageType: Image     # container images may be up to 10 GB
        ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/fn:1
    ```
    """

    id = "SC7001"
    name = "lambda-package-unzipped-size"
    severity = Severity.ERROR
    summary = "Function code plus its layers over 250 MB unzipped, measured on disk"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
    tags = ("lambda", "package")
    reads_disk = True
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limit = context.limit("lambda-package-unzipped-max")
        template = context.template
        for function in context.of_type("AWS::Lambda::Function"):
            measured = measured_artifact(template, function)
            if measured is None:
                continue
            code, code_size = measured
            layers = [
                (layer.value, layer.when, *layer_package)
                for layer in layers_of(template, function)
                if (layer_package := measured_artifact(template, layer.value)) is not None
            ]
            # The total wherever a set of assumptions holds counts the layers used under them: the
            # fewest assumptions first, and none that adds to a total already reported.
            reported: list[When] = []
            for when in sorted(
                {ALWAYS, *(used for _, used, _, _ in layers)}, key=lambda when: (len(when), sorted(when))
            ):
                if any(earlier <= when for earlier in reported):
                    continue
                included = [(layer, artifact, size) for layer, used, artifact, size in layers if used <= when]
                parts = [(f"code {code.declared}", code_size.unzipped)]
                parts += [(f"layer {layer.source_id}", size.unzipped) for layer, _, size in included]
                total = sum(size for _, size in parts)
                if total <= limit:
                    continue
                reported.append(when)
                breakdown = " + ".join(f"{megabytes(size)} ({label})" for label, size in parts)
                built = " (measured in .aws-sam/build)" if code.built else ""
                yield context.report(
                    code.location,
                    f"unzipped package is {breakdown} = {megabytes(total)}{built} > {megabytes(limit)} "
                    f"({limit:,.0f} bytes) allowed{qualifier(when)}; trim dependencies or use a container image",
                    resource=function.source_id,
                    related=[
                        *(
                            Related(f"layer {layer.source_id}: {megabytes(size.unzipped)}", artifact.location.span)
                            for layer, artifact, size in included
                        ),
                        *context.when_related(when),
                    ],
                )
