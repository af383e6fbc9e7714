"""``samcheck graph``: the resource graph as Mermaid (renders in GitHub markdown), DOT or JSON.

Logical ids and types come from the template, which may be a stranger's: in Mermaid and DOT they are
shown (``visible``: control characters and line breaks escaped, so neither a terminal nor a CI log
obeys them) and quoted so that each stays one label; JSON's encoder escapes them itself.
"""

from __future__ import annotations

import json

from samcheck.model.graph import ResourceGraph
from samcheck.reporting.visible import inert_json, visible


def render_graph(graph: ResourceGraph, output_format: str) -> str:
    edges = sorted((source, target, data["kind"]) for source, target, data in graph.graph.edges(data=True))
    unique_edges = list(dict.fromkeys(edges))
    nodes = sorted(graph.graph.nodes(data=True))
    if output_format == "json":
        document = {
            "nodes": [{"id": n, "type": d["type"], "origin": d["origin"]} for n, d in nodes],
            "edges": [{"source": s, "target": t, "kind": k} for s, t, k in unique_edges],
        }
        return inert_json(json.dumps(document, indent=2))
    if output_format == "dot":
        lines = ["digraph samcheck {", "  rankdir=LR;"]
        lines += [f'  "{_dot(n)}" [label="{_dot(n)}\\n{_dot(d["type"])}"];' for n, d in nodes]
        lines += [f'  "{_dot(s)}" -> "{_dot(t)}" [label="{k}"];' for s, t, k in unique_edges]
        return "\n".join([*lines, "}"])
    ids = {name: f"n{index}" for index, (name, _) in enumerate(nodes)}
    lines = ["flowchart LR"]
    lines += [f'  {ids[n]}["{_mermaid(n)}<br/>{_mermaid(d["type"])}"]' for n, d in nodes]
    lines += [f"  {ids[s]} -->|{k}| {ids[t]}" for s, t, k in unique_edges]
    return "\n".join(lines)


def _dot(name: str) -> str:
    return visible(name).replace("\\", "\\\\").replace('"', '\\"')


def _mermaid(name: str) -> str:
    return visible(name).replace('"', "#quot;")
