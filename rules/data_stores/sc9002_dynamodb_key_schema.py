from collections.abc import Iterator
from typing import NamedTuple

from samcheck.analysis.dynamodb import TABLE_TYPE, TableKeys, table_keys
from samcheck.analysis.values import ALWAYS, When, qualifier
from samcheck.rule import Finding, NodePath, Related, Rule, RuleContext, Severity


class DynamodbKeySchema(Rule):
    """The keys of a DynamoDB table and its indexes must match ``AttributeDefinitions`` exactly:
    every key attribute defined ("Some index key attributes are not defined in AttributeDefinitions"),
    and every defined attribute used as a key of the table or an index ("Some AttributeDefinitions are
    not used"; non-key attributes are never declared). A local secondary index needs a
    table with a sort key and shares the table's partition key. Each way the table may be deployed
    (a parameter's allowed values, an ``Fn::If``'s branches) is judged; a finding of only some says which.

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
    resource_types = frozenset({"AWS::DynamoDB::Table"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for table in context.of_type(TABLE_TYPE):
            deployments = table_keys(context.template, table)
            found: dict[_Problem, list[When]] = {}
            for keys, when in deployments:
                for problem in _problems(keys):
                    found.setdefault(problem, []).append(when)
            for problem, whens in found.items():
                # A problem of every deployment is said once; one of some, for each.
                for when in [ALWAYS] if len(whens) == len(deployments) else whens:
                    key_schema = (Related("the table's key schema", context.locate(table, ("KeySchema",)).span),)
                    yield context.report(
                        context.locate(table, problem.path),
                        f"{problem.subject}{qualifier(when)}{problem.rest}",
                        resource=table.source_id,
                        related=(*(key_schema if problem.shows_key_schema else ()), *context.when_related(when)),
                    )


class _Problem(NamedTuple):
    path: NodePath  # where it is written
    subject: str  # the message up to where the assumptions go
    rest: str
    shows_key_schema: bool = False  # the table's key schema is related


def _problems(keys: TableKeys) -> Iterator[_Problem]:
    """What is wrong with one deployment's keys, attribute definitions and indexes."""
    used = [*keys.keys, *(key for index in keys.indexes for key in index.keys)]
    for name in sorted({key.attribute for key in used} - set(keys.definitions)):
        yield _Problem(
            next(key.path for key in used if key.attribute == name),
            f"key attribute '{name}'",
            " is not in AttributeDefinitions; add it with its AttributeType (S, N or B)",
        )
    for name in sorted(set(keys.definitions) - {key.attribute for key in used}):
        yield _Problem(
            keys.definitions[name],
            f"attribute '{name}'",
            " is defined but no key of the table or an index uses it, and DynamoDB rejects the table; remove it from "
            "AttributeDefinitions (non-key attributes are not declared)",
        )
    table_partition, sort_key = keys.partition_key(), keys.sort_key()
    for index in keys.indexes:
        if index.kind != "local":
            continue
        if sort_key is None:
            yield _Problem(
                index.path,
                f"local secondary index {index.name}",
                " needs a table with a sort key (a RANGE key in KeySchema); add one to the table or make the index "
                "global",
            )
        partition = keys.partition_key(index.keys)
        if partition is not None and table_partition is not None and partition != table_partition:
            yield _Problem(
                next(key.path for key in index.keys if key.key_type == "HASH"),
                f"local secondary index {index.name}",
                f" has partition key '{partition}', but a local index shares the table's partition key "
                f"'{table_partition}'; use '{table_partition}' or make the index global",
                shows_key_schema=True,
            )
