from collections.abc import Iterator

from samcheck.analysis.arns import spellings
from samcheck.analysis.iam import (
    Access,
    Policies,
    Request,
    decide,
    deployments,
    granting,
    policy_document,
    role_policies,
)
from samcheck.analysis.log_delivery import LogDelivery, log_deliveries, logging_stages
from samcheck.analysis.placement import Wanted, statement_to_edit
from samcheck.analysis.values import When, merge, qualifier
from samcheck.rule import Finding, Location, Related, Rule, RuleContext, Severity

_REFUSED = (Access.NOT_GRANTED, Access.DENIED)


class LogDeliveryGrant(Rule):
    """A service that delivers logs to CloudWatch Logs with a role of the template needs the role
    to trust it and to allow the delivery (the catalogue ``schemas/log_deliveries.json``):

    - a state machine with ``LoggingConfiguration`` (SAM ``Logging``) at ``ALL``, ``ERROR`` or
      ``FATAL``: its role must allow ``logs:CreateLogDelivery`` (and, for the first delivery to a
      group, ``GetLogDelivery``, ``UpdateLogDelivery``, ``DeleteLogDelivery``, ``ListLogDeliveries``,
      ``PutResourcePolicy``, ``DescribeResourcePolicies``, ``DescribeLogGroups``) on ``"*"``, or
      the state machine fails to create ("The state machine IAM Role is not authorized to access
      the Log Destination"). SAM adds none of them for ``Logging``: the ``CloudWatchLogsFullAccess``
      policy does;
    - a function with ``LoggingConfig.LogGroup``: its role must allow ``logs:CreateLogStream`` and
      ``logs:PutLogEvents`` on that group, or its logs are lost without an error (warning; SAM's
      roles have ``AWSLambdaBasicExecutionRole``, which allows them everywhere);
    - a VPC flow log to CloudWatch Logs needs a ``DeliverLogsPermissionArn`` (error) whose role
      trusts ``vpc-flow-logs.amazonaws.com`` and allows ``logs:CreateLogStream`` and
      ``logs:PutLogEvents`` on its group (warning: nothing is delivered);
    - an ``AWS::ApiGateway::Account`` whose ``CloudWatchRoleArn`` role does not trust
      ``apigateway.amazonaws.com`` or allows none of the logs actions of
      ``AmazonAPIGatewayPushToCloudWatchLogs`` fails to create; a REST API stage that logs and is
      not ordered after that Account may be created first and fail ("CloudWatch Logs role ARN must
      be set in account settings to enable logging"; warning). Without an Account in the template
      the account setting is unknown and nothing is said; HTTP APIs need no such role.

    Step Functions and API Gateway check the role when the state machine or Account is created: a
    grant that comes only from a policy resource (``AWS::IAM::Policy``) that nothing orders them
    after may be attached too late (warning; add it to their ``DependsOn``).

    Policies samcheck cannot read, a role or log group known only at deploy time leave the delivery
    alone; a log group, level or role chosen by an ``Fn::If`` or allowed values is judged for each
    choice, and the finding says which.

    **Anti-pattern**

    ```yaml
    Flow:
      Type: AWS::Serverless::StateMachine
      Properties:
        Logging:
          Level: ALL
          Destinations:
            - CloudWatchLogsLogGroup: {LogGroupArn: !GetAtt FlowLogs.Arn}
        Policies:
          - LambdaInvokePolicy: {FunctionName: !Ref Worker}
    ```

    **Best practice**

    ```yaml
    Flow:
      Type: AWS::Serverless::StateMachine
      Properties:
        Logging:
          Level: ALL
          Destinations:
            - CloudWatchLogsLogGroup: {LogGroupArn: !GetAtt FlowLogs.Arn}
        Policies:
          - LambdaInvokePolicy: {FunctionName: !Ref Worker}
          - CloudWatchLogsFullAccess
    ```
    """

    id = "SC8010"
    name = "log-delivery-grant"
    severity = Severity.ERROR
    summary = "A service that delivers logs with a role that does not trust it or allow the delivery"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html"
    tags = ("iam", "permissions", "logs")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        judged: set[tuple[str, str, When]] = set()
        for delivery in log_deliveries(context.template):
            if delivery.role is None:
                yield from _no_role(context, delivery)
                continue
            trust_key = (delivery.holder.logical_id, delivery.role.logical_id, delivery.when)
            if delivery.deliverer.trust and trust_key not in judged:
                judged.add(trust_key)
                yield from _trust(context, delivery)
            yield from _grants(context, delivery)
        yield from _stages_before_account(context)


def _severity(delivery: LogDelivery) -> Severity:
    return Severity.ERROR if delivery.deliverer.severity == "error" else Severity.WARNING


def _where(context: RuleContext, delivery: LogDelivery) -> Related:
    return Related(
        f"{delivery.holder.source_id} delivers its logs here", context.locate(delivery.holder, delivery.path).span
    )


def _no_role(context: RuleContext, delivery: LogDelivery) -> Iterator[Finding]:
    deliverer = delivery.deliverer
    if deliverer.without_role is None:
        return
    role_key = ".".join(deliverer.role)
    yield context.report(
        context.locate(delivery.holder, delivery.path),
        f"{delivery.holder.source_id} delivers its {deliverer.name}{qualifier(delivery.when)} without a {role_key}, "
        f"so {deliverer.without_role}; add a {role_key} whose role trusts {deliverer.service} and allows "
        f"{', '.join(deliverer.actions)} on {delivery.group}",
        resource=delivery.holder.source_id,
        related=list(context.when_related(delivery.when)),
    )


def _trust(context: RuleContext, delivery: LogDelivery) -> Iterator[Finding]:
    template, role, deliverer = context.template, delivery.role, delivery.deliverer
    assert role is not None
    trust = policy_document(template, role, ("AssumeRolePolicyDocument",))
    request = Request("sts:AssumeRole", spellings(template, role), deliverer.service)
    for way in deployments(trust):  # a trust policy with a known set is judged in each deployment
        when = merge(delivery.when, way)
        if when is None or decide(template, trust, request, way) not in _REFUSED:
            continue
        yield context.report(
            context.locate(role, ("AssumeRolePolicyDocument",)),
            f"{delivery.holder.source_id} delivers its {deliverer.name} with {role.source_id}{qualifier(when)}, "
            f"but the role's trust policy does not let {deliverer.service} call sts:AssumeRole, "
            f"so {deliverer.without}; add a statement allowing sts:AssumeRole to Principal "
            f"{{Service: {deliverer.service}}}",
            resource=role.source_id,
            related=[_where(context, delivery), *context.when_related(when)],
            severity=_severity(delivery),
        )


def _grants(context: RuleContext, delivery: LogDelivery) -> Iterator[Finding]:
    template, role, deliverer = context.template, delivery.role, delivery.deliverer
    assert role is not None
    policies = role_policies(template, role)
    for way in deployments(policies):  # policies with a known set are judged in each deployment
        when = merge(delivery.when, way)
        if when is None:
            continue
        missing = _missing(context, delivery, policies, way)
        if not missing:
            yield from _attached_after(context, delivery, policies, way, when)
            continue
        denied = [action for action, access in missing.items() if access is Access.DENIED]
        if denied:
            how, fix = f"denies {', '.join(denied)}", "narrow the Deny that removes it"
        else:
            to_add = _refused(context, delivery, policies, way, deliverer.actions)
            if deliverer.required:
                how = f"does not allow {', '.join(missing)}"
                fix = f"allow {', '.join(to_add)} on Resource {delivery.group} in its policies"
            else:
                how, fix = f"allows none of {', '.join(missing)}", "allow them in its policies"
            if role.origin.generated:
                fix += " (the policy CloudWatchLogsFullAccess in Policies allows them)"
        who = f"the role SAM makes for {role.source_id}" if role.origin.generated else role.source_id
        where, edit = _to_edit(context, delivery, policies, list(missing), way)
        if edit is not None and not denied:
            fix = edit
        yield context.report(
            where,
            f"{who}, which {deliverer.service} assumes to deliver the {deliverer.name} of {delivery.holder.source_id}"
            f"{qualifier(when)}, {how} on Resource {delivery.group}, so {deliverer.without}; {fix}",
            resource=role.source_id,
            related=[_where(context, delivery), *context.when_related(when)],
            severity=_severity(delivery),
        )


def _refused(
    context: RuleContext, delivery: LogDelivery, policies: Policies, way: When, actions: tuple[str, ...]
) -> list[str]:
    requests = {action: Request(action, delivery.targets) for action in actions}
    return [
        action for action, request in requests.items() if decide(context.template, policies, request, way) in _REFUSED
    ]


def _attached_after(
    context: RuleContext, delivery: LogDelivery, policies: Policies, way: When, when: When
) -> Iterator[Finding]:
    """A service that checks the role when the holder is created needs the granting policy attached
    by then: a policy resource of its own that nothing orders the holder after may come too late."""
    deliverer, role = delivery.deliverer, delivery.role
    assert role is not None
    if not deliverer.ordered:
        return
    requests = [Request(action, delivery.targets) for action in deliverer.required or deliverer.actions]
    holders = {
        statement.holder.logical_id: statement.holder
        for request in requests
        for statement in granting(context.template, policies, request)
        if merge(statement.when, way) is not None
    }
    before = context.created_before(delivery.holder.logical_id)
    if not holders or role.logical_id in holders or any(name in before for name in holders):
        return
    policy = sorted(holders.values(), key=lambda holder: holder.logical_id)[0]
    yield context.report(
        context.locate(delivery.holder, delivery.path),
        f"{delivery.holder.source_id} delivers its {deliverer.name} with {role.source_id}{qualifier(when)}, whose "
        f"grant comes from {policy.source_id}, and nothing makes CloudFormation create {delivery.holder.source_id} "
        f"after it: {deliverer.service} checks the role when {delivery.holder.source_id} is created, and if the "
        f"policy is not attached yet {deliverer.without}; add {policy.source_id} to its DependsOn",
        resource=delivery.holder.source_id,
        related=[Related(f"{policy.source_id} defined here", context.locate(policy).span), *context.when_related(when)],
        severity=Severity.WARNING,
    )


def _missing(context: RuleContext, delivery: LogDelivery, policies: Policies, way: When) -> dict[str, Access]:
    """The actions the role certainly does not allow, when that makes the delivery fail: a required
    one, or every one of the catalogue's when none is required; empty when any answer is unknown."""
    deliverer = delivery.deliverer
    asked = deliverer.required or deliverer.actions
    answers = {action: decide(context.template, policies, Request(action, delivery.targets), way) for action in asked}
    if Access.UNKNOWN in answers.values():
        return {}
    refused = {action: access for action, access in answers.items() if access in _REFUSED}
    if not deliverer.required and len(refused) < len(asked):
        return {}  # one of the actions is allowed: which ones the service checks is not documented
    return refused


def _to_edit(
    context: RuleContext, delivery: LogDelivery, policies: Policies, missing: list[str], way: When
) -> tuple[Location, str | None]:
    """The statement a user wrote that refuses or nearly allows the actions, with what to change in
    it, else the role's policies (and no change of a statement)."""
    assert delivery.role is not None
    requests = [Request(action, delivery.targets) for action in missing]
    place = statement_to_edit(context.template, policies, requests, Wanted(tuple(missing), delivery.group), way)
    if place is not None:
        return context.locate(place.holder, place.path), place.edit
    return context.locate(delivery.role, ("Policies",)), None


def _stages_before_account(context: RuleContext) -> Iterator[Finding]:
    """A stage that logs needs the account's CloudWatch role set first: with an Account in the
    template, a stage not ordered after it may be created before it."""
    accounts = list(context.of_type("AWS::ApiGateway::Account"))
    if not accounts:
        return
    for logging in logging_stages(context.template):
        before = context.created_before(logging.stage.logical_id)
        if any(account.logical_id in before for account in accounts):
            continue
        account = accounts[0]
        yield context.report(
            context.locate(logging.stage, logging.path),
            f"{logging.stage.source_id} logs{qualifier(logging.when)} and nothing makes CloudFormation create it after "
            f"{account.source_id}, which sets the account's CloudWatch role: when the Region has none yet it fails "
            f"with 'CloudWatch Logs role ARN must be set in account settings to enable logging'; add "
            f"{account.source_id} to its DependsOn",
            resource=logging.stage.source_id,
            related=[Related(f"{account.source_id} defined here", context.locate(account).span)],
            severity=Severity.WARNING,
        )
