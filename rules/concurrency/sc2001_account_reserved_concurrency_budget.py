from collections.abc import Iterator, Sequence

from samcheck.analysis.concurrency import reserved_shares
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.concurrency._budget import Spent, judge_accounts, judge_template, spent, template_and_nested


class AccountReservedConcurrencyBudget(Rule):
    """Reserved concurrency comes out of one budget per account and Region: 1,000 by default, of
    which 100 must stay unreserved, so all functions together may reserve at most 900. Past that the
    deploy fails with "Specified ReservedConcurrentExecutions for function decreases account's
    UnreservedConcurrentExecution below its minimum value of [100]". Counted after Globals,
    parameters (the largest allowed value) and SAM expansion, with local nested applications and
    stacks. ``--account-scope`` adds up every template of a run instead (one finding per account).

    **Anti-pattern**

    ```yaml
    Globals:
      Function:
        ReservedConcurrentExecutions: 300
    # ...and four functions
    ```

    **Best practice**

    ```yaml
    # reserve only where a function must be guaranteed or capped
    Ingest:
      Type: AWS::Serverless::Function
      Properties:
        ReservedConcurrentExecutions: 300
    ```
    """

    id = "SC2001"
    name = "account-reserved-concurrency-budget"
    severity = Severity.ERROR
    summary = "Reserved concurrency adds up past the account limit minus 100 unreserved"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html"
    tags = ("lambda", "concurrency")
    reads_disk = True  # local nested templates count too

    def check(self, context: RuleContext) -> Iterator[Finding]:
        if context.settings.account_scope:
            return  # added up over all templates of the run instead
        shares = [share for template in template_and_nested(context) for share in reserved_shares(template)]
        yield from judge_template(context, shares, "reserved")

    def collect(self, context: RuleContext) -> Spent | None:
        return spent(context)

    def judge(self, collected: Sequence[Spent]) -> Iterator[Finding]:
        yield from judge_accounts(self, collected, "reserved")
