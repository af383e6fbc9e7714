from collections.abc import Iterator

from samcheck.analysis.lists import list_counts
from samcheck.analysis.values import qualifier
from samcheck.rule import Finding, Rule, RuleContext, Severity


class LambdaLayersCount(Rule):
    """A function can use at most 5 layers. SAM merges the layers in ``Globals`` with the
    function's own, so a function that lists 3 layers under ``Globals`` with 3 of its own has 6,
    and the deploy fails. Each branch of an undecided ``Fn::If`` is counted on its own, and a
    finding names which; a layer written as an ``Fn::If`` that may leave it out is not counted.

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
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limit = context.limit("lambda-layers-max")
        for function in context.of_type("AWS::Lambda::Function"):
            for (surely, possibly), when in list_counts(context.template, function, ("Layers",)):
                if surely <= limit:
                    continue
                layers = context.property(function, "Layers")
                inherited = context.globals_related(function, ("Layers",)) if layers.location.related == () else ()
                bound = "" if surely == possibly else "at least "
                yield context.report(
                    layers.location,
                    f"{bound}{surely} layers (the function's own and Globals', merged) > {limit:g} allowed"
                    f"{qualifier(when)}; combine layers or package the dependencies with the function",
                    resource=function.source_id,
                    related=[*inherited, *context.when_related(when)],
                )
