from collections import defaultdict
from collections.abc import Iterator

from samcheck.analysis.values import Candidate, numbers, qualifier, together
from samcheck.analysis.wiring import function_behind, reaches
from samcheck.rule import Finding, Property, Related, Resource, Rule, RuleContext, Severity


class LambdaProvisionedExceedsReserved(Rule):
    """A function's provisioned concurrency (over all its versions and aliases) cannot exceed its
    reserved concurrency: the reserved amount is all the function may ever run, so the provisioned
    environments would never fit and Lambda rejects the configuration. Each allowed value of a
    parameter and each branch of an undecided condition is judged, and a finding names which.

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
    resource_types = frozenset({"AWS::Lambda::Alias", "AWS::Lambda::Version"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        # Per function: each alias or version that provisions it, with its amounts under the
        # assumptions that point it at the function.
        provisioned: dict[str, list[tuple[Resource, Property, list[Candidate]]]] = defaultdict(list)
        for holder in context.of_type("AWS::Lambda::Alias", "AWS::Lambda::Version"):
            amount = context.property(holder, ("ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions"))
            amounts = numbers(amount)
            if not amounts:
                continue  # none, or known only at deploy time: it adds nothing that is known
            for reach in reaches(template, holder, "FunctionName"):
                function = function_behind(template, reach.target)
                if function is None:
                    continue
                pointed = [
                    Candidate(number, when) for (number, _), when in together(amounts, [Candidate(reach, reach.when)])
                ]
                provisioned[function.logical_id].append((holder, amount, pointed))
        for logical_id, entries in provisioned.items():
            function = template.resources[logical_id]
            reserved = context.property(function, "ReservedConcurrentExecutions")
            holder, amount, _ = entries[0]
            for (limit, *parts), when in together(numbers(reserved), *(pointed for _, _, pointed in entries)):
                total = sum(parts)
                if total <= limit:
                    continue
                arithmetic = (
                    f"{' + '.join(f'{part:g}' for part in parts)} = {total:g}" if len(parts) > 1 else f"{total:g}"
                )
                yield context.report(
                    amount.location,
                    f"provisioned concurrency {arithmetic} > ReservedConcurrentExecutions {limit:g} "
                    f"of {function.source_id}{qualifier(when)}; "
                    "raise the reserved concurrency or provision less",
                    resource=holder.source_id,
                    related=[
                        Related("reserved concurrency set here", reserved.location.span),
                        *context.when_related(when),
                    ],
                )
