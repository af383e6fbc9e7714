from collections.abc import Iterator

from samcheck.analysis.wiring import Target, is_fifo, target_of
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity


class SnsFifoSubscription(Rule):
    """A FIFO topic delivers only to SQS queues (FIFO or standard); a Lambda, HTTP(S), email, SMS or
    Firehose subscription on it is rejected. An S3 event notification cannot target a FIFO topic
    either. Covers ``AWS::SNS::Subscription``, a topic's own ``Subscription`` list, and SAM ``SNS``
    events (which subscribe the function, or with ``SqsSubscription: true`` a queue).

    **Anti-pattern**

    ```yaml
    Orders:
      Type: AWS::SNS::Topic
      Properties:
        FifoTopic: true
        TopicName: orders.fifo
    Handler:
      Type: AWS::Serverless::Function
      Properties:
        Events:
          Orders:
            Type: SNS
            Properties:
              Topic: !Ref Orders
    ```

    **Best practice**

    ```yaml
    Handler:
      Type: AWS::Serverless::Function
      Properties:
        Events:
          Orders:
            Type: SNS
            Properties:
              Topic: !Ref Orders
              SqsSubscription: true   # FIFO topic -> queue -> function
    ```
    """

    id = "SC3004"
    name = "sns-fifo-subscription"
    severity = Severity.ERROR
    summary = "A FIFO topic with a subscription that is not SQS, or an S3 notification to a FIFO topic"
    url = "https://docs.aws.amazon.com/sns/latest/dg/fifo-message-delivery.html"
    tags = ("sns", "wiring")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for subscription in context.of_type("AWS::SNS::Subscription"):
            topic = target_of(template, subscription.properties.get("TopicArn"))
            protocol = context.property(subscription, "Protocol").value.single
            if topic is None or not isinstance(protocol, str) or protocol.lower() == "sqs":
                continue
            if topic.type == "AWS::SNS::Topic" and is_fifo(template, topic):
                related = (
                    [Related(f"FIFO topic {topic.name} defined here", context.locate(topic.resource).span)]
                    if topic.resource
                    else []
                )
                yield context.report(
                    context.locate(subscription, ("Protocol",)),
                    f"{protocol} subscription on FIFO topic {topic.name}: FIFO topics deliver only to SQS queues; "
                    "subscribe a queue (SAM: SqsSubscription: true) and read it from there",
                    resource=subscription.source_id,
                    related=related,
                )
        for topic_resource in context.of_type("AWS::SNS::Topic"):
            subscriptions = topic_resource.properties.get("Subscription")
            if not isinstance(subscriptions, list) or not is_fifo(template, Target.of(topic_resource)):
                continue
            for index, entry in enumerate(subscriptions):
                protocol = context.resolve(entry.get("Protocol") if isinstance(entry, dict) else None).single
                if isinstance(protocol, str) and protocol.lower() != "sqs":
                    yield context.report(
                        context.locate(topic_resource, ("Subscription", index)),
                        f"{protocol} subscription on FIFO topic {topic_resource.source_id}: FIFO topics deliver "
                        "only to SQS queues; subscribe a queue instead",
                        resource=topic_resource.source_id,
                    )
        for bucket in context.of_type("AWS::S3::Bucket"):
            configurations = (bucket.properties.get("NotificationConfiguration") or {}).get("TopicConfigurations")
            for index, configuration in enumerate(configurations if isinstance(configurations, list) else []):
                topic = target_of(template, configuration.get("Topic") if isinstance(configuration, dict) else None)
                if topic is not None and topic.type == "AWS::SNS::Topic" and is_fifo(template, topic):
                    yield context.report(
                        context.locate(bucket, ("NotificationConfiguration", "TopicConfigurations", index)),
                        f"S3 event notifications cannot be sent to FIFO topic {topic.name}; use a standard topic",
                        resource=bucket.source_id,
                    )
