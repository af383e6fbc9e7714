"""What the links between resources are: queues, topics, streams, event sources, targets.

Rules about pairs of resources ask these questions instead of reading ARNs themselves: what a
property points at (a resource of the template, or an ARN outside it), whether a queue or topic
is FIFO, and what kind of source an event source mapping reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from samcheck.analysis import per_template
from samcheck.analysis.values import is_true
from samcheck.cfn.references import referenced
from samcheck.cfn.resolver import Branches
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

# ARN service names and the resource type they stand for.
_ARN_SERVICES = {
    "sqs": "AWS::SQS::Queue",
    "sns": "AWS::SNS::Topic",
    "lambda": "AWS::Lambda::Function",
    "events": "AWS::Events::EventBus",
    "s3": "AWS::S3::Bucket",
}
_STREAM_TYPES = {"AWS::Kinesis::Stream": "kinesis", "AWS::DynamoDB::Table": "dynamodb"}
# Resources whose attributes are whatever another template or a custom handler returns: what they
# point at has an unknown type (a nested stack's output may name a queue, a topic or anything).
_OPAQUE_TYPES = frozenset({"AWS::CloudFormation::Stack", "AWS::CloudFormation::CustomResource"})


@dataclass(frozen=True)
class Target:
    """What an ARN-valued property points at."""

    resource: Resource | None  # the resource in this template, when it is one
    arn: str | None  # the literal ARN, when the value resolves to one
    type: str | None  # the resource type, from the resource or the ARN's service

    @classmethod
    def of(cls, resource: Resource) -> Target:
        return cls(resource, None, resource.type)

    @property
    def name(self) -> str:
        if self.resource is not None:
            return self.resource.source_id
        return (self.arn or "?").rsplit(":", 1)[-1]


def targets_of(template: Template, branches: Branches) -> list[tuple[Target, NodePath]]:
    """What a property may point at, one target per ``Fn::If`` branch whose target is known, with
    where that branch writes it."""
    targets: dict[tuple[str | None, str | None], tuple[Target, NodePath]] = {}
    for node, path in zip(branches.nodes, branches.paths, strict=True):
        target = target_of(template, node)
        if target is not None:
            key = (target.resource.logical_id if target.resource else None, target.arn)
            targets.setdefault(key, (target, path))
    return list(targets.values())


def target_of(template: Template, value: Any) -> Target | None:
    """The single resource or ARN a property names; None when it cannot be known."""
    names = {name for name, _, _ in referenced(value, template.resources)}
    if len(names) == 1:
        resource = template.resources[names.pop()]
        return None if opaque(resource) else Target.of(resource)
    if names:
        return None
    arn = template.resolver.resolve(value).single
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":")
    service = parts[2] if len(parts) > 2 else ""
    kind = _ARN_SERVICES.get(service)
    if service == "dynamodb" and "/stream/" in arn:
        kind = "AWS::DynamoDB::Table"
    if service == "kinesis":
        kind = "AWS::Kinesis::Stream"
    return Target(None, arn, kind)


def opaque(resource: Resource) -> bool:
    """Whether a resource's attributes are whatever another template or a handler returns."""
    return resource.type in _OPAQUE_TYPES or resource.type.startswith("Custom::")


def is_fifo(template: Template, target: Target) -> bool | None:
    """Whether a queue or topic is FIFO: from its properties, or from an ARN ending in .fifo;
    None when that cannot be known."""
    if target.resource is None:
        return target.arn.endswith(".fifo") if target.arn else None
    flag = (
        "FifoQueue" if target.type == "AWS::SQS::Queue" else "FifoTopic" if target.type == "AWS::SNS::Topic" else None
    )
    if flag is None:
        return None
    setting = template.property(target.resource, flag)
    if setting.present:
        value = setting.value
        return any(is_true(candidate) for candidate in value.candidates) if value.known else None
    name = template.property(target.resource, "QueueName" if target.type == "AWS::SQS::Queue" else "TopicName")
    if name.present and not isinstance(name.value.single, str):
        return None
    return isinstance(name.value.single, str) and name.value.single.endswith(".fifo")


def redrive_policy(template: Template, queue: Resource) -> dict[str, Any] | None:
    """A queue's RedrivePolicy as a mapping (it may be written as a JSON string)."""
    policy = queue.properties.get("RedrivePolicy")
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return None
    return policy if isinstance(policy, dict) else None


def dead_letter_queues(template: Template) -> frozenset[str]:
    """The queues some queue's RedrivePolicy sends its failed messages to (logical IDs)."""
    found = set()
    for queue in template.of_type("AWS::SQS::Queue"):
        policy = redrive_policy(template, queue)
        target = target_of(template, policy.get("deadLetterTargetArn")) if policy else None
        if target is not None and target.resource is not None:
            found.add(target.resource.logical_id)
    return frozenset(found)


@dataclass(frozen=True)
class EventSource:
    """What an event source mapping reads, and the function it invokes."""

    mapping: Resource
    kind: str  # one of SOURCE_KINDS, or "unknown"
    source: Target | None
    function: Resource | None


# What each kind is called in messages.
SOURCE_KINDS = {
    "sqs": "SQS queue",
    "kinesis": "Kinesis stream",
    "dynamodb": "DynamoDB stream",
    "msk": "Amazon MSK cluster",
    "kafka": "self-managed Kafka cluster",
    "mq": "Amazon MQ broker",
    "docdb": "DocumentDB change stream",
}
# Resource types whose Ref or Arn attribute names a source of the kind.
_SOURCE_TYPES = {
    "AWS::SQS::Queue": "sqs",
    **_STREAM_TYPES,
    "AWS::MSK::Cluster": "msk",
    "AWS::MSK::ServerlessCluster": "msk",
    "AWS::AmazonMQ::Broker": "mq",
    "AWS::DocDB::DBCluster": "docdb",
}
# A property only one kind's mapping takes (the source ARN may be a parameter).
_KIND_PROPERTIES = {
    "SelfManagedEventSource": "kafka",
    "SelfManagedKafkaEventSourceConfig": "kafka",
    "AmazonManagedKafkaEventSourceConfig": "msk",
    "DocumentDBEventSourceConfig": "docdb",
    "Queues": "mq",
}
_ARN_KINDS = {":kafka:": "msk", ":mq:": "mq", ":rds:": "docdb"}


def event_source(template: Template, mapping: Resource) -> EventSource:
    properties = mapping.properties
    function = target_of(template, properties.get("FunctionName"))
    source = target_of(template, properties.get("EventSourceArn"))
    kind = next((kind for name, kind in _KIND_PROPERTIES.items() if name in properties), "unknown")
    if source is not None and source.type in _SOURCE_TYPES:
        kind = _SOURCE_TYPES[source.type]
    elif kind == "unknown" and source is not None and source.arn:
        kind = next((kind for marker, kind in _ARN_KINDS.items() if marker in source.arn), "unknown")
    resource = function.resource if function and function.type == "AWS::Lambda::Function" else None
    return EventSource(mapping, kind, source, resource)


@per_template
def event_sources(template: Template) -> list[EventSource]:
    """Every event source mapping of the template (computed once per template)."""
    return [event_source(template, m) for m in template.of_type("AWS::Lambda::EventSourceMapping")]


@dataclass(frozen=True)
class StreamReader:
    """A Lambda event source mapping or an EventBridge pipe that reads a DynamoDB table's stream."""

    reader: Resource
    kind: str  # "Lambda mapping" or "pipe"
    table: Target
    source_path: NodePath  # where the stream is named
    filters_path: NodePath  # where its FilterCriteria would be written
    function: Resource | None = None  # the function a mapping invokes


def dynamodb_stream_readers(template: Template) -> list[StreamReader]:
    readers = [
        StreamReader(
            wiring.mapping, "Lambda mapping", wiring.source, ("EventSourceArn",), ("FilterCriteria",), wiring.function
        )
        for wiring in event_sources(template)
        if wiring.kind == "dynamodb" and wiring.source is not None
    ]
    for pipe in template.of_type("AWS::Pipes::Pipe"):
        source = target_of(template, pipe.properties.get("Source"))
        if source is not None and source.type == "AWS::DynamoDB::Table":
            readers.append(StreamReader(pipe, "pipe", source, ("Source",), ("SourceParameters", "FilterCriteria")))
    return readers
