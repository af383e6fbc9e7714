"""Where AWS services deliver logs to CloudWatch Logs on the template's behalf with a role of the
template, by the catalogue ``schemas/log_deliveries.json``: Step Functions logging, a function's
``LoggingConfig.LogGroup``, VPC flow logs, and the API Gateway account's CloudWatch role; and the
REST API stages that log, which need that account role.

Each delivery names the role (when the template has it), the log group as the policies may spell
it (symbolic ARNs, ``samcheck.analysis.arns``), and the deployments it is made in: a log group or
role chosen by a parameter's allowed values or an ``Fn::If`` is one delivery per choice; one known
only at deploy time is none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any, NamedTuple

from samcheck.analysis import per_template
from samcheck.analysis.arns import ACCOUNT, split_token, symbolic, symbolic_property, token
from samcheck.analysis.values import ALWAYS, When, flags, merge, texts, written_paths
from samcheck.analysis.wiring import reaches
from samcheck.cfn.resolver import partition_for
from samcheck.datafiles import load_json
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

LOG_GROUP = "AWS::Logs::LogGroup"


class Deliverer(NamedTuple):
    """One row of the catalogue: a resource type whose service delivers logs with a role."""

    name: str  # what it delivers, for messages: "execution logs"
    type: str
    logging: tuple[tuple[tuple[str, ...], str], ...]  # (path, how it names the group), first written counts
    only_when: tuple[tuple[str, ...], frozenset[str], str] | None  # (path, values, default)
    role: tuple[str, ...]
    service: str
    required: tuple[str, ...]  # each must be allowed; empty: at least one of ``actions``
    actions: tuple[str, ...]
    any_resource: bool  # the actions take no resource type: only Resource "*" grants them
    trust: bool  # the role's trust policy is judged here
    ordered: bool  # the service checks the role when the holder is created
    severity: str
    without: str
    without_role: str | None


class LogDelivery(NamedTuple):
    deliverer: Deliverer
    holder: Resource
    path: NodePath  # where the holder says where logs go (the role property when it names no group)
    role: Resource | None  # None: no role is written (a role outside the template is no delivery here)
    targets: tuple[str, ...]  # what the role acts on: the log group's symbolic ARNs and its streams'
    group: str  # how a policy's Resource writes the log group, for messages
    when: When = ALWAYS
    log_group: Resource | None = None  # the template's log group it delivers to, when it names one


def _steps(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


@cache
def catalogue() -> tuple[Deliverer, ...]:
    rows = []
    for row in load_json("log_deliveries.json")["deliveries"]:
        only_when = row.get("only_when")
        rows.append(
            Deliverer(
                row["delivery"],
                row["type"],
                tuple((_steps(entry["path"]), entry["group"]) for entry in row["logging"]),
                (_steps(only_when["path"]), frozenset(only_when["values"]), only_when["default"])
                if only_when
                else None,
                _steps(row["role"]),
                row["service"],
                tuple(row["required"]),
                tuple(row["actions"]),
                row["resource"] == "*",
                row["trust"],
                row["ordered"],
                row["severity"],
                row["without"],
                row.get("without_role"),
            )
        )
    return tuple(rows)


def log_deliveries(template: Template) -> list[LogDelivery]:
    return _log_deliveries(template)


@per_template
def _log_deliveries(template: Template) -> list[LogDelivery]:
    found: list[LogDelivery] = []
    for deliverer in catalogue():
        for holder in template.of_type(deliverer.type):
            found += _delivered(template, deliverer, holder)
    return found


def _delivered(template: Template, deliverer: Deliverer, holder: Resource) -> list[LogDelivery]:
    whens = [ALWAYS]
    if deliverer.only_when is not None:
        level, values, default = deliverer.only_when
        whens = [case.when for case in texts(template.property(holder, level, default)) if case.value in values]
    written = [(at, kind) for steps, kind in deliverer.logging for at in written_paths(template, holder, steps)]
    if not whens or not written:
        return []
    path, kind = written[0]  # the first property written is the one the service reads
    groups = _groups(template, holder, path, kind)
    if deliverer.any_resource:  # the grant is asked on "*"; the group is kept for the graph
        named = next((log_group for *_, log_group in groups if log_group is not None), None)
        groups = [(_any_resource(template), '"*"', ALWAYS, named)]
    roles: list[tuple[Resource | None, When]] = [
        (reach.target.resource, reach.when)
        for reach in reaches(template, holder, deliverer.role)
        if reach.target.resource is not None and reach.target.resource.type == "AWS::IAM::Role"
    ]
    if not written_paths(template, holder, deliverer.role):  # no role written at all
        roles = [(None, ALWAYS)]
    found = []
    for deployed in whens:
        for targets, group, group_when, log_group in groups:
            for role, role_when in roles:
                when = merge(deployed, group_when, role_when)
                if when is not None:
                    found.append(LogDelivery(deliverer, holder, path, role, targets, group, when, log_group))
    return found


def _any_resource(template: Template) -> tuple[str, ...]:
    """What an action without resource types is asked on, spelled so that ``*`` and a logs-wide
    pattern grant it, and a narrower logs ARN leaves it unknown."""
    region = template.resolver.region
    return (f"arn:{partition_for(region)}:logs:{region}:{ACCOUNT}:{token('logs-resource')}",)


_GROUP_IN_ARN = re.compile(r":log-group:([^:]+)")


def _groups(
    template: Template, holder: Resource, path: NodePath, kind: str
) -> list[tuple[tuple[str, ...], str, When, Resource | None]]:
    """The log group a property names, once per way it may be deployed: its symbolic ARNs and
    streams, how a policy writes it, and the template's log group when it is one; none when it is
    known only at deploy time."""
    found = []
    branches = template.branches(holder, path)
    for variant, when in (
        (variant, both)
        for node, branch in zip(branches.nodes, branches.whens, strict=True)
        for variant, way in template.resolver.variants(node)
        if (both := merge(branch, way)) is not None
    ):
        text = symbolic(template, variant)
        if text is None or kind == "none":
            continue
        group = _log_group(template, text, kind)
        names = {text} if kind == "name" else set(_GROUP_IN_ARN.findall(text))
        if group is not None:
            names.add(token(f"{group.logical_id}.Ref"))
            written = symbolic_property(template, group, "LogGroupName")
            if written is not None:
                names.add(written)
        if not names and group is None:
            continue  # an ARN that names no log group samcheck can read
        found.append(
            (
                _spellings(template, names, group, text if kind == "arn" else None),
                _shown(group, text, kind),
                when,
                group,
            )
        )
    return found


def _log_group(template: Template, text: str, kind: str) -> Resource | None:
    """The log group of the template a name or ARN refers to (by reference or by its written name)."""
    named = split_token(text)
    if named is not None and named[2] in ("", ":*"):
        resource = template.resources.get(named[0])
        if resource is not None and resource.type == LOG_GROUP and named[1] == ("Arn" if kind == "arn" else "Ref"):
            return resource
    wanted = text if kind == "name" else next(iter(_GROUP_IN_ARN.findall(text)), None)
    for group in template.of_type(LOG_GROUP):
        if wanted is not None and symbolic_property(template, group, "LogGroupName") == wanted:
            return group
    return None


def _spellings(template: Template, names: set[str], group: Resource | None, arn: str | None) -> tuple[str, ...]:
    """The log group's ARN and its streams', by each name it has (its Ref, its written name)."""
    region = template.resolver.region
    prefix = f"arn:{partition_for(region)}:logs:{region}:{ACCOUNT}:log-group:"
    found = [
        spelling
        for name in sorted(names)
        for spelling in (f"{prefix}{name}", f"{prefix}{name}:log-stream:{token('log-stream')}")
    ]
    if group is not None:
        # The group's Arn ends in ":*" (its streams); policies also write "${Group.Arn}:*".
        found += [token(f"{group.logical_id}.Arn"), f"{token(f'{group.logical_id}.Arn')}:{token('log-stream')}"]
    if arn is not None and arn not in found:
        found.append(arn)
    return tuple(found)


def _shown(group: Resource | None, text: str, kind: str) -> str:
    if group is not None:
        return f"!GetAtt {group.logical_id}.Arn"
    if kind == "arn":
        return text
    return f"!Sub arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{text}:*"


# -- stages that log ---------------------------------------------------------------------------


class LoggingStage(NamedTuple):
    stage: Resource  # an AWS::ApiGateway::Stage or a Deployment that makes one
    path: NodePath  # the setting that turns logging on
    when: When


@cache
def _stage_rows() -> tuple[dict[str, Any], ...]:
    return tuple(load_json("log_deliveries.json")["stage_logging"]["stages"])


def logging_stages(template: Template) -> Iterator[LoggingStage]:
    """The REST API stages of the template that write access or execution logs, once per setting
    (with when it logs)."""
    levels = frozenset(load_json("log_deliveries.json")["stage_logging"]["logging_levels"])
    for row in _stage_rows():
        for stage in template.of_type(row["type"]):
            access = _steps(row["access_log"])
            if written_paths(template, stage, access):
                yield LoggingStage(stage, access, ALWAYS)
                continue
            for pattern in row["levels"]:
                for path in written_paths(template, stage, _steps(pattern)):
                    for case in texts(template.property(stage, path)):
                        if case.value in levels:
                            yield LoggingStage(stage, path, case.when)
            for pattern in row["traces"]:
                for path in written_paths(template, stage, _steps(pattern)):
                    for case in flags(template.property(stage, path)):
                        if case.value:
                            yield LoggingStage(stage, path, case.when)
