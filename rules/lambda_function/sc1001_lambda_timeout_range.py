from collections.abc import Iterator

from samcheck.analysis.values import outside
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.lambda_function._managed import maximum


class LambdaTimeoutRange(Rule):
    """A Lambda function's ``Timeout`` must be 1 to 900 seconds (15 minutes); only functions on
    Lambda Managed Instances (with ``CapacityProviderConfig``) may run up to 5,400 seconds.
    Lambda rejects anything else when CloudFormation creates the function. Checked on
    ``AWS::Lambda::Function`` and ``AWS::Serverless::Function`` after ``Globals`` and parameters
    are applied; with a parameter that lists ``AllowedValues`` every allowed value is judged.

    **Anti-pattern**

    ```yaml
    Globals:
      Function:
        Timeout: 1200
    ```

    **Best practice**

    ```yaml
    Globals:
      Function:
        Timeout: 900  # longer work belongs in Step Functions or ECS
    ```
    """

    id = "SC1001"
    name = "lambda-timeout-range"
    severity = Severity.ERROR
    summary = "Lambda Timeout outside 1–900 seconds"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html"
    tags = ("lambda", "limit")
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        low = context.limit("lambda-timeout-min")
        for function in context.of_type("AWS::Lambda::Function"):
            high, kind = maximum(context, function, "lambda-timeout-max")
            timeout = context.property(function, "Timeout")
            offending = outside(timeout.value, low, high)
            if offending:
                yield context.report(
                    timeout.location,
                    f"Timeout {timeout.value.describe(offending, 's')} is outside {low:g}–{high:,.0f} s {kind}; "
                    f"set a Timeout of at most {high:,.0f} s and move longer work to Step Functions or ECS",
                    resource=function.source_id,
                    related=context.parameter_related(timeout.value),
                )
