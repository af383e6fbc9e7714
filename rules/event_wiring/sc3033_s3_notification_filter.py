import difflib
from collections.abc import Iterator

from samcheck.analysis.botocore_data import enum
from samcheck.analysis.values import Candidate, qualifier, together
from samcheck.rule import Finding, Location, NodePath, Resource, Rule, RuleContext, Severity, Span, get_path
from samcheck.rules.event_wiring._notifications import (
    PARTS,
    RULES,
    Configuration,
    configurations,
    event_types,
    rule_count,
    rule_reads,
)


class S3NotificationFilter(Rule):
    """S3 refuses a notification configuration (Lambda, queue or topic, or a SAM ``S3`` event)
    whose event type is not one of S3's (``s3:ObjectCreated:*``, ``s3:ObjectRemoved:Delete``…),
    whose key filter has a rule named other than ``prefix`` or ``suffix`` (in any case), two rules
    of the same name, or a value over 1,024 bytes. The deploy fails. Every event type and rule name
    a parameter allows and every condition's branch is judged; an event type known only at deploy
    time is not.

    **Anti-pattern**

    ```yaml
    Events:
      Uploaded:
        Type: S3
        Properties:
          Bucket: !Ref Images
          Events: s3:ObjectCreate:*
          Filter:
            S3Key:
              Rules:
                - {Name: suffix, Value: .jpg}
                - {Name: suffix, Value: .jpeg}
    ```

    **Best practice**

    ```yaml
    Events:
      Uploaded:
        Type: S3
        Properties:
          Bucket: !Ref Images
          Events: s3:ObjectCreated:*
          Filter:
            S3Key:
              Rules: [{Name: prefix, Value: photos/}, {Name: suffix, Value: .jpg}]
    ```
    """

    id = "SC3033"
    name = "s3-notification-filter"
    severity = Severity.ERROR
    summary = "An S3 notification with an unknown event type, or a key filter rule S3 refuses"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-s3keyfilter.html"
    tags = ("s3", "wiring")
    resource_types = frozenset({"AWS::S3::Bucket"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        seen: set[tuple[Span, str]] = set()  # a SAM event with several event types makes several configurations
        for bucket in context.of_type("AWS::S3::Bucket"):
            for configuration in configurations(context, bucket):
                for where, message in [
                    *_events(context, bucket, configuration),
                    *_rules(context, bucket, configuration),
                ]:
                    location = where if isinstance(where, Location) else Location(where, ())
                    if (location.span, message) not in seen:
                        seen.add((location.span, message))
                        yield context.report(location, message, resource=bucket.source_id)


def _events(
    context: RuleContext, bucket: Resource, configuration: Configuration
) -> Iterator[tuple[Location | Span, str]]:
    known = {event.lower() for event in enum("s3", "Event")}
    for case in event_types(context, bucket, configuration):
        # S3's own spelling is not documented to matter: a name that differs only in case is left alone.
        if case.value.lower() in known:
            continue
        near = difflib.get_close_matches(case.value, enum("s3", "Event"), n=1, cutoff=0.9)
        hint = f"; did you mean {near[0]}?" if near else ""
        yield (
            _where(context, bucket, configuration, ("Event",), _sam_event_type(configuration, case.value)),
            f"{case.value} is not an S3 event type{qualifier(case.when)}: S3 refuses the notification "
            f"configuration and the deploy fails{hint}",
        )


def _sam_event_type(configuration: Configuration, event: str) -> NodePath:
    """Where a SAM event lists an event type: its ``Events`` text, or that item of its list."""
    written = get_path(configuration.sam_written, ("Properties", "Events"))  # as written: the list a user edits
    return ("Events", written.index(event)) if isinstance(written, list) and event in written else ("Events",)


def _rules(
    context: RuleContext, bucket: Resource, configuration: Configuration
) -> Iterator[tuple[Location | Span, str]]:
    most = int(context.limit("s3-notification-filter-value-max"))
    reads = [rule_reads(context, bucket, configuration, i) for i in range(rule_count(context, bucket, configuration))]
    names = [names for names, _ in reads]
    for index, (read, values) in enumerate(reads):
        for value in values:
            size = len(value.value.encode()) if isinstance(value.value, str) else 0
            if size > most:
                yield (
                    _where(context, bucket, configuration, (*RULES, index, "Value")),
                    f"a filter rule value of {size:,} bytes{qualifier(value.when)}: S3 takes at most {most:,} "
                    "(UTF-8), refuses the notification configuration and the deploy fails",
                )
        for case in read:
            if isinstance(case.value, str) and case.value.lower() not in PARTS:
                yield (
                    _where(context, bucket, configuration, (*RULES, index, "Name")),
                    f"filter rule name {case.value} is neither prefix nor suffix{qualifier(case.when)}: S3 refuses "
                    "the notification configuration and the deploy fails",
                )
    # Pair by pair: every combination of many rules' candidates would be too many.
    for later in range(len(names)):
        for earlier in range(later):
            written = [Candidate(None, configuration.entry.when)]
            for (one, other, _), when in together(names[earlier], names[later], written):
                part = one.lower() if isinstance(one, str) and isinstance(other, str) else None
                if part in PARTS and part == other.lower():
                    yield (
                        _where(context, bucket, configuration, (*RULES, later)),
                        f"a second {part} rule in one key filter{qualifier(when)}: S3 takes at most one prefix and "
                        f"one suffix rule, refuses the notification configuration and the deploy fails; keep one "
                        f"{part}, and use another configuration for other keys",
                    )


def _where(
    context: RuleContext,
    bucket: Resource,
    configuration: Configuration,
    path: NodePath,
    sam_path: NodePath | None = None,
) -> Location | Span:
    """A property of a configuration where a user edits it: in the SAM event that made it (its
    ``Events`` list for the event type), or in the bucket."""
    if configuration.sam_event is None:
        return context.locate(bucket, (*configuration.entry.path, *path))
    _, span = context.document.source_map.nearest((*configuration.sam_event, "Properties", *(sam_path or path)))
    return span
