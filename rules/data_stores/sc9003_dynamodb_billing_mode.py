from collections.abc import Iterator
from typing import Any

from samcheck.analysis.dynamodb import TABLE_TYPE
from samcheck.analysis.values import as_number
from samcheck.rule import Finding, NodePath, Rule, RuleContext, Severity

UNITS = ("ReadCapacityUnits", "WriteCapacityUnits")


class DynamodbBillingMode(Rule):
    """``BillingMode`` and ``ProvisionedThroughput`` must agree, on the table and on each global
    secondary index. ``PROVISIONED`` (the default when ``BillingMode`` is left out) needs
    ``ProvisionedThroughput`` on the table and every global index ("No provisioned throughput
    specified for the table"); ``PAY_PER_REQUEST`` takes no capacity units ("Neither
    ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is
    PAY_PER_REQUEST").

    **Anti-pattern**

    ```yaml
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
    ```

    **Best practice**

    ```yaml
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
    ```
    """

    id = "SC9003"
    name = "dynamodb-billing-mode"
    severity = Severity.ERROR
    summary = "Provisioned billing without ProvisionedThroughput, or capacity units with PAY_PER_REQUEST"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html"
    tags = ("dynamodb",)

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for table in context.of_type(TABLE_TYPE):
            billing = context.property(table, "BillingMode", "PROVISIONED")
            mode = billing.value.single
            if mode not in ("PROVISIONED", "PAY_PER_REQUEST"):
                continue  # unknown, or one of several: the throughput may follow the same condition
            indexes = context.property(table, "GlobalSecondaryIndexes").value.single
            places: list[tuple[NodePath, str]] = [((), "the table")]
            for position, index in enumerate(indexes if isinstance(indexes, list) else []):
                if isinstance(index, dict):
                    name = index.get("IndexName", f"#{position}")
                    places.append((("GlobalSecondaryIndexes", position), f"global index {name}"))
            for base, subject in places:
                throughput = context.property(table, (*base, "ProvisionedThroughput"))
                if mode == "PROVISIONED" and not throughput.present:
                    written = billing.present or base
                    yield context.report(
                        context.locate(table, base or ("BillingMode",)) if written else context.locate(table),
                        f"{subject} has no ProvisionedThroughput, which BillingMode PROVISIONED"
                        f"{'' if billing.present else ' (the default)'} needs; add ProvisionedThroughput "
                        "(ReadCapacityUnits, WriteCapacityUnits) or set BillingMode: PAY_PER_REQUEST on the table",
                        resource=table.source_id,
                    )
                units = throughput.value.single
                if mode == "PAY_PER_REQUEST" and isinstance(units, dict) and _any_capacity(units):
                    yield context.report(
                        throughput.location,
                        f"{subject} sets ProvisionedThroughput, but BillingMode is PAY_PER_REQUEST, which takes no "
                        "capacity units; remove ProvisionedThroughput (or use OnDemandThroughput to cap requests)",
                        resource=table.source_id,
                    )


def _any_capacity(throughput: dict[str, Any]) -> bool:
    """Whether capacity units above 0 are given (0 is accepted with PAY_PER_REQUEST)."""
    return any((as_number(throughput.get(unit)) or 0) > 0 for unit in UNITS)
