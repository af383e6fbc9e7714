"""How many items a list property holds, in each way the template may be deployed."""

import math
from typing import Any, NamedTuple

from samcheck.analysis.values import Candidate, When, lists, mappings, together
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template


class Count(NamedTuple):
    """The items of a list in one deployment: those surely there, and all that may be (an item
    written as an ``Fn::If`` with an ``AWS::NoValue`` branch may be left out; a list parameter of
    AWS ids holds any number, at least one)."""

    surely: int
    possibly: float


def list_counts(template: Template, resource: Resource, path: NodePath) -> list[Candidate]:
    """A ``Count`` for each way a list property may be deployed, with when: a written list counts
    its items even when their values are unknown (layer ARNs, subnet IDs); a list parameter or
    ``Fn::Split`` counts each known candidate; a branch of the object around it that leaves the
    list out counts 0. A parameter of an AWS-specific list type (``List<AWS::EC2::Subnet::Id>``),
    whose value is known only at deploy time, holds at least one id: CloudFormation refuses an
    empty one. Where the list is known only at deploy time otherwise there is no candidate."""
    *around, key = path
    parents = template.branches(resource, tuple(around))
    found = []
    for parent, when in zip(parents.nodes, parents.whens, strict=True):
        if isinstance(parent, dict):
            found += _counts(template, parent.get(key), when)
        else:  # an intrinsic that returns the object (Fn::FindInMap): each known candidate
            for (mapping, _), both in together(mappings(template.resolver.resolve(parent)), [Candidate(parent, when)]):
                items = mapping.get(key, [])
                if isinstance(items, list):
                    found.append(Candidate(Count(len(items), len(items)), both))
    return found


def _counts(template: Template, node: Any, when: When) -> list[Candidate]:
    """The counts of a list written as ``node`` (None: not written) in a branch deployed ``when``;
    a branch of an ``Fn::If`` around it that leaves it out is not counted (when is not known)."""
    if node is None:
        return [Candidate(Count(0, 0), when)]
    branches = template.resolver.branches(node, ())
    written = [Candidate(leaf, leaf_when) for leaf, leaf_when in zip(branches.nodes, branches.whens, strict=True)]
    found = []
    for (leaf, _), both in together(written, [Candidate(node, when)]):
        if isinstance(leaf, list):
            found.append(Candidate(Count(sum(1 for item in leaf if _always_there(template, item)), len(leaf)), both))
        else:
            counted = [
                Candidate(Count(len(items), len(items)), known)
                for (items, _), known in together(lists(template.resolver.resolve(leaf)), [Candidate(leaf, both)])
            ]
            if not counted and _names_aws_id_list(template, leaf):
                counted = [Candidate(Count(1, math.inf), both)]
            found += counted
    return found


def _names_aws_id_list(template: Template, node: Any) -> bool:
    """Whether a node is a ``Ref`` to a parameter of an AWS-specific list type, whose value
    CloudFormation checks names existing ids (so never none)."""
    name = node.get("Ref") if isinstance(node, dict) and len(node) == 1 else None
    kind = template.resolver.parameter_type(name) if isinstance(name, str) else None
    return kind is not None and kind.startswith("List<AWS::")


def _always_there(template: Template, item: Any) -> bool:
    """Whether a list item is in every deployment (not an ``Fn::If`` that may leave it out)."""
    branches = template.resolver.branches(item, ())
    return bool(branches.nodes) and not branches.sometimes_absent
