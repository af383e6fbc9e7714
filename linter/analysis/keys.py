"""Which KMS key encrypts a queue, topic, stream, log group or function environment of the template,
and whether a role may use it.

A key is named by its Ref, ARN or an ``AWS::KMS::Alias`` of the template, or is an AWS managed key
(``alias/aws/sqs``). A role may use a key when the key policy (a resource policy) allows the role
itself, or allows the account (``arn:aws:iam::${AWS::AccountId}:root``), which leaves it to the
role's own policies. Both are judged with ``samcheck.analysis.iam``; a statement whose principal
cannot be read makes the answer unknown, never a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from samcheck.analysis import per_template
from samcheck.analysis.arns import ACCOUNT, spellings, split_token, symbolic
from samcheck.analysis.iam import (
    Access,
    Policies,
    Request,
    Statement,
    decide,
    deployments,
    policy_document,
    role_policies,
)
from samcheck.analysis.values import ALWAYS, When
from samcheck.analysis.wiring import target_of
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

# Where each type names the key that encrypts it, and its AWS managed key.
ENCRYPTED_BY: dict[str, NodePath] = {
    "AWS::SQS::Queue": ("KmsMasterKeyId",),
    "AWS::SNS::Topic": ("KmsMasterKeyId",),
    "AWS::Kinesis::Stream": ("StreamEncryption", "KeyId"),
    "AWS::Logs::LogGroup": ("KmsKeyId",),
    "AWS::Lambda::Function": ("KmsKeyArn",),  # its environment variables
}
MANAGED_KEYS = {
    "AWS::SQS::Queue": "alias/aws/sqs",
    "AWS::SNS::Topic": "alias/aws/sns",
    "AWS::Kinesis::Stream": "alias/aws/kinesis",
    "AWS::Lambda::Function": "alias/aws/lambda",
}
_ACCOUNT_ROOT = re.compile(rf"arn:[^:]+:iam::{re.escape(ACCOUNT)}:root")


@dataclass(frozen=True, eq=False)  # identity: it holds resources
class Encryption:
    """One key a resource may be encrypted with (one per ``Fn::If`` branch), with when."""

    resource: Resource
    path: NodePath  # where the resource names the key
    key: Resource | None  # the AWS::KMS::Key of the template
    managed: str | None  # the AWS managed key's alias, when it is one
    when: When


def encryptions(template: Template, resource: Resource) -> list[Encryption]:
    """The keys of the template, or AWS managed keys, that may encrypt a resource; a key outside
    the template is left out (what its policy allows is unknown)."""
    return _encryptions(template, resource.logical_id)


def customer_keyed(template: Template, resource_type: str) -> list[tuple[Resource, list[Encryption]]]:
    """The resources of a type that some key of the template may encrypt, with those keys."""
    return _customer_keyed(template, resource_type)


@per_template
def _customer_keyed(template: Template, resource_type: str) -> list[tuple[Resource, list[Encryption]]]:
    found = []
    for resource in template.of_type(resource_type):
        keyed = [encryption for encryption in encryptions(template, resource) if encryption.key is not None]
        if keyed:
            found.append((resource, keyed))
    return found


@per_template
def _encryptions(template: Template, logical_id: str) -> list[Encryption]:
    resource = template.resources[logical_id]
    path = ENCRYPTED_BY.get(resource.type)
    if path is None:
        return []
    found = []
    branches = template.branches(resource, path)
    for node, when in zip(branches.nodes, branches.whens, strict=True):
        text = symbolic(template, node)
        managed = MANAGED_KEYS.get(resource.type)
        if managed is not None and text is not None and (text == managed or text.endswith(f":{managed}")):
            found.append(Encryption(resource, path, None, managed, when))
            continue
        key = key_named(template, node)
        if key is not None:
            found.append(Encryption(resource, path, key, None, when))
    return found


def key_named(template: Template, written: Any) -> Resource | None:
    """The AWS::KMS::Key of the template a key property names (through an alias too)."""
    named = target_of(template, written)
    resource = named.resource if named is not None else None
    if resource is not None and resource.type == "AWS::KMS::Alias":
        named = target_of(template, resource.properties.get("TargetKeyId"))  # as written: one key, else unknown
        resource = named.resource if named is not None else None
    return resource if resource is not None and resource.type == "AWS::KMS::Key" else None


def key_policy(template: Template, key: Resource) -> Policies:
    return policy_document(template, key, ("KeyPolicy",))


@dataclass
class RoleUse:
    """The actions a role may not call on a key, in one way the template may be deployed, and where
    the fix goes: the role's policies when the key policy leaves the use to them (it allows the
    account) and they refuse it, else the key policy."""

    when: When
    missing: dict[str, Access] = field(default_factory=dict)
    fix_in_role: bool = False


def role_use(template: Template, key: Resource, role: Resource, actions: Iterable[str]) -> list[RoleUse]:
    """For each way the key and role policies may be deployed where the role may not call some of
    the actions on the key; a way where any answer is unknown is left out."""
    policy = key_policy(template, key)
    to_role, to_account = _by_principal(template, policy, role)
    identity = role_policies(template, role)
    targets = spellings(template, key)
    ways = deployments(policy, identity)
    found = []
    for way in ways:
        use = RoleUse(way)
        known = True
        for action in actions:
            request = Request(action, targets)
            direct = decide(template, to_role, request, way)
            account = decide(template, to_account, request, way)
            own = decide(template, identity, request, way) if account is Access.ALLOWED else None
            if Access.DENIED in (direct, account):
                use.missing[action] = Access.DENIED
            elif direct is Access.ALLOWED or own is Access.ALLOWED:
                continue
            elif Access.UNKNOWN in (direct, account, own):
                known = False
            else:
                use.missing[action] = own or Access.NOT_GRANTED
                use.fix_in_role = own is not None
        if known and use.missing:
            found.append(use)
    same = all((use.missing, use.fix_in_role) == (found[0].missing, found[0].fix_in_role) for use in found)
    if len(found) > 1 and len(found) == len(ways) and same:  # the same in every deployment: said once
        return [RoleUse(ALWAYS, found[0].missing, found[0].fix_in_role)]
    return found


def _by_principal(template: Template, policy: Policies, role: Resource) -> tuple[Policies, Policies]:
    """The key policy's statements that name the role itself (or anyone), and those that name the
    account; a statement whose principal may name either is unreadable to both."""
    to_role = Policies(unreadable=list(policy.unreadable), variants=list(policy.variants))
    to_account = Policies(unreadable=list(policy.unreadable), variants=list(policy.variants))
    for statement in policy.statements:
        kinds = _principal_kinds(template, statement, role)
        if kinds is None:
            why = f"a principal of the key policy of {statement.holder.source_id} cannot be read"
            to_role.unreadable.append((why, statement.when))
            to_account.unreadable.append((why, statement.when))
            continue
        if "role" in kinds:
            to_role.statements.append(statement)
        if "account" in kinds:
            to_account.statements.append(statement)
    return to_role, to_account


def _principal_kinds(template: Template, statement: Statement, role: Resource) -> set[str] | None:
    """Which of the role itself and the account a statement's Principal names; None when unknown."""
    principal = statement.principal
    if principal == "*":
        return {"role"}
    if not isinstance(principal, dict):
        return None
    kinds: set[str] = set()
    written = principal.get("AWS")
    for item in written if isinstance(written, list) else [written] if written is not None else []:
        text = symbolic(template, item)
        named = split_token(text) if text is not None else None
        if text == "*":
            kinds.add("role")
        elif text == ACCOUNT or (text is not None and _ACCOUNT_ROOT.fullmatch(text)):
            kinds.add("account")
        elif named is not None and named[1:] == ("Arn", "") and named[0] in template.resources:
            if named[0] == role.logical_id:
                kinds.add("role")
        else:
            return None  # a literal ARN or account: it may be this role's or account
    if set(principal) - {"AWS", "Service"}:
        return None  # a federated or canonical user principal: not judged
    return kinds
