from collections.abc import Iterator

from samcheck.analysis.arns import mentions, spellings, symbolic_property, token
from samcheck.analysis.delivery import deliveries
from samcheck.analysis.iam import Request, execution_roles, granting, role_policies
from samcheck.analysis.values import Candidate, qualifier, texts, together
from samcheck.analysis.wiring import function_behind
from samcheck.rule import Finding, Location, NodePath, Related, Resource, Rule, RuleContext, Severity, Span, get_path

PUT = "s3:PutObject"


class S3RecursiveTrigger(Rule):
    """A function that S3 invokes for every object created in a bucket, and whose role may put
    objects in that same bucket (a grant that names the bucket, not one on every bucket), invokes
    itself each time it writes there: a recursive loop that
    runs up invocations and cost until something stops it. A notification ``Filter`` (prefix or
    suffix) that leaves the function's own writes out, or a second bucket for the output, breaks the
    loop. A heuristic (whether the code writes there is not known), hence a warning. Every event a
    parameter allows and every role the function may run as is judged; the finding says when.

    **Anti-pattern**

    ```yaml
    Events:
      Upload:
        Type: S3
        Properties:
          Bucket: !Ref Images
          Events: s3:ObjectCreated:*
    Policies:
      - S3CrudPolicy: {BucketName: !Ref Images}
    ```

    **Best practice**

    ```yaml
    Events:
      Upload:
        Type: S3
        Properties:
          Bucket: !Ref Images
          Events: s3:ObjectCreated:*
          Filter:
            S3Key:
              Rules: [{Name: prefix, Value: uploads/}]
    ```
    """

    id = "SC8008"
    name = "s3-recursive-trigger"
    severity = Severity.WARNING
    summary = "A function S3 invokes for every new object of a bucket, whose role may write to that bucket"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/with-s3-example.html"
    tags = ("s3", "lambda", "cost")
    resource_types = frozenset({"AWS::S3::Bucket"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for delivery in deliveries(template):
            bucket, target = delivery.source, delivery.target.resource
            if bucket.type != "AWS::S3::Bucket" or delivery.holder is not bucket or target is None:
                continue
            configuration = delivery.path[:-1]
            if context.property(bucket, (*configuration, "Filter")).present:
                continue  # a prefix or suffix (in some deployment) may leave the function's own writes out
            function = function_behind(template, delivery.target)
            if function is None:
                continue
            created = [
                event
                for event in texts(context.property(bucket, (*configuration, "Event")))
                if event.value.startswith("s3:ObjectCreated")
            ]
            for role, role_when in execution_roles(template, function) if created else []:
                objects = tuple(f"{spelling}/{token('key')}" for spelling in spellings(template, bucket))
                grants = granting(template, role_policies(template, role), Request(PUT, objects))
                # A grant on every bucket ("*") says nothing about this one; one that names it does.
                named = [s for s in grants if any(p and _names_bucket(context, p, bucket) for p in s.resources or ())]
                if not named:
                    continue
                statement = named[0]
                whens = {when for _, when in together(created, [Candidate(role, role_when)])}
                for when in sorted(whens, key=sorted):
                    yield context.report(
                        _where(context, bucket, function, delivery.path),
                        f"{bucket.source_id} invokes {function.source_id} for every object created, and "
                        f"{function.source_id}'s role may put objects in {bucket.source_id}{qualifier(when)}: each "
                        "object it writes there invokes it again, a recursive loop that runs up cost; write to "
                        "another bucket, or add a Filter (prefix or suffix) that leaves its own writes out",
                        resource=bucket.source_id,
                        related=[
                            Related(
                                f"{role.source_id} allows {PUT} on {bucket.source_id}",
                                context.locate(statement.holder, statement.path).span,
                            ),
                            *context.when_related(when),
                        ],
                    )


def _where(context: RuleContext, bucket: Resource, function: Resource, path: NodePath) -> Location | Span:
    """The notification as written: the SAM S3 event that makes it, or the bucket's own entry."""
    source = context.template.source_resources.get(function.origin.resource, {})
    events = get_path(source, ("Properties", "Events"))  # as written: the SAM event a user edits
    for name, event in events.items() if isinstance(events, dict) else ():
        bucket_written = get_path(event, ("Properties", "Bucket"))  # as written: the event that names the bucket
        if get_path(event, ("Type",)) == "S3" and bucket_written == {"Ref": bucket.logical_id}:
            _, span = context.document.source_map.nearest(
                ("Resources", function.origin.resource, "Properties", "Events", name)
            )
            return span
    return context.locate(bucket, path)


def _names_bucket(context: RuleContext, pattern: str, bucket: Resource) -> bool:
    name = symbolic_property(context.template, bucket, "BucketName")
    return mentions(pattern, bucket.logical_id) or (name is not None and f":::{name}" in pattern)
