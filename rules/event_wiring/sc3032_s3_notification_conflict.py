from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from samcheck.analysis.values import Candidate, When, merge, qualifier, together
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity, Span
from samcheck.rules.event_wiring._notifications import (
    UNKNOWN_KEY,
    Configuration,
    configurations,
    event_types,
    key_part,
)

# Pairs grow with the square of a bucket's configurations: a bucket with more is reported unchecked.
MAX_PAIRS = 20_000


class S3NotificationConflict(Rule):
    """S3 refuses a bucket's notification configuration when two of its configurations (Lambda,
    queue or topic; SAM merges the ``S3`` events of every function on the bucket into the same
    list) may both take one event for one object key: their event types overlap
    (``s3:ObjectCreated:*`` takes ``s3:ObjectCreated:Put``) and so do their key filters (a prefix
    that starts the other's or none on one side, and a suffix that ends the other's or none on one
    side). The deploy fails with "Configurations overlap" or "Configuration is ambiguously
    defined". Every event type and filter value a parameter allows and every condition's branch is
    judged; a prefix or suffix known only at deploy time overlaps nothing for certain.

    **Anti-pattern**

    ```yaml
    Thumbnails:
      Type: AWS::Serverless::Function
      Properties:
        Events:
          Uploaded:
            Type: S3
            Properties:
              Bucket: !Ref Images
              Events: s3:ObjectCreated:*
    Indexer:
      Type: AWS::Serverless::Function
      Properties:
        Events:
          Uploaded:
            Type: S3
            Properties:
              Bucket: !Ref Images
              Events: s3:ObjectCreated:Put
    ```

    **Best practice**

    ```yaml
    Indexer:
      Type: AWS::Serverless::Function
      Properties:
        Events:
          Uploaded:
            Type: S3
            Properties:
              Bucket: !Ref Images
              Events: s3:ObjectCreated:Put
              Filter:
                S3Key:
                  Rules: [{Name: prefix, Value: documents/}]   # Thumbnails: images/
    ```
    """

    id = "SC3032"
    name = "s3-notification-conflict"
    severity = Severity.ERROR
    summary = "Two notification configurations of one bucket that may take the same event for the same key"
    url = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html"
    tags = ("s3", "wiring")
    resource_types = frozenset({"AWS::S3::Bucket"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for bucket in context.of_type("AWS::S3::Bucket"):
            found = configurations(context, bucket)
            if len(found) * (len(found) - 1) // 2 > MAX_PAIRS:
                yield context.report(
                    context.locate(bucket, ("NotificationConfiguration",)),
                    f"bucket {bucket.source_id} has {len(found):,} notification configurations, more than samcheck "
                    f"compares pair by pair (more than {MAX_PAIRS:,} pairs), so whether they overlap is not checked",
                    resource=bucket.source_id,
                    severity=Severity.INFO,
                )
                continue
            reads = [_Reads.of(context, bucket, configuration) for configuration in found]
            # One finding per pair of places a user edits: a SAM event with several event types makes
            # several configurations.
            pairs: dict[tuple[str, str], _Conflict] = {}
            for j, later in enumerate(reads):
                for earlier in reads[:j]:
                    if earlier.may_overlap(later):
                        _judge(earlier, later, pairs)
            # Each place a user edits is reported once per deployment, with the first one it overlaps.
            reported: dict[str, list[When]] = {}
            for conflict in pairs.values():
                first, second = conflict.first, conflict.second
                alone = first.label == second.label  # one SAM event listing event types that overlap
                for when in _broadest(conflict.whens):
                    done = reported.setdefault(second.label, [])
                    if any(earlier <= when for earlier in done):
                        continue
                    done.append(when)
                    events, prefix, suffix = conflict.whens[when]
                    taken = f"{', '.join(events)} events for {_keys(prefix, suffix)}{qualifier(when)}"
                    yield context.report(
                        second.where,
                        (
                            f"{second.label} lists event types that overlap on bucket {bucket.source_id}: it takes "
                            f"{taken} twice"
                            if alone
                            else f"{second.label} and {first.label} of bucket {bucket.source_id} may both take {taken}"
                        )
                        + ': S3 refuses overlapping configurations ("Configurations overlap", "ambiguously '
                        'defined"), so the deploy fails; give them prefixes or suffixes that do not overlap, or send '
                        "the events to one SNS topic or EventBridge and fan out from there",
                        resource=bucket.source_id,
                        related=[
                            *([] if alone else [Related(f"{first.label} takes them too", _span(first))]),
                            *context.when_related(when),
                        ],
                    )


@dataclass
class _Reads:
    """A configuration's event types, prefixes and suffixes, each candidate with when."""

    configuration: Configuration
    events: list[Candidate]
    prefixes: list[Candidate]
    suffixes: list[Candidate]

    def may_overlap(self, other: "_Reads") -> bool:
        """Whether any candidates of the two overlap, whatever their assumptions: most pairs of a
        bucket do not, and are left out before they are judged deployment by deployment."""
        return (
            _any(self.events, other.events, _events_overlap)
            and _any(self.prefixes, other.prefixes, str.startswith)
            and _any(self.suffixes, other.suffixes, str.endswith)
        )

    @classmethod
    def of(cls, context: RuleContext, bucket: Resource, configuration: Configuration) -> "_Reads":
        return cls(
            configuration,
            event_types(context, bucket, configuration),
            key_part(context, bucket, configuration, "prefix"),
            key_part(context, bucket, configuration, "suffix"),
        )


@dataclass
class _Conflict:
    """Two places a user edits whose configurations overlap: the events both take, and the prefix
    and suffix of the keys they share, under each set of assumptions."""

    first: Configuration
    second: Configuration  # where it is reported: the later one, or the SAM event
    whens: dict[When, tuple[list[str], object, object]] = field(default_factory=dict)


def _judge(earlier: _Reads, later: _Reads, pairs: dict[tuple[str, str], _Conflict]) -> None:
    if earlier.configuration.sam_event is not None and later.configuration.sam_event is None:
        earlier, later = later, earlier
    first, second = earlier.configuration, later.configuration
    for (event, prefix, suffix, _, _), when in together(
        _overlaps(earlier.events, later.events, _events_overlap),
        _overlaps(earlier.prefixes, later.prefixes, str.startswith),
        _overlaps(earlier.suffixes, later.suffixes, str.endswith),
        [Candidate(first, first.entry.when)],
        [Candidate(second, second.entry.when)],
    ):
        conflict = pairs.setdefault((second.label, first.label), _Conflict(first, second))
        events, _, _ = conflict.whens.setdefault(when, ([], prefix, suffix))
        if event not in events:
            events.append(event)


def _overlaps(ours: list[Candidate], theirs: list[Candidate], overlap: Callable[[str, str], bool]) -> list[Candidate]:
    """Where two reads surely overlap, with the part both take (None: all; ``UNKNOWN_KEY``: not
    shown), under only the assumptions that decide it: a side without a filter overlaps whatever
    the other side's candidates are."""
    found = []
    for one, other in ((ours, theirs), (theirs, ours)):
        for case in one:
            if case.value is not None:
                continue
            # What the other side takes, where it says (first: the finding shows it when it can).
            found += [Candidate(o.value, when) for o in other if (when := merge(case.when, o.when)) is not None]
            if len(other) > 1:
                found.append(Candidate(UNKNOWN_KEY, case.when))
    for (a, b), when in together(ours, theirs):
        if isinstance(a, str) and isinstance(b, str) and (overlap(a, b) or overlap(b, a)):
            found.append(Candidate(max(a, b, key=len), when))
    return found


def _any(ours: list[Candidate], theirs: list[Candidate], overlap: Callable[[str, str], bool]) -> bool:
    if any(case.value is None for case in ours) or any(case.value is None for case in theirs):
        return bool(ours and theirs)
    texts = [(a.value, b.value) for a in ours for b in theirs if isinstance(a.value, str) and isinstance(b.value, str)]
    return any(overlap(a, b) or overlap(b, a) for a, b in texts)


def _events_overlap(one: str, other: str) -> bool:
    """Whether every event of type ``other`` is one of type ``one`` (``s3:ObjectCreated:*``)."""
    return one == other or (one.endswith(":*") and other.startswith(one[:-1]))


def _broadest(shared: dict[When, tuple[list[str], object, object]]) -> list[When]:
    """The assumptions under which a conflict holds, without those a broader one already covers."""
    return sorted((when for when in shared if not any(other < when for other in shared)), key=sorted)


def _keys(prefix: object, suffix: object) -> str:
    parts = [f"{word} {part}" for word, part in (("starting", prefix), ("ending", suffix)) if isinstance(part, str)]
    if not parts:
        return "the same object keys" if UNKNOWN_KEY in (prefix, suffix) else "every object key"
    return "object keys " + " and ".join(parts)


def _span(configuration: Configuration) -> Span:
    where = configuration.where
    return where if isinstance(where, Span) else where.span
