from collections.abc import Iterator

from samcheck.analysis.arns import spellings
from samcheck.analysis.delivery import principal_deliveries
from samcheck.analysis.iam import Access, Request, decide, deployments, resource_policies
from samcheck.analysis.placement import Wanted, resource_policy_edit
from samcheck.analysis.values import merge, qualifier
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity
from samcheck.rules.permissions._hints import arn_of

_POLICY_TYPES = {"AWS::SQS::Queue": "AWS::SQS::QueuePolicy", "AWS::SNS::Topic": "AWS::SNS::TopicPolicy"}


class DeliveryPolicyMissing(Rule):
    """A service that sends to a queue or topic needs the queue's or topic's policy to let it: the
    callers of ``schemas/callers.json`` that send as their principal (SNS subscriptions of a queue, S3
    notifications to a queue or topic, and EventBridge rule targets that are queues or topics) call
    ``sqs:SendMessage`` or ``sns:Publish`` as their service principal
    (``sns.amazonaws.com``, ``s3.amazonaws.com``, ``events.amazonaws.com``), and only an
    ``AWS::SQS::QueuePolicy`` or ``AWS::SNS::TopicPolicy`` lets them. Without one, S3 fails the
    deploy ("Unable to validate the following destination configurations") and SNS and EventBridge
    drop every message without an error. A policy whose ``aws:SourceArn`` condition names another
    topic, bucket or rule lets that one only. A target chosen by an ``Fn::If`` (or a parameter's
    allowed values) is judged per branch; the finding says when. It sits where the fix goes: on the
    Deny that refuses the delivery, on the statement meant for that service, on the statement list of
    the target's policy when it has one, and on the sender when the target has no policy.

    **Anti-pattern**

    ```yaml
    Subscription:
      Type: AWS::SNS::Subscription
      Properties:
        Protocol: sqs
        TopicArn: !Ref Orders
        Endpoint: !GetAtt OrderQueue.Arn
    ```

    **Best practice**

    ```yaml
    OrderQueuePolicy:
      Type: AWS::SQS::QueuePolicy
      Properties:
        Queues: [!Ref OrderQueue]
        PolicyDocument:
          Statement:
            - Effect: Allow
              Principal: {Service: sns.amazonaws.com}
              Action: sqs:SendMessage
              Resource: !GetAtt OrderQueue.Arn
              Condition: {ArnEquals: {aws:SourceArn: !Ref Orders}}
    ```
    """

    id = "SC8002"
    name = "delivery-policy-missing"
    severity = Severity.ERROR
    summary = "SNS, S3 or EventBridge sends to a queue or topic whose policy does not let it"
    url = "https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html"
    tags = ("sqs", "sns", "permissions", "wiring")
    resource_types = frozenset({"AWS::SQS::Queue", "AWS::SNS::Topic"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        # Deliveries made with a role are SC8005's: the role's grants decide them.
        for delivery, target in principal_deliveries(template, _POLICY_TYPES):
            if delivery.default_policy_allows:
                continue  # a policy the template attaches could still refuse it: not judged yet
            request = Request(
                delivery.action, spellings(template, target), delivery.service, delivery.source_spellings or None
            )
            policies = resource_policies(template, target)
            for way in deployments(policies):  # a policy with a known set is judged in each deployment
                when = merge(delivery.when, way)
                access = decide(template, policies, request, way) if when is not None else Access.UNKNOWN
                if when is None or access not in (Access.NOT_GRANTED, Access.DENIED):
                    continue
                if access is Access.DENIED:
                    problem = f"{target.source_id}'s policy denies {delivery.action} to {delivery.service}"
                else:
                    problem = f"{target.source_id}'s policy does not let {delivery.service} call {delivery.action}"
                message = (
                    f"{delivery.what} sends to {target.source_id}, but {problem}{qualifier(way)}, so {delivery.without}"
                )
                defined = Related(f"{target.source_id} defined here", context.locate(target).span)
                wanted = Wanted((delivery.action,), arn_of(delivery.target), delivery.service, delivery.source_arn)
                place = resource_policy_edit(template, policies, [request], wanted, way)
                if place is None:  # no policy yet: the sender is where the fix goes
                    holder, path, related = delivery.holder, delivery.path, [defined]
                    edit = f"add an {_POLICY_TYPES[target.type]} allowing {wanted.statement}"
                else:
                    holder, path, edit = place.holder, place.path, place.edit
                    sends = f"{delivery.what} sends to {target.source_id} here"
                    related = [Related(sends, context.locate(delivery.holder, delivery.path).span), defined]
                yield context.report(
                    context.locate(holder, path),
                    f"{message}; {edit}",
                    resource=holder.source_id,
                    related=[*related, *context.when_related(when)],
                )
