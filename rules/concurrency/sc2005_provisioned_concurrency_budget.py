from collections.abc import Iterator

from samcheck.analysis.concurrency import provisioned_shares
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.concurrency._budget import judge, template_and_nested


class ProvisionedConcurrencyBudget(Rule):
    """Provisioned concurrency is drawn from the same account budget as reserved concurrency: the
    sum over all versions and aliases may not leave less than 100 unreserved (900 of the default
    1,000). Counted over the template and its local nested applications and stacks, or over every
    template of the run with ``--account-scope``.

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
    summary = "Provisioned concurrency adds up past the account limit minus 100 unreserved"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html"
    tags = ("lambda", "concurrency")
    reads_disk = True  # local nested templates count too

    def check(self, context: RuleContext) -> Iterator[Finding]:
        if context.settings.account_scope:
            return
        shares = [share for template in template_and_nested(context) for share in provisioned_shares(template)]
        yield from judge(context, shares, "provisioned")
