from collections.abc import Iterator

from samcheck.analysis.edge import edge_associations
from samcheck.analysis.values import as_number
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity, referenced

EDGE_RUNTIMES = ("nodejs", "python")


class LambdaEdgeUnsupported(Rule):
    """Lambda@Edge functions cannot use environment variables, layers, a VPC, provisioned
    concurrency, arm64, container images, ephemeral storage above 512 MB or a dead-letter queue, and
    only Node.js and Python runtimes run there. CloudFront rejects the association otherwise.

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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        seen: set[str] = set()
        provisioned = {
            name
            for holder in context.of_type("AWS::Lambda::Alias", "AWS::Lambda::Version")
            if "ProvisionedConcurrencyConfig" in holder.properties
            for name, _, _ in referenced(holder.properties.get("FunctionName"), context.resources)
        }
        storage_max = context.limit("edge-ephemeral-storage-max")
        for association in edge_associations(template):
            function = association.function
            if function is None or function.logical_id in seen:
                continue
            seen.add(function.logical_id)
            properties = function.properties
            problems = []
            if (properties.get("Environment") or {}).get("Variables"):
                problems.append(("Environment", "environment variables"))
            if properties.get("Layers"):
                problems.append(("Layers", "layers"))
            if properties.get("VpcConfig"):
                problems.append(("VpcConfig", "a VPC"))
            if function.logical_id in provisioned:
                problems.append(("", "provisioned concurrency"))
            if "arm64" in (context.property(function, "Architectures").value.single or []):
                problems.append(("Architectures", "arm64"))
            if properties.get("PackageType") == "Image":
                problems.append(("PackageType", "a container image"))
            size = as_number(context.property(function, ("EphemeralStorage", "Size")).value.single)
            if size is not None and size > storage_max:
                problems.append(("EphemeralStorage", f"ephemeral storage above {storage_max:g} MB"))
            if properties.get("DeadLetterConfig"):
                problems.append(("DeadLetterConfig", "a dead-letter queue"))
            runtime = context.property(function, "Runtime").value.single
            if isinstance(runtime, str) and not runtime.startswith(EDGE_RUNTIMES):
                problems.append(("Runtime", f"the {runtime} runtime"))
            for path, what in problems:
                yield context.report(
                    context.locate(function, (path,) if path else ()),
                    f"{function.source_id} is a Lambda@Edge function ({association.event_type}), which cannot use "
                    f"{what}; remove it or keep this function out of CloudFront",
                    resource=function.source_id,
                    related=[Related(f"{association.event_type} association", association.location.span)],
                )
