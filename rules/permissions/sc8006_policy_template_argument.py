from collections.abc import Iterator
from typing import Any

from samcheck.analysis.policy_templates import ARN, ARN_OF, NAME_OF, parameter_kinds, value_kind
from samcheck.rule import Finding, Rule, RuleContext, Severity

_SAM_TYPES = ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")


class PolicyTemplateArgument(Rule):
    """A SAM policy template writes each argument into the policy it makes: ``QueueName``,
    ``TableName``, ``BucketName``, ``TopicName``, ``KeyId``… go inside an ARN
    (``arn:…:sqs:…:${queueName}``), so they take a name or an id. Given an ARN (``!GetAtt X.Arn``)
    or a URL (``!Ref`` of a queue), the policy names a resource that does not exist: it deploys,
    grants nothing, and every call is denied at run time. Parameters that the template uses whole
    (``SecretArn``) take an ARN. Which is which is read from the translator's own policy templates.

    **Anti-pattern**

    ```yaml
    Policies:
      - SQSPollerPolicy:
          QueueName: !Ref Jobs        # the queue's URL
      - DynamoDBCrudPolicy:
          TableName: !GetAtt Orders.Arn
    ```

    **Best practice**

    ```yaml
    Policies:
      - SQSPollerPolicy:
          QueueName: !GetAtt Jobs.QueueName
      - DynamoDBCrudPolicy:
          TableName: !Ref Orders
    ```
    """

    id = "SC8006"
    name = "policy-template-argument"
    severity = Severity.ERROR
    summary = "A SAM policy template given an ARN or URL where it takes a name (or a name where it takes an ARN)"
    url = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html"
    tags = ("sam", "iam", "permissions")
    resource_types = frozenset({"AWS::Serverless::Function", "AWS::Serverless::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for logical_id, resource in template.source_resources.items():
            properties = resource.get("Properties")
            if resource.get("Type") not in _SAM_TYPES or not isinstance(properties, dict):
                continue
            policies = context.settle(properties.get("Policies"))  # as written: !Ref or !GetAtt is what is judged
            for index, policy in enumerate(policies if isinstance(policies, list) else [policies]):
                if not isinstance(policy, dict) or len(policy) != 1:
                    continue
                ((name, arguments),) = policy.items()
                kinds = parameter_kinds()  # read once a template names a policy template
                if name not in kinds or not isinstance(arguments, dict):
                    continue
                for parameter, value in arguments.items():
                    expected = kinds[name].get(parameter)
                    path = ("Resources", logical_id, "Properties", "Policies", index, name, parameter)
                    yield from self._judge(context, name, parameter, expected, value, path)

    def _judge(
        self, context: RuleContext, name: str, parameter: str, expected: str | None, value: Any, path: tuple[Any, ...]
    ) -> Iterator[Finding]:
        given = value_kind(context.template, value)
        if expected is None or given is None or given[0] == expected:
            return
        kind, logical_id = given
        source_type = str(context.template.source_resources.get(logical_id or "", {}).get("Type", ""))
        hints = ARN_OF if expected == ARN else NAME_OF
        fix = (
            f"use {hints[source_type].format(x=logical_id)}"
            if logical_id and source_type in hints
            else f"give {expected}"
        )
        _, span = context.document.source_map.nearest(path)
        yield context.report(
            span,
            f"{name}'s {parameter} takes {expected}, but this gives {kind}, so the policy names nothing that "
            f"exists and every call it should allow is denied; {fix}",
            resource=path[1],
        )
