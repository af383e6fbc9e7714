"""Who may do what to which resource of the template, as IAM would decide one request.

Identity policies: a role's inline ``Policies``, ``AWS::IAM::Policy``, ``AWS::IAM::RolePolicy`` and
``AWS::IAM::ManagedPolicy`` resources attached to it, the policy templates SAM expands into it, and
AWS managed policies attached by ARN (their documents in ``schemas/aws-managed-policies.json``).
Resource policies: queue, topic and bucket policies of the template, and Lambda permissions.

Actions match case-insensitively with ``*`` and ``?``; ``NotAction``/``NotResource`` invert;
an explicit ``Deny`` wins. Resources are compared as symbolic ARNs (``samcheck.analysis.arns``).
Every answer is one of four: allowed; not granted (no statement allows it); denied (a statement
denies it); unknown (a policy or value that cannot be read could decide it). Rules report only
"not granted" and "denied", never "unknown".
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple

from samcheck.analysis import per_template
from samcheck.analysis.arns import (
    ACCOUNT,
    Match,
    has_tokens,
    mentions,
    names,
    split_token,
    symbolic,
    symbolic_property,
    token,
)
from samcheck.analysis.embedded import Parsed, parsed_text
from samcheck.analysis.values import ALWAYS, When
from samcheck.analysis.wiring import reaches
from samcheck.cfn.document import get_path
from samcheck.cfn.references import intrinsic_name
from samcheck.cfn.resolver import Assumption, merge
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

_MANAGED_POLICY_PREFIX = ":iam::aws:policy/"
_SOURCE_KEYS = {"aws:sourcearn": "arn", "aws:sourceaccount": "account"}
_SOURCE_OPERATORS = frozenset({"arnequals", "arnlike", "stringequals", "stringlike"})


class Access(Enum):
    ALLOWED = "allowed"
    NOT_GRANTED = "not granted"
    DENIED = "denied"
    UNKNOWN = "unknown"


class Statement(NamedTuple):
    """One statement of a policy, its values read as far as they can be."""

    effect: str  # "Allow" or "Deny"
    actions: tuple[str, ...] | None  # lower-case patterns; None: the statement has NotAction
    not_actions: tuple[str, ...] | None
    resources: tuple[str | None, ...] | None  # symbolic ARNs, None where unknown; None: NotResource or absent
    not_resources: tuple[str | None, ...] | None
    principal: Any  # resource policies: the Principal as written (settled)
    condition: dict[str, Any] | None
    holder: Resource  # the resource that writes it
    path: NodePath  # where, below the holder's Properties
    when: When = ALWAYS  # the deployments whose document has this statement (a known set fixed in it)


@dataclass
class Policies:
    statements: list[Statement] = field(default_factory=list)
    # Why some policy that may apply is not read, and in which deployments.
    unreadable: list[tuple[str, When]] = field(default_factory=list)
    # The deployments the documents were read in, where a known set made them differ.
    variants: list[When] = field(default_factory=list)

    def extend(self, other: Policies) -> None:
        self.statements += other.statements
        self.unreadable += other.unreadable
        self.variants += other.variants


class Request(NamedTuple):
    """One request to decide: an action on a resource (its symbolic spellings), made by a service
    principal on behalf of a source resource (resource policies), or by a role (identity policies)."""

    action: str
    targets: tuple[str, ...]
    service: str | None = None  # "sns.amazonaws.com"
    source: tuple[str, ...] | None = None  # the source's symbolic spellings, for aws:SourceArn


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_document(template: Template, holder: Resource, path: NodePath) -> Policies:
    """The statements of the policy document a resource writes at ``path``."""
    return read_document(template, get_path(holder.properties, path), holder, path)  # as written: a policy language


def read_document(template: Template, document: Any, holder: Resource, path: NodePath) -> Policies:
    """The statements of a policy document (a mapping, or JSON text); unreadable parts are named. A
    document that holds a known set (a parameter's allowed values, an undecided ``Fn::If``) is read
    once per way it may be deployed, each statement with when it is there (``deployments`` and
    ``decide`` judge each way); what stays unknown is not read, never judged."""
    found = Policies()
    for variant, when in template.resolver.variants(document):
        found.extend(_read_one(template, variant, holder, path, when))
        if when:
            found.variants.append(when)
    return found


def _read_one(template: Template, document: Any, holder: Resource, path: NodePath, when: When) -> Policies:
    found = Policies()
    document = template.resolver.settle(document)
    if isinstance(document, str):
        parsed = parsed_text(template, document)  # SC0017 says why when it does not parse
        document = parsed.value if isinstance(parsed, Parsed) else None
    if not isinstance(document, dict) or intrinsic_name(document) is not None:
        found.unreadable.append((f"the policy at {holder.source_id} is not a literal document", when))
        return found
    statements = document.get("Statement")
    for index, statement in enumerate(_listed(statements) if statements is not None else []):
        where: NodePath = (*path, "Statement", index) if isinstance(statements, list) else (*path, "Statement")
        read = _statement(template, statement, holder, where)
        if read is None:
            found.unreadable.append((f"a statement of the policy at {holder.source_id} cannot be read", when))
        else:
            found.statements.append(read._replace(when=when))
    return found


def _statement(template: Template, statement: Any, holder: Resource, path: NodePath) -> Statement | None:
    if not isinstance(statement, dict) or intrinsic_name(statement) is not None:
        return None
    effect = symbolic(template, statement.get("Effect"))
    if effect not in ("Allow", "Deny"):
        return None
    actions = _actions(template, statement.get("Action"))
    not_actions = _actions(template, statement.get("NotAction"))
    if actions is None and not_actions is None:
        return None
    condition = template.resolver.settle(statement.get("Condition"))
    if condition is not None and not isinstance(condition, dict):
        return None
    return Statement(
        effect,
        actions,
        not_actions,
        _resources(template, statement.get("Resource")),
        _resources(template, statement.get("NotResource")),
        template.resolver.settle(statement.get("Principal")),
        condition,
        holder,
        path,
    )


def _actions(template: Template, value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    read = [symbolic(template, item) for item in _listed(template.resolver.settle(value))]
    if any(item is None or has_tokens(item) for item in read):
        return None  # an action known only at deploy time
    return tuple(item.lower() for item in read if item is not None)


def _resources(template: Template, value: Any) -> tuple[str | None, ...] | None:
    if value is None:
        return None
    return tuple(symbolic(template, item) for item in _listed(template.resolver.settle(value)))


# -- identity policies -------------------------------------------------------------------------


def execution_roles(template: Template, holder: Resource, property_name: str = "Role") -> list[tuple[Resource, When]]:
    """The roles of the template a function (``Role``) or state machine (``RoleArn``) runs as: one
    per ``Fn::If`` branch that names one, with when it does."""
    return [
        (reach.target.resource, reach.when)
        for reach in reaches(template, holder, property_name)
        if reach.target.resource is not None and reach.target.resource.type == "AWS::IAM::Role"
    ]


def role_policies(template: Template, role: Resource) -> Policies:
    """Every identity policy attached to a role of the template."""
    return _role_policies(template, role.logical_id)


@per_template
def _role_policies(template: Template, logical_id: str) -> Policies:
    role = template.resources[logical_id]
    found = Policies()
    inline = template.resolver.settle(role.properties.get("Policies"))  # as written: documents in a policy language
    for index, policy in enumerate(inline if isinstance(inline, list) else []):
        document = policy.get("PolicyDocument") if isinstance(policy, dict) else None
        found.extend(read_document(template, document, role, ("Policies", index, "PolicyDocument")))
    if inline is not None and not isinstance(inline, list):
        found.unreadable.append((f"the Policies of {role.source_id} are not a literal list", ALWAYS))
    managed = template.resolver.settle(role.properties.get("ManagedPolicyArns"))  # as written: ARNs as spellings
    for arn in _listed(managed) if managed is not None else []:
        found.extend(_managed(template, symbolic(template, arn), role))
    attached = _attached(template)
    for policy in attached.get(token(f"{role.logical_id}.Ref"), []):
        found.extend(policy_document(template, policy, ("PolicyDocument",)))
    for policy in attached.get(None, []):
        found.unreadable.append((f"{policy.source_id} attaches to a role known only at deploy time", ALWAYS))
    return found


@per_template
def _attached(template: Template) -> dict[str | None, list[Resource]]:
    """Policy resources by the role they attach to (a role's Ref token, or a name; None: a role
    known only at deploy time, which may be any)."""
    found: dict[str | None, list[Resource]] = {}
    for policy_type, key in (
        ("AWS::IAM::Policy", "Roles"),
        ("AWS::IAM::ManagedPolicy", "Roles"),
        ("AWS::IAM::RolePolicy", "RoleName"),
    ):
        for policy in template.of_type(policy_type):
            written = template.resolver.settle(policy.properties.get(key))  # as written: names as spellings
            for name in _listed(written) if written is not None else []:
                found.setdefault(symbolic(template, name), []).append(policy)
    return found


def _managed(template: Template, arn: str | None, role: Resource) -> Policies:
    if arn is None:
        return Policies(unreadable=[(f"a managed policy of {role.source_id} is known only at deploy time", ALWAYS)])
    named = split_token(arn)
    policy = template.resources.get(named[0]) if named is not None and named[1:] == ("Ref", "") else None
    if policy is not None and policy.type == "AWS::IAM::ManagedPolicy":
        return policy_document(template, policy, ("PolicyDocument",))
    if _MANAGED_POLICY_PREFIX in arn:
        from samcheck.datafiles import load_json

        name = arn.rsplit("/", 1)[-1]
        entry = load_json("aws-managed-policies.json")["policies"].get(name)
        if entry is not None:
            return read_document(template, entry["document"], role, ("ManagedPolicyArns",))
    return Policies(unreadable=[(f"managed policy {arn} of {role.source_id} is not one samcheck has read", ALWAYS)])


# -- resource policies -------------------------------------------------------------------------

# The policy resources that apply to each type, and the property that names the resource (by its
# Ref or ARN).
_RESOURCE_POLICIES: dict[str, tuple[tuple[str, str], ...]] = {
    "AWS::SQS::Queue": (("AWS::SQS::QueuePolicy", "Queues"), ("AWS::SQS::QueueInlinePolicy", "Queue")),
    "AWS::SNS::Topic": (("AWS::SNS::TopicPolicy", "Topics"), ("AWS::SNS::TopicInlinePolicy", "TopicArn")),
    "AWS::S3::Bucket": (("AWS::S3::BucketPolicy", "Bucket"),),
}


def resource_policies(template: Template, target: Resource) -> Policies:
    """The policies of the template attached to a queue, topic or bucket."""
    found = Policies()
    own = {token(f"{target.logical_id}.Ref"), token(f"{target.logical_id}.Arn")}
    for policy_type, key in _RESOURCE_POLICIES.get(target.type, ()):
        for policy in template.of_type(policy_type):
            written = template.resolver.settle(policy.properties.get(key))  # as written: names as spellings
            named = [symbolic(template, item) for item in _listed(written)]
            if own & set(named):
                found.extend(policy_document(template, policy, ("PolicyDocument",)))
            elif None in named:
                found.unreadable.append((f"{policy.source_id} applies to a {key} known only at deploy time", ALWAYS))
    return found


# -- deciding ----------------------------------------------------------------------------------


def deployments(*read: Policies) -> list[When]:
    """The ways the template may be deployed that these policies differ in: every combination of the
    choices their documents were read under (one, always, when none was)."""
    return _combinations(variant for policies in read for variant in policies.variants)


def _combinations(whens: Iterable[When]) -> list[When]:
    """Every full choice of the parameters and conditions these assumptions name (ALWAYS alone: none)."""
    domains: dict[tuple[str, str], set[str]] = {}
    for when in whens:
        for assumption in when:
            domains.setdefault((assumption.kind, assumption.name), set()).add(assumption.shown)
    ways: list[When] = [ALWAYS]
    for (kind, name), values in sorted(domains.items()):
        ways = [way | {Assumption(kind, name, value)} for way in ways for value in sorted(values)]
    return ways


def decide(template: Template, policies: Policies, request: Request, when: When = ALWAYS) -> Access:
    """Whether the statements allow the request (see the module docstring for the answers), in the
    deployments ``when`` names: a statement read under other choices is left out, one whose choices
    ``when`` does not fix may or may not apply."""
    allowed = maybe_allowed = maybe_denied = False
    for statement in policies.statements:
        if merge(statement.when, when) is None:
            continue  # another deployment's statement
        certain = _applies(template, statement, request)
        if certain is False:
            continue
        if certain and not statement.when <= when:
            certain = None
        if statement.effect == "Deny":
            if certain:
                return Access.DENIED
            maybe_denied = True
        elif certain:
            allowed = True
        else:
            maybe_allowed = True
    if allowed:
        return Access.UNKNOWN if maybe_denied else Access.ALLOWED
    if maybe_allowed or any(merge(where, when) is not None for _, where in policies.unreadable):
        return Access.UNKNOWN
    return Access.NOT_GRANTED


def refused(
    template: Template, policies: Policies, requests: Iterable[Request], when: When = ALWAYS
) -> dict[str, Access] | None:
    """Action → NOT_GRANTED or DENIED for each request the policies do not allow in the deployments
    ``when`` names; None when any answer is unknown (then nothing may be said)."""
    answers = {request.action: decide(template, policies, request, when) for request in requests}
    if Access.UNKNOWN in answers.values():
        return None
    return {action: access for action, access in answers.items() if access is not Access.ALLOWED}


def granting(template: Template, policies: Policies, request: Request) -> list[Statement]:
    """The statements that certainly allow the request."""
    return [s for s in policies.statements if s.effect == "Allow" and _applies(template, s, request) is True]


def _applies(template: Template, statement: Statement, request: Request) -> bool | None:
    """True when the statement certainly covers the request, False when it certainly does not."""
    checks = statement_parts(template, statement, request).values()
    if False in checks:
        return False
    return None if None in checks else True


def statement_parts(template: Template, statement: Statement, request: Request) -> dict[str, bool | None]:
    """Whether each part of a statement (Action, Resource, Principal for a service's request,
    Condition) covers the request: True certainly, False certainly not, None unknown."""
    parts: dict[str, bool | None] = {
        "Action": _action(statement, request.action),
        "Resource": _resource(template, statement, request.targets),
    }
    if request.service is not None:
        parts["Principal"] = _principal(template, statement.principal, request.service)
    parts["Condition"] = _condition(template, statement.condition, request)
    return parts


def _action(statement: Statement, action: str) -> bool:
    wanted = action.lower()
    if statement.actions is not None:
        return any(fnmatch.fnmatchcase(wanted, pattern) for pattern in statement.actions)
    return not any(fnmatch.fnmatchcase(wanted, pattern) for pattern in statement.not_actions or ())


def _resource(template: Template, statement: Statement, targets: tuple[str, ...]) -> bool | None:
    if statement.resources is None and statement.not_resources is None:
        return True  # a resource policy's statement applies to the resource it is attached to
    patterns = statement.resources if statement.resources is not None else statement.not_resources or ()
    matches = [Match.MAYBE if pattern is None else names(pattern, targets, template) for pattern in patterns]
    found = True if Match.YES in matches else None if Match.MAYBE in matches else False
    if statement.resources is None and found is not None:
        return not found
    return found


def _principal(template: Template, principal: Any, service: str) -> bool | None:
    if principal == "*":
        return True
    if not isinstance(principal, dict) or intrinsic_name(principal) is not None:
        return None
    if "AWS" in principal and "*" in [symbolic(template, item) for item in _listed(principal["AWS"])]:
        return True
    services = [_literal(symbolic(template, item)) for item in _listed(principal.get("Service") or [])]
    name = service.split(".", 1)[0]
    # A Regional service principal (states.eu-west-1.amazonaws.com) is the same service.
    if any(s == service or (s and s.startswith(f"{name}.") and s.endswith(".amazonaws.com")) for s in services):
        return True
    return None if None in services else False


def _condition(template: Template, condition: dict[str, Any] | None, request: Request) -> bool | None:
    """Conditions on the request's source are judged; any other condition may decide either way."""
    if not condition:
        return True
    results: list[bool | None] = []
    for operator, entries in condition.items():
        plain = str(operator).lower().removesuffix("ifexists")
        if not isinstance(entries, dict) or plain not in _SOURCE_OPERATORS:
            return None
        for key, values in entries.items():
            kind = _SOURCE_KEYS.get(str(key).lower())
            if kind is None or request.source is None:
                return None
            written = [symbolic(template, value) for value in _listed(values)]
            results.append(_source_matches(template, kind, written, request.source))
    if False in results:
        return False
    return None if None in results else True


def _source_matches(
    template: Template, kind: str, written: Iterable[str | None], source: tuple[str, ...]
) -> bool | None:
    verdicts: list[bool | None] = []
    for value in written:
        if value is None:
            verdicts.append(None)
        elif kind == "account":
            verdicts.append(True if value == ACCOUNT else None)
        else:
            match = names(value, source, template)
            verdicts.append(True if match is Match.YES else None if match is Match.MAYBE else False)
    if True in verdicts:
        return True
    return None if None in verdicts else False


# -- Lambda permissions ------------------------------------------------------------------------


class LambdaPermission(NamedTuple):
    resource: Resource
    action: str | None  # lower case
    principal: str | None
    source_arn: str | None  # symbolic; None when absent or unknown (see source_known)
    source_known: bool
    url_auth_type: str | None
    when: When = ALWAYS  # the deployments this reading of the permission holds in


def lambda_permissions(
    template: Template, target: Resource, invoked: str | None = None
) -> list[LambdaPermission] | None:
    """The permissions of the template on a function, alias or version, as ``invoked`` names it:
    ``${Fn.Arn}:live``, ``!Ref FnAliaslive`` and ``Fn.Alias`` are one alias, and another resource
    than the function itself. None when some permission may be about it but cannot be told (a
    function known only at deploy time)."""
    wanted = function_identity(template, invoked) if invoked is not None else _identity_of(template, target)
    if wanted is None:
        return None
    found: list[LambdaPermission] = []
    for permission in template.of_type("AWS::Lambda::Permission"):
        # A permission with a known set (an allowed value, an undecided Fn::If) is read per deployment.
        for written, when in template.resolver.variants(permission.properties):  # as written: spellings
            read = _lambda_permission(template, permission, template.resolver.settle(written), when, wanted)
            if read is None:
                return None
            found += read
    return found


def _lambda_permission(
    template: Template, permission: Resource, written: dict[str, Any], when: When, wanted: tuple[str, str | None]
) -> list[LambdaPermission] | None:
    """One deployment's reading of a permission: itself, none when it is about another function, None
    when that cannot be told."""
    function = symbolic(template, written.get("FunctionName"))
    if function is None:
        return None
    identity = function_identity(template, function)
    if identity is None and (
        mentions(function, wanted[0]) or not has_tokens(function) or _function_of_alias(template, function) == wanted[0]
    ):
        return None  # a name that may be this function's, or an alias of it named only at deploy time
    if wanted[1] is not None and has_tokens(wanted[1]) and identity is not None and identity[0] == wanted[0]:
        return None  # a qualifier known only at deploy time: which policy applies is unknown
    # Lambda keeps a policy per alias and version: the function's own does not let a caller invoke
    # an alias ("If you use a qualifier, the invoker must use the full ARN of that version or alias").
    if identity != wanted:
        return []
    source_arn = symbolic(template, written.get("SourceArn"))
    action = _literal(symbolic(template, written.get("Action")))
    return [
        LambdaPermission(
            permission,
            action.lower() if action is not None else None,
            _literal(symbolic(template, written.get("Principal"))),
            source_arn,
            written.get("SourceArn") is None or source_arn is not None,
            symbolic(template, written.get("FunctionUrlAuthType")),
            when,
        )
    ]


def permission_deployments(permissions: Iterable[LambdaPermission]) -> list[When]:
    """The ways the template may be deployed that these permissions differ in."""
    return _combinations(permission.when for permission in permissions)


def in_deployment(permissions: Iterable[LambdaPermission], way: When) -> list[LambdaPermission]:
    """The permissions deployed ``way`` (a full choice of what they differ in)."""
    return [permission for permission in permissions if merge(permission.when, way) is not None]


_QUALIFIER = re.compile(r":[^:]+")
_FUNCTION_ARN = re.compile(r"arn:[^:]+:lambda:[^:]+:[^:]+:function:([^:]+)(?::([^:]+))?")


def function_identity(template: Template, text: str) -> tuple[str, str | None] | None:
    """(function, qualifier) a function reference names: a logical ID of the template (or the name
    written out) and the alias or version, None for the function itself. None when not readable."""
    named = split_token(text)
    if named is not None:
        logical_id, attribute, rest = named
        resource = template.resources.get(logical_id)
        if resource is None or attribute not in ("Arn", "Ref") or (rest and not _QUALIFIER.fullmatch(rest)):
            return None
        identity = _identity_of(template, resource)
        if identity is None or not rest:
            return identity
        return (identity[0], rest[1:]) if identity[1] is None else None
    arn = _FUNCTION_ARN.fullmatch(text)
    if arn is not None:
        name, qualifier = arn.group(1), arn.group(2)
    elif text.startswith("arn:"):
        return None
    else:
        name, _, written = text.partition(":")
        qualifier = written or None
    inner = split_token(name)
    if inner is not None:  # arn:…:function:${Fn}
        resource = template.resources.get(inner[0])
        identity = _identity_of(template, resource) if resource is not None and inner[1:] == ("Ref", "") else None
        return (identity[0], qualifier) if identity is not None and identity[1] is None else None
    function = _named_function(template, name)
    if function is None:
        return None
    return (function, qualifier) if function else ((f"name {name}", qualifier) if not has_tokens(name) else None)


def _named_function(template: Template, name: str) -> str | None:
    """The function of the template whose FunctionName is written as ``name``; "" for none; None
    when it cannot be told (a FunctionName known only at deploy time, or one of several)."""
    for function in template.of_type("AWS::Lambda::Function"):
        written = symbolic_property(template, function, "FunctionName")
        if written == name:
            return function.logical_id
        if written is None and template.property(function, "FunctionName").present:
            return None
    return ""


def _identity_of(template: Template, resource: Resource) -> tuple[str, str | None] | None:
    if resource.type == "AWS::Lambda::Function":
        return resource.logical_id, None
    function = _function_of(template, resource)
    if function is None:
        return None
    if resource.type == "AWS::Lambda::Version":
        return function, f"version {resource.logical_id}"
    name = _literal(symbolic_property(template, resource, "Name"))
    return (function, name) if name is not None else None


def _function_of(template: Template, resource: Resource) -> str | None:
    """The function an alias or version of the template belongs to; None for another resource or
    one whose function cannot be read."""
    if resource.type not in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):
        return None
    function = symbolic_property(template, resource, "FunctionName")
    base = function_identity(template, function) if function is not None else None
    return base[0] if base is not None and base[1] is None else None


def _function_of_alias(template: Template, text: str) -> str | None:
    """The function of the alias or version of the template that ``text`` names."""
    named = split_token(text)
    resource = template.resources.get(named[0]) if named is not None else None
    return _function_of(template, resource) if resource is not None else None


def _literal(value: str | None) -> str | None:
    """A value written out; None for one that holds a reference (known only at deploy time)."""
    return None if value is None or has_tokens(value) else value


def permits(permission: LambdaPermission, action: str, principal: str) -> bool | None:
    """Whether a permission lets the principal call the action (its SourceArn aside)."""
    parts = permission_parts(permission, action, principal).values()
    return False if False in parts else None if None in parts else True


def permission_parts(permission: LambdaPermission, action: str, principal: str) -> dict[str, bool | None]:
    """Whether a permission's Action and Principal let the principal call the action: True, False,
    or None when it is known only at deploy time."""
    written = _REGIONAL_PRINCIPAL.sub(r"\1.amazonaws.com", permission.principal or "")
    return {
        "Action": fnmatch.fnmatchcase(action.lower(), permission.action) if permission.action is not None else None,
        "Principal": written in (principal, "*") if permission.principal is not None else None,
    }


# Some services take their Region in the principal too (logs.eu-west-1.amazonaws.com, the form older
# CloudWatch Logs guides write): the same service.
_REGIONAL_PRINCIPAL = re.compile(r"^([a-z0-9-]+)\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com$")
