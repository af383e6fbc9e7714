from collections.abc import Iterator

from samcheck.analysis.dynamodb import INDEX_LISTS, TABLE_TYPE
from samcheck.rule import Finding, Rule, RuleContext, Severity


class DynamodbIndexCount(Rule):
    """A DynamoDB table has at most 20 global secondary indexes (the default quota, raisable through
    Service Quotas) and at most 5 local secondary indexes (fixed). More fail the deploy ("Subscriber
    limit exceeded: ... the number of global secondary indexes per table"); local indexes can be
    created only with the table, so a sixth one means a new table.

    **Anti-pattern**

    ```yaml
    LocalSecondaryIndexes:   # six entries
      - IndexName: ByDate
      ...
    ```

    **Best practice**

    ```yaml
    LocalSecondaryIndexes:   # at most five; query other access patterns through a GSI
      - IndexName: ByDate
      ...
    ```
    """

    id = "SC9001"
    name = "dynamodb-index-count"
    severity = Severity.ERROR
    summary = "A DynamoDB table with more than 20 global or 5 local secondary indexes"
    url = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html"
    tags = ("dynamodb", "limit")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limits = {"global": context.limit("dynamodb-gsi-max"), "local": context.limit("dynamodb-lsi-max")}
        for table in context.of_type(TABLE_TYPE):
            for kind, list_name in INDEX_LISTS.items():
                counts = [len(node) for node in context.branches(table, list_name).nodes if isinstance(node, list)]
                count, limit = max(counts, default=0), limits[kind]
                if count <= limit:
                    continue
                fix = (
                    "ask for a higher quota first or combine access patterns into fewer indexes"
                    if kind == "global"
                    else "move the other access patterns to global secondary indexes"
                )
                yield context.report(
                    context.locate(table, (list_name,)),
                    f"{count} {kind} secondary indexes > {limit:g} allowed on one table; {fix}",
                    resource=table.source_id,
                )
