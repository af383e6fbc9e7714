from collections.abc import Iterator

from samcheck.analysis.values import Candidate, lists, qualifier, texts, together
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity
from samcheck.rules.package._sizes import layers_of

DEFAULT_ARCHITECTURE = "x86_64"


class LambdaLayerCompatibility(Rule):
    """A layer built in this template declares ``CompatibleRuntimes`` and
    ``CompatibleArchitectures``; a function whose runtime or architecture they leave out is using a
    layer built for something else (native wheels for x86_64 on an arm64 function crash at import).
    A layer that declares nothing is compatible with everything. Each allowed runtime of a parameter
    and each branch of an undecided ``Fn::If`` is judged, and a finding names which.

    **Anti-pattern**

    ```yaml
    Deps:
      Type: AWS::Serverless::LayerVersion
      Properties:
        ContentUri: layers/deps/
        CompatibleRuntimes: [python3.11]
        CompatibleArchitectures: [x86_64]
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.12
        Architectures: [arm64]
        Layers: [!Ref Deps]
    ```

    **Best practice**

    ```yaml
    Deps:
      Type: AWS::Serverless::LayerVersion
      Properties:
        ContentUri: layers/deps/
        CompatibleRuntimes: [python3.12]
        CompatibleArchitectures: [arm64]
    ```
    """

    id = "SC7004"
    name = "lambda-layer-compatibility"
    severity = Severity.WARNING
    summary = "A function uses a layer of this template that does not list its runtime or architecture"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html"
    tags = ("lambda", "package")
    reads_disk = True
    resource_types = frozenset({"AWS::Lambda::Function", "AWS::Lambda::LayerVersion"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for function in context.of_type("AWS::Lambda::Function"):
            runtimes = texts(context.property(function, "Runtime"))
            architectures = context.property(function, "Architectures", default=[DEFAULT_ARCHITECTURE])
            firsts = [Candidate(listed[0], case_when) for listed, case_when in lists(architectures) if listed]
            for layer in layers_of(template, function):
                for key, wanted in (("CompatibleRuntimes", runtimes), ("CompatibleArchitectures", firsts)):
                    declared = context.property(layer.value, key)
                    for (value, _, allowed), when in together(wanted, [layer], lists(declared)):
                        if not isinstance(value, str) or value in allowed:
                            continue
                        yield context.report(
                            context.locate(function, ("Layers",)),
                            f"layer {layer.value.source_id} lists {key} {', '.join(map(str, allowed))}, "
                            f"not {value} of {function.source_id}{qualifier(when)}; build the layer for {value} "
                            f"and add it to {key}",
                            resource=function.source_id,
                            related=[
                                Related(f"{key} of layer {layer.value.source_id}", declared.location.span),
                                *context.when_related(when),
                            ],
                        )
