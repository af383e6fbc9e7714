import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass

from samcheck.analysis.arns import mentions, spellings
from samcheck.analysis.delivery import Delivery, deliveries, principal_deliveries
from samcheck.analysis.iam import (
    Access,
    Request,
    Statement,
    deployments,
    execution_roles,
    granting,
    refused,
    role_policies,
)
from samcheck.analysis.keys import Encryption, customer_keyed, encryptions, key_policy, role_use
from samcheck.analysis.placement import Placement, Wanted, resource_policy_edit, statement_to_edit
from samcheck.analysis.values import Candidate, When, merge, qualifier, together
from samcheck.analysis.wiring import event_sources, reaches, target_of
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity

# What a sender needs of the key that encrypts the queue, topic or stream it sends to (a Kinesis
# producer only generates data keys).
_SEND_ACTIONS = {
    "AWS::SQS::Queue": ("kms:GenerateDataKey", "kms:Decrypt"),
    "AWS::SNS::Topic": ("kms:GenerateDataKey", "kms:Decrypt"),
    "AWS::Kinesis::Stream": ("kms:GenerateDataKey",),
}
# What a consumer needs of the key that encrypts the queue or stream it reads.
_READ_ACTIONS = ("kms:Decrypt",)
# What CloudWatch Logs needs of a log group's key (its documented statement also grants ReEncrypt* and Describe*).
_LOG_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey")
_LOG_STATEMENT = "kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe*"
# The action a role is granted when its function sends to a queue, topic or stream.
_SENDS = {
    "AWS::SQS::Queue": ("sqs:SendMessage",),
    "AWS::SNS::Topic": ("sns:Publish",),
    "AWS::Kinesis::Stream": ("kinesis:PutRecord", "kinesis:PutRecords"),
}
_READS = {"sqs": "AWS::SQS::Queue", "kinesis": "AWS::Kinesis::Stream"}
DROPPED = "every message is dropped without an error"
UNREAD = "Lambda cannot read what it holds (KMS AccessDeniedException) and nothing is processed"
SEND_FAILS = "every send fails (KMS AccessDeniedException)"
NO_START = "it cannot start (KMSAccessDeniedException: Lambda was unable to decrypt the environment variables)"


@dataclass(frozen=True, eq=False)  # identity: it holds resources
class _Use:
    """A use of a key through a role: a function's, through its execution role, or a service's that
    sends with the role the template gives it."""

    user: Resource  # the function, or the resource that says where the service sends
    encryption: Encryption
    actions: tuple[str, ...]
    why: str  # "Consumer reads Orders through its sqs event source"
    fails: str
    related: Related
    when: When
    role_is: str = "its execution role"


class DeliveryKeyPolicy(Rule):
    """Whoever moves messages through a KMS-encrypted queue, topic, stream or log group, or starts a
    function with encrypted environment variables, must be let use its key. Services of
    ``schemas/callers.json`` that deliver as their own principal (SNS, S3, EventBridge, CloudWatch
    alarms…) need the key policy to allow them ``kms:GenerateDataKey`` and ``kms:Decrypt``; the AWS
    managed keys (``alias/aws/sqs``, ``alias/aws/sns``) never do, and their policies cannot change,
    so every message is dropped without an error. Services that send with a role of the template (IoT
    rules, schedules, EventBridge targets with ``RoleArn``, Logs subscriptions) need that role to use
    a customer managed key (an AWS managed key lets the account's roles in through its service).
    CloudWatch Logs needs the key of a log group (``logs.<region>.amazonaws.com``), or the log group
    fails to create. A function's execution role needs ``kms:Decrypt`` on its ``KmsKeyArn`` when it
    has environment variables (SAM adds no grant for it; without one the function cannot start) and
    on the key of the SQS queue or Kinesis stream it reads (SAM's event sources and
    ``AWSLambdaSQSQueueExecutionRole`` grant no KMS action), and ``kms:GenerateDataKey`` (and
    ``kms:Decrypt`` for a queue or topic) on the key of its dead-letter queue and of what its role
    lets it send to. A key policy that allows the account root leaves the role's use to its own
    policies; otherwise the key policy must name the role. Keys from outside the template, principals
    and conditions samcheck cannot judge are left alone; a key or target chosen by an ``Fn::If`` or a
    parameter's allowed values is judged for each, and the finding says when. It sits on the key
    policy statement to edit for a service (else its statement list), and on the role statement to
    edit when the key leaves the use to IAM (else the role's ``Policies``).

    **Anti-pattern**

    ```yaml
    OrderQueue:
      Type: AWS::SQS::Queue
      Properties:
        KmsMasterKeyId: alias/aws/sqs   # subscribed to an SNS topic
    ```

    **Best practice**

    ```yaml
    OrderQueue:
      Type: AWS::SQS::Queue
      Properties:
        KmsMasterKeyId: !Ref QueueKey   # its KeyPolicy allows sns.amazonaws.com
    ```
    """

    id = "SC8009"
    name = "delivery-key-policy"
    severity = Severity.ERROR
    summary = (
        "A sender, consumer, log service or function that the key of a queue, topic, stream, log group or "
        "environment does not let in"
    )
    url = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html"
    tags = ("sqs", "sns", "kinesis", "logs", "lambda", "cloudwatch", "kms", "permissions")
    resource_types = frozenset(
        {
            "AWS::SQS::Queue",
            "AWS::SNS::Topic",
            "AWS::Kinesis::Stream",
            "AWS::KMS::Key",
            "AWS::Logs::LogGroup",
            "AWS::Lambda::Function",
            "AWS::IAM::Role",
        }
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        yield from _service_deliveries(context)
        yield from _log_groups(context)
        for function in context.of_type("AWS::Lambda::Function"):
            roles = [Candidate(role, when) for role, when in execution_roles(context.template, function)]
            found: dict[tuple[str, When, tuple[str, ...]], _Use] = {}
            for use in _uses(context, function, [role for role, _ in roles]):
                # a dead-letter queue its role is also granted to send to: once
                found.setdefault((use.encryption.resource.logical_id, use.encryption.when, use.actions), use)
            uses = [Candidate(use, use.when) for use in found.values()]
            for (role, use), when in together(roles, uses):
                yield from _role(context, role, use, when)
        yield from _role_deliveries(context)


# -- services that deliver as their own principal ---------------------------------------------


def _service_deliveries(context: RuleContext) -> Iterator[Finding]:
    template = context.template
    seen = set()
    for delivery, target in principal_deliveries(template, _SEND_ACTIONS):
        # one finding per sender and target: an alarm naming its topic in AlarmActions and OKActions
        sender_key = (delivery.what, delivery.service, target.logical_id, delivery.when)
        if sender_key in seen:
            continue
        seen.add(sender_key)
        actions = _SEND_ACTIONS[target.type]
        keys = [Candidate(encryption, encryption.when) for encryption in encryptions(template, target)]
        for (encryption, _), when in together(keys, [Candidate(delivery, delivery.when)]):
            if encryption.managed is not None:
                yield context.report(
                    context.locate(target, encryption.path),
                    f"{target.source_id} is encrypted with the AWS managed key {encryption.managed}"
                    f"{qualifier(encryption.when)}, which {delivery.service} cannot use and whose policy cannot "
                    f"change, but {delivery.what} sends to it, so {DROPPED}; use a customer managed key whose "
                    f"policy allows {delivery.service} {' and '.join(actions)}",
                    resource=target.source_id,
                    related=[_sender(context, delivery), *context.when_related(when)],
                )
            elif encryption.key is not None:
                sender = _sender(context, delivery)
                what = f"{delivery.what} sends to it, so {DROPPED}"
                source = delivery.source_spellings or None
                yield from _service_key(
                    context, encryption, delivery.service, actions, actions, what, source, sender, when
                )


def _log_groups(context: RuleContext) -> Iterator[Finding]:
    """CloudWatch Logs encrypts a log group's events with its key as the service principal."""
    template = context.template
    service = f"logs.{template.resolver.region}.amazonaws.com"
    for group in context.of_type("AWS::Logs::LogGroup"):
        for encryption in encryptions(template, group):
            if encryption.key is None:
                continue
            named = Related("the log group names the key here", context.locate(group, encryption.path).span)
            what = f"{group.source_id} is created with it, so the deploy fails"
            yield from _service_key(
                context, encryption, service, _LOG_ACTIONS, (_LOG_STATEMENT,), what, None, named, encryption.when
            )


def _service_key(
    context: RuleContext,
    encryption: Encryption,
    service: str,
    actions: tuple[str, ...],
    fix: tuple[str, ...],
    what: str,
    source: tuple[str, ...] | None,
    related: Related,
    when: When,
) -> Iterator[Finding]:
    """``when``: the deployments where the resource is encrypted with the key and the service uses it."""
    template = context.template
    assert encryption.key is not None
    key = encryption.key
    policy = key_policy(template, key)
    for way in deployments(policy):  # a key policy with a known set is judged in each deployment
        deployed = merge(when, way)
        if deployed is None:
            continue
        requests = [Request(action, spellings(template, key), service, source) for action in actions]
        missing = list(refused(template, policy, requests, way) or ())
        if not missing:
            continue
        wanted = Wanted(fix, '"*"', service)
        refusing = [request for request in requests if request.action in missing]
        place = resource_policy_edit(template, policy, refusing, wanted, way) or Placement(
            key, ("KeyPolicy",), f"add a statement allowing {wanted.statement}"
        )
        yield context.report(
            context.locate(place.holder, place.path),
            f"{encryption.resource.source_id} is encrypted with {key.source_id}{qualifier(encryption.when)}, whose "
            f"key policy does not let {service} call {' and '.join(missing)}{qualifier(way)}, but {what}; "
            f"{place.edit}",
            resource=key.source_id,
            related=[related, *context.when_related(deployed)],
        )


def _sender(context: RuleContext, delivery: Delivery) -> Related:
    return Related(f"{delivery.what} sends here", context.locate(delivery.holder, delivery.path).span)


# -- services that deliver with a role ---------------------------------------------------------


def _role_deliveries(context: RuleContext) -> Iterator[Finding]:
    """A service that sends with a role of the template (an IoT rule, a schedule, an EventBridge
    target with RoleArn) needs that role to use the key of a customer managed key; an AWS managed
    key lets every principal of the account in through its service."""
    template = context.template
    for delivery in deliveries(template):
        target = delivery.target.resource
        named = target_of(template, delivery.role) if delivery.role is not None else None
        role = named.resource if named is not None else None
        if target is None or target.type not in _SEND_ACTIONS or role is None or role.type != "AWS::IAM::Role":
            continue  # a role outside the template: what it may do is unknown
        sender = _sender(context, delivery)
        for encryption in encryptions(template, target):
            when = merge(delivery.when, encryption.when)
            if encryption.key is None or when is None:
                continue
            why = f"{delivery.what} sends to {target.source_id}"
            actions = _SEND_ACTIONS[target.type]
            use = _Use(
                delivery.holder, encryption, actions, why, delivery.without, sender, when, "the role it sends with"
            )
            yield from _role(context, role, use, when)


# -- functions' execution roles ----------------------------------------------------------------


def _uses(context: RuleContext, function: Resource, roles: list[Resource]) -> Iterator[_Use]:
    """The keys a function uses through its role: those of the queues and streams it reads, of its
    dead-letter queue, and of the queues, topics and streams its roles are granted to send to."""
    template = context.template
    for wiring in event_sources(template):
        source = wiring.source.resource if wiring.source is not None else None
        if wiring.function is not function or source is None or source.type != _READS.get(wiring.kind):
            continue
        where = Related(f"its {wiring.kind} event source", context.locate(wiring.mapping).span)
        for encryption in encryptions(template, source):
            when = merge(wiring.when, encryption.when)
            if encryption.key is not None and when is not None:
                why = f"{function.source_id} reads {source.source_id} through its {wiring.kind} event source"
                yield _Use(function, encryption, _READ_ACTIONS, why, UNREAD, where, when)
    path = ("DeadLetterConfig", "TargetArn")
    for reach in reaches(template, function, path):
        target = reach.target.resource
        if target is None or target.type not in _SEND_ACTIONS:
            continue  # not a queue or topic: SC0022 and the schema say so
        where = Related("its dead-letter queue", context.locate(function, path).span)
        for encryption in encryptions(template, target):
            when = merge(reach.when, encryption.when)
            if encryption.key is not None and when is not None:
                why = f"{function.source_id} sends failed events to {target.source_id} (its dead-letter queue)"
                yield _Use(function, encryption, _SEND_ACTIONS[target.type], why, SEND_FAILS, where, when)
    if template.property(function, ("Environment", "Variables")).present:
        where = Related("its environment variables", context.locate(function, ("Environment", "Variables")).span)
        for encryption in encryptions(template, function):
            if encryption.key is not None:
                why = f"{function.source_id} decrypts its environment at every start"
                yield _Use(function, encryption, _READ_ACTIONS, why, NO_START, where, encryption.when)
    yield from _sent_to(context, function, roles)


def _sent_to(context: RuleContext, function: Resource, roles: list[Resource]) -> Iterator[_Use]:
    """A role granted to send to an encrypted queue, topic or stream of the template by name (not
    ``*``) sends to it, so it needs the key too."""
    template = context.template
    for target_type, actions in _SENDS.items():
        for target, keyed in customer_keyed(template, target_type):
            for role in roles:
                policies = role_policies(template, role)
                requests = (Request(action, spellings(template, target)) for action in actions)
                named = [
                    statement
                    for request in requests
                    for statement in granting(template, policies, request)
                    if _names(statement, target, request.action)
                ]
                if not named:
                    continue
                where = Related(
                    f"{role.source_id} lets it send to {target.source_id}",
                    context.locate(named[0].holder, named[0].path).span,
                )
                for encryption in keyed:
                    why = f"{function.source_id} sends to {target.source_id} (its role allows {'/'.join(actions)})"
                    uses = _SEND_ACTIONS[target_type]
                    yield _Use(function, encryption, uses, why, SEND_FAILS, where, encryption.when)


def _names(statement: Statement, target: Resource, action: str) -> bool:
    """Whether a statement grants the send by name: the target in its Resource, and an action
    narrower than ``sqs:*`` (a broad grant says nothing of what the function does)."""
    broad = ("*", f"{action.split(':', 1)[0].lower()}:*")
    named = any(pattern is not None and mentions(pattern, target.logical_id) for pattern in statement.resources or ())
    return named and any(
        fnmatch.fnmatchcase(action.lower(), pattern) and pattern not in broad for pattern in statement.actions or ()
    )


def _role(context: RuleContext, role: Resource, use: _Use, when: When) -> Iterator[Finding]:
    """``when``: the deployments where the user acts as the role and uses the key."""
    template = context.template
    key = use.encryption.key
    assert key is not None
    for verdict in role_use(template, key, role, use.actions):
        deployed = merge(when, verdict.when)
        if deployed is None:
            continue
        missing = list(verdict.missing)
        denied = [action for action in missing if verdict.missing[action] is Access.DENIED]
        actions = " and ".join(missing)
        subject = f"{use.why}, which is encrypted with {key.source_id}{qualifier(use.encryption.when)}"
        sam = role.source_id == use.user.source_id  # a role SAM makes for the function
        runs_as = "the role SAM makes for it" if sam else f"{role.source_id} ({use.role_is})"
        policies = f"{use.user.source_id}'s Policies" if sam else "the role's policies"
        if verdict.fix_in_role:
            how = f"denies {' and '.join(denied)}" if denied else f"does not allow {actions}"
            wanted = Wanted(tuple(missing), f"!GetAtt {key.logical_id}.Arn")
            requests = [Request(action, spellings(template, key)) for action in missing]
            place = statement_to_edit(template, role_policies(template, role), requests, wanted, verdict.when)
            if place is None:  # no statement a user wrote is about it: the role's policies (a SAM function's)
                place = Placement(role, ("Policies",), f"allow {actions} on {wanted.resource} in {policies}")
            where, resource, fix = context.locate(place.holder, place.path), use.user.source_id, place.edit
            message = (
                f"{subject}, but {runs_as} {how} on {key.source_id}{qualifier(verdict.when)} (its key policy leaves "
                f"that to IAM policies), so {use.fails}; {fix}"
            )
        else:
            where, resource = context.locate(key, ("KeyPolicy",)), key.source_id
            how = (
                f"denies {runs_as} {' and '.join(denied)}"
                if denied
                else f"lets neither {runs_as} nor the account call {actions}"
            )
            fix = (
                "narrow the Deny that removes it"
                if denied
                else f"add a statement allowing Principal {{AWS: !GetAtt {role.logical_id}.Arn}} {actions}"
            )
            message = f"{subject}, but its key policy {how}{qualifier(verdict.when)}, so {use.fails}; {fix}"
        encrypted = use.encryption.resource
        named = context.locate(encrypted, use.encryption.path)
        names = Related(f"{encrypted.source_id} names its key here", named.span)
        related = [use.related, names, *named.related, *context.when_related(deployed)]  # Globals too
        yield context.report(where, message, resource=resource, related=related)
