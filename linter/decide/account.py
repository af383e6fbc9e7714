"""``--account-scope``: the templates of one run are one account; its budgets are added up.

Reserved and provisioned concurrency (SC2001, SC2005) come out of one budget per account and
Region, so with ``--account-scope`` samcheck adds up the shares of every template of the run
(grouped by the region each is linted for) and reports once per account, at the largest share in
a linted template (or, when all shares sit in nested templates, at the resource that deploys the
largest), listing the templates and functions. These findings are undecided like every other:
the verdict then applies suppressions and severity overrides to them.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from samcheck.analysis.concurrency import (
    POOL,
    Share,
    anchor,
    budget_arithmetic,
    position_in,
    same_file,
    unreserved_pool,
)
from samcheck.findings import Finding, Related, Span, sorted_findings
from samcheck.limits import Limits
from samcheck.registry import find_rule

if TYPE_CHECKING:
    from samcheck.check.checker import CheckedFile
    from samcheck.check.runner import Job

_RULES = {"reserved": "SC2001", "provisioned": "SC2005"}


def add_account_findings(jobs: Sequence[Job], checked: Sequence[CheckedFile]) -> list[CheckedFile]:
    groups: dict[tuple[str, str], list[tuple[Share, str]]] = defaultdict(list)  # with the linted file
    limits_of: dict[str, Limits] = {}
    reported: set[str] = set()  # the kinds whose rule some file selected
    for job, file in zip(jobs, checked, strict=True):
        if not job.settings.account_scope:
            continue
        region = job.settings.effective_region
        limits_of.setdefault(region, Limits(dict(job.settings.limits), region))
        selected = {rule.id for rule in job.rules}
        reported |= {kind for kind, rule in _RULES.items() if rule in selected}
        for kind, shares in file.budgets.items():  # every kind: provisioned is judged with reserved
            groups[(region, kind)].extend((share, str(file.result.path)) for share in shares)
    extra: dict[str, list[Finding]] = defaultdict(list)
    for (region, kind), collected in groups.items():
        if kind not in reported:
            continue
        limits = limits_of[region]
        account, unreserved = limits["concurrent-executions"], limits["unreserved-minimum"]
        available = account - unreserved
        linted_file = _unique(collected)
        if kind == "provisioned":  # one pool with the reservations (see unreserved_pool)
            reserved = _unique(groups.get((region, "reserved"), []))
            if sum(share.amount for share in reserved) > available:
                continue  # SC2001 reports the reservations alone
            pool = unreserved_pool(list(reserved), list(linted_file))
            linted_file = {share: (reserved | linted_file)[share] for share in pool}
            label = POOL
        else:
            label = kind
        unique = list(linted_file)
        if sum(share.amount for share in unique) <= available:
            continue
        rule = find_rule(_RULES[kind])
        assert rule is not None
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
        extra[report_file].append(
            Finding(rule.id, rule.name, rule.severity, message, report_file, where, first.function, related)
        )
    if not extra:
        return list(checked)
    return _with_findings(checked, extra)


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


def _with_findings(checked: Sequence[CheckedFile], extra: dict[str, list[Finding]]) -> list[CheckedFile]:
    return [
        file._replace(result=replace(file.result, findings=sorted_findings(file.result.findings + extra[path])))
        if (path := str(file.result.path)) in extra
        else file
        for file in checked
    ]
