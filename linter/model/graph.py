"""The resource graph: expanded resources as nodes, typed edges between them.

Reference edges (``ref``, ``getatt``, ``sub``, ``depends_on``) go from the resource that
writes the reference to the one it names (``samcheck.model.ordering``: the edges CloudFormation
orders creation by, which the cycle check follows). What the wiring means — event
sources, deliveries, dead letters, destinations, permissions — is the analyses' to say:
``samcheck.analysis.graph`` adds those edges from the same analyses the rules judge with, so that
``samcheck graph`` shows exactly what the rules see. Each semantic edge carries ``via``: the
resource that states the link (a mapping, a subscription, a permission…), which is where a rule
finds the link's own settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from samcheck.findings import NodePath
from samcheck.model.ordering import orderings
from samcheck.model.template import Template

if TYPE_CHECKING:
    import networkx as nx


class Edge(NamedTuple):
    source: str
    target: str
    kind: str
    via: str  # the resource whose property states the link
    path: NodePath  # that property's path


# Edges a resource's properties write.
_REFERENCES = frozenset({"ref", "getatt", "sub"})


class ResourceGraph:
    def __init__(self, template: Template) -> None:
        # networkx takes ~0.1 s to import: only runs whose rules ask for the graph pay for it.
        import networkx as nx

        self.template = template
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        resources = template.resources
        for logical_id, resource in resources.items():
            self.graph.add_node(logical_id, type=resource.type, origin=resource.source_id)
        for ordering in orderings(template):
            # ``deployed``: the edge exists in some deployment (what the cycle check follows)
            self.graph.add_edge(
                ordering.source,
                ordering.target,
                kind=ordering.kind,
                via=ordering.source,
                path=ordering.path,
                deployed=bool(ordering.whens),
            )

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

    # -- building ---------------------------------------------------------------------

    def link(self, source: str, target: str, kind: str, via: str, path: NodePath) -> None:
        """Add a semantic edge (``samcheck.analysis.graph``)."""
        self.graph.add_edge(source, target, kind=kind, via=via, path=path)
