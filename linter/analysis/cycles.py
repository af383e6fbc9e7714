"""Dependency cycles: resources that each must be created after the other, through the references
and ``DependsOn`` of the deployed template (``samcheck.model.ordering``), which CloudFormation
rejects ("Circular dependency between resources").

The edges of one deployment are judged together: an edge that exists only in some deployments
(an ``Fn::If`` branch, a resource's ``Condition``) closes a cycle only with edges that exist in the
same one. The deployments judged are every combination of the choices the edges depend on, up to
``_MOST_DEPLOYMENTS``; past that, only the edges that exist in every deployment are judged.
"""

from __future__ import annotations

from collections import deque
from itertools import product
from typing import NamedTuple

from samcheck.analysis import per_template
from samcheck.cfn.resolver import ALWAYS, Assumption, When, merge
from samcheck.model.ordering import Ordering, orderings

__all__ = ["Cycle", "Ordering", "dependency_cycles"]
from samcheck.model.template import Template

_MOST_DEPLOYMENTS = 64


class Cycle(NamedTuple):
    edges: tuple[Ordering, ...]  # each edge's target is the next edge's source; the last closes it
    when: When  # the deployments it is in


@per_template
def dependency_cycles(template: Template) -> tuple[Cycle, ...]:
    """One shortest cycle per group of resources that depend on each other, per deployment (a group
    found in several deployments, once)."""
    edges = [ordering for ordering in orderings(template) if ordering.whens]
    found: dict[frozenset[str], Cycle] = {}
    for deployment in _deployments(edges):
        present: dict[str, list[tuple[Ordering, When]]] = {}
        for edge in edges:
            holds = next((when for when in edge.whens if when <= deployment), None)
            if holds is not None and edge.source != edge.target:
                present.setdefault(edge.source, []).append((edge, holds))
        for group in _strongly_connected(present):
            cycle = _shortest_cycle(group, present)
            key = frozenset(edge.source for edge in cycle.edges)
            if key not in found:
                found[key] = cycle
    return tuple(found.values())


def _deployments(edges: list[Ordering]) -> list[When]:
    """Every combination of the choices (parameter values, condition truths) the edges depend on."""
    domains: dict[tuple[str, str], set[str]] = {}
    for edge in edges:
        for when in edge.whens:
            for assumption in when:
                domains.setdefault((assumption.kind, assumption.name), set()).add(assumption.shown)
    keys = sorted(domains)
    count = 1
    for key in keys:
        count *= len(domains[key])
    if count > _MOST_DEPLOYMENTS:
        return [ALWAYS]
    return [
        frozenset(Assumption(kind, name, shown) for (kind, name), shown in zip(keys, chosen, strict=True))
        for chosen in product(*(sorted(domains[key]) for key in keys))
    ]


def _strongly_connected(present: dict[str, list[tuple[Ordering, When]]]) -> list[list[str]]:
    """The groups of two or more resources each reachable from the others (Tarjan's algorithm,
    without recursion: a template may chain hundreds of resources)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in present:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            successors = present.get(node, [])
            if position < len(successors):
                work.append((node, position + 1))
                target = successors[position][0].target
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return groups


def _shortest_cycle(group: list[str], present: dict[str, list[tuple[Ordering, When]]]) -> Cycle:
    """The shortest cycle through the group's resources (breadth first from each, in template order)."""
    members = set(group)
    best: list[tuple[Ordering, When]] | None = None
    for start in sorted(group):
        came: dict[str, tuple[Ordering, When]] = {}
        queue = deque([start])
        closing: tuple[Ordering, When] | None = None
        while queue and closing is None:
            node = queue.popleft()
            for edge, when in present.get(node, []):
                if edge.target == start:
                    closing = (edge, when)
                    break
                if edge.target in members and edge.target not in came:
                    came[edge.target] = (edge, when)
                    queue.append(edge.target)
        if closing is None:
            continue
        path = [closing]
        while path[-1][0].source != start:
            path.append(came[path[-1][0].source])
        path.reverse()
        if best is None or len(path) < len(best):
            best = path
    assert best is not None, "a strongly connected group has a cycle"
    when = merge(*(when for _, when in best)) or ALWAYS
    return Cycle(tuple(edge for edge, _ in best), when)
