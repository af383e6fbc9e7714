from collections.abc import Iterator

from samcheck.analysis.arns import has_tokens
from samcheck.analysis.iam import (
    LambdaPermission,
    in_deployment,
    lambda_permissions,
    permission_deployments,
    permission_parts,
    permits,
)
from samcheck.analysis.placement import Placement, permission_to_edit
from samcheck.analysis.values import Candidate, qualifier, texts, together
from samcheck.analysis.wiring import reaches
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity

# What a public function URL's resource policy must allow everyone (Principal "*").
_NEEDED = ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction")


class FunctionUrlPermissions(Rule):
    """A function URL with ``AuthType: NONE`` is public only if the function's resource policy says
    so: a permission for ``Principal: "*"`` with ``lambda:InvokeFunctionUrl`` (and
    ``FunctionUrlAuthType: NONE``) and, for URLs created since October 2025, a second one with
    ``lambda:InvokeFunction``. Without them every request is answered 403 Forbidden. SAM's
    ``FunctionUrlConfig`` adds both. Every ``AuthType`` a parameter allows and every function an
    ``Fn::If`` may point the URL at is judged; the finding says when. It sits on the permission
    whose ``Principal`` or ``FunctionUrlAuthType`` is wrong, and on the URL's ``AuthType`` when none
    exists.

    **Anti-pattern**

    ```yaml
    Url:
      Type: AWS::Lambda::Url
      Properties:
        TargetFunctionArn: !GetAtt Hook.Arn
        AuthType: NONE
    ```

    **Best practice**

    ```yaml
    UrlInvokeFunctionUrl:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: !Ref Hook
        Action: lambda:InvokeFunctionUrl
        Principal: "*"
        FunctionUrlAuthType: NONE
    UrlInvokeFunction:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: !Ref Hook
        Action: lambda:InvokeFunction
        Principal: "*"
        InvokedViaFunctionUrl: true
    ```
    """

    id = "SC8003"
    name = "function-url-permissions"
    severity = Severity.ERROR
    summary = "A public function URL (AuthType NONE) whose function lets no one call it (every request 403)"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"
    tags = ("lambda", "permissions")
    resource_types = frozenset({"AWS::Lambda::Url"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for url in context.of_type("AWS::Lambda::Url"):
            auth = context.property(url, "AuthType")
            public = [case for case in texts(auth) if case.value == "NONE"]
            if not public or context.property(url, "Qualifier").present:
                continue  # a qualified URL's permission names the alias; which one is not followed
            for reach in reaches(template, url, "TargetFunctionArn"):
                target = reach.target.resource
                permissions = lambda_permissions(template, target) if target is not None else None
                if target is None or permissions is None:
                    continue
                # Permissions with a known set are judged in each deployment they differ in.
                judged = [
                    ((missing, deployed), way)
                    for way in permission_deployments(permissions)
                    if (missing := _missing(deployed := in_deployment(permissions, way)))
                ]
                cases = together([Candidate(target, reach.when)], public, [Candidate(m, w) for m, w in judged])
                findings = {when: found for (_, _, found), when in cases}
                for when, (missing, deployed) in sorted(findings.items(), key=lambda item: sorted(item[0])):
                    place = _to_edit(deployed, missing)
                    problem = (
                        f"this function URL is public (AuthType NONE){qualifier(when)}, but no permission lets "
                        f'Principal "*" call {" and ".join(missing)} on {target.source_id}, so every request gets '
                        "403 Forbidden"
                    )
                    function = Related(f"function {target.source_id}", context.locate(target).span)
                    if place is None:
                        yield context.report(
                            auth.location,
                            f"{problem}; add an AWS::Lambda::Permission for each (InvokeFunctionUrl with "
                            "FunctionUrlAuthType: NONE)",
                            resource=url.source_id,
                            related=[function, *context.when_related(when)],
                        )
                        continue
                    yield context.report(
                        context.locate(place.holder, place.path),
                        f"{problem}; {place.edit} in {place.holder.source_id}",
                        resource=place.holder.source_id,
                        related=[
                            Related("the public URL is here", auth.location.span),
                            function,
                            *context.when_related(when),
                        ],
                    )


def _to_edit(permissions: list[LambdaPermission], missing: list[str]) -> Placement | None:
    """The permission for the one missing action that has one property wrong (its Principal, or the
    FunctionUrlAuthType of a lambda:InvokeFunctionUrl one)."""
    if len(missing) != 1:
        return None
    action = missing[0]
    candidates = [
        (permission.resource, _parts(permission, action))
        for permission in permissions
        if permission_parts(permission, action, "*")["Action"] is True
    ]
    return permission_to_edit(candidates, {"Principal": '"*"', "FunctionUrlAuthType": "NONE"})


def _parts(permission: LambdaPermission, action: str) -> dict[str, bool | None]:
    parts: dict[str, bool | None] = {"Principal": permission.principal == "*" if permission.principal else None}
    if action == "lambda:InvokeFunctionUrl":
        auth = permission.url_auth_type
        parts["FunctionUrlAuthType"] = None if auth is not None and has_tokens(auth) else auth in ("NONE", None)
    return parts


def _missing(permissions: list[LambdaPermission]) -> list[str]:
    """The actions no permission certainly lets everyone call (none where one may)."""
    missing = []
    for action in _NEEDED:
        verdicts = [permits(permission, action, "*") for permission in permissions]
        public = [
            permission
            for permission, verdict in zip(permissions, verdicts, strict=True)
            if verdict and permission.principal == "*"
        ]
        if action == "lambda:InvokeFunctionUrl":
            public = [permission for permission in public if permission.url_auth_type in ("NONE", None)]
        if not public and None not in verdicts:
            missing.append(action)
    return missing
