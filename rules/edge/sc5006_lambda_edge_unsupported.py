from collections.abc import Iterator

from samcheck.analysis.edge import edge_associations
from samcheck.analysis.values import Candidate, When, lists, numbers, qualifier, texts, together
from samcheck.analysis.wiring import function_behind, reaches
from samcheck.rule import Finding, NodePath, Related, Resource, Rule, RuleContext, Severity

EDGE_RUNTIMES = ("nodejs", "python")


class LambdaEdgeUnsupported(Rule):
    """Lambda@Edge functions cannot use environment variables, layers, a VPC, provisioned
    concurrency, arm64, container images, ephemeral storage above 512 MB or a dead-letter queue, and
    only Node.js and Python runtimes run there. CloudFront rejects the association otherwise. Every
    value a parameter allows or an ``Fn::If`` may choose is judged.

    **Anti-pattern**

    ```yaml
    EdgeFn:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.12
        Architectures: [arm64]
        Environment:
          Variables: {STAGE: prod}
    ```

    **Best practice**

    ```yaml
    EdgeFn:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.12
        Architectures: [x86_64]   # configuration comes in the code or the request
    ```
    """

    id = "SC5006"
    name = "lambda-edge-unsupported"
    severity = Severity.ERROR
    summary = "A Lambda@Edge function with a feature Lambda@Edge does not support"
    url = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-function-restrictions.html"
    tags = ("cloudfront", "lambda")
    resource_types = frozenset({"AWS::CloudFront::Distribution"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        provisioned = _provisioned(context)
        reported: set[tuple[str, NodePath, When]] = set()
        for association in edge_associations(template):
            function = association.function
            if function is None:
                continue
            problems = _problems(context, function, provisioned.get(function.logical_id, []))
            for ((path, what), _), when in together(problems, [Candidate(None, association.when)]):
                if (function.logical_id, path, when) in reported:
                    continue  # once per function, whichever distribution associates it
                reported.add((function.logical_id, path, when))
                triggered = f" ({association.event_type})" if association.event_type else ""
                yield context.report(
                    context.locate(function, path),
                    f"{function.source_id} is a Lambda@Edge function{triggered}, which cannot use "
                    f"{what}{qualifier(when)}; remove it or keep this function out of CloudFront",
                    resource=function.source_id,
                    related=[
                        Related(f"{association.trigger} association", association.location.span),
                        *context.when_related(when),
                    ],
                )


def _written(context: RuleContext, resource: Resource, path: NodePath) -> list[When]:
    """When a property is written with a non-empty value (in which ``Fn::If`` branches)."""
    branches = context.branches(resource, path)
    return [when for node, when in zip(branches.nodes, branches.whens, strict=True) if node]


def _provisioned(context: RuleContext) -> dict[str, list[When]]:
    """The functions of this template an alias or version gives provisioned concurrency, with when."""
    found: dict[str, list[When]] = {}
    for holder in context.of_type("AWS::Lambda::Alias", "AWS::Lambda::Version"):
        configured = [Candidate(None, when) for when in _written(context, holder, ("ProvisionedConcurrencyConfig",))]
        named = [Candidate(reach.target, reach.when) for reach in reaches(context.template, holder, "FunctionName")]
        for (_, target), when in together(configured, named):
            function = function_behind(context.template, target)
            if function is not None:
                found.setdefault(function.logical_id, []).append(when)
    return found


def _problems(context: RuleContext, function: Resource, provisioned: list[When]) -> list[Candidate]:
    """What a function uses that Lambda@Edge does not support: (where, what) with when it does."""
    problems = [
        Candidate((path[:1], what), when)
        for path, what in (
            (("Environment", "Variables"), "environment variables"),
            (("Layers",), "layers"),
            (("VpcConfig",), "a VPC"),
            (("DeadLetterConfig",), "a dead-letter queue"),
        )
        for when in _written(context, function, path)
    ]
    problems += [Candidate(((), "provisioned concurrency"), when) for when in provisioned]
    architectures = lists(context.property(function, "Architectures"))
    problems += [Candidate((("Architectures",), "arm64"), c.when) for c in architectures if "arm64" in c.value]
    package = texts(context.property(function, "PackageType"))
    problems += [Candidate((("PackageType",), "a container image"), c.when) for c in package if c.value == "Image"]
    storage_max = context.limit("edge-ephemeral-storage-max")
    problems += [
        Candidate((("EphemeralStorage",), f"ephemeral storage above {storage_max:g} MB"), size.when)
        for size in numbers(context.property(function, ("EphemeralStorage", "Size")))
        if size.value > storage_max
    ]
    runtimes = texts(context.property(function, "Runtime"))
    problems += [
        Candidate((("Runtime",), f"the {runtime.value} runtime"), runtime.when)
        for runtime in runtimes
        if not runtime.value.startswith(EDGE_RUNTIMES)
    ]
    return problems
