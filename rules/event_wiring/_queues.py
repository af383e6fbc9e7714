"""What the event-wiring rules share about the queues, topics, functions and lists they point at,
in each way the template may be deployed."""

from dataclasses import dataclass, replace
from typing import Any

from samcheck.analysis import per_template
from samcheck.analysis.values import Candidate, When, flags, texts
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
from samcheck.cfn.resolver import NO_VALUE, merge
from samcheck.rule import NodePath, Related, Resource, RuleContext, Template

FIFO_SUFFIX = ".fifo"
# The flag and the name property that make a queue or topic FIFO.
_FIFO_SETTINGS = {"AWS::SQS::Queue": ("FifoQueue", "QueueName"), "AWS::SNS::Topic": ("FifoTopic", "TopicName")}


def defined_here(context: RuleContext, target: Target) -> list[Related]:
    """Where a queue (or another target) of this template is defined, as a related location (none
    for an ARN)."""
    if target.resource is None:
        return []
    noun = "queue " if target.type == "AWS::SQS::Queue" else ""
    return [Related(f"{noun}{target.name} defined here", context.locate(target.resource).span)]


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


@dataclass(frozen=True)
class Entry:
    """One entry of a list property (an EventBridge rule's target, a topic's subscription), in one
    way the template may be deployed."""

    node: Any  # as written
    path: NodePath  # where it is written, below the resource's properties
    when: When


def written(template: Template, holder: Resource | Entry, path: NodePath) -> list[Candidate]:
    """Whether something is written at ``path`` of a resource or list entry, once per way the
    template may be deployed (an ``Fn::If`` branch may leave it out). No candidate where a branch
    leaves it out but the others cannot be evaluated: which deployment lacks it is then not known."""
    node = holder.node if isinstance(holder, Entry) else holder.properties  # as written: resolved below
    value, present = template.resolver.resolve_path(node, path)
    if not present:
        return [Candidate(False)]
    if value.known:
        return [Candidate(case.value is not NO_VALUE, case.when) for case in value.cases]
    return [] if template.resolver.branches(node, path).sometimes_absent else [Candidate(True)]


def entries(template: Template, resource: Resource, path: NodePath) -> list[Entry]:
    """The entries of a list property in every deployable branch: the list's own ``Fn::If`` and each
    entry's (an entry one branch leaves out is not there under that branch)."""
    found = []
    lists = template.branches(resource, path)
    for listed, where, when in zip(lists.nodes, lists.paths, lists.whens, strict=True):
        for index, item in enumerate(listed if isinstance(listed, list) else []):
            items = template.resolver.branches(item, ())
            for node, item_path, item_when in zip(items.nodes, items.paths, items.whens, strict=True):
                both = merge(when, item_when)
                if both is not None:
                    found.append(Entry(node, (*where, index, *item_path), both))
    return found


def entry_reaches(template: Template, entry: Entry, path: NodePath) -> list[Reach]:
    """What a property of a list entry points at, once per deployable branch, located below the
    resource and with the entry's assumptions."""
    found = []
    for reach in reaches_of(template, template.resolver.branches(entry.node, path)):
        when = merge(entry.when, reach.when)
        if when is not None:
            found.append(Reach(reach.target, (*entry.path, *reach.path), when))
    return found


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
        found.append(replace(group[0], when=shared, function=group[0].function if len(functions) == 1 else None))
    return found
