from collections.abc import Iterator

from samcheck.analysis.patterns import EVENT_PATTERN, Written, written_patterns
from samcheck.analysis.values import Candidate, is_true, qualifier, together, where_set
from samcheck.analysis.wiring import target_of
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity, get_path

_EVENTBRIDGE_ENABLED = ("NotificationConfiguration", "EventBridgeConfiguration", "EventBridgeEnabled")


class EventPatternNeverMatches(Rule):
    """An EventBridge rule whose pattern asks for events its source never sends: a pattern on
    ``source: [aws.s3]`` whose ``detail.bucket.name`` names only buckets of this template that do not
    send their events to EventBridge (``NotificationConfiguration.EventBridgeConfiguration.
    EventBridgeEnabled`` is not true). The stack deploys, and the rule's targets are never invoked.
    A bucket named by a value known only at deploy time, or another bucket among the names, is not
    judged; a setting chosen by a parameter's allowed values or a condition is judged for each.

    **Anti-pattern**

    ```yaml
    Uploads:
      Type: AWS::S3::Bucket
    Handler:
      Type: AWS::Serverless::Function
      Properties:
        Events:
          Created:
            Type: EventBridgeRule
            Properties:
              Pattern:
                source: [aws.s3]
                detail:
                  bucket:
                    name: [!Ref Uploads]
    ```

    **Best practice**

    ```yaml
    Uploads:
      Type: AWS::S3::Bucket
      Properties:
        NotificationConfiguration:
          EventBridgeConfiguration:
            EventBridgeEnabled: true
    ```
    """

    id = "SC3031"
    name = "event-pattern-never-matches"
    severity = Severity.WARNING
    summary = "An EventBridge rule on S3 events of buckets of this template that do not send events to EventBridge"
    url = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html"
    tags = ("eventbridge", "s3", "wiring")
    resource_types = frozenset({"AWS::Events::Rule", "AWS::S3::Bucket"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for written in written_patterns(context.template):
            if written.kind != EVENT_PATTERN or written.resource.type != "AWS::Events::Rule" or written.text:
                continue
            buckets = _silent_bucket_names(context, written)
            if not buckets:
                continue
            settings = [where_set(context.template, bucket, _EVENTBRIDGE_ENABLED) for bucket in buckets]
            if any(not setting for setting in settings):
                continue  # a bucket's setting is not known
            for (*enabled, _), when in together(*settings, [Candidate(None, written.when)]):
                if any(is_true(value) for value in enabled):
                    continue
                names = ", ".join(bucket.source_id for bucket in buckets)
                which = f"bucket {names}, which does not" if len(buckets) == 1 else f"buckets {names}, which do not"
                related = [Related(f"bucket {b.source_id} defined here", context.locate(b).span) for b in buckets]
                yield context.report(
                    context.locate(written.resource, (*written.path, "detail", "bucket", "name")),
                    f"this pattern matches S3 events of {which} send events to EventBridge"
                    f"{qualifier(when)}: the rule never matches and its targets are never invoked; set "
                    "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled: true on each bucket",
                    resource=written.resource.source_id,
                    related=[*related, *context.when_related(when)],
                )


def _silent_bucket_names(context: RuleContext, written: Written) -> list[Resource]:
    """The buckets of the template a pattern on S3 events names, when it names only such buckets."""
    pattern = written.written
    if not isinstance(pattern, dict):
        return []
    sources = pattern.get("source")
    if not isinstance(sources, list) or not sources or any(source != "aws.s3" for source in sources):
        return []
    names = get_path(pattern, ("detail", "bucket", "name"))
    if not isinstance(names, list) or not names:
        return []
    buckets: list[Resource] = []
    for name in names:
        target = target_of(context.template, name)
        if target is None or target.resource is None or target.resource.type != "AWS::S3::Bucket":
            return []
        buckets += [] if target.resource in buckets else [target.resource]
    return buckets
