from collections.abc import Iterator

from samcheck.analysis.arns import spellings, symbolic
from samcheck.analysis.delivery import Delivery, principal_deliveries
from samcheck.analysis.iam import Request, deployments, policy_document, refused
from samcheck.analysis.values import Candidate, When, merge, qualifier, together
from samcheck.analysis.wiring import target_of
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity

# What a service needs of the key that encrypts the queue or topic it sends to.
_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")
# AWS managed keys: their key policies let only principals of the account use them, and cannot change.
_MANAGED_KEYS = {"AWS::SQS::Queue": "alias/aws/sqs", "AWS::SNS::Topic": "alias/aws/sns"}
DROPPED = "every message is dropped without an error"


class DeliveryKeyPolicy(Rule):
    """A queue or topic encrypted with KMS takes messages from SNS, S3 or EventBridge only if the key lets
    that service principal call ``kms:GenerateDataKey`` and ``kms:Decrypt``. The AWS managed keys
    (``alias/aws/sqs``, ``alias/aws/sns``) never do, and their policies cannot be changed; a
    customer managed key of the template must say so in its ``KeyPolicy``. Otherwise every message
    is dropped without an error. Keys from outside the template, and conditions samcheck cannot
    judge, are left alone. A target or key chosen by an ``Fn::If`` is judged per branch; the finding
    says when.

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
    summary = "SNS, S3 or EventBridge sends to a KMS-encrypted queue or topic whose key does not let it"
    url = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html"
    tags = ("sqs", "sns", "kms", "permissions")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for delivery, target in principal_deliveries(template, _MANAGED_KEYS):
            branches = context.branches(target, "KmsMasterKeyId")
            keys = [Candidate((node, when), when) for node, when in zip(branches.nodes, branches.whens, strict=True)]
            for ((written, key_when), _), when in together(keys, [Candidate(delivery, delivery.when)]):
                text = symbolic(template, written)
                managed = _MANAGED_KEYS[target.type]
                if text is not None and (text == managed or text.endswith(f":{managed}")):
                    yield context.report(
                        context.locate(target, ("KmsMasterKeyId",)),
                        f"{target.source_id} is encrypted with the AWS managed key {managed}{qualifier(key_when)}, "
                        f"which {delivery.service} cannot use and whose policy cannot change, but {delivery.what} "
                        f"sends to it, so {DROPPED}; use a customer managed key whose policy allows "
                        f"{delivery.service} {' and '.join(_KEY_ACTIONS)}",
                        resource=target.source_id,
                        related=[_sender(context, delivery), *context.when_related(when)],
                    )
                    continue
                key = _key(context, written)
                if key is not None:
                    yield from self._key_policy(context, delivery, target, key, (key_when, when))

    def _key_policy(
        self, context: RuleContext, delivery: Delivery, target: Resource, key: Resource, whens: tuple[When, When]
    ) -> Iterator[Finding]:
        """``whens``: when the target is encrypted with the key, and when also the delivery is made."""
        template = context.template
        key_when, when = whens
        policy = policy_document(template, key, ("KeyPolicy",))
        source = delivery.source_spellings or None
        for way in deployments(policy):  # a key policy with a known set is judged in each deployment
            deployed = merge(when, way)
            if deployed is None:
                continue
            requests = (Request(action, spellings(template, key), delivery.service, source) for action in _KEY_ACTIONS)
            missing = list(refused(template, policy, requests, way) or ())
            if not missing:
                continue
            yield context.report(
                context.locate(key, ("KeyPolicy",)),
                f"{target.source_id} is encrypted with {key.source_id}{qualifier(key_when)}, whose key policy does not "
                f"let {delivery.service} call {' and '.join(missing)}{qualifier(way)}, but {delivery.what} sends to "
                f"it, so {DROPPED}; add a statement allowing Principal {{Service: {delivery.service}}} "
                f"{' and '.join(_KEY_ACTIONS)}",
                resource=key.source_id,
                related=[_sender(context, delivery), *context.when_related(deployed)],
            )


def _key(context: RuleContext, written: object) -> Resource | None:
    """The AWS::KMS::Key of the template a KmsMasterKeyId names (through an alias too)."""
    named = target_of(context.template, written)
    resource = named.resource if named is not None else None
    if resource is not None and resource.type == "AWS::KMS::Alias":
        named = target_of(context.template, resource.properties.get("TargetKeyId"))  # as written: one key, else unknown
        resource = named.resource if named is not None else None
    return resource if resource is not None and resource.type == "AWS::KMS::Key" else None


def _sender(context: RuleContext, delivery: Delivery) -> Related:
    return Related(f"{delivery.what} sends here", context.locate(delivery.holder, delivery.path).span)
