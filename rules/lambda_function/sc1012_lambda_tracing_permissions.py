from collections.abc import Iterator
from typing import Any

from samcheck.analysis.values import Candidate, lists, mappings, qualifier, texts, together
from samcheck.analysis.wiring import reaches
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity, referenced

# AWS managed policies that grant xray:PutTraceSegments.
XRAY_MANAGED_POLICIES = ("AWSXRayDaemonWriteAccess", "AWSXrayWriteOnlyAccess", "AWSXrayFullAccess")
_XRAY_ACTIONS = {"xray:puttracesegments", "xray:*", "*"}


class LambdaTracingPermissions(Rule):
    """``Tracing: Active`` makes the function send trace segments to X-Ray, which needs
    ``xray:PutTraceSegments``. SAM adds that permission to the role it creates, but not to a role
    you give in ``Role``: without it the traces are silently dropped. Checked when the role is
    defined in the template and all of its policies are known; each allowed value of a parameter
    and each branch of an undecided ``Fn::If`` (of the mode, the role or its policies) is judged.

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
    resource_types = frozenset({"AWS::Lambda::Function", "AWS::IAM::Role"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for function in context.of_type("AWS::Lambda::Function"):
            tracing = context.property(function, ("TracingConfig", "Mode"))
            active = [case for case in texts(tracing) if case.value == "Active"]
            if not active:
                continue
            for reach in reaches(template, function, "Role"):
                role = reach.target.resource  # a role from outside the template: its policies are unknown
                if role is None or role.type != "AWS::IAM::Role" or role.origin.generated:
                    continue
                runs_as = [Candidate(role, reach.when)]
                for (_, _, grants), when in together(active, runs_as, _grants_xray(context, role)):
                    if grants is not False:
                        continue
                    yield context.report(
                        tracing.location,
                        f"Tracing is Active but role {role.source_id} grants no xray:PutTraceSegments"
                        f"{qualifier(when)}, so traces are dropped; add the AWSXRayDaemonWriteAccess managed "
                        "policy to the role",
                        resource=function.source_id,
                        related=[
                            Related(f"role {role.source_id} defined here", context.locate(role).span),
                            *context.when_related(when),
                        ],
                    )


def _grants_xray(context: RuleContext, role: Resource) -> list[Candidate]:
    """Whether the role can write traces, in each way its policies may be deployed: True if it
    surely can, False if surely not, None if a policy document cannot be read. No candidate when
    a policy is known only at deploy time. A policy resource that attaches to the role in some
    branch counts as attached (it can only add a grant)."""
    managed = context.property(role, "ManagedPolicyArns", default=[])
    inline = context.property(role, "Policies", default=[])
    documents = [context.property(policy, "PolicyDocument") for policy in _attached(context, role)]
    if not all(read.value.known for read in (managed, inline, *documents)):
        return []
    found = []
    for (arns, policies, *attached), when in together(lists(managed), lists(inline), *map(mappings, documents)):
        inline_documents = [p.get("PolicyDocument") if isinstance(p, dict) else None for p in policies]
        answers = [
            any(isinstance(arn, str) and arn.rsplit("/", 1)[-1] in XRAY_MANAGED_POLICIES for arn in arns),
            *map(_document_grants, [*inline_documents, *attached]),
        ]
        grants = True if True in answers else None if None in answers else False
        found.append(Candidate(grants, when))
    return found


def _attached(context: RuleContext, role: Resource) -> list[Resource]:
    """The policy resources that name the role (in any branch of their Roles or RoleName)."""
    return [
        policy
        for policy in context.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy")
        if any(
            referenced(node, {role.logical_id: role})
            for key in ("Roles", "RoleName")
            for node in context.branches(policy, key).nodes
        )
    ]


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
