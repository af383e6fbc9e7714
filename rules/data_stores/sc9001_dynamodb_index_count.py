from collections.abc import Iterator

from samcheck.analysis.dynamodb import INDEX_LISTS, TABLE_TYPE
from samcheck.analysis.values import qualifier
from samcheck.rule import Finding, Rule, RuleContext, Severity


class DynamodbIndexCount(Rule):
    """A DynamoDB table has at most 20 global secondary indexes (the default quota, raisable through
    Service Quotas) and at most 5 local secondary indexes (fixed). More fail the deploy ("Subscriber
    limit exceeded: ... the number of global secondary indexes per table"); local indexes can be
    created only with the table, so a sixth one means a new table. Each branch of an ``Fn::If``
    around the list is counted; an index an ``Fn::If`` may leave out is not.

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
    resource_types = frozenset({"AWS::DynamoDB::Table"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limits = {"global": context.limit("dynamodb-gsi-max"), "local": context.limit("dynamodb-lsi-max")}
        resolver = context.template.resolver
        for table in context.of_type(TABLE_TYPE):
            for kind, list_name in INDEX_LISTS.items():
                lists = context.branches(table, list_name)
                for indexes, when in zip(lists.nodes, lists.whens, strict=True):
                    # An index an Fn::If may leave out is not counted: the count is never too high.
                    count = sum(
                        not resolver.branches(index, ()).sometimes_absent
                        for index in (indexes if isinstance(indexes, list) else [])
                    )
                    limit = limits[kind]
                    if count <= limit:
                        continue
                    fix = (
                        "ask for a higher quota first or combine access patterns into fewer indexes"
                        if kind == "global"
                        else "move the other access patterns to global secondary indexes"
                    )
                    yield context.report(
                        context.locate(table, (list_name,)),
                        f"{count} {kind} secondary indexes{qualifier(when)} > {limit:g} allowed on one table; {fix}",
                        resource=table.source_id,
                        related=context.when_related(when),
                    )
