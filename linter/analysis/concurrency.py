"""Who uses an account's Lambda concurrency: reserved and provisioned amounts per function.

Both the per-template rules (SC2001, SC2005) and the account-wide sum of ``--account-scope`` read
them from here. Reserved and provisioned concurrency share one pool: the account limit minus the
unreserved minimum covers every reservation plus the provisioned concurrency of functions that
have none (``unreserved_pool``). Local nested applications (``AWS::Serverless::Application`` with a local
``Location``) and nested stacks (``AWS::CloudFormation::Stack`` with a local ``TemplateURL``) deploy
into the same account, so their functions are counted too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from samcheck.analysis import per_template
from samcheck.analysis.values import numbers
from samcheck.analysis.wiring import function_behind, reaches
from samcheck.cfn.resolver import describe_when
from samcheck.findings import Span
from samcheck.sam import ARTIFACT_PROPERTIES, NESTED_STACK_TEMPLATE

if TYPE_CHECKING:
    from samcheck.config import Settings
    from samcheck.model.template import Resource, Template


@dataclass(frozen=True)
class Share:
    """One function's part of a budget."""

    file: str
    function: str  # logical ID in its source template
    amount: float
    span: Span
    # When the largest of several candidates is deployed ("when parameter R is 400"); "" when one.
    largest_when: str = ""
    # In a nested template: where the linted template deploys it (its Application or Stack),
    # the place to report a budget at when the linted template has no share of its own.
    deployed_at: Span | None = field(default=None, compare=False)


def same_file(first: str, second: str) -> bool:
    """Whether two paths name one file (a template may be given relatively and reached resolved)."""
    return os.path.realpath(first) == os.path.realpath(second)


def anchor(shares: list[Share], linted_file: Callable[[Share], str]) -> Share:
    """The share a budget finding starts with: the largest that sits in the file it was linted
    from, else the largest of all (in a nested template)."""
    ordered = sorted(shares, key=lambda share: -share.amount)
    return next((share for share in ordered if same_file(share.file, linted_file(share))), ordered[0])


def position_in(share: Share, file: str) -> Span:
    """Where a finding about ``share`` goes in ``file``: at the share, or, for a share in a nested
    template, at the resource of ``file`` that deploys that template."""
    return share.span if same_file(share.file, file) else share.deployed_at or Span.point()


def _largest(template: Template, resource: Resource, path: tuple[str, ...]) -> tuple[float, str, Span] | None:
    """The largest candidate of a setting (a budget must hold in every deployment), with when it is
    deployed where the setting has several."""
    prop = template.property(resource, path)
    candidates = numbers(prop)
    if not candidates:
        return None
    largest = max(candidates, key=lambda case: case.value)
    several = len({case.value for case in candidates}) > 1
    return largest.value, describe_when(largest.when) if several else "", prop.location.span


class DeployedTemplate(NamedTuple):
    """A template the linted one deploys into the account: itself, or a local nested template."""

    template: Template
    # For a nested template: where the linted template deploys it (the resource starting the chain).
    deployed_at: Span | None = None


def reserved_shares(deployed: DeployedTemplate) -> list[Share]:
    template = deployed.template
    shares = []
    for function in template.of_type("AWS::Lambda::Function"):
        largest = _largest(template, function, ("ReservedConcurrentExecutions",))
        if largest and largest[0] > 0:
            shares.append(
                Share(template.file, function.source_id, largest[0], largest[2], largest[1], deployed.deployed_at)
            )
    return shares


def provisioned_shares(deployed: DeployedTemplate) -> list[Share]:
    template = deployed.template
    shares = []
    for holder in template.of_type("AWS::Lambda::Alias", "AWS::Lambda::Version"):
        largest = _largest(template, holder, ("ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions"))
        behind = (function_behind(template, reach.target) for reach in reaches(template, holder, "FunctionName"))
        targets = [function.source_id for function in behind if function is not None]
        if largest and largest[0] > 0:
            function = targets[0] if targets else holder.source_id
            shares.append(Share(template.file, function, largest[0], largest[2], largest[1], deployed.deployed_at))
    return shares


POOL = "reserved + provisioned (of functions without a reservation)"


def unreserved_pool(reserved: list[Share], provisioned: list[Share]) -> list[Share]:
    """What the account's unreserved pool must cover: every reservation, and the provisioned
    concurrency of functions without one (a function's provisioned concurrency inside its own
    reservation is already counted there)."""
    reserving = {(os.path.realpath(share.file), share.function) for share in reserved}
    drawing = [share for share in provisioned if (os.path.realpath(share.file), share.function) not in reserving]
    return [*reserved, *drawing] if drawing else []


_NESTED_LOCATION = dict(
    [*((a.sam_type, a.sam_property) for a in ARTIFACT_PROPERTIES if a.kind == "template"), NESTED_STACK_TEMPLATE]
)


def _nested_templates(
    parent: DeployedTemplate, settings: Settings, depth: int, seen: set[Path]
) -> list[DeployedTemplate]:
    """The local templates ``parent`` deploys as nested applications or stacks, recursively."""
    from samcheck.cfn.document import load_document
    from samcheck.cfn.local import inside_project, real
    from samcheck.model.build import build_template

    if depth <= 0:
        return []
    template = parent.template
    folder = template.document.path.parent
    found = []
    for logical_id, resource in template.source_resources.items():
        name = _NESTED_LOCATION.get(str(resource.get("Type")))
        properties = resource.get("Properties")
        properties = properties if isinstance(properties, dict) else {}
        location = properties.get(name) if name else None
        if not isinstance(location, str) or location.startswith(("s3://", "https://", "http://")):
            continue
        path = real(folder / location)
        # os.path's test, unlike Path's, is False for a name too long to be a file's (Python 3.11)
        if path in seen or not os.path.isfile(path) or not inside_project(path, folder):
            continue  # a template outside the project is not read (SC0016 says so)
        seen.add(path)
        given = settings._replace(parameter_overrides=_passed_parameters(template, properties.get("Parameters")))
        nested = build_template(load_document(path), given)
        if nested is not None:
            # Budgets are reported in the linted template: at the resource that starts the chain.
            here = template.document.source_map.nearest(("Resources", logical_id, "Properties", str(name)))[1]
            deployed = DeployedTemplate(nested, parent.deployed_at or here)
            found.append(deployed)
            found += _nested_templates(deployed, settings, depth - 1, seen)
    return found


def _passed_parameters(template: Template, passed: Any) -> tuple[tuple[str, str], ...]:
    """The parameter values the parent gives a nested template, where statically known; the
    others take what the nested template says (its AllowedValues or Default)."""
    from samcheck.config import parameter_text

    known = []
    for name, node in passed.items() if isinstance(passed, dict) else ():
        value = template.resolver.resolve(node).single  # one value: an override is one; else the nested defaults
        if isinstance(value, (str, int, float)):
            known.append((str(name), parameter_text(value)))
    return tuple(known)


@per_template
def deployed_templates(template: Template, settings: Settings, depth: int) -> list[DeployedTemplate]:
    """The template and the local templates it deploys, read once per template."""
    linted = DeployedTemplate(template)
    return [linted, *_nested_templates(linted, settings, depth, {template.document.path.resolve()})]


def budget_arithmetic(shares: list[Share], limit_text: str) -> str:
    ordered = sorted(shares, key=lambda share: -share.amount)
    parts = " + ".join(f"{share.amount:g}" for share in ordered)
    total = sum(share.amount for share in ordered)
    names = ", ".join(
        f"{share.function} {share.amount:g}" + (f" (the largest, {share.largest_when})" if share.largest_when else "")
        for share in ordered
    )
    return f"{parts} = {total:g} {limit_text} ({names})"
