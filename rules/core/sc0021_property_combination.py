from collections.abc import Iterator
from typing import Any

from samcheck.analysis import combinations
from samcheck.analysis.combinations import Combination, Condition, concrete, holds, list_path
from samcheck.analysis.values import LEFT_OUT, entry_indices, qualifier, together
from samcheck.rule import Finding, NodePath, Related, Resource, Rule, RuleContext, Severity, property_name


class PropertyCombination(Rule):
    """Properties each valid alone that the service refuses together, or one that needs another:
    an SQS queue with both ``SqsManagedSseEnabled`` and a ``KmsMasterKeyId``, stream-only settings
    (``ParallelizationFactor``, ``BisectBatchOnFunctionError``, ``MaximumRetryAttempts``…) on an
    event source mapping that reads a queue, ``Handler`` or ``Layers`` on a container image
    function, log levels without the JSON log format, a weighted alias with provisioned
    concurrency, an EventBridge rule with neither pattern nor schedule, a ``FLEXIBLE`` schedule
    window without its length, a ``CUSTOM`` API method without its authorizer. The rows, each with
    the AWS page or public issue it comes from, are the table ``schemas/property_combinations.json``
    (with the combinations other rules already judge). Every candidate of a known set is judged
    with the others of the same deployment; a value known only at deploy time is never judged. The
    finding sits at the SAM or CloudFormation line written, with the other property as related.

    **Anti-pattern**

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        SqsManagedSseEnabled: true
        KmsMasterKeyId: alias/orders
    ```

    **Best practice**

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        KmsMasterKeyId: alias/orders
    ```
    """

    id = "SC0021"
    name = "property-combination"
    severity = Severity.ERROR
    summary = "Properties the service refuses together, or one that needs another (rows with sources)"
    url = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html"
    tags = ("template", "wiring")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for resource in context.resources.values():
            for combination in combinations.combinations(resource.type):
                each = list_path(combination)
                indices = entry_indices(context.template, resource, each) if each else (None,)
                for index in indices:
                    finding = _judged(context, resource, combination, index)
                    if finding is not None:
                        yield finding


def _judged(context: RuleContext, resource: Resource, combination: Combination, index: int | None) -> Finding | None:
    """The finding for the first deployment in which every condition holds; None if there is none."""
    paths = [concrete(condition.path, index) for condition in combination.conditions]
    reads = [holds(context.template, resource, c, path) for c, path in zip(combination.conditions, paths, strict=True)]
    for seen, when in together(*reads):
        if not all(held for held, _ in seen):
            continue
        values = [value for _, value in seen]
        written = [i for i, c in enumerate(combination.conditions) if c.path and values[i] is not LEFT_OUT]
        site: NodePath = paths[written[0]] if written else ()
        if not context.template.user_wrote(resource, site):
            continue  # the SAM translator made the value up: not the user's to fix
        subjects = [
            _subject(c, path, value) for c, path, value in zip(combination.conditions, paths, values, strict=True)
        ]
        related = [
            Related(f"{property_name(paths[i])} is set here", context.locate(resource, paths[i]).span)
            for i in written[1:]
        ]
        return context.report(
            context.locate(resource, site),
            f"{_together(combination, subjects)}{qualifier(when)}: {combination.refusal}; {combination.fix}",
            resource=resource.source_id,
            severity=combination.severity,
            related=(*related, *context.when_related(when)),
        )
    return None


def _together(combination: Combination, subjects: list[str]) -> str:
    if all(condition.present is False for condition in combination.conditions):  # what is missing
        return "neither " + " nor ".join(subject.removeprefix("no ") for subject in subjects)
    return " with ".join(subjects)


def _subject(condition: Condition, path: NodePath, value: Any) -> str:
    name = property_name(path)
    if condition.sources:
        return f"{'an' if value.startswith(('A', 'E', 'I', 'O', 'U', 'SQS')) else 'a'} {value} as its source"
    if condition.present is not None:
        return name if condition.present else f"no {name}"
    if value is LEFT_OUT:
        return f"{name} {condition.default} (the default)"
    shown = ("true" if value else "false") if isinstance(value, bool) else value
    return f"{name} {shown}"
