from collections.abc import Iterator

from samcheck.analysis import per_template
from samcheck.analysis.arns import Match, names, symbolic, tokens
from samcheck.analysis.delivery import FUNCTION_TYPES, Delivery, deliveries, principal_deliveries
from samcheck.analysis.iam import (
    LambdaPermission,
    function_identity,
    in_deployment,
    lambda_permissions,
    permission_deployments,
    permission_parts,
)
from samcheck.analysis.placement import permission_to_edit
from samcheck.analysis.values import When, merge, qualifier
from samcheck.analysis.wiring import target_of
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity, Template
from samcheck.rules.permissions._hints import arn_of


class InvokePermissionMissing(Rule):
    """A service that invokes a function needs the function's permission: the callers of the catalogue
    ``schemas/callers.json`` (S3 bucket notifications, SNS ``lambda`` subscriptions, EventBridge rule
    targets, API Gateway integrations and authorizers, load balancer target groups, Logs
    subscription filters, alarm actions, Cognito triggers, custom Config rules, IoT rules, SES
    receipt rules, Secrets Manager rotation) call ``lambda:InvokeFunction`` as their service
    principal, and only an ``AWS::Lambda::Permission`` lets them. Without one, S3, load balancers,
    Logs, Config, SES and Secrets Manager fail the deploy, API Gateway answers every call with 500,
    Cognito fails the sign-up or sign-in step, and the others drop events without an error. A
    permission whose ``SourceArn`` names another bucket, topic, rule or API lets that one instead.
    The services that check the permission when their resource is created need it created first
    (``DependsOn``). An EventBridge target given a ``RoleArn`` is not judged (AWS warns that such a
    role may make delivery fail). Lambda keeps a policy per alias: a caller that invokes an alias
    (``${Fn.Arn}:live``, or an API integration's ``${stageVariables.alias}``, judged for each stage's
    value) needs a permission on the alias, and the function's own does not do. SAM events make
    these permissions themselves. A target chosen
    by an ``Fn::If`` (or a parameter's allowed values) is judged per branch; the finding says when.
    It sits where the fix goes: on the property of the permission meant for the delivery that is
    wrong (its ``SourceArn``, ``Principal`` or ``Action``; its ``FunctionName`` when it names another
    function, or the function while an alias is invoked), and on the caller when none exists.

    **Anti-pattern**

    ```yaml
    Uploads:
      Type: AWS::S3::Bucket
      Properties:
        NotificationConfiguration:
          LambdaConfigurations:
            - Event: s3:ObjectCreated:*
              Function: !GetAtt Thumbnailer.Arn
    ```

    **Best practice**

    ```yaml
    UploadsInvokeThumbnailer:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: !GetAtt Thumbnailer.Arn
        Action: lambda:InvokeFunction
        Principal: s3.amazonaws.com
        SourceArn: !Sub arn:${AWS::Partition}:s3:::${UploadsBucketName}
        SourceAccount: !Ref AWS::AccountId
    Uploads:
      Type: AWS::S3::Bucket
      DependsOn: UploadsInvokeThumbnailer
    ```
    """

    id = "SC8001"
    name = "invoke-permission-missing"
    severity = Severity.ERROR
    summary = "A service invokes a function that no Lambda permission lets it invoke (or only from another source)"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html"
    tags = ("lambda", "permissions", "wiring")
    resource_types = frozenset({"AWS::Lambda::Function", "AWS::Lambda::Alias", "AWS::Lambda::Version"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        # Deliveries made with a role are SC8005's: the role's grants decide them.
        for delivery, target in principal_deliveries(template, FUNCTION_TYPES):
            permissions = lambda_permissions(template, target, delivery.invoked)
            if permissions is None:
                continue  # a permission names a function known only at deploy time
            nearby = _elsewhere(context, delivery, target)
            # Permissions with a known set are judged in each deployment they differ in.
            for way in permission_deployments([*permissions, *nearby]):
                when = merge(delivery.when, way)
                if when is not None:
                    deployed = in_deployment(permissions, way), in_deployment(nearby, way)
                    yield from self._judge(context, delivery, target, *deployed, way, when)

    def _judge(
        self,
        context: RuleContext,
        delivery: Delivery,
        target: Resource,
        permissions: list[LambdaPermission],
        nearby: list[LambdaPermission],
        way: When,
        when: When,
    ) -> Iterator[Finding]:
        """One deployment's permissions (``way``) against the delivery (``when``: both together);
        ``nearby``: that deployment's permissions meant for it on what it does not invoke."""
        verdicts = [(permission, _covers(context, permission, delivery)) for permission in permissions]
        covering = [permission for permission, verdict in verdicts if verdict is True]
        if covering:
            maybe = [permission for permission, verdict in verdicts if verdict is None]
            yield from _order(context, delivery, covering, maybe, way, when)
            return
        if any(verdict is None for _, verdict in verdicts):
            return
        invoked, function_name = _invoked(context, delivery, target)
        wanted = {
            "FunctionName": function_name,
            "Action": "lambda:InvokeFunction",
            "Principal": delivery.service,
            "SourceArn": _source_arn(delivery),
        }
        candidates = [
            (permission.resource, {"FunctionName": permission in permissions, **parts})
            for permission in [*permissions, *nearby]
            if _meant_for(permission, parts := _parts(context, permission, delivery))
        ]
        place = permission_to_edit(candidates, wanted)
        if place is not None:
            yield context.report(
                context.locate(place.holder, place.path),
                f"{delivery.what} invokes {invoked}, but {place.holder.source_id}, the permission meant for it, "
                f"{_WRONG[str(place.path[0])]}{qualifier(way)}, so {delivery.without}; {place.edit}",
                resource=place.holder.source_id,
                related=[
                    Related(
                        f"{delivery.what} invokes {invoked} here", context.locate(delivery.holder, delivery.path).span
                    ),
                    *context.when_related(when),
                ],
            )
            return
        yield context.report(
            context.locate(delivery.holder, delivery.path),
            f"{delivery.what} invokes {invoked}, but no AWS::Lambda::Permission lets {delivery.service} "
            f"call lambda:InvokeFunction on it{qualifier(way)}, so {delivery.without}; add a Permission with "
            f"FunctionName: {function_name}, Action: lambda:InvokeFunction, Principal: "
            f"{delivery.service} and SourceArn: {_ordered_advice(delivery)}",
            resource=delivery.holder.source_id,
            related=[
                Related(f"function {target.source_id}", context.locate(target).span),
                *context.when_related(when),
            ],
        )


def _invoked(context: RuleContext, delivery: Delivery, target: Resource) -> tuple[str, str]:
    """What the delivery invokes and the FunctionName that names it: an alias the caller names by a
    qualifier (``${Fn.Arn}:live``, a stage variable's value) needs its own permission."""
    identity = function_identity(context.template, delivery.invoked) if delivery.invoked else None
    if identity is None or identity[1] is None or target.type != "AWS::Lambda::Function":
        return target.source_id, arn_of(delivery.target)
    alias = identity[1]
    return f"{target.source_id} alias {alias}", f"!Sub ${{{target.logical_id}.Arn}}:{alias}"


# What a permission that is about a delivery has wrong, for messages.
_WRONG = {
    "FunctionName": "names another function or alias (Lambda keeps a policy for each)",
    "Action": "allows another action",
    "Principal": "lets in another principal",
    "SourceArn": "names another source",
}


def _elsewhere(context: RuleContext, delivery: Delivery, target: Resource) -> list[LambdaPermission]:
    """Permissions that may be meant for this delivery on what it does not invoke: the function
    itself while it invokes an alias, or another function of the template whose SourceArn names
    this source, which delivers nothing to that function."""
    template = context.template
    found = []
    if _invoked(context, delivery, target)[0] != target.source_id:
        found += lambda_permissions(template, target) or []
    delivered = [other.target.resource for other in deliveries(template) if other.source is delivery.source]
    for function in _functions_of_sources(template).get(delivery.source.logical_id, []):
        if function is target or any(function is resource for resource in delivered):
            continue
        found += [
            permission
            for permission in lambda_permissions(template, function) or []
            if permission.source_arn is not None and _source(context, permission, delivery) is True
        ]
    return found


@per_template
def _functions_of_sources(template: Template) -> dict[str, list[Resource]]:
    """The functions of the template whose permissions' SourceArn names a resource, by its logical
    ID: where a permission meant for a source may sit on another function (read once per run)."""
    found: dict[str, list[Resource]] = {}
    for permission in template.of_type("AWS::Lambda::Permission"):
        source = symbolic(template, permission.properties.get("SourceArn"))  # as written: tokens only
        function = target_of(template, permission.properties.get("FunctionName"))  # as written: one
        if source is None or function is None or function.resource is None:
            continue
        if function.resource.type != "AWS::Lambda::Function":
            continue
        for name in {token.split(".", 1)[0] for token in tokens(source)}:
            functions = found.setdefault(name, [])
            if not any(known is function.resource for known in functions):
                functions.append(function.resource)
    return found


def _meant_for(permission: LambdaPermission, parts: dict[str, bool | None]) -> bool:
    """Whether a permission is about the delivery: its SourceArn names the delivery's source, or its
    principal and action are the delivery's (a permission without SourceArn for another principal
    may be another caller's), one of them perhaps known only at deploy time: still the one to edit."""
    principal_and_action = (parts["Principal"], parts["Action"])
    return (permission.source_arn is not None and parts["SourceArn"] is True) or (
        False not in principal_and_action and True in principal_and_action
    )


def _covers(context: RuleContext, permission: LambdaPermission, delivery: Delivery) -> bool | None:
    """True when the permission lets this delivery invoke, False when it does not; None: unknown."""
    parts = _parts(context, permission, delivery).values()
    return False if False in parts else None if None in parts else True


def _parts(context: RuleContext, permission: LambdaPermission, delivery: Delivery) -> dict[str, bool | None]:
    """Whether the permission's Action, Principal and SourceArn let this delivery invoke."""
    return {
        **permission_parts(permission, "lambda:InvokeFunction", delivery.service),
        "SourceArn": _source(context, permission, delivery),
    }


def _source(context: RuleContext, permission: LambdaPermission, delivery: Delivery) -> bool | None:
    """Whether the permission's SourceArn (none: any) names the delivery's source."""
    if not permission.source_known:
        return None
    if permission.source_arn is None:
        return True
    if delivery.source_spellings:
        match = names(permission.source_arn, delivery.source_spellings, context.template)
        return True if match is Match.YES else None if match is Match.MAYBE else False
    # An ARN samcheck does not spell (an API's execution ARNs carry stage, method and path): naming
    # the source is what counts, and naming another of its type is naming another source.
    named = [context.template.resources.get(name.split(".", 1)[0]) for name in tokens(permission.source_arn)]
    if any(resource is delivery.source for resource in named):
        return True
    if any(resource is not None and resource.type == delivery.source.type for resource in named):
        return False
    return None


def _source_arn(delivery: Delivery) -> str:
    """The SourceArn to write: for a service that checks the permission when the holder (the source
    itself) is created, written from the holder's name, since the permission must exist first and a
    reference to the holder would make it wait for the holder instead."""
    if not delivery.ordered or delivery.source is not delivery.holder:
        return delivery.source_arn
    holder = delivery.holder.source_id
    return (
        f"{holder}'s ARN written from its name (or none, with SourceAccount: !Ref AWS::AccountId; a reference to "
        f"{holder} with the DependsOn it needs makes a circular dependency)"
    )


def _ordered_advice(delivery: Delivery) -> str:
    """The SourceArn to write, and the DependsOn a service that checks the permission when the holder
    is created needs."""
    if not delivery.ordered:
        return delivery.source_arn
    holder = delivery.holder.source_id
    depends = f"DependsOn: <the permission> on {holder} ({delivery.service} checks it when {holder} is created)"
    return f"{_source_arn(delivery)}, and {depends}"


def _order(
    context: RuleContext,
    delivery: Delivery,
    covering: list[LambdaPermission],
    maybe: list[LambdaPermission],
    way: When,
    when: When,
) -> Iterator[Finding]:
    """S3 and load balancers validate the permission when they are created (the permissions of one
    deployment, ``way``: the finding says which). A permission that may cover the delivery (a part
    known only at deploy time) and is created first may be the one it uses."""
    if not delivery.ordered:
        return
    before = context.created_before(delivery.holder.logical_id)
    if any(permission.resource.logical_id in before for permission in [*covering, *maybe]):
        return
    permission = covering[0].resource
    created = delivery.what if delivery.holder is delivery.source else delivery.holder.source_id
    fix = f"add DependsOn: {permission.logical_id} to {delivery.holder.source_id}"
    if delivery.holder.logical_id in context.created_before(permission.logical_id):
        # the permission refers to the holder: a DependsOn the other way would close a circle
        fix = (
            f"{permission.source_id} refers to {delivery.holder.source_id}, so a DependsOn alone would make a "
            f"circular dependency: write its SourceArn from {delivery.holder.source_id}'s name (set that name "
            f"from a parameter or !Sub) instead of a reference, then {fix}"
        )
    yield context.report(
        context.locate(delivery.holder, delivery.path),
        f"{created} may be created before {permission.source_id}, the permission it needs{qualifier(way)}, and then "
        f"{delivery.without} ({delivery.service} checks it at creation); {fix}",
        resource=delivery.holder.source_id,
        related=[
            Related(f"permission {permission.source_id}", context.locate(permission).span),
            *context.when_related(when),
        ],
    )
