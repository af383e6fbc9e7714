"""The resource graph as the rules judge it: references, plus the links the analyses find.

One wiring model: the semantic edges come from the analyses the rules use — event source mappings
and deliveries (``wiring``, ``delivery``), dead letters and destinations (followed through ``Fn::If``
branches, aliases and versions), state machine tasks (``statemachines``), permissions and policies
(``iam``) — so ``samcheck graph`` draws exactly the links the rules see:

- ``event_source``: event source (queue, stream, topic, bucket, rule, API, target group) → the
  function (behind an alias or version), queue or topic it delivers to
- ``dead_letter``: function → its dead-letter queue or topic
- ``destination``: function → async or event-source-mapping destination
- ``redrive``: queue → its redrive dead-letter queue
- ``stage``: API → stage
- ``certificate``: domain or distribution → certificate
- ``invokes``: state machine → functions its Task states invoke
- ``permits``: Lambda permission → the function (alias, version) it lets a service invoke
- ``attached``: IAM policy → the role it is attached to
- ``resource_policy``: queue, topic or bucket policy → the queue, topic or bucket
- ``grants``: role or policy → a resource of the template its Allow statements name
  (the policy's own condition and effect aside: ``samcheck.analysis.iam`` decides)
- ``logs_to``: state machine, function, flow log → the log group a service delivers its logs to
  with a role (``log_delivery``)
"""

from __future__ import annotations

from samcheck.analysis import per_template
from samcheck.analysis.delivery import deliveries
from samcheck.analysis.iam import Policies, read_document
from samcheck.analysis.log_delivery import log_deliveries
from samcheck.analysis.statemachines import state_machines, task_functions, walk_states
from samcheck.analysis.wiring import event_sources, function_behind, reaches, redrive_policy, target_of
from samcheck.cfn.document import get_path
from samcheck.cfn.references import referenced
from samcheck.findings import NodePath
from samcheck.model.graph import ResourceGraph
from samcheck.model.template import Resource, Template

# (resource type, property naming the other side, edge kind, whether the edge points back at the holder)
_NAMED: list[tuple[str, NodePath, str, bool]] = [
    ("AWS::Lambda::Function", ("DeadLetterConfig", "TargetArn"), "dead_letter", False),
    ("AWS::ApiGateway::DomainName", ("CertificateArn",), "certificate", False),
    ("AWS::ApiGateway::DomainName", ("RegionalCertificateArn",), "certificate", False),
    ("AWS::ApiGatewayV2::DomainName", ("DomainNameConfigurations",), "certificate", False),
    ("AWS::CloudFront::Distribution", ("DistributionConfig", "ViewerCertificate"), "certificate", False),
    ("AWS::ApiGateway::Stage", ("RestApiId",), "stage", True),
    ("AWS::ApiGatewayV2::Stage", ("ApiId",), "stage", True),
    ("AWS::Lambda::Permission", ("FunctionName",), "permits", False),
    ("AWS::IAM::Policy", ("Roles",), "attached", False),
    ("AWS::IAM::ManagedPolicy", ("Roles",), "attached", False),
    ("AWS::IAM::RolePolicy", ("RoleName",), "attached", False),
    ("AWS::SQS::QueuePolicy", ("Queues",), "resource_policy", False),
    ("AWS::SQS::QueueInlinePolicy", ("Queue",), "resource_policy", False),
    ("AWS::SNS::TopicPolicy", ("Topics",), "resource_policy", False),
    ("AWS::SNS::TopicInlinePolicy", ("TopicArn",), "resource_policy", False),
    ("AWS::S3::BucketPolicy", ("Bucket",), "resource_policy", False),
]
_DESTINATIONS = tuple(("DestinationConfig", outcome, "Destination") for outcome in ("OnSuccess", "OnFailure"))


@per_template
def resource_graph(template: Template) -> ResourceGraph:
    """The template's resource graph with every semantic edge (built once per template)."""
    graph = ResourceGraph(template)
    _add_wiring(template, graph)
    for resource in template.resources.values():
        for resource_type, path, kind, backwards in _NAMED:
            if resource.type == resource_type:
                _add_named(template, graph, resource, path, kind, backwards=backwards)
        if resource.type == "AWS::Lambda::EventInvokeConfig":
            for named in reaches(template, resource, "FunctionName"):
                runs = function_behind(template, named.target)
                if runs is not None:
                    _add_destinations(template, graph, resource, runs)
        _add_grants(template, graph, resource)
    for queue in template.of_type("AWS::SQS::Queue"):
        policy = redrive_policy(template, queue)
        dead = target_of(template, policy.get("deadLetterTargetArn")) if policy else None
        if dead is not None and dead.resource is not None:
            graph.link(queue.logical_id, dead.resource.logical_id, "redrive", queue.logical_id, ("RedrivePolicy",))
    for machine in state_machines(template):
        holder = machine.resource.logical_id
        for state in walk_states(machine.definition):
            for task in task_functions(template, machine, state):
                graph.link(holder, task.function.logical_id, "invokes", holder, ("Definition", *state.path))
    return graph


def _add_wiring(template: Template, graph: ResourceGraph) -> None:
    """Event sources: what mappings read and what services deliver, to the function behind."""
    for wiring in event_sources(template):
        if wiring.function is None:
            continue
        if wiring.source is not None and wiring.source.resource is not None:
            source = wiring.source.resource.logical_id
            graph.link(
                source, wiring.function.logical_id, "event_source", wiring.mapping.logical_id, ("EventSourceArn",)
            )
        _add_destinations(template, graph, wiring.mapping, wiring.function)
    for delivery in deliveries(template):
        receiver = function_behind(template, delivery.target) or delivery.target.resource
        if receiver is not None:
            source = delivery.source.logical_id
            graph.link(source, receiver.logical_id, "event_source", delivery.holder.logical_id, delivery.path)
    for logs in log_deliveries(template):
        if logs.log_group is not None:
            holder = logs.holder.logical_id
            graph.link(holder, logs.log_group.logical_id, "logs_to", holder, logs.path)


def _add_destinations(template: Template, graph: ResourceGraph, holder: Resource, function: Resource) -> None:
    for path in _DESTINATIONS:
        for reach in reaches(template, holder, path):
            if reach.target.resource is not None:
                graph.link(
                    function.logical_id, reach.target.resource.logical_id, "destination", holder.logical_id, path
                )


def _add_named(
    template: Template, graph: ResourceGraph, resource: Resource, path: NodePath, kind: str, *, backwards: bool
) -> None:
    """Edges to every resource a property names, in each branch it may be deployed with."""
    node = get_path(resource.properties, path)  # as written: every reference it holds is a link
    for name, _, inner in referenced(node, template.resources):
        source, target = (name, resource.logical_id) if backwards else (resource.logical_id, name)
        graph.link(source, target, kind, resource.logical_id, (*path, *inner))


# Where identity policies keep their documents: the property, and whether it is a list of policies.
_DOCUMENTS: dict[str, tuple[str, bool]] = {
    "AWS::IAM::Role": ("Policies", True),
    "AWS::IAM::Policy": ("PolicyDocument", False),
    "AWS::IAM::ManagedPolicy": ("PolicyDocument", False),
    "AWS::IAM::RolePolicy": ("PolicyDocument", False),
}


def _add_grants(template: Template, graph: ResourceGraph, resource: Resource) -> None:
    """``grants`` edges to what the Allow statements of a role's or policy's documents name."""
    if resource.type not in _DOCUMENTS:
        return
    key, listed = _DOCUMENTS[resource.type]
    policies = Policies()
    written = resource.properties.get(key)  # as written: the statements are read by iam below
    if listed:
        for index, policy in enumerate(written if isinstance(written, list) else []):
            document = policy.get("PolicyDocument") if isinstance(policy, dict) else None
            policies.extend(read_document(template, document, resource, (key, index, "PolicyDocument")))
    else:
        policies.extend(read_document(template, written, resource, (key,)))
    for statement in policies.statements:
        if statement.effect != "Allow":
            continue
        named = get_path(resource.properties, (*statement.path, "Resource"))  # as written: its references
        for name, _, inner in referenced(named, template.resources):
            if name != resource.logical_id:
                graph.link(
                    resource.logical_id, name, "grants", resource.logical_id, (*statement.path, "Resource", *inner)
                )
