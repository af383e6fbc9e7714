from collections.abc import Iterator

from samcheck.analysis.arns import mentions, spellings, token
from samcheck.analysis.delivery import deliveries
from samcheck.analysis.iam import Request, execution_role, granting, role_policies
from samcheck.analysis.wiring import target_of
from samcheck.rule import Finding, Location, NodePath, Related, Resource, Rule, RuleContext, Severity, Span, get_path

PUT = "s3:PutObject"


class S3RecursiveTrigger(Rule):
    """A function that S3 invokes for every object created in a bucket, and whose role may put
    objects in that same bucket (a grant that names the bucket, not one on every bucket), invokes
    itself each time it writes there: a recursive loop that
    runs up invocations and cost until something stops it. A notification ``Filter`` (prefix or
    suffix) that leaves the function's own writes out, or a second bucket for the output, breaks the
    loop. A heuristic (whether the code writes there is not known), hence a warning.

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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for delivery in deliveries(template):
            bucket, target = delivery.source, delivery.target.resource
            if bucket.type != "AWS::S3::Bucket" or delivery.holder is not bucket or target is None:
                continue
            configuration = get_path(bucket.properties, delivery.path[:-1])
            events = configuration.get("Event") if isinstance(configuration, dict) else None
            if not isinstance(events, str) or not events.startswith("s3:ObjectCreated"):
                continue
            if get_path(configuration, ("Filter",)) is not None:
                continue  # a prefix or suffix may leave the function's own writes out
            function = _function(context, target)
            role = execution_role(template, function) if function is not None else None
            if function is None or role is None:
                continue
            objects = tuple(f"{spelling}/{token('key')}" for spelling in spellings(template, bucket))
            grants = granting(template, role_policies(template, role), Request(PUT, objects))
            # A grant on every bucket ("*") says nothing about this one; one that names it does.
            named = [s for s in grants if any(p and _names_bucket(p, bucket) for p in s.resources or ())]
            if not named:
                continue
            statement = named[0]
            yield context.report(
                _where(context, bucket, function, delivery.path),
                f"{bucket.source_id} invokes {function.source_id} for every object created, and "
                f"{function.source_id}'s role may put objects in {bucket.source_id}: each object it writes there "
                "invokes it again, a recursive loop that runs up cost; write to another bucket, or add a Filter "
                "(prefix or suffix) that leaves its own writes out",
                resource=bucket.source_id,
                related=[
                    Related(
                        f"{role.source_id} allows {PUT} on {bucket.source_id}",
                        context.locate(statement.holder, statement.path).span,
                    )
                ],
            )


def _where(context: RuleContext, bucket: Resource, function: Resource, path: NodePath) -> Location | Span:
    """The notification as written: the SAM S3 event that makes it, or the bucket's own entry."""
    source = context.template.source_resources.get(function.origin.resource, {})
    events = get_path(source, ("Properties", "Events"))
    for name, event in events.items() if isinstance(events, dict) else ():
        if get_path(event, ("Type",)) == "S3" and get_path(event, ("Properties", "Bucket")) == {
            "Ref": bucket.logical_id
        }:
            _, span = context.document.source_map.nearest(
                ("Resources", function.origin.resource, "Properties", "Events", name)
            )
            return span
    return context.locate(bucket, path)


def _names_bucket(pattern: str, bucket: Resource) -> bool:
    name = bucket.properties.get("BucketName")
    return mentions(pattern, bucket.logical_id) or (isinstance(name, str) and f":::{name}" in pattern)


def _function(context: RuleContext, target: Resource) -> Resource | None:
    """The function an invoked function, alias or version runs."""
    if target.type == "AWS::Lambda::Function":
        return target
    named = target_of(context.template, target.properties.get("FunctionName"))
    return named.resource if named is not None and named.type == "AWS::Lambda::Function" else None
