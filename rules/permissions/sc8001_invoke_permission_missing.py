from collections.abc import Iterator
from dataclasses import replace

from samcheck.analysis.arns import Match, names, tokens
from samcheck.analysis.delivery import FUNCTION_TYPES, Delivery, principal_deliveries
from samcheck.analysis.iam import (
    LambdaPermission,
    function_identity,
    in_deployment,
    lambda_permissions,
    permission_deployments,
    permits,
)
from samcheck.analysis.values import When, merge, qualifier
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity
from samcheck.rules.permissions._hints import arn_of

SOURCE_MISMATCH = "source"


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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        # Deliveries made with a role are SC8005's: the role's grants decide them.
        for delivery, target in principal_deliveries(template, FUNCTION_TYPES):
            permissions = lambda_permissions(template, target, delivery.invoked)
            if permissions is None:
                continue  # a permission names a function known only at deploy time
            # Permissions with a known set are judged in each deployment they differ in.
            for way in permission_deployments(permissions):
                when = merge(delivery.when, way)
                if when is not None:
                    yield from self._judge(context, delivery, target, in_deployment(permissions, way), way, when)

    def _judge(
        self,
        context: RuleContext,
        delivery: Delivery,
        target: Resource,
        permissions: list[LambdaPermission],
        way: When,
        when: When,
    ) -> Iterator[Finding]:
        """One deployment's permissions (``way``) against the delivery (``when``: both together)."""
        verdicts = [(permission, _covers(context, permission, delivery)) for permission in permissions]
        covering = [permission for permission, verdict in verdicts if verdict is True]
        if covering:
            yield from _order(context, delivery, covering)
            return
        if any(verdict is None for _, verdict in verdicts):
            return
        mismatched = [permission for permission, verdict in verdicts if verdict == SOURCE_MISMATCH]
        if mismatched:
            permission = mismatched[0]
            yield context.report(
                context.locate(permission.resource, ("SourceArn",)),
                f"{permission.resource.source_id} lets {delivery.service} invoke {target.source_id} only for "
                f"another source{qualifier(way)}, but {delivery.what} invokes it, so {delivery.without}; set "
                f"SourceArn to {delivery.source_arn} (or add a permission for it)",
                resource=permission.resource.source_id,
                related=[
                    Related(
                        f"{delivery.what} invokes {target.source_id} here",
                        context.locate(delivery.holder, delivery.path).span,
                    ),
                    *context.when_related(when),
                ],
            )
            return
        invoked, function_name = _invoked(context, delivery, target)
        unqualified = _on_function_only(context, delivery, target, way) if invoked != target.source_id else None
        if unqualified is not None:
            yield context.report(
                context.locate(unqualified.resource, ("FunctionName",)),
                f"{unqualified.resource.source_id} lets {delivery.service} invoke {target.source_id} itself, but "
                f"{delivery.what} invokes {invoked}, whose permissions are its own{qualifier(way)}, so "
                f"{delivery.without}; write FunctionName: {function_name} (or add a permission for the alias)",
                resource=unqualified.resource.source_id,
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
            f"{delivery.service} and SourceArn: {delivery.source_arn}",
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


def _on_function_only(context: RuleContext, delivery: Delivery, target: Resource, way: When) -> LambdaPermission | None:
    """A permission that would let the delivery invoke the function itself in every deployment ``way``
    names, while it invokes an alias: the permission to edit."""
    unqualified = replace(delivery, invoked=None)
    for permission in lambda_permissions(context.template, target) or []:
        if permission.when <= way and _covers(context, permission, unqualified) is True:
            return permission
    return None


def _covers(context: RuleContext, permission: LambdaPermission, delivery: Delivery) -> bool | str | None:
    """True when the permission lets this delivery invoke; SOURCE_MISMATCH when only its SourceArn
    names something else; False when it is about another principal or action; None: unknown."""
    allowed = permits(permission, "lambda:InvokeFunction", delivery.service)
    if allowed is not True:
        return allowed
    if not permission.source_known:
        return None
    if permission.source_arn is None:
        return True
    if delivery.source_spellings:
        match = names(permission.source_arn, delivery.source_spellings, context.template)
        return True if match is Match.YES else None if match is Match.MAYBE else SOURCE_MISMATCH
    # An ARN samcheck does not spell (an API's execution ARNs carry stage, method and path): naming
    # the source is what counts, and naming another of its type is naming another source.
    named = [context.template.resources.get(name.split(".", 1)[0]) for name in tokens(permission.source_arn)]
    if any(resource is delivery.source for resource in named):
        return True
    if any(resource is not None and resource.type == delivery.source.type for resource in named):
        return SOURCE_MISMATCH
    return None


def _order(context: RuleContext, delivery: Delivery, covering: list[LambdaPermission]) -> Iterator[Finding]:
    """S3 and load balancers validate the permission when they are created."""
    if not delivery.ordered:
        return
    before = context.graph.created_before(delivery.holder.logical_id)
    if any(permission.resource.logical_id in before for permission in covering):
        return
    permission = covering[0].resource
    created = delivery.what if delivery.holder is delivery.source else delivery.holder.source_id
    yield context.report(
        context.locate(delivery.holder, delivery.path),
        f"{created} may be created before {permission.source_id}, the permission it needs, and then "
        f"{delivery.without} ({delivery.service} checks it at creation); add DependsOn: {permission.logical_id} "
        f"to {delivery.holder.source_id}",
        resource=delivery.holder.source_id,
        related=[
            Related(f"permission {permission.source_id}", context.locate(permission).span),
            *context.when_related(delivery.when),
        ],
    )
