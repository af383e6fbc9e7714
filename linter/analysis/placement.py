"""Where a permission finding goes, and what to change there: the one place a user edits.

A refused request is fixed where it is refused or nearly granted: the Deny that refuses it; else the
statement or Lambda permission that is about it but has exactly one part wrong (its principal,
action, resource, source or function), named with what to write instead; else the statement list
of the policy, to add a statement to. Statements a user did not write (an AWS managed policy, the
statements SAM generates from a function's ``Policies``) are never pointed at: the rule then puts
the finding on the policy's place (a SAM function's ``Policies``), and on the delivery (the event or
notification) only when nothing exists yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from samcheck.analysis.iam import Policies, Request, Statement, statement_parts
from samcheck.analysis.values import When, merge
from samcheck.cfn.document import get_path
from samcheck.cfn.references import intrinsic_name
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

_SOURCE_ARN = "aws:sourcearn"


class Placement(NamedTuple):
    holder: Resource
    path: NodePath  # below the holder's Properties
    edit: str  # what to change there: "in this statement, change aws:SourceArn from !Ref A to !Ref B"


class Wanted(NamedTuple):
    """What a policy statement must allow, as a user writes it."""

    actions: tuple[str, ...]
    resource: str | None  # "!GetAtt Jobs.Arn"; None: a trust policy's, which names none
    service: str | None = None  # the service principal a resource policy lets in; None: an identity policy
    source: str | None = None  # how aws:SourceArn is written: "!Ref Orders"

    @property
    def request(self) -> str:
        """What is asked: "sqs:SendMessage to sns.amazonaws.com on r for aws:SourceArn s"."""
        service = f" to {self.service}" if self.service else ""
        resource = f" on {self.resource}" if self.resource else ""
        source = f" for aws:SourceArn {self.source}" if self.source else ""
        return f"{' and '.join(self.actions)}{service}{resource}{source}"

    @property
    def statement(self) -> str:
        """The statement to add: "Principal {Service: s} Action a on r with Condition …"."""
        principal = f"Principal {{Service: {self.service}}} " if self.service else ""
        condition = f" with Condition ArnEquals aws:SourceArn: {self.source}" if self.source else ""
        resource = f" on {self.resource}" if self.resource else ""
        return f"{principal}Action {' and '.join(self.actions)}{resource}{condition}"


def statement_to_edit(
    template: Template, policies: Policies, requests: Iterable[Request], wanted: Wanted, when: When
) -> Placement | None:
    """The statement a refused request is fixed in, in the deployments ``when`` names: the Deny that
    refuses it, else an Allow with exactly one part wrong (one about the same principal first);
    None when no statement a user wrote is about it."""
    asked = list(requests)
    deployed = [
        statement
        for statement in policies.statements
        if merge(statement.when, when) is not None and _written(statement)
    ]
    for statement in deployed:
        if statement.effect == "Deny" and any(_covers(template, statement, request) for request in asked):
            return Placement(
                statement.holder, statement.path, f"narrow this Deny so that it no longer refuses {wanted.request}"
            )
    near = [
        (part, statement)
        for statement in deployed
        if statement.effect == "Allow" and (part := _wrong_part(template, statement, asked)) is not None
    ]
    if not near:
        return None
    part, statement = min(near, key=lambda found: found[0] == "Principal")  # the same principal's first
    return Placement(statement.holder, statement.path, _statement_edit(template, statement, part, asked, wanted))


def resource_policy_edit(
    template: Template, policies: Policies, requests: Iterable[Request], wanted: Wanted, when: When
) -> Placement | None:
    """Where a resource policy (a queue's, topic's, key's, a role's trust) is fixed: the statement
    to edit, else its statement list to add one to; None when the resource has no policy a user
    wrote in the deployments ``when`` names (the finding then goes where one is added)."""
    return statement_to_edit(template, policies, requests, wanted, when) or _statement_list(policies, wanted, when)


def _statement_list(policies: Policies, wanted: Wanted, when: When) -> Placement | None:
    for statement in policies.statements:
        if merge(statement.when, when) is not None and _written(statement):
            path = statement.path[:-1] if statement.path and isinstance(statement.path[-1], int) else statement.path
            return Placement(statement.holder, path, f"add a statement allowing {wanted.statement}")
    return None


def permission_to_edit(
    candidates: Iterable[tuple[Resource, dict[str, bool | None]]], wanted: dict[str, str]
) -> Placement | None:
    """The Lambda permission to edit: the first a user wrote (not one SAM makes for an event) whose
    properties (FunctionName, Action, Principal, SourceArn, FunctionUrlAuthType: does each fit, True,
    False or unknown) have exactly one wrong, with what to write there instead (``wanted``). A part
    known only at deploy time does not move the finding away from the one that must change anyway."""
    for permission, parts in candidates:
        wrong = [name for name, fits in parts.items() if fits is False]
        if len(wrong) == 1 and not permission.origin.generated:
            name = wrong[0]
            written = shown(permission.properties.get(name))  # as written: the text the fix replaces
            return Placement(permission, (name,), f"change {name} from {written} to {wanted[name]}")
    return None


def shown(node: Any) -> str:
    """A value as a user writes it in YAML: ``!Ref X``, ``!GetAtt X.Arn``, ``!Sub text``, a literal."""
    name = intrinsic_name(node) if isinstance(node, dict) else None
    argument = node.get(name) if isinstance(node, dict) and name else None
    if name == "Ref" and isinstance(argument, str):
        return f"!Ref {argument}"
    if name == "Fn::GetAtt":
        parts = argument.split(".", 1) if isinstance(argument, str) else argument
        if isinstance(parts, list) and all(isinstance(part, str) for part in parts):
            return f"!GetAtt {'.'.join(parts)}"
    if name == "Fn::Sub" and isinstance(argument, str):
        return f"!Sub {argument}"
    if isinstance(node, (str, int, float)) and not isinstance(node, bool):
        return str(node)
    return "what it says"


def _written(statement: Statement) -> bool:
    """A statement a user wrote and can edit: not one SAM generates, nor an AWS managed policy's."""
    holder = statement.holder
    text = holder.properties  # as written: whether the statement is in the template's own text
    return not holder.origin.generated and get_path(text, statement.path) is not None


def _covers(template: Template, statement: Statement, request: Request) -> bool:
    return all(fits is True for fits in statement_parts(template, statement, request).values())


def _wrong_part(template: Template, statement: Statement, requests: list[Request]) -> str | None:
    """The one part of an Allow that keeps it from covering the requests, when it is about them: a
    wrong action must be of the same service, a wrong principal a service principal."""
    wrong: set[str] = set()
    for request in requests:
        parts = statement_parts(template, statement, request)
        if None in parts.values():
            return None
        wrong |= {part for part, fits in parts.items() if fits is False}
    if len(wrong) != 1:
        return None
    part = wrong.pop()
    if part == "Action":
        services = {pattern.split(":", 1)[0] for pattern in statement.actions or () if ":" in pattern}
        return part if any(request.action.split(":", 1)[0].lower() in services for request in requests) else None
    if part == "Principal":
        principal = statement.principal
        return part if isinstance(principal, dict) and set(principal) == {"Service"} else None
    return part


def _statement_edit(
    template: Template, statement: Statement, part: str, requests: list[Request], wanted: Wanted
) -> str:
    if part == "Action":
        missing = [r.action for r in requests if statement_parts(template, statement, r)["Action"] is False]
        return f"add {_and(missing)} to this statement's Action"
    if part == "Resource":
        return f"add {wanted.resource} to this statement's Resource"
    if part == "Principal":
        return f"add {wanted.service} to this statement's Principal"
    written = [
        values
        for entries in (statement.condition or {}).values()
        if isinstance(entries, dict)
        for key, values in entries.items()
        if str(key).lower() == _SOURCE_ARN
    ]
    before = shown(written[0]) if len(written) == 1 else "what it names"
    return f"in this statement, change aws:SourceArn from {before} to {wanted.source}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
