from collections.abc import Iterator

from samcheck.analysis.values import Candidate, qualifier, texts, together
from samcheck.analysis.wiring import Target, fifo_cases, reaches
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import entries, entry_reaches


class SnsFifoSubscription(Rule):
    """A FIFO topic delivers only to SQS queues (FIFO or standard); a Lambda, HTTP(S), email, SMS or
    Firehose subscription on it is rejected. An S3 event notification cannot target a FIFO topic
    either. Covers ``AWS::SNS::Subscription``, a topic's own ``Subscription`` list, and SAM ``SNS``
    events (which subscribe the function, or with ``SqsSubscription: true`` a queue). A topic,
    protocol or FIFO flag chosen by a parameter's allowed values or a condition is judged for each.

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
            protocols = texts(context.property(subscription, "Protocol"))
            for reach in reaches(template, subscription, "TopicArn"):
                topic = reach.target
                if topic.type != "AWS::SNS::Topic":
                    continue
                wired = [Candidate(topic, reach.when)]  # the branch that names this topic
                for (protocol, fifo, _), when in together(protocols, fifo_cases(template, topic), wired):
                    if fifo and protocol.lower() != "sqs":
                        related = (
                            [Related(f"FIFO topic {topic.name} defined here", context.locate(topic.resource).span)]
                            if topic.resource
                            else []
                        )
                        yield context.report(
                            context.locate(subscription, ("Protocol",)),
                            f"{protocol} subscription on FIFO topic {topic.name}{qualifier(when)}: FIFO topics "
                            "deliver only to SQS queues; subscribe a queue (SAM: SqsSubscription: true) and read it "
                            "from there",
                            resource=subscription.source_id,
                            related=[*related, *context.when_related(when)],
                        )
        for owner in context.of_type("AWS::SNS::Topic"):
            fifo_topic = fifo_cases(template, Target.of(owner))
            for entry in entries(template, owner, ("Subscription",)):
                protocol = context.property(owner, (*entry.at, "Protocol"))
                written = [Candidate(entry, entry.when)]  # the branch that writes this subscription
                for (name, fifo, _), when in together(texts(protocol), fifo_topic, written):
                    if fifo and name.lower() != "sqs":
                        yield context.report(
                            context.locate(owner, entry.path),
                            f"{name} subscription on FIFO topic {owner.source_id}{qualifier(when)}: FIFO topics "
                            "deliver only to SQS queues; subscribe a queue instead",
                            resource=owner.source_id,
                            related=context.when_related(when),
                        )
        for bucket in context.of_type("AWS::S3::Bucket"):
            for entry in entries(template, bucket, ("NotificationConfiguration", "TopicConfigurations")):
                for reach in entry_reaches(template, entry, ("Topic",)):
                    if reach.target.type != "AWS::SNS::Topic":
                        continue
                    wired = [Candidate(reach.target, reach.when)]
                    for (fifo, _), when in together(fifo_cases(template, reach.target), wired):
                        if fifo:
                            yield context.report(
                                context.locate(bucket, entry.path),
                                f"S3 event notifications cannot be sent to FIFO topic {reach.target.name}"
                                f"{qualifier(when)}; use a standard topic",
                                resource=bucket.source_id,
                                related=context.when_related(when),
                            )
