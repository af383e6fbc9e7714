"""What CloudFormation creates each resource after: the resources its properties name (``Ref``,
``Fn::GetAtt``, the ``${}`` of ``Fn::Sub``) and its ``DependsOn``, each edge with the deployments it
exists in. A resource whose ``Condition`` is false is not created and orders nothing; a reference in
an ``Fn::If`` branch exists only where that branch is deployed.

Kept apart from ``samcheck.model.graph`` (which draws these edges) so that the cycle check, which
runs on every template, does not load networkx.
"""

from __future__ import annotations

from itertools import product
from typing import Any, NamedTuple

from samcheck.cfn.references import referenced
from samcheck.cfn.resolver import ALWAYS, UnresolvedError, When, merge
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

# Choices of branches judged for one edge; past this an edge's deployments are not worked out
# (it is then taken to exist nowhere: a cycle samcheck cannot be sure of is not reported).
_MOST_CHOICES = 64


class Ordering(NamedTuple):
    source: str  # created after target
    target: str
    kind: str  # "ref", "getatt", "sub" or "depends_on"
    path: NodePath  # in the resource's definition: ("Properties", ...) or ("DependsOn",)
    whens: tuple[When, ...]  # the deployments it exists in (ALWAYS alone: every one)


def orderings(template: Template) -> tuple[Ordering, ...]:
    """Every edge, also those that exist in no deployment (``whens`` empty); worked out once per template."""
    return template.memo.get(orderings, lambda: _orderings(template))


def _orderings(template: Template) -> tuple[Ordering, ...]:
    names = template.resources
    found = []
    for resource in names.values():
        source_deployed = deployed(template, resource)
        for target, kind, path in referenced(resource.properties, names):
            branches = _branch_whens(template, resource.properties, path)
            whens = _combined(source_deployed, deployed(template, names[target]), branches)
            found.append(Ordering(resource.logical_id, target, kind, ("Properties", *path), whens))
        depends_on = resource.definition.get("DependsOn")
        for dependency in depends_on if isinstance(depends_on, list) else [depends_on]:
            if isinstance(dependency, str) and dependency in names:
                whens = _combined(source_deployed, deployed(template, names[dependency]), [ALWAYS])
                found.append(Ordering(resource.logical_id, dependency, "depends_on", ("DependsOn",), whens))
    return tuple(found)


def deployed(template: Template, resource: Resource) -> list[When]:
    """When a resource is created: always, or where its Condition is true (never where the
    condition is missing or refers to itself, which CloudFormation rejects)."""
    condition = resource.definition.get("Condition")
    if condition is None:
        return [ALWAYS]
    if not isinstance(condition, str):
        return []
    try:
        return [when for truth, when in template.resolver.condition_cases(condition) if truth]
    except UnresolvedError:
        return []


def _branch_whens(template: Template, properties: dict[str, Any], path: NodePath) -> list[When]:
    """When the ``Fn::If`` branches on the way to ``path`` are all deployed."""
    choices: list[list[When]] = []
    node: Any = properties
    for step, following in zip(path, (*path[1:], None), strict=False):  # path () is all of Properties
        if step == "Fn::If" and isinstance(node, dict) and following in (1, 2):
            arguments = node.get("Fn::If")
            name = arguments[0] if isinstance(arguments, list) and arguments else None
            try:
                cases = template.resolver.condition_cases(name) if isinstance(name, str) else []
            except UnresolvedError:
                cases = []
            choices.append([when for truth, when in cases if truth == (following == 1)])
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return []
    return list(_combined(*choices))


def created_before(template: Template, logical_id: str) -> frozenset[str]:
    """Every resource CloudFormation creates before this one: what it refers to or depends on, and
    what those do, transitively (an edge of any deployment counts: what may be ordered is not a race)."""
    targets: dict[str, set[str]] = template.memo.get(_targets, lambda: _targets(template))
    seen: set[str] = set()
    pending = [logical_id]
    while pending:
        for target in targets.get(pending.pop(), ()):
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return frozenset(seen)


def _targets(template: Template) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for ordering in orderings(template):
        found.setdefault(ordering.source, set()).add(ordering.target)
    return found


def _combined(*choices: list[When]) -> tuple[When, ...]:
    """The consistent deployments that make one choice of each list."""
    count = 1
    for options in choices:
        count *= len(options)
    if count > _MOST_CHOICES:
        return ()
    merged = (merge(*picked) for picked in product(*choices))
    return tuple(dict.fromkeys(when for when in merged if when is not None))
