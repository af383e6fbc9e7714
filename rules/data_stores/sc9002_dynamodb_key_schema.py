from collections.abc import Iterator

from samcheck.analysis.dynamodb import TABLE_TYPE, table_keys
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity


class DynamodbKeySchema(Rule):
    """The keys of a DynamoDB table and its indexes must match ``AttributeDefinitions`` exactly:
    every key attribute defined ("Some index key attributes are not defined in AttributeDefinitions"),
    and every defined attribute used as a key of the table or an index ("Some AttributeDefinitions are
    not used"; non-key attributes are never declared). A local secondary index needs a
    table with a sort key and shares the table's partition key.

    **Anti-pattern**

    ```yaml
    AttributeDefinitions:
      - {AttributeName: pk, AttributeType: S}
      - {AttributeName: email, AttributeType: S}   # not a key anywhere
    KeySchema:
      - {AttributeName: pk, KeyType: HASH}
    ```

    **Best practice**

    ```yaml
    AttributeDefinitions:
      - {AttributeName: pk, AttributeType: S}
    KeySchema:
      - {AttributeName: pk, KeyType: HASH}
    ```
    """

    id = "SC9002"
    name = "dynamodb-key-schema"
    severity = Severity.ERROR
    summary = (
        "Key attributes not defined, defined attributes no key uses, or a local index the table's keys do not allow"
    )
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html"
    tags = ("dynamodb",)

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for table in context.of_type(TABLE_TYPE):
            keys = table_keys(context.template, table)
            if keys is None:
                continue
            used = [*keys.keys, *(key for index in keys.indexes for key in index.keys)]
            for name in sorted({key.attribute for key in used} - set(keys.definitions)):
                where = next(key.path for key in used if key.attribute == name)
                yield context.report(
                    context.locate(table, where),
                    f"key attribute '{name}' is not in AttributeDefinitions; add it with its AttributeType (S, N or B)",
                    resource=table.source_id,
                )
            for name in sorted(set(keys.definitions) - {key.attribute for key in used}):
                yield context.report(
                    context.locate(table, keys.definitions[name]),
                    f"attribute '{name}' is defined but no key of the table or an index uses it, and DynamoDB "
                    "rejects the table; remove it from AttributeDefinitions (non-key attributes are not declared)",
                    resource=table.source_id,
                )
            table_partition, sort_key = keys.partition_key(), keys.sort_key()
            for index in keys.indexes:
                if index.kind != "local":
                    continue
                if sort_key is None:
                    yield context.report(
                        context.locate(table, index.path),
                        f"local secondary index {index.name} needs a table with a sort key (a RANGE key in "
                        "KeySchema); add one to the table or make the index global",
                        resource=table.source_id,
                    )
                partition = keys.partition_key(index.keys)
                if partition is not None and table_partition is not None and partition != table_partition:
                    where = next(key.path for key in index.keys if key.key_type == "HASH")
                    yield context.report(
                        context.locate(table, where),
                        f"local secondary index {index.name} has partition key '{partition}', but a local index "
                        f"shares the table's partition key '{table_partition}'; use '{table_partition}' or make "
                        "the index global",
                        resource=table.source_id,
                        related=(Related("the table's key schema", context.locate(table, ("KeySchema",)).span),),
                    )
