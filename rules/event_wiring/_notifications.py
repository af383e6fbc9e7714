"""A bucket's event notification configurations as S3 judges them: the Lambda, queue and topic
configurations of ``NotificationConfiguration`` on the expanded template, where SAM has merged the
S3 events of every function on that bucket, each traced back to the line a user edits (the SAM
``Events`` entry that made it, or the configuration as written); their event types, and the
prefix and suffix of their key filter in each way the template may be deployed."""

from typing import Any, NamedTuple

from samcheck.analysis.values import LEFT_OUT, Candidate, entry_indices, texts, together, where_set
from samcheck.analysis.wiring import function_behind
from samcheck.rule import Location, NodePath, Resource, RuleContext, Span, get_path
from samcheck.rules.event_wiring._queues import Entry, entries, entry_reaches

# EventBridgeConfiguration sends every event to the bus: it shares nothing with these.
KINDS = ("LambdaConfigurations", "QueueConfigurations", "TopicConfigurations")
RULES: NodePath = ("Filter", "S3Key", "Rules")
UNKNOWN_KEY = object()  # a prefix or suffix known only at deploy time
PARTS = ("prefix", "suffix")  # the rule names S3 takes, in any case


class Configuration(NamedTuple):
    """One configuration of a bucket in one deployable branch, and where a user edits it."""

    entry: Entry
    where: Location | Span
    label: str  # for messages: "QueueConfigurations[0]", "Thumbnails's S3 event Uploaded"
    sam_event: NodePath | None  # the SAM Events entry that made it (source path), if one did
    sam_written: Any = None  # that entry as written


def configurations(context: RuleContext, bucket: Resource) -> list[Configuration]:
    found = []
    for kind in KINDS:
        for entry in entries(context.template, bucket, ("NotificationConfiguration", kind)):
            made = _sam_event(context, bucket, entry) if kind == "LambdaConfigurations" else None
            if made is not None:
                event, written = made
                _, span = context.document.source_map.nearest(event)
                label = f"{event[1]}'s S3 event {event[-1]}"
                found.append(Configuration(entry, span, label, event, written))
            else:
                found.append(Configuration(entry, context.locate(bucket, entry.path), f"{kind}[{entry.at[-1]}]", None))
    return found


def _sam_event(context: RuleContext, bucket: Resource, entry: Entry) -> tuple[NodePath, Any] | None:
    """The SAM S3 event a configuration comes from: one the bucket does not list as written, made
    for a function's event that names this bucket with the same event type and filter."""
    source_path = ("Resources", bucket.origin.resource, "Properties", *entry.path)
    if context.document.source_map.has(source_path) or not isinstance(entry.node, dict):
        return None
    for reach in entry_reaches(context.template, entry, ("Function",)):
        function = function_behind(context.template, reach.target)
        if function is None:
            continue
        source = context.template.source_resources.get(function.origin.resource, {})
        events = get_path(source, ("Properties", "Events"))  # as written: the SAM events a user edits
        for name, event in events.items() if isinstance(events, dict) else ():
            if _makes(event, bucket, entry.node):
                return ("Resources", function.origin.resource, "Properties", "Events", name), event
    return None


def _makes(event: Any, bucket: Resource, node: dict[str, Any]) -> bool:
    """Whether a SAM event as written makes this configuration (as the translator writes it)."""
    properties = get_path(event, ("Properties",))
    if get_path(event, ("Type",)) != "S3" or not isinstance(properties, dict):
        return False
    types = properties.get("Events")
    types = types if isinstance(types, list) else [types]
    return (
        properties.get("Bucket") == {"Ref": bucket.logical_id}
        and node.get("Event") in types
        and properties.get("Filter") == node.get("Filter")
    )


def rule_reads(
    context: RuleContext, bucket: Resource, configuration: Configuration, index: int
) -> tuple[list[Candidate], list[Candidate]]:
    """A filter rule's name and value candidates (``LEFT_OUT`` where a branch leaves it out; a
    value known only at deploy time is ``UNKNOWN_KEY``); no name candidate when it is unknown."""
    at = (*configuration.entry.at, *RULES, index)
    names = where_set(context.template, bucket, (*at, "Name"))
    values = where_set(context.template, bucket, (*at, "Value")) or [Candidate(UNKNOWN_KEY)]
    return names, [Candidate(UNKNOWN_KEY if v.value is LEFT_OUT else v.value, v.when) for v in values]


def rule_count(context: RuleContext, bucket: Resource, configuration: Configuration) -> int:
    return len(entry_indices(context.template, bucket, (*configuration.entry.at, *RULES)))


def key_part(context: RuleContext, bucket: Resource, configuration: Configuration, part: str) -> list[Candidate]:
    """The prefix (or suffix) of a configuration's key filter in each deployment: the text, None
    where it has none, ``UNKNOWN_KEY`` where it is known only at deploy time."""
    count = rule_count(context, bucket, configuration)
    if count > len(PARTS):
        return [Candidate(UNKNOWN_KEY)]  # a filter S3 refuses anyway (SC3033); and every combination would be many
    reads = [rule_reads(context, bucket, configuration, i) for i in range(count)]
    if any(not names for names, _ in reads):
        return [Candidate(UNKNOWN_KEY)]  # a rule whose name is unknown may be this part
    found = []
    for chosen, when in together(*(names for names, _ in reads)):
        if not any(_is(name, part) for name in chosen):
            found.append(Candidate(None, when))
    for names, values in reads:
        for (name, value), when in together(names, values):
            if _is(name, part):
                found.append(Candidate(value if isinstance(value, str) else UNKNOWN_KEY, when))
    return found


def _is(name: Any, part: str) -> bool:
    # S3 takes the rule names in any case (it answers "Prefix" and "Suffix" itself).
    return isinstance(name, str) and name.lower() == part


def event_types(context: RuleContext, bucket: Resource, configuration: Configuration) -> list[Candidate]:
    return texts(context.property(bucket, (*configuration.entry.at, "Event")))
