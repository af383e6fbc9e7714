import json
from collections.abc import Iterator
from typing import Any

from samcheck.analysis.embedded import Parsed, parse_json
from samcheck.analysis.values import LEFT_OUT, lists, qualifier, texts, together, where_set
from samcheck.analysis.wiring import dynamodb_stream_readers
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity

# What each StreamViewType writes to a record's "dynamodb" object besides Keys.
IMAGES = {
    "KEYS_ONLY": frozenset(),
    "NEW_IMAGE": frozenset({"NewImage"}),
    "OLD_IMAGE": frozenset({"OldImage"}),
    "NEW_AND_OLD_IMAGES": frozenset({"NewImage", "OldImage"}),
}
# Stands for a StreamSpecification a deployment leaves out (the object itself is compared).


class DynamodbStreamWiring(Rule):
    """A Lambda event source mapping or a pipe that reads a table of the template whose stream is not
    enabled (no ``StreamSpecification``): the table has no ``StreamArn`` and the reader cannot be
    created. A filter pattern that matches on ``dynamodb.NewImage`` or ``dynamodb.OldImage`` of a
    stream whose ``StreamViewType`` does not write that image never matches: every record is
    dropped without an error. Each stream, view and filter a parameter allows or a condition chooses
    is judged, and the finding says which.

    **Anti-pattern**

    ```yaml
    StreamSpecification:
      StreamViewType: KEYS_ONLY
    ...
    FilterCriteria:
      Filters:
        - Pattern: '{"dynamodb": {"NewImage": {"status": {"S": ["SHIPPED"]}}}}'
    ```

    **Best practice**

    ```yaml
    StreamSpecification:
      StreamViewType: NEW_IMAGE
    ```
    """

    id = "SC9004"
    name = "dynamodb-stream-wiring"
    severity = Severity.ERROR
    summary = "A stream reader of a table without a stream, or a filter on an image the stream view does not write"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html"
    tags = ("dynamodb", "wiring")
    resource_types = frozenset({"AWS::DynamoDB::Table"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for found in dynamodb_stream_readers(context.template):
            table = found.table.resource
            if table is None:
                continue
            stream = where_set(context.template, table, "StreamSpecification")
            table_here = (Related(f"table {table.source_id}", context.locate(table).span),)
            for case in stream:
                if case.value is LEFT_OUT:
                    yield context.report(
                        context.locate(found.reader, found.source_path),
                        f"this {found.kind} reads the stream of {table.source_id}, which has no StreamSpecification"
                        f"{qualifier(case.when)}, so the stream does not exist and the reader cannot be created; add "
                        "StreamSpecification (StreamViewType: NEW_AND_OLD_IMAGES, or the view the reader needs) to "
                        "the table",
                        resource=found.reader.source_id,
                        related=(*table_here, *context.when_related(case.when)),
                    )
            views = texts(context.property(table, ("StreamSpecification", "StreamViewType")))
            filters = lists(context.property(found.reader, (*found.filters_path, "Filters")))
            for (view, entries), when in together([v for v in views if v.value in IMAGES], filters):
                for position, entry in enumerate(entries):
                    pattern = entry.get("Pattern") if isinstance(entry, dict) else None
                    missing = sorted(_images_required(pattern) - IMAGES[view])
                    if not missing:
                        continue
                    fixed = "NEW_AND_OLD_IMAGES" if view != "KEYS_ONLY" or len(missing) > 1 else _view(missing[0])
                    yield context.report(
                        context.locate(found.reader, (*found.filters_path, "Filters", position, "Pattern")),
                        f"this filter matches on dynamodb.{' and dynamodb.'.join(missing)}, which the stream of "
                        f"{table.source_id} (StreamViewType {view}){qualifier(when)} does not write, so it never "
                        f"matches and every record is dropped; set StreamViewType to {fixed} or filter on Keys",
                        resource=found.reader.source_id,
                        related=(*table_here, *context.when_related(when)),
                    )


def _images_required(pattern: Any) -> frozenset[str]:
    """The images a filter pattern (JSON text) needs to match: those it names under "dynamodb",
    unless it also accepts their absence ("exists": false). Unreadable patterns need nothing."""
    read = parse_json(pattern) if isinstance(pattern, str) else None  # SC0017 says why when it does not parse
    parsed: Any = read.value if isinstance(read, Parsed) else None
    record = parsed.get("dynamodb") if isinstance(parsed, dict) else None
    if not isinstance(record, dict) or "$or" in parsed or "$or" in record:
        return frozenset()
    return frozenset(
        image
        for image in ("NewImage", "OldImage")
        if image in record and '"exists": false' not in json.dumps(record[image])
    )


def _view(image: str) -> str:
    return "NEW_IMAGE" if image == "NewImage" else "OLD_IMAGE"
