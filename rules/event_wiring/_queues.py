"""What the event-wiring rules share about the queues, topics, functions and lists they point at,
in each way the template may be deployed."""

from typing import Any, NamedTuple

from samcheck.analysis import per_template
from samcheck.analysis.values import When, entry_indices
from samcheck.analysis.wiring import (
    EventSource,
    Reach,
    Target,
    event_sources,
    function_behind,
    reaches,
    reaches_of,
    redrive_policy,
)
from samcheck.rule import NodePath, Related, Resource, RuleContext, Template

# The flag and the name property that make a queue or topic FIFO.


def defined_here(context: RuleContext, target: Target) -> list[Related]:
    """Where a queue (or another target) of this template is defined, as a related location (none
    for an ARN)."""
    if target.resource is None:
        return []
    noun = "queue " if target.type == "AWS::SQS::Queue" else ""
    return [Related(f"{noun}{target.name} defined here", context.locate(target.resource).span)]


class Entry(NamedTuple):
    """One entry of a list property (an EventBridge rule's target, a topic's subscription), or one
    branch of a property, in one way the template may be deployed."""

    resource: Resource
    node: Any  # as written
    path: NodePath  # where it is written (``Fn::If`` steps included), below the resource's properties
    when: When
    at: NodePath  # the property path that reaches it (a resolved read of ``(*at, ...)`` includes it)


def entries(template: Template, resource: Resource, path: NodePath) -> list[Entry]:
    """The entries of a list property in every deployable branch: the list's own ``Fn::If`` and each
    entry's (an entry one branch leaves out is not there under that branch)."""
    found = []
    for index in entry_indices(template, resource, path):
        items = template.branches(resource, (*path, index))
        for node, where, when in zip(items.nodes, items.paths, items.whens, strict=True):
            found.append(Entry(resource, node, where, when, (*path, index)))
    return found


def entry_reaches(template: Template, entry: Entry, path: NodePath) -> list[Reach]:
    """What a property of a list entry points at, once per deployable branch of that entry."""
    return [
        reach
        for reach in reaches(template, entry.resource, (*entry.at, *path))
        if reach.path[: len(entry.path)] == entry.path
    ]


def dead_letter_reaches(template: Template, holder: Resource) -> list[Reach]:
    """The dead-letter queue a queue's or subscription's ``RedrivePolicy`` (a mapping or JSON text)
    names, once per deployable branch."""
    policy = redrive_policy(template, holder)
    if policy is None:
        return []
    return reaches_of(template, template.resolver.branches(policy, ("deadLetterTargetArn",)))


def functions_named(template: Template, holder: Resource, path: NodePath | str) -> list[tuple[Resource, When]]:
    """The functions of the template a property names, directly or through an alias, a version or a
    qualified ARN, each with when it is named."""
    found = []
    for reach in reaches(template, holder, path):
        function = function_behind(template, reach.target)
        if function is not None:
            found.append((function, reach.when))
    return found


@per_template
def mapping_reads(template: Template) -> list[EventSource]:
    """What each event source mapping reads, once per source it may read (for rules about the
    mapping's settings and its source, not the function it invokes): the assumptions are those
    every function branch shares, the function the one it invokes in all of them (else None);
    computed once per template."""
    grouped: dict[tuple[str, str | None, str | None], list[EventSource]] = {}
    for wiring in event_sources(template):
        source = wiring.source
        key = (
            wiring.mapping.logical_id,
            source.resource.logical_id if source and source.resource else None,
            source.arn if source else None,
        )
        grouped.setdefault(key, []).append(wiring)
    found = []
    for group in grouped.values():
        functions = {wiring.function.logical_id if wiring.function else None for wiring in group}
        shared = frozenset.intersection(*(wiring.when for wiring in group))
        found.append(group[0]._replace(when=shared, function=group[0].function if len(functions) == 1 else None))
    return found
