"""The resource graph: expanded resources as nodes, typed edges between them.

Reference edges (``ref``, ``getatt``, ``sub``, ``depends_on``) go from the resource that
writes the reference to the one it names. Semantic edges say what the wiring means:

- ``event_source``: event source (queue, stream, topic, bucket, rule, API) → function
- ``dead_letter``: function → its dead-letter queue or topic
- ``destination``: function → async or event-source-mapping destination
- ``redrive``: queue → its redrive dead-letter queue
- ``stage``: API → stage
- ``certificate``: domain or distribution → certificate
- ``invokes``: state machine → functions it invokes
- ``permits``: Lambda permission → the function (alias, version) it lets a service invoke
- ``attached``: IAM policy → the role it is attached to
- ``resource_policy``: queue, topic or bucket policy → the queue, topic or bucket
- ``grants``: role or policy → a resource of the template its statements allow actions on
  (the policy's own condition and effect aside: ``samcheck.analysis.iam`` decides)

Each semantic edge carries ``via``: the resource that states the link (a mapping, a
subscription, a permission…), which is where a rule finds the link's own settings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from samcheck.cfn.document import get_path
from samcheck.cfn.references import referenced
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str
    via: str  # the resource whose property states the link
    path: NodePath  # that property's path


# (resource type, property path naming the other side, edge kind)
_SEMANTIC: list[tuple[str, NodePath, str]] = [
    ("AWS::Lambda::Function", ("DeadLetterConfig", "TargetArn"), "dead_letter"),
    ("AWS::SQS::Queue", ("RedrivePolicy",), "redrive"),
    ("AWS::ApiGateway::DomainName", ("CertificateArn",), "certificate"),
    ("AWS::ApiGateway::DomainName", ("RegionalCertificateArn",), "certificate"),
    ("AWS::ApiGatewayV2::DomainName", ("DomainNameConfigurations",), "certificate"),
    ("AWS::CloudFront::Distribution", ("DistributionConfig", "ViewerCertificate"), "certificate"),
    ("AWS::StepFunctions::StateMachine", ("Definition",), "invokes"),
    ("AWS::StepFunctions::StateMachine", ("DefinitionString",), "invokes"),
    ("AWS::StepFunctions::StateMachine", ("DefinitionSubstitutions",), "invokes"),
]
# Resources that link a source to a function: (type, function property, source property).
_INVOKERS: list[tuple[str, NodePath, NodePath]] = [
    ("AWS::Lambda::EventSourceMapping", ("FunctionName",), ("EventSourceArn",)),
    ("AWS::Lambda::Permission", ("FunctionName",), ("SourceArn",)),
    ("AWS::SNS::Subscription", ("Endpoint",), ("TopicArn",)),
]
# Policies and what they apply to: (type, property naming it, edge kind).
_POLICY_LINKS: list[tuple[str, str, str]] = [
    ("AWS::Lambda::Permission", "FunctionName", "permits"),
    ("AWS::IAM::Policy", "Roles", "attached"),
    ("AWS::IAM::ManagedPolicy", "Roles", "attached"),
    ("AWS::IAM::RolePolicy", "RoleName", "attached"),
    ("AWS::SQS::QueuePolicy", "Queues", "resource_policy"),
    ("AWS::SQS::QueueInlinePolicy", "Queue", "resource_policy"),
    ("AWS::SNS::TopicPolicy", "Topics", "resource_policy"),
    ("AWS::SNS::TopicInlinePolicy", "TopicArn", "resource_policy"),
    ("AWS::S3::BucketPolicy", "Bucket", "resource_policy"),
]
# Where identity policies keep their statements.
_STATEMENTS: dict[str, tuple[NodePath, ...]] = {
    "AWS::IAM::Role": (("Policies",),),
    "AWS::IAM::Policy": (("PolicyDocument",),),
    "AWS::IAM::ManagedPolicy": (("PolicyDocument",),),
    "AWS::IAM::RolePolicy": (("PolicyDocument",),),
}
# Edges a resource's properties write.
_REFERENCES = frozenset({"ref", "getatt", "sub"})
# Edges that make CloudFormation create the target first.
_ORDERING = _REFERENCES | {"depends_on"}
_STAGE_API = {"AWS::ApiGateway::Stage": "RestApiId", "AWS::ApiGatewayV2::Stage": "ApiId"}


class ResourceGraph:
    def __init__(self, template: Template) -> None:
        self.template = template
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        resources = template.resources
        for logical_id, resource in resources.items():
            self.graph.add_node(logical_id, type=resource.type, origin=resource.source_id)
        for resource in resources.values():
            self._add_references(resource)
            self._add_semantic(resource)

    # -- queries ----------------------------------------------------------------------

    def edges(self, kind: str) -> Iterator[Edge]:
        for source, target, data in self.graph.edges(data=True):
            if data["kind"] == kind:
                yield Edge(source, target, kind, data["via"], data["path"])

    def out_edges(self, logical_id: str, kind: str) -> Iterator[Edge]:
        for _, target, data in self.graph.out_edges(logical_id, data=True):
            if data["kind"] == kind:
                yield Edge(logical_id, target, kind, data["via"], data["path"])

    def referrers(self, logical_id: str) -> set[str]:
        """The resources whose properties refer to this one (``Ref``, ``GetAtt``, ``${}``)."""
        return {
            source
            for source, _, data in self.graph.in_edges(logical_id, data=True)
            if data["kind"] in _REFERENCES and source != logical_id
        }

    def created_before(self, logical_id: str) -> set[str]:
        """Every resource CloudFormation creates before this one: what it refers to or depends on,
        and what those do, transitively."""
        seen: set[str] = set()
        pending = [logical_id]
        while pending:
            current = pending.pop()
            for _, target, data in self.graph.out_edges(current, data=True):
                if data["kind"] in _ORDERING and target not in seen:
                    seen.add(target)
                    pending.append(target)
        return seen

    # -- building ---------------------------------------------------------------------

    def _link(self, source: str, target: str, kind: str, via: str, path: NodePath) -> None:
        self.graph.add_edge(source, target, kind=kind, via=via, path=path)

    def _add_references(self, resource: Resource) -> None:
        names = self.template.resources
        for target, kind, path in referenced(resource.properties, names):
            self._link(resource.logical_id, target, kind, resource.logical_id, ("Properties", *path))
        depends_on = resource.definition.get("DependsOn")
        for dependency in depends_on if isinstance(depends_on, list) else [depends_on]:
            if isinstance(dependency, str) and dependency in names:
                self._link(resource.logical_id, dependency, "depends_on", resource.logical_id, ("DependsOn",))

    def _targets(self, node: Any) -> list[tuple[str, NodePath]]:
        return [(name, path) for name, _, path in referenced(node, self.template.resources)]

    def _add_semantic(self, resource: Resource) -> None:
        logical_id, properties = resource.logical_id, resource.properties
        for resource_type, path, kind in _SEMANTIC:
            if resource.type == resource_type:
                for target, inner in self._targets(get_path(properties, path)):
                    self._link(logical_id, target, kind, logical_id, (*path, *inner))
        for resource_type, function_path, source_path in _INVOKERS:
            if resource.type == resource_type:
                self._link_invoker(resource, function_path, source_path)
        if resource.type == "AWS::Lambda::EventInvokeConfig" or resource.type == "AWS::Lambda::EventSourceMapping":
            functions = self._targets(properties.get("FunctionName"))
            for outcome in ("OnSuccess", "OnFailure"):
                path = ("DestinationConfig", outcome, "Destination")
                for target, _ in self._targets(get_path(properties, path)):
                    for function, _ in functions:
                        self._link(function, target, "destination", logical_id, path)
        if resource.type == "AWS::Events::Rule":
            targets = properties.get("Targets")
            for index, target in enumerate(targets if isinstance(targets, list) else []):
                for name, _ in self._targets(get_path(target, ("Arn",))):
                    self._link(logical_id, name, "event_source", logical_id, ("Targets", index, "Arn"))
        if resource.type == "AWS::S3::Bucket":
            configurations = get_path(properties, ("NotificationConfiguration", "LambdaConfigurations"))
            for index, configuration in enumerate(configurations if isinstance(configurations, list) else []):
                for name, _ in self._targets(get_path(configuration, ("Function",))):
                    path = ("NotificationConfiguration", "LambdaConfigurations", index, "Function")
                    self._link(logical_id, name, "event_source", logical_id, path)
        if resource.type in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
            for name, inner in self._targets(properties.get("Body")):
                if self.template.resources[name].type == "AWS::Lambda::Function":
                    self._link(logical_id, name, "event_source", logical_id, ("Body", *inner))
        if resource.type in ("AWS::ApiGateway::Method", "AWS::ApiGatewayV2::Integration"):
            path = ("Integration", "Uri") if resource.type == "AWS::ApiGateway::Method" else ("IntegrationUri",)
            api_key = "RestApiId" if resource.type == "AWS::ApiGateway::Method" else "ApiId"
            for api, _ in self._targets(properties.get(api_key)):
                for name, _ in self._targets(get_path(properties, path)):
                    self._link(api, name, "event_source", logical_id, path)
        for resource_type, key, kind in _POLICY_LINKS:
            if resource.type == resource_type:
                for target, inner in self._targets(properties.get(key)):
                    self._link(logical_id, target, kind, logical_id, (key, *inner))
        for path in _STATEMENTS.get(resource.type, ()):
            self._add_grants(resource, path)
        if resource.type in _STAGE_API:
            for api, _ in self._targets(properties.get(_STAGE_API[resource.type])):
                self._link(api, logical_id, "stage", logical_id, (_STAGE_API[resource.type],))

    def _add_grants(self, resource: Resource, path: NodePath) -> None:
        """``grants`` edges to what the Allow statements of a role's or policy's documents name."""
        for statement_path, statement in _statements(get_path(resource.properties, path), path):
            if statement.get("Effect") != "Allow":
                continue
            for target, inner in self._targets(statement.get("Resource")):
                if target != resource.logical_id:
                    self._link(
                        resource.logical_id,
                        target,
                        "grants",
                        resource.logical_id,
                        (*statement_path, "Resource", *inner),
                    )

    def _link_invoker(self, resource: Resource, function_path: NodePath, source_path: NodePath) -> None:
        properties = resource.properties
        functions = [
            name
            for name, _ in self._targets(get_path(properties, function_path))
            if self.template.resources[name].type in ("AWS::Lambda::Function", "AWS::SQS::Queue")
        ]
        for function in functions:
            for source, _ in self._targets(get_path(properties, source_path)):
                self._link(source, function, "event_source", resource.logical_id, source_path)

    # -- output -----------------------------------------------------------------------

    def render(self, output_format: str) -> str:
        edges = sorted((source, target, data["kind"]) for source, target, data in self.graph.edges(data=True))
        nodes = sorted(self.graph.nodes(data=True))
        if output_format == "json":
            return json.dumps(
                {
                    "nodes": [{"id": n, "type": d["type"], "origin": d["origin"]} for n, d in nodes],
                    "edges": [{"source": s, "target": t, "kind": k} for s, t, k in dict.fromkeys(edges)],
                },
                indent=2,
            )
        if output_format == "dot":
            lines = ["digraph samcheck {", "  rankdir=LR;"]
            lines += [f'  "{n}" [label="{n}\\n{d["type"]}"];' for n, d in nodes]
            lines += [f'  "{s}" -> "{t}" [label="{k}"];' for s, t, k in dict.fromkeys(edges)]
            return "\n".join([*lines, "}"])
        ids = {name: f"n{index}" for index, (name, _) in enumerate(nodes)}
        lines = ["flowchart LR"]
        lines += [f'  {ids[n]}["{n}<br/>{d["type"]}"]' for n, d in nodes]
        lines += [f"  {ids[s]} -->|{k}| {ids[t]}" for s, t, k in dict.fromkeys(edges)]
        return "\n".join(lines)


def _statements(node: Any, path: NodePath) -> Iterator[tuple[NodePath, dict[str, Any]]]:
    """Each statement of a policy document, or of a role's list of inline policies, with its path."""
    if isinstance(node, list):  # a role's Policies
        for index, policy in enumerate(node):
            document = policy.get("PolicyDocument") if isinstance(policy, dict) else None
            yield from _statements(document, (*path, index, "PolicyDocument"))
        return
    statements = node.get("Statement") if isinstance(node, dict) else None
    listed = statements if isinstance(statements, list) else [statements]
    for index, statement in enumerate(listed):
        if isinstance(statement, dict):
            yield ((*path, "Statement", index) if isinstance(statements, list) else (*path, "Statement")), statement
