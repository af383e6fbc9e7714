"""``samcheck graph``: the resource graph as Mermaid (renders in GitHub markdown), DOT or JSON.

Mermaid and DOT are for people: each resource is labelled with its logical id and a short name of
its type (``OrdersQueue (SQS queue)``), each arrow with what connects the two (``Ref``, ``GetAtt``,
``event``…; one arrow for all of them). JSON keeps the full type and one edge per kind, for
programs, with ``orders_creation``: whether CloudFormation creates the target first in some
deployment (the edges the cycle check follows).

Logical ids and types come from the template, which may be a stranger's: in Mermaid and DOT they are
shown (``visible``: control characters and line breaks escaped, so neither a terminal nor a CI log
obeys them) and escaped so that each stays one label (DOT's quotes and backslashes; Mermaid's
quotes, angle brackets and the ``#`` that opens its entity codes); JSON's encoder escapes them itself.
"""

from __future__ import annotations

import json
import re

from samcheck.model.graph import ResourceGraph
from samcheck.reporting.visible import inert_json, visible

# What an edge kind says on an arrow: the intrinsic function, or the connection in a word.
_EDGE_LABELS = {
    "ref": "Ref",
    "getatt": "GetAtt",
    "sub": "Sub",
    "depends_on": "DependsOn",
    "event_source": "event",
    "dead_letter": "dead-letter queue",
    "resource_policy": "resource policy",
}

# Services whose type prefix is not the name people know them by.
_SERVICES = {
    "Events": "EventBridge",
    "ApiGateway": "API Gateway",
    "ApiGatewayV2": "API Gateway v2",
    "Serverless": "SAM",
}


def render_graph(graph: ResourceGraph, output_format: str) -> str:
    edges = sorted((source, target, data["kind"]) for source, target, data in graph.graph.edges(data=True))
    unique_edges = list(dict.fromkeys(edges))
    # What the cycle check follows: references and DependsOn that exist in some deployment.
    ordering = {(s, t, data["kind"]) for s, t, data in graph.graph.edges(data=True) if data.get("deployed")}
    nodes = sorted(graph.graph.nodes(data=True))
    if output_format == "json":
        document = {
            "nodes": [{"id": n, "type": d["type"], "origin": d["origin"]} for n, d in nodes],
            "edges": [
                {"source": s, "target": t, "kind": k, "orders_creation": (s, t, k) in ordering}
                for s, t, k in unique_edges
            ],
        }
        return inert_json(json.dumps(document, indent=2))
    arrows: dict[tuple[str, str], list[str]] = {}
    for source, target, kind in unique_edges:
        arrows.setdefault((source, target), []).append(_EDGE_LABELS.get(kind, kind.replace("_", " ")))
    labels = {name: f"{name} ({_short_type(data['type'])})" for name, data in nodes}
    if output_format == "dot":
        lines = ["digraph samcheck {", "  rankdir=LR;"]
        lines += [f'  "{_dot(n)}" [label="{_dot(labels[n])}"];' for n, _ in nodes]
        lines += [f'  "{_dot(s)}" -> "{_dot(t)}" [label="{", ".join(k)}"];' for (s, t), k in arrows.items()]
        return "\n".join([*lines, "}"])
    ids = {name: f"n{index}" for index, (name, _) in enumerate(nodes)}
    lines = ["flowchart LR"]
    lines += [f'  {ids[n]}["{_mermaid(labels[n])}"]' for n, _ in nodes]
    lines += [f"  {ids[s]} -->|{', '.join(k)}| {ids[t]}" for (s, t), k in arrows.items()]
    return "\n".join(lines)


def _short_type(resource_type: str) -> str:
    """``AWS::SQS::Queue`` as "SQS queue", ``AWS::Lambda::EventSourceMapping`` as "Lambda event
    source mapping"; a type of another shape (``Custom::X``, a module) as written."""
    match = re.fullmatch(r"AWS::(\w+)::(\w+)", resource_type)
    if match is None:
        return resource_type
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", match[2])
    return " ".join([_SERVICES.get(match[1], match[1]), *(word if word.isupper() else word.lower() for word in words)])


def _dot(name: str) -> str:
    return visible(name).replace("\\", "\\\\").replace('"', '\\"')


def _mermaid(name: str) -> str:
    escaped = visible(name).replace("#", "#35;")  # first: the codes below open with it
    return escaped.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
