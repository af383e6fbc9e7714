from collections.abc import Iterator, Sequence

from samcheck.analysis.concurrency import POOL, provisioned_shares, reserved_shares, unreserved_pool
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.concurrency._budget import (
    Spent,
    available,
    judge_accounts,
    judge_template,
    spent,
    template_and_nested,
)


class ProvisionedConcurrencyBudget(Rule):
    """Provisioned concurrency is drawn from the same account pool as reserved concurrency: every
    reservation plus the provisioned concurrency of functions without one may not leave less than
    100 unreserved (900 of the default 1,000). A function's provisioned concurrency inside its own
    reservation is counted there. Counted over the template and its local nested applications and
    stacks, or over every template of the run with ``--account-scope``; when the reservations alone
    are over, SC2001 says so instead.

    **Anti-pattern**

    ```yaml
    Globals:
      Function:
        AutoPublishAlias: live
        ProvisionedConcurrencyConfig:
          ProvisionedConcurrentExecutions: 400
    # ...and three functions
    ```

    **Best practice**

    ```yaml
    Checkout:
      Type: AWS::Serverless::Function
      Properties:
        AutoPublishAlias: live
        ProvisionedConcurrencyConfig:
          ProvisionedConcurrentExecutions: 50
    ```
    """

    id = "SC2005"
    name = "provisioned-concurrency-budget"
    severity = Severity.ERROR
    summary = (
        "Reserved plus provisioned concurrency (of functions without a reservation) past the account limit minus 100"
    )
    url = "https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html"
    tags = ("lambda", "concurrency")
    reads_disk = True  # local nested templates count too

    def check(self, context: RuleContext) -> Iterator[Finding]:
        if context.settings.account_scope:
            return
        templates = template_and_nested(context)
        reserved = [share for template in templates for share in reserved_shares(template)]
        provisioned = [share for template in templates for share in provisioned_shares(template)]
        if sum(share.amount for share in reserved) > available(context):
            return  # SC2001 reports the reservations alone
        yield from judge_template(context, unreserved_pool(reserved, provisioned), POOL)

    def collect(self, context: RuleContext) -> Spent | None:
        return spent(context)

    def judge(self, collected: Sequence[Spent]) -> Iterator[Finding]:
        yield from judge_accounts(self, collected, "provisioned")
