from collections.abc import Iterator

from samcheck.analysis.iam import lambda_permissions, permits
from samcheck.analysis.wiring import target_of
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity

# What a public function URL's resource policy must allow everyone (Principal "*").
_NEEDED = ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction")


class FunctionUrlPermissions(Rule):
    """A function URL with ``AuthType: NONE`` is public only if the function's resource policy says
    so: a permission for ``Principal: "*"`` with ``lambda:InvokeFunctionUrl`` (and
    ``FunctionUrlAuthType: NONE``) and, for URLs created since October 2025, a second one with
    ``lambda:InvokeFunction``. Without them every request is answered 403 Forbidden. SAM's
    ``FunctionUrlConfig`` adds both.

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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for url in context.of_type("AWS::Lambda::Url"):
            auth = context.property(url, "AuthType")
            target = target_of(template, url.properties.get("TargetFunctionArn"))
            if auth.value.single != "NONE" or target is None or target.resource is None:
                continue
            if context.property(url, "Qualifier").present:
                continue  # the permission then names the alias; which one is not followed
            permissions = lambda_permissions(template, target.resource)
            if permissions is None:
                continue
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
            if missing:
                yield context.report(
                    auth.location,
                    f'this function URL is public (AuthType NONE), but no permission lets Principal "*" call '
                    f"{' and '.join(missing)} on {target.resource.source_id}, so every request gets 403 Forbidden; "
                    "add an AWS::Lambda::Permission for each (InvokeFunctionUrl with FunctionUrlAuthType: NONE)",
                    resource=url.source_id,
                    related=[Related(f"function {target.resource.source_id}", context.locate(target.resource).span)],
                )
