from collections.abc import Iterator
from typing import Any

from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity, referenced

# AWS managed policies that grant xray:PutTraceSegments.
XRAY_MANAGED_POLICIES = ("AWSXRayDaemonWriteAccess", "AWSXrayWriteOnlyAccess", "AWSXrayFullAccess")
_XRAY_ACTIONS = {"xray:puttracesegments", "xray:*", "*"}


class LambdaTracingPermissions(Rule):
    """``Tracing: Active`` makes the function send trace segments to X-Ray, which needs
    ``xray:PutTraceSegments``. SAM adds that permission to the role it creates, but not to a role
    you give in ``Role``: without it the traces are silently dropped. Checked when the role is
    defined in the template and all of its policies are known.

    **Anti-pattern**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Tracing: Active
        Role: !GetAtt FnRole.Arn  # a role with only AWSLambdaBasicExecutionRole
    ```

    **Best practice**

    ```yaml
    FnRole:
      Type: AWS::IAM::Role
      Properties:
        ManagedPolicyArns:
          - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
          - arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess
    ```
    """

    id = "SC1012"
    name = "lambda-tracing-permissions"
    severity = Severity.WARNING
    summary = "Tracing: Active with an explicit role that cannot write to X-Ray"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html"
    tags = ("lambda", "iam")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        resources = context.resources
        for function in context.of_type("AWS::Lambda::Function"):
            tracing = context.property(function, ("TracingConfig", "Mode"))
            if tracing.value.single != "Active":
                continue
            roles = {name for name, _, _ in referenced(function.properties.get("Role"), resources)}
            if len(roles) != 1:
                continue  # a role from outside the template: its policies are unknown
            role = resources[roles.pop()]
            if role.type != "AWS::IAM::Role" or role.origin.generated:
                continue
            grants = _grants_xray(context, role)
            if grants is False:
                yield context.report(
                    tracing.location,
                    f"Tracing is Active but role {role.source_id} grants no "
                    "xray:PutTraceSegments, so traces are "
                    "dropped; add the AWSXRayDaemonWriteAccess managed policy to the role",
                    resource=function.source_id,
                    related=[Related(f"role {role.source_id} defined here", context.locate(role).span)],
                )


def _grants_xray(context: RuleContext, role: Resource) -> bool | None:
    """True if the role can write traces, False if surely not, None if its policies are unknown."""
    documents = [p.get("PolicyDocument") for p in role.properties.get("Policies") or [] if isinstance(p, dict)]
    for policy in context.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"):
        attached = policy.properties.get("Roles") or [policy.properties.get("RoleName")]
        if any(role.logical_id == name for name, _, _ in referenced(attached, {role.logical_id: role})):
            documents.append(policy.properties.get("PolicyDocument"))
    managed = role.properties.get("ManagedPolicyArns") or []
    for arn in managed if isinstance(managed, list) else [managed]:
        value = context.resolve(arn).single
        if not isinstance(value, str):
            return None
        if value.rsplit("/", 1)[-1] in XRAY_MANAGED_POLICIES:
            return True
    known = True
    for document in documents:
        grant = _document_grants(context.resolve(document).single)
        if grant:
            return True
        known = known and grant is not None
    return False if known else None


def _document_grants(document: Any) -> bool | None:
    if not isinstance(document, dict):
        return None
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action")
        for action in actions if isinstance(actions, list) else [actions]:
            if isinstance(action, str) and action.lower() in _XRAY_ACTIONS:
                return True
    return False
