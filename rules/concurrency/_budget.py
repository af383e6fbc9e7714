"""How SC2001 and SC2005 judge a budget, for one template or (under --account-scope) for all."""

from collections.abc import Iterator

from samcheck.analysis.concurrency import (
    DeployedTemplate,
    Share,
    anchor,
    budget_arithmetic,
    deployed_templates,
    position_in,
)
from samcheck.rule import Finding, Related, RuleContext


def template_and_nested(context: RuleContext) -> list[DeployedTemplate]:
    return deployed_templates(context.template, context.settings, int(context.limit("nested-stack-depth-max")))


def available(context: RuleContext) -> float:
    """The concurrency reservations and provisioned concurrency may take: the account limit less the
    unreserved minimum."""
    return context.limit("concurrent-executions") - context.limit("unreserved-minimum")


def judge(context: RuleContext, shares: list[Share], kind: str) -> Iterator[Finding]:
    account = context.limit("concurrent-executions")
    unreserved = context.limit("unreserved-minimum")
    total = sum(share.amount for share in shares)
    if not shares or total <= available(context):
        return
    ordered = sorted(shares, key=lambda share: -share.amount)
    first = anchor(shares, lambda share: context.file)
    where = position_in(first, context.file)
    limit_text = (
        f"{kind} > {available(context):g} available ({account:g} account limit − {unreserved:g} unreserved minimum)"
    )
    yield context.report(
        where,
        f"{budget_arithmetic(shares, limit_text)}; lower some, or set the account's raised quota in "
        "[tool.samcheck.limits] concurrent-executions",
        resource=first.function,
        related=[
            Related(
                f"{share.function}: {share.amount:g}", share.span, None if share.file == context.file else share.file
            )
            for share in ordered
            if share is not first or where != share.span
        ],
    )
