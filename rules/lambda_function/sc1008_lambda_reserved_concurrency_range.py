from collections.abc import Iterator

from samcheck.analysis.values import as_number
from samcheck.rule import Finding, Rule, RuleContext, Severity


class LambdaReservedConcurrencyRange(Rule):
    """``ReservedConcurrentExecutions`` must be at least 0 and leave 100 executions of the account's
    concurrency unreserved: with the default quota of 1,000, one function can reserve at most 900.
    Above that the deploy fails with "Specified ReservedConcurrentExecutions for function decreases
    account's UnreservedConcurrentExecution below its minimum value of [100]". ``0`` deploys but
    switches the function off: every invocation is throttled (warning). An account with a raised
    quota sets ``[tool.samcheck.limits] concurrent-executions``.

    **Anti-pattern**

    ```yaml
    ReservedConcurrentExecutions: 1000
    ```

    **Best practice**

    ```yaml
    ReservedConcurrentExecutions: 50
    ```
    """

    id = "SC1008"
    name = "lambda-reserved-concurrency-range"
    severity = Severity.ERROR
    summary = "ReservedConcurrentExecutions below 0 or above the account limit minus 100 unreserved"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html"
    tags = ("lambda", "concurrency")
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        account = context.limit("concurrent-executions")
        unreserved = context.limit("unreserved-minimum")
        available = account - unreserved
        for function in context.of_type("AWS::Lambda::Function"):
            reserved = context.property(function, "ReservedConcurrentExecutions")
            related = context.parameter_related(reserved.value)
            numbers = [(c, as_number(c)) for c in reserved.candidates]
            over = [c for c, n in numbers if n is not None and (n < 0 or n > available)]
            zero = [c for c, n in numbers if n == 0]
            if over:
                yield context.report(
                    reserved.location,
                    f"ReservedConcurrentExecutions {reserved.value.describe(over)} is outside "
                    f"0–{available:g} "
                    f"({account:g} account limit − {unreserved:g} that must stay unreserved); "
                    f"reserve at most {available:g}, or set the raised quota in [tool.samcheck.limits]",
                    resource=function.source_id,
                    related=related,
                )
            elif zero:
                yield context.report(
                    reserved.location,
                    "ReservedConcurrentExecutions 0 switches the function off: "
                    "every invocation is throttled; "
                    "remove it or reserve at least 1",
                    resource=function.source_id,
                    related=related,
                    severity=Severity.WARNING,
                )
