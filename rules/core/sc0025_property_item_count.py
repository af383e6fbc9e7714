from collections.abc import Iterator
from typing import Any

from samcheck.analysis.lists import list_counts
from samcheck.analysis.values import merge, qualifier
from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity, property_name
from samcheck.rules.core._schema_values import schema_values

# Lists whose length a rule of its own judges, with the service's limit and its advice: one mistake,
# one finding.
_OWNED_BY = {
    ("AWS::Lambda::Function", ("Layers",)): "SC1003",
    ("AWS::Lambda::Function", ("VpcConfig", "SubnetIds")): "SC1011",
    ("AWS::Lambda::Function", ("VpcConfig", "SecurityGroupIds")): "SC1011",
    ("AWS::Events::Rule", ("Targets",)): "SC3013",
    ("AWS::DynamoDB::Table", ("GlobalSecondaryIndexes",)): "SC9001",
    ("AWS::DynamoDB::Table", ("LocalSecondaryIndexes",)): "SC9001",
}


class PropertyItemCount(Rule):
    """A list property must hold as many items as CloudFormation's resource schema allows
    (``minItems``, ``maxItems``): an empty ``LoggingConfiguration.Destinations`` of a state machine,
    two ``Architectures`` of a function, fail the deployment when CloudFormation validates the
    resource ("Model validation failed (#/LoggingConfiguration/Destinations: expected minimum item
    count: 1, found: 0)"). Every resource of the expanded template is checked, nested lists too, at
    the SAM or CloudFormation line the list is written on; a list chosen by a parameter's
    ``AllowedValues`` or an undecided ``Fn::If`` is judged in each deployment. An item written as an
    ``Fn::If`` that may be ``AWS::NoValue`` counts as there for the minimum and as absent for the
    maximum; a list known only at deploy time, and a property left out, are not judged. Lists another
    rule counts with the service's own limit (a function's ``Layers`` and VPC settings, a rule's
    ``Targets``, a table's indexes) are left to it. The limits come from the resource schemas cfn-lint
    ships.

    **Anti-pattern**

    ```yaml
    Orders:
      Type: AWS::Serverless::StateMachine
      Properties:
        Logging:
          Level: ALL
          Destinations: []
    ```

    **Best practice**

    ```yaml
    Orders:
      Type: AWS::Serverless::StateMachine
      Properties:
        Logging:
          Level: ALL
          Destinations:
            - CloudWatchLogsLogGroup:
                LogGroupArn: !GetAtt OrdersLogs.Arn
    ```
    """

    id = "SC0025"
    name = "property-item-count"
    severity = Severity.ERROR
    summary = "A list property with fewer or more items than its resource schema allows"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-type-schemas.html"
    tags = ("template",)

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for resource in context.resources.values():
            judged: set[NodePath] = set()
            for path, value, shape, _ in schema_values(context, resource):
                if not isinstance(value, list) or path in judged or (resource.type, path) in _OWNED_BY:
                    continue
                low, high = (_bound(shape, key) for key in ("minItems", "maxItems"))
                if low is None and high is None:
                    continue
                judged.add(path)
                if not context.template.user_wrote(resource, path):
                    continue  # the SAM translator's own list
                yield from _judge(context, resource, path, low, high)


def _judge(
    context: RuleContext, resource: Resource, path: NodePath, low: int | None, high: int | None
) -> Iterator[Finding]:
    written = context.branches(resource, path)
    name = property_name(path)
    for count, when in list_counts(context.template, resource, path):
        # a deployment that leaves the list out is no list too short
        if not any(merge(when, shown) is not None for shown in written.whens):
            continue
        if low is not None and count.possibly < low:
            have = "none" if count.possibly == 0 else f"{count.possibly:g}"
            bound = f"at least {low} item{'s' if low > 1 else ''} (its resource schema's minimum)"
            fix = "add one, or leave it out where the resource allows" if count.possibly == 0 else "add more"
            problem = f"{name} takes {bound}; it has {have}{qualifier(when)}: {fix}"
        elif high is not None and count.surely > high:
            bound = f"at most {high} item{'s' if high > 1 else ''} (its resource schema's maximum)"
            problem = f"{name} takes {bound}; it has {count.surely}{qualifier(when)}: keep {high}"
        else:
            continue
        yield context.report(
            context.locate(resource, path),
            problem,
            resource=resource.source_id,
            related=context.when_related(when),
        )


def _bound(shape: dict[str, Any], key: str) -> int | None:
    bound = shape.get(key)
    return bound if isinstance(bound, int) and not isinstance(bound, bool) else None
