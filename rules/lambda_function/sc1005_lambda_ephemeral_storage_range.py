from collections.abc import Iterator

from samcheck.analysis.values import outside
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.lambda_function._managed import maximum


class LambdaEphemeralStorageRange(Rule):
    """``EphemeralStorage.Size`` (``/tmp``) must be 512 to 10,240 MB. The CloudFormation schema
    accepts up to 32,768 MB, but only functions on Lambda Managed Instances (with
    ``CapacityProviderConfig``) may use more than 10,240 MB.

    **Anti-pattern**

    ```yaml
    EphemeralStorage:
      Size: 20480
    ```

    **Best practice**

    ```yaml
    EphemeralStorage:
      Size: 10240  # larger scratch space belongs on EFS or S3
    ```
    """

    id = "SC1005"
    name = "lambda-ephemeral-storage-range"
    severity = Severity.ERROR
    summary = "EphemeralStorage.Size outside 512–10,240 MB"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html"
    tags = ("lambda", "limit")
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        low = context.limit("lambda-ephemeral-storage-min")
        for function in context.of_type("AWS::Lambda::Function"):
            high, _ = maximum(context, function, "lambda-ephemeral-storage-max")
            storage = context.property(function, ("EphemeralStorage", "Size"))
            offending = outside(storage.value, low, high)
            if offending:
                yield context.report(
                    storage.location,
                    f"EphemeralStorage.Size {storage.value.describe(offending, 'MB')} is outside "
                    f"{low:g}–{high:,.0f} MB; set a size in that range",
                    resource=function.source_id,
                    related=context.parameter_related(storage.value),
                )
