from collections.abc import Iterator
from typing import Any

from samcheck.rule import Finding, Rule, RuleContext, Severity


class LambdaLayersCount(Rule):
    """A function can use at most 5 layers. SAM merges the layers in ``Globals`` with the
    function's own, so a function that lists 3 layers under ``Globals`` with 3 of its own has 6,
    and the deploy fails.

    **Anti-pattern**

    ```yaml
    Globals:
      Function:
        Layers: [!Ref Common, !Ref Logging, !Ref Tracing]
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Layers: [!Ref Pandas, !Ref Numpy, !Ref Scipy]
    ```

    **Best practice**

    ```yaml
    Globals:
      Function:
        Layers: [!Ref Common]
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Layers: [!Ref ScientificStack]  # one layer built from several packages
    ```
    """

    id = "SC1003"
    name = "lambda-layers-count"
    severity = Severity.ERROR
    summary = "More than 5 layers on a function (Globals layers included)"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
    tags = ("lambda", "limit")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limit = context.limit("lambda-layers-max")
        for function in context.of_type("AWS::Lambda::Function"):
            counts = _layer_counts(context, function.properties.get("Layers"))
            over = [count for count in counts if count > limit]
            if over:
                layers = context.property(function, "Layers")
                yield context.report(
                    layers.location,
                    f"{max(over)} layers (the function's own and Globals', merged) > {limit:g} allowed; "
                    "combine layers or package the dependencies with the function",
                    resource=function.source_id,
                    related=context.globals_related(function, ("Layers",)) if layers.location.related == () else (),
                )


def _layer_counts(context: RuleContext, raw: Any) -> list[int]:
    """How many layers the list may hold: a written list counts its items even when the layer
    ARNs themselves are unknown; otherwise each resolved candidate list is counted."""
    if isinstance(raw, list):
        return [len(raw)]
    return [len(candidate) for candidate in context.resolve(raw).candidates if isinstance(candidate, list)]
