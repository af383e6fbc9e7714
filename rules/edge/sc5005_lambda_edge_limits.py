from collections.abc import Iterator

from samcheck.analysis.artifacts import measured_artifact
from samcheck.analysis.edge import edge_associations
from samcheck.analysis.units import megabytes
from samcheck.analysis.values import Candidate, numbers, qualifier, together
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity
from samcheck.rules.edge._edge import viewer


class LambdaEdgeLimits(Rule):
    """Lambda@Edge allows less than Lambda: viewer-request and viewer-response functions get at most
    128 MB of memory, 5 s and a 1 MB package; origin-request and origin-response functions 30 s and a
    50 MB package. The package is measured on disk when the code is local. Every event type and
    setting a parameter allows or an ``Fn::If`` may choose is judged.

    **Anti-pattern**

    ```yaml
    EdgeFn:
      Type: AWS::Serverless::Function
      Properties:
        MemorySize: 512
        Timeout: 10       # associated as viewer-request
    ```

    **Best practice**

    ```yaml
    EdgeFn:
      Type: AWS::Serverless::Function
      Properties:
        MemorySize: 128
        Timeout: 5
    ```
    """

    id = "SC5005"
    name = "lambda-edge-limits"
    severity = Severity.ERROR
    summary = "A Lambda@Edge function over the memory, timeout or package limits of its trigger"
    url = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html"
    tags = ("cloudfront", "lambda", "limit")
    reads_disk = True  # the package size
    resource_types = frozenset({"AWS::CloudFront::Distribution"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for association in edge_associations(template):
            function = association.function
            if function is None:
                continue
            # An unknown event type is held to the origin limits, which every event type allows at most.
            is_viewer = association.event_type is not None and viewer(association.event_type)
            trigger = f"a {association.event_type}" if association.event_type else "any"
            timeout_limit = context.limit("edge-viewer-timeout-max" if is_viewer else "edge-origin-timeout-max")
            limits = [("Timeout", timeout_limit, "s", context.limit("lambda-timeout-default"))]
            if is_viewer:
                limits.append(
                    (
                        "MemorySize",
                        context.limit("edge-viewer-memory-max"),
                        "MB",
                        context.limit("lambda-memory-default"),
                    )
                )
            related = [Related(f"{association.trigger} association", association.location.span)]
            associated = [Candidate(association, association.when)]
            for name, limit, unit, default in limits:
                setting = context.property(function, name, default)
                for (value, _), when in together(numbers(setting), associated):
                    if value > limit:
                        yield context.report(
                            setting.location,
                            f"{name} {value:g} {unit} > {limit:g} {unit} allowed for {trigger} "
                            f"Lambda@Edge function{qualifier(when)}; set {name} to at most {limit:g}",
                            resource=function.source_id,
                            related=[*related, *context.when_related(when)],
                        )
            measured = measured_artifact(template, function)
            package_limit = context.limit("edge-viewer-package-max" if is_viewer else "edge-origin-package-max")
            if measured is not None and measured[1].zipped > package_limit:
                artifact, size = measured
                about = "about " if size.zipped_is_estimate else ""
                yield context.report(
                    artifact.location,
                    f"{artifact.declared} zips to {about}{megabytes(size.zipped)} > "
                    f"{megabytes(package_limit)} allowed for "
                    f"{trigger} Lambda@Edge function{qualifier(association.when)}; trim the package",
                    resource=function.source_id,
                    related=[*related, *context.when_related(association.when)],
                )
