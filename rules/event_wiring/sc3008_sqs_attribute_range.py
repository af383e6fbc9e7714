from collections.abc import Iterator

from samcheck.analysis.values import outside
from samcheck.analysis.wiring import redrive_policy
from samcheck.rule import Finding, Rule, RuleContext, Severity

_RANGES = {
    "VisibilityTimeout": ("sqs-visibility-timeout-min", "sqs-visibility-timeout-max", "s"),
    "MessageRetentionPeriod": ("sqs-retention-min", "sqs-retention-max", "s"),
    "DelaySeconds": ("sqs-delay-min", "sqs-delay-max", "s"),
    "MaximumMessageSize": ("sqs-message-size-min", "sqs-message-size-max", "bytes"),
    "ReceiveMessageWaitTimeSeconds": ("sqs-receive-wait-min", "sqs-receive-wait-max", "s"),
    "KmsDataKeyReusePeriodSeconds": ("sqs-kms-data-key-reuse-min", "sqs-kms-data-key-reuse-max", "s"),
}


class SqsAttributeRange(Rule):
    """SQS queue attributes outside what SQS accepts: ``VisibilityTimeout`` 0–43,200 s,
        ``MessageRetentionPeriod`` 60–1,209,600 s, ``DelaySeconds`` 0–900 s, ``MaximumMessageSize``
        1,024–1,048,576 bytes, ``ReceiveMessageWaitTimeSeconds`` 0–20 s, ``KmsDataKeyReusePeriodSeconds``
    60–86,400 s, and the redrive policy's
        ``maxReceiveCount`` 1–1,000 (``RedrivePolicy`` may be a mapping or a JSON string).

        **Anti-pattern**

        ```yaml
        Queue:
          Type: AWS::SQS::Queue
          Properties:
            MessageRetentionPeriod: 2592000   # 30 days
        ```

        **Best practice**

        ```yaml
        Queue:
          Type: AWS::SQS::Queue
          Properties:
            MessageRetentionPeriod: 1209600   # 14 days, the maximum
        ```
    """

    id = "SC3008"
    name = "sqs-attribute-range"
    severity = Severity.ERROR
    summary = "An SQS queue attribute or maxReceiveCount out of range"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html"
    tags = ("sqs", "limit")
    resource_types = frozenset({"AWS::SQS::Queue"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for queue in context.of_type("AWS::SQS::Queue"):
            for name, (low_name, high_name, unit) in _RANGES.items():
                low, high = context.limit(low_name), context.limit(high_name)
                setting = context.property(queue, name)
                offending = outside(setting.value, low, high)
                if offending:
                    yield context.report(
                        setting.location,
                        f"{name} {setting.value.describe(offending)} is outside {low:g}–{high:,.0f} {unit}; "
                        "set a value in that range",
                        resource=queue.source_id,
                        related=context.parameter_related(setting.value),
                    )
            policy = redrive_policy(template, queue)
            count = context.resolve(policy.get("maxReceiveCount")) if policy else None
            low, high = context.limit("sqs-max-receive-count-min"), context.limit("sqs-max-receive-count-max")
            offending = outside(count, low, high) if count else []
            if count and offending:
                yield context.report(
                    context.locate(queue, ("RedrivePolicy",)),
                    f"RedrivePolicy maxReceiveCount {count.describe(offending)} is outside {low:g}–{high:,.0f}; "
                    "set a value in that range",
                    resource=queue.source_id,
                    related=context.parameter_related(count),
                )
