"""What the links between resources are: queues, topics, streams, event sources, targets.

Rules about pairs of resources ask these questions instead of reading ARNs themselves: what a
property points at (a resource of the template, or an ARN outside it), whether a queue or topic
is FIFO, and what kind of source an event source mapping reads.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from samcheck.analysis import per_template
from samcheck.analysis.embedded import Parsed, parse_json
from samcheck.analysis.values import Candidate, flags, texts
from samcheck.cfn.references import referenced
from samcheck.cfn.resolver import ALWAYS, Branches, When, merge
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
FIFO_SUFFIX = ".fifo"
# A queue's or topic's FIFO flag and the name that must then end in .fifo.
_FIFO_SETTINGS = {"AWS::SQS::Queue": ("FifoQueue", "QueueName"), "AWS::SNS::Topic": ("FifoTopic", "TopicName")}
_STREAM_TYPES = {"AWS::Kinesis::Stream": "kinesis", "AWS::DynamoDB::Table": "dynamodb"}
# Resources whose attributes are whatever another template or a custom handler returns: what they
# point at has an unknown type (a nested stack's output may name a queue, a topic or anything).
_OPAQUE_TYPES = frozenset({"AWS::CloudFormation::Stack", "AWS::CloudFormation::CustomResource"})


class Target(NamedTuple):
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


class Reach(NamedTuple):
    """What one deployable branch of a property points at."""

    target: Target
    path: NodePath  # where that branch writes it, below the property
    when: When  # the assumptions that branch is deployed under


def reaches(template: Template, resource: Resource, path: NodePath | str) -> list[Reach]:
    """What a property of a resource may point at: one reach per ``Fn::If`` branch (and per known
    candidate of a literal ARN) whose target is known, each with where and when it is written."""
    return reaches_of(template, template.branches(resource, path))


def reaches_of(template: Template, branches: Branches) -> list[Reach]:
    found: dict[tuple[str | None, str | None, When], Reach] = {}
    for node, path, when in zip(branches.nodes, branches.paths, branches.whens, strict=True):
        for target, target_when in _targets_of_node(template, node):
            both = merge(when, target_when)
            if both is not None:
                key = (target.resource.logical_id if target.resource else None, target.arn, both)
                found.setdefault(key, Reach(target, path, both))
    return list(found.values())


def target_of(template: Template, value: Any) -> Target | None:
    """The single resource or ARN a property names; None when it cannot be known or may be several."""
    found = _targets_of_node(template, value)
    return found[0][0] if len(found) == 1 else None


def _targets_of_node(template: Template, value: Any) -> list[tuple[Target, When]]:
    """The resource a node names (one reference), else each ARN it may resolve to, with when."""
    names = {name for name, _, _ in referenced(value, template.resources)}
    if len(names) == 1:
        resource = template.resources[names.pop()]
        return [] if opaque(resource) else [(Target.of(resource), ALWAYS)]
    if names:
        return []
    found = []
    for arn in texts(template.resolver.resolve(value)):
        if arn.value.startswith("arn:"):
            found.append((Target(None, arn.value, _arn_type(arn.value)), arn.when))
    return found


def _arn_type(arn: str) -> str | None:
    parts = arn.split(":")
    service = parts[2] if len(parts) > 2 else ""
    if service == "dynamodb" and "/stream/" in arn:
        return "AWS::DynamoDB::Table"
    if service == "kinesis":
        return "AWS::Kinesis::Stream"
    return _ARN_SERVICES.get(service)


# Resources that stand for a function when invoked: what names the function, and the qualifier.
_FUNCTION_HOLDERS = {"AWS::Lambda::Alias": "FunctionName", "AWS::Lambda::Version": "FunctionName"}


def function_behind(template: Template, target: Target | None) -> Resource | None:
    """The function of this template that invoking a target runs: the function itself, or the one
    behind an alias or version (a qualified ARN written with ``${Fn.Arn}:live`` already names it)."""
    for _ in range(3):  # an alias names a version or the function; nothing deeper exists
        if target is None or target.resource is None:
            return None
        if target.resource.type == "AWS::Lambda::Function":
            return target.resource
        holder = _FUNCTION_HOLDERS.get(target.resource.type)
        if holder is None:
            return None
        named = reaches(template, target.resource, holder)
        target = named[0].target if len(named) == 1 else None
    return None


def opaque(resource: Resource) -> bool:
    """Whether a resource's attributes are whatever another template or a handler returns."""
    return resource.type in _OPAQUE_TYPES or resource.type.startswith("Custom::")


def fifo_cases(template: Template, target: Target) -> list[Candidate]:
    """Whether a queue or topic is FIFO, once per way it may be deployed: from its ``FifoQueue`` or
    ``FifoTopic`` flag (left out: standard), else from a name ending in .fifo, or from an ARN's
    name. No candidate where that cannot be known."""
    if target.resource is None:
        return [Candidate(target.arn.endswith(FIFO_SUFFIX))] if target.arn else []
    settings = _FIFO_SETTINGS.get(target.resource.type)
    if settings is None:
        return []
    flag, name_key = settings
    setting = template.property(target.resource, flag, False)
    if setting.present:
        return flags(setting)
    name = template.property(target.resource, name_key)
    if not name.present:
        return [Candidate(False)]
    return [Candidate(case.value.endswith(FIFO_SUFFIX), case.when) for case in texts(name)]


def redrive_policy(template: Template, queue: Resource) -> dict[str, Any] | None:
    """A queue's RedrivePolicy as a mapping (it may be written as a JSON string)."""
    policy = queue.properties.get("RedrivePolicy")  # as written: its target is a reference resolving would lose
    if isinstance(policy, str):
        parsed = parse_json(policy)
        policy = parsed.value if isinstance(parsed, Parsed) else None
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


class EventSource(NamedTuple):
    """What an event source mapping reads, and the function it invokes, in one way the template
    may be deployed (``when``: a mapping whose function or source is an ``Fn::If`` is one event
    source per branch)."""

    mapping: Resource
    kind: str  # one of SOURCE_KINDS, or "unknown"
    source: Target | None
    function: Resource | None  # the function behind the alias or version the mapping names
    when: When = ALWAYS


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


def mapping_sources(template: Template, mapping: Resource) -> list[EventSource]:
    """A mapping's event source in each way the template may be deployed: one per consistent pair of
    ``FunctionName`` and ``EventSourceArn`` branches; unknown sides stay None."""
    functions: list[Reach | None] = [*reaches(template, mapping, "FunctionName")] or [None]
    sources: list[Reach | None] = [*reaches(template, mapping, "EventSourceArn")] or [None]
    found = []
    for function in functions:
        for source in sources:
            when = merge(function.when if function else ALWAYS, source.when if source else ALWAYS)
            if when is None:
                continue
            target = source.target if source else None
            runs = function_behind(template, function.target) if function else None
            found.append(EventSource(mapping, _kind(mapping, target), target, runs, when))
    return found


def _kind(mapping: Resource, source: Target | None) -> str:
    properties = mapping.properties  # as written: which kind-only properties a mapping has
    kind = next((kind for name, kind in _KIND_PROPERTIES.items() if name in properties), "unknown")
    if source is not None and source.type in _SOURCE_TYPES:
        return _SOURCE_TYPES[source.type]
    if kind == "unknown" and source is not None and source.arn:
        return next((kind for marker, kind in _ARN_KINDS.items() if marker in source.arn), "unknown")
    return kind


@per_template
def event_sources(template: Template) -> list[EventSource]:
    """Every event source mapping of the template, once per way it may be deployed (computed once
    per template)."""
    return [
        source
        for mapping in template.of_type("AWS::Lambda::EventSourceMapping")
        for source in mapping_sources(template, mapping)
    ]


class StreamReader(NamedTuple):
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
        for reach in reaches(template, pipe, "Source"):
            source = reach.target
            if source.type != "AWS::DynamoDB::Table":
                continue
            readers.append(StreamReader(pipe, "pipe", source, ("Source",), ("SourceParameters", "FilterCriteria")))
    return readers
