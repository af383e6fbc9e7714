"""How SC2001 and SC2005 judge a budget: for one template, or (with --account-scope) for every
template of the run, from what each file collected (``Spent``), once per account and Region."""

import os
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from samcheck.analysis.concurrency import (
    POOL,
    DeployedTemplate,
    Share,
    anchor,
    budget_arithmetic,
    deployed_templates,
    position_in,
    provisioned_shares,
    reserved_shares,
    same_file,
    unreserved_pool,
)
from samcheck.rule import Finding, Related, Rule, RuleContext, Span


def template_and_nested(context: RuleContext) -> list[DeployedTemplate]:
    return deployed_templates(context.template, context.settings, int(context.limit("nested-stack-depth-max")))


def available(context: RuleContext) -> float:
    """The concurrency reservations and provisioned concurrency may take: the account limit less the
    unreserved minimum."""
    return context.limit("concurrent-executions") - context.limit("unreserved-minimum")


def judge_template(context: RuleContext, shares: list[Share], kind: str) -> Iterator[Finding]:
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


class Spent(NamedTuple):
    """What one linted file (with its nested templates) spends of its account's concurrency, with
    the limits it is linted with: collected from each file under --account-scope."""

    file: str  # the linted file
    region: str
    account: float  # concurrent-executions
    unreserved: float  # unreserved-minimum
    reserved: tuple[Share, ...]
    provisioned: tuple[Share, ...]


def spent(context: RuleContext) -> Spent | None:
    """The file's part of its account, with --account-scope (None without: the rule judges the
    template alone)."""
    if not context.settings.account_scope:
        return None
    templates = template_and_nested(context)
    return Spent(
        context.file,
        context.region,
        context.limit("concurrent-executions"),
        context.limit("unreserved-minimum"),
        tuple(share for template in templates for share in reserved_shares(template)),
        tuple(share for template in templates for share in provisioned_shares(template)),
    )


def judge_accounts(rule: Rule, collected: Sequence[Spent], kind: str) -> Iterator[Finding]:
    """The templates of one run are one account per Region; its ``kind`` of budget ("reserved", or
    "provisioned": drawn from one pool with the reservations) is added up over all of them and
    reported once per account, at the largest share in a linted template (or, when all shares sit
    in nested templates, at the resource that deploys the largest), listing the templates and
    functions."""
    regions: dict[str, list[Spent]] = {}
    for each in collected:
        regions.setdefault(each.region, []).append(each)
    for region, spents in regions.items():
        account, unreserved = spents[0].account, spents[0].unreserved  # the first file's limits
        available = account - unreserved
        reserved = _unique([(share, each.file) for each in spents for share in each.reserved])
        linted_file = reserved
        label = kind
        if kind == "provisioned":  # one pool with the reservations (see unreserved_pool)
            if sum(share.amount for share in reserved) > available:
                continue  # SC2001 reports the reservations alone
            provisioned = _unique([(share, each.file) for each in spents for share in each.provisioned])
            pool = unreserved_pool(list(reserved), list(provisioned))
            linted_file = {share: (reserved | provisioned)[share] for share in pool}
            label = POOL
        unique = list(linted_file)
        if sum(share.amount for share in unique) <= available:
            continue
        ordered = sorted(unique, key=lambda share: -share.amount)
        # Report in a linted file: a share of its own, else the resource deploying the largest share.
        first = anchor(unique, linted_file.__getitem__)
        report_file = linted_file[first]
        where = position_in(first, report_file)
        files = sorted({share.file for share in ordered})
        limit_text = (
            f"{label} in the account in {region} > {available:g} available "
            f"({account:g} account limit − {unreserved:g} unreserved minimum)"
        )
        message = (
            f"{budget_arithmetic(ordered, limit_text)}, over {len(files)} template(s): {', '.join(files)}; "
            "lower some, or set the account's raised quota in [tool.samcheck.limits] concurrent-executions"
        )
        related = tuple(
            Related(f"{share.function}: {share.amount:g}", share.span, share.file)
            for share in ordered
            if share is not first or where != share.span
        )
        yield Finding(rule.id, rule.name, rule.severity, message, report_file, where, first.function, related)


def _unique(collected: list[tuple[Share, str]]) -> dict[Share, str]:
    """Each share once, with the linted file to report it in: a template reached twice (from two
    parents, or nested and also linted itself) counts once, and the occurrence in a linted file of
    its own is the one a finding can point at."""
    chosen: dict[tuple[str, str, Span], tuple[Share, str]] = {}
    for share, path in collected:
        key = (os.path.realpath(share.file), share.function, share.span)
        if key not in chosen or same_file(share.file, path):
            chosen[key] = (share, path)
    return dict(chosen.values())
