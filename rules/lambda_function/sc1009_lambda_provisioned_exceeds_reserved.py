from collections import defaultdict
from collections.abc import Iterator

from samcheck.analysis.values import as_number
from samcheck.rule import Finding, Property, Related, Resource, Rule, RuleContext, Severity, referenced


class LambdaProvisionedExceedsReserved(Rule):
    """A function's provisioned concurrency (over all its versions and aliases) cannot exceed its
    reserved concurrency: the reserved amount is all the function may ever run, so the provisioned
    environments would never fit and Lambda rejects the configuration.

    **Anti-pattern**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        AutoPublishAlias: live
        ReservedConcurrentExecutions: 10
        ProvisionedConcurrencyConfig:
          ProvisionedConcurrentExecutions: 20
    ```

    **Best practice**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        AutoPublishAlias: live
        ReservedConcurrentExecutions: 20
        ProvisionedConcurrencyConfig:
          ProvisionedConcurrentExecutions: 20
    ```
    """

    id = "SC1009"
    name = "lambda-provisioned-exceeds-reserved"
    severity = Severity.ERROR
    summary = "Provisioned concurrency greater than the function's reserved concurrency"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html"
    tags = ("lambda", "concurrency")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        functions = {f.logical_id: f for f in context.of_type("AWS::Lambda::Function")}
        provisioned: dict[str, list[tuple[Resource, Property, float]]] = defaultdict(list)
        for holder in context.of_type("AWS::Lambda::Alias", "AWS::Lambda::Version"):
            amount = context.property(holder, ("ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions"))
            number = as_number(amount.value.single)
            targets = {name for name, _, _ in referenced(holder.properties.get("FunctionName"), functions)}
            if number is not None and len(targets) == 1:
                provisioned[targets.pop()].append((holder, amount, number))
        for logical_id, entries in provisioned.items():
            function = functions[logical_id]
            reserved = context.property(function, "ReservedConcurrentExecutions")
            limit = as_number(reserved.value.single)
            total = sum(number for _, _, number in entries)
            if limit is None or total <= limit:
                continue
            holder, amount, _ = entries[0]
            parts = " + ".join(f"{number:g}" for _, _, number in entries)
            arithmetic = f"{parts} = {total:g}" if len(entries) > 1 else f"{total:g}"
            yield context.report(
                amount.location,
                f"provisioned concurrency {arithmetic} > ReservedConcurrentExecutions {limit:g} "
                f"of {function.source_id}; "
                "raise the reserved concurrency or provision less",
                resource=holder.source_id,
                related=[Related("reserved concurrency set here", reserved.location.span)],
            )
