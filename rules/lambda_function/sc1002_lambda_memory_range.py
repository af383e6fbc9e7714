from collections.abc import Iterator

from samcheck.analysis.values import outside
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.lambda_function._managed import maximum


class LambdaMemoryRange(Rule):
    """A Lambda function's ``MemorySize`` must be 128 to 10,240 MB. The CloudFormation schema
    now accepts up to 32,768 MB, but only functions on Lambda Managed Instances (with
    ``CapacityProviderConfig``) may use more than 10,240 MB; any other function fails to
    deploy. Checked after ``Globals`` and parameters are applied.

    **Anti-pattern**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        MemorySize: 16384
    ```

    **Best practice**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        MemorySize: 10240
    ```
    """

    id = "SC1002"
    name = "lambda-memory-range"
    severity = Severity.ERROR
    summary = "Lambda MemorySize outside 128–10,240 MB"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
    tags = ("lambda", "limit")
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        low = context.limit("lambda-memory-min")
        for function in context.of_type("AWS::Lambda::Function"):
            high, kind = maximum(context, function, "lambda-memory-max")
            memory = context.property(function, "MemorySize")
            offending = outside(memory.value, low, high)
            if offending:
                yield context.report(
                    memory.location,
                    f"MemorySize {memory.value.describe(offending, 'MB')} is outside "
                    f"{low:g}–{high:,.0f} MB {kind}; "
                    f"set MemorySize between {low:g} and {high:,.0f}",
                    resource=function.source_id,
                    related=context.parameter_related(memory.value),
                )
