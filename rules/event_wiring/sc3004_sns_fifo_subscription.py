from collections.abc import Iterator

from samcheck.analysis.values import Candidate, qualifier, texts, together
from samcheck.analysis.wiring import Reach, Target, fifo_cases, reaches
from samcheck.rule import Finding, Location, Related, Resource, Rule, RuleContext, Severity
from samcheck.rules.event_wiring._queues import defined_here, entries, entry_reaches


class SnsFifoSubscription(Rule):
    """A FIFO topic delivers only to SQS queues (FIFO or standard); a Lambda, HTTP(S), email, SMS or
    Firehose subscription on it is rejected. The other way round, a FIFO queue cannot subscribe to a
    standard topic, and an S3 event notification can target neither a FIFO topic nor a FIFO queue.
    Covers ``AWS::SNS::Subscription``, a topic's own ``Subscription`` list, SAM ``SNS`` events (which
    subscribe the function, or a queue: the one ``SqsSubscription: true`` makes is FIFO exactly when
    the topic is, the one ``SqsSubscription`` names by ``QueueArn`` is judged) and S3 notifications.
    A topic, queue, protocol or FIFO flag chosen by a parameter's allowed values or a condition is
    judged for each; a queue or topic named by a literal ARN is FIFO when its name ends in .fifo.

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
    summary = (
        "A FIFO topic with a subscription that is not SQS, a FIFO queue on a standard topic, or an S3 "
        "notification to a FIFO topic or queue"
    )
    url = "https://docs.aws.amazon.com/sns/latest/dg/fifo-message-delivery.html"
    tags = ("sns", "wiring")
    resource_types = frozenset({"AWS::SNS::Subscription", "AWS::SNS::Topic", "AWS::S3::Bucket"})

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
                yield from self._fifo_queue_on_standard_topic(
                    context,
                    context.locate(subscription, ("Endpoint",)),
                    subscription,
                    protocols,
                    reach,
                    reaches(template, subscription, "Endpoint"),
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
                yield from self._fifo_queue_on_standard_topic(
                    context,
                    context.locate(owner, entry.path),
                    owner,
                    texts(protocol),
                    Reach(Target.of(owner), entry.path, entry.when),
                    entry_reaches(template, entry, ("Endpoint",)),
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
            for entry in entries(template, bucket, ("NotificationConfiguration", "QueueConfigurations")):
                for reach in entry_reaches(template, entry, ("Queue",)):
                    if reach.target.type != "AWS::SQS::Queue":
                        continue
                    wired = [Candidate(reach.target, reach.when)]
                    for (fifo, _), when in together(fifo_cases(template, reach.target), wired):
                        if fifo:
                            yield context.report(
                                context.locate(bucket, entry.path),
                                f"S3 event notifications cannot be sent to FIFO queue {reach.target.name}"
                                f"{qualifier(when)}; use a standard queue, or send the events through "
                                "EventBridge (EventBridgeConfiguration) to the FIFO queue",
                                resource=bucket.source_id,
                                related=[*defined_here(context, reach.target), *context.when_related(when)],
                            )

    def _fifo_queue_on_standard_topic(
        self,
        context: RuleContext,
        where: Location,
        holder: Resource,
        protocols: list[Candidate],
        topic: Reach,
        endpoints: list[Reach],
    ) -> Iterator[Finding]:
        """SNS refuses to subscribe a FIFO queue to a standard topic, in each deployment pairing them."""
        template = context.template
        if topic.target.type != "AWS::SNS::Topic":
            return
        topic_fifo = fifo_cases(template, topic.target)
        wired_topic = [Candidate(topic.target, topic.when)]
        for endpoint in endpoints:
            if endpoint.target.type != "AWS::SQS::Queue":
                continue
            queue_fifo = fifo_cases(template, endpoint.target)
            wired_queue = [Candidate(endpoint.target, endpoint.when)]
            for (protocol, fifo_topic, fifo_queue, _, _), when in together(
                protocols, topic_fifo, queue_fifo, wired_topic, wired_queue
            ):
                if protocol.lower() == "sqs" and fifo_queue and not fifo_topic:
                    yield context.report(
                        where,
                        f"FIFO queue {endpoint.target.name} subscribed to standard topic {topic.target.name}"
                        f"{qualifier(when)}: SNS delivers to FIFO queues only from FIFO topics; make the topic "
                        "FIFO (FifoTopic: true) or subscribe a standard queue",
                        resource=holder.source_id,
                        related=[*defined_here(context, endpoint.target), *context.when_related(when)],
                    )
