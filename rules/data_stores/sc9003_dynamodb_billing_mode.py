from collections.abc import Iterator
from typing import Any

from samcheck.analysis.dynamodb import TABLE_TYPE
from samcheck.analysis.values import LEFT_OUT, When, as_number, lists, qualifier, texts, together, where_set
from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity

UNITS = ("ReadCapacityUnits", "WriteCapacityUnits")
# Stands for a ProvisionedThroughput a deployment leaves out (the object itself, not its value, is
# compared: an empty mapping written out is not this one).


class DynamodbBillingMode(Rule):
    """``BillingMode`` and ``ProvisionedThroughput`` must agree, on the table and on each global
    secondary index. ``PROVISIONED`` (the default when ``BillingMode`` is left out) needs
    ``ProvisionedThroughput`` on the table and every global index ("No provisioned throughput
    specified for the table"); ``PAY_PER_REQUEST`` takes no capacity units ("Neither
    ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is
    PAY_PER_REQUEST"). Each mode and throughput a parameter allows or a condition chooses is judged
    with the other of the same deployment, and the finding says which.

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
    resource_types = frozenset({"AWS::DynamoDB::Table"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for table in context.of_type(TABLE_TYPE):
            billing = context.property(table, "BillingMode", "PROVISIONED")
            modes = [case for case in texts(billing) if case.value in ("PROVISIONED", "PAY_PER_REQUEST")]
            throughput = where_set(context.template, table, "ProvisionedThroughput")
            for (mode, units), when in together(
                modes, [c for c in throughput if c.value is LEFT_OUT or isinstance(c.value, dict)]
            ):
                yield from self._judge(context, table, (), "the table", mode, units, billing.present, when)
            indexes = context.property(table, "GlobalSecondaryIndexes", [])
            for (mode, entries), when in together(modes, lists(indexes)):
                for position, index in enumerate(entries):
                    if isinstance(index, dict):
                        units = index.get("ProvisionedThroughput", LEFT_OUT)
                        subject = f"global index {index.get('IndexName', f'#{position}')}"
                        place = ("GlobalSecondaryIndexes", position)
                        yield from self._judge(context, table, place, subject, mode, units, billing.present, when)

    def _judge(
        self,
        context: RuleContext,
        table: Resource,
        base: NodePath,
        subject: str,
        mode: str,
        throughput: Any,
        mode_written: bool,
        when: When,
    ) -> Iterator[Finding]:
        """One deployment's billing mode against the ProvisionedThroughput of the table or an index."""
        if mode == "PROVISIONED" and throughput is LEFT_OUT:
            yield context.report(
                context.locate(table, base or ("BillingMode",)) if mode_written or base else context.locate(table),
                f"{subject} has no ProvisionedThroughput, which BillingMode PROVISIONED"
                f"{'' if mode_written else ' (the default)'} needs{qualifier(when)}; add ProvisionedThroughput "
                "(ReadCapacityUnits, WriteCapacityUnits) or set BillingMode: PAY_PER_REQUEST on the table",
                resource=table.source_id,
                related=context.when_related(when),
            )
        if mode == "PAY_PER_REQUEST" and isinstance(throughput, dict) and _any_capacity(throughput):
            yield context.report(
                context.locate(table, (*base, "ProvisionedThroughput")),
                f"{subject} sets ProvisionedThroughput, but BillingMode is PAY_PER_REQUEST{qualifier(when)}, which "
                "takes no capacity units; remove ProvisionedThroughput (or use OnDemandThroughput to cap requests)",
                resource=table.source_id,
                related=context.when_related(when),
            )


def _any_capacity(throughput: dict[str, Any]) -> bool:
    """Whether capacity units above 0 are given (0 is accepted with PAY_PER_REQUEST)."""
    return any((as_number(throughput.get(unit)) or 0) > 0 for unit in UNITS)
