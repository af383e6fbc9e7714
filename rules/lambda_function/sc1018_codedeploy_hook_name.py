from collections.abc import Iterable, Iterator

from samcheck.analysis.values import Candidate, lists, qualifier, texts, together
from samcheck.analysis.wiring import reaches
from samcheck.rule import Finding, NodePath, Related, Resource, Rule, RuleContext, Severity, get_path, referenced

PREFIX = "CodeDeployHook_"
# The managed policies of the role SAM makes for CodeDeploy: they let it invoke only functions
# named CodeDeployHook_*.
_LIMITED_POLICIES = ("AWSCodeDeployRoleForLambda", "AWSCodeDeployRoleForLambdaLimited")
_HOOKS = {"BeforeAllowTrafficHook": "PreTraffic", "AfterAllowTrafficHook": "PostTraffic"}


class CodedeployHookName(Rule):
    """With the role SAM creates for CodeDeploy (no ``DeploymentPreference.Role``), CodeDeploy may
    invoke only functions whose name starts with ``CodeDeployHook_``: a ``PreTraffic`` or
    ``PostTraffic`` hook with any other name (or none, so CloudFormation makes one up) is denied,
    and every deployment of the function fails and rolls back. Name the hook
    ``CodeDeployHook_…``, or give CodeDeploy a role that may invoke it.

    **Anti-pattern**

    ```yaml
    DeploymentPreference:
      Type: Canary10Percent5Minutes
      Hooks:
        PreTraffic: !Ref PreTrafficCheck   # no FunctionName
    ```

    **Best practice**

    ```yaml
    PreTrafficCheck:
      Type: AWS::Serverless::Function
      Properties:
        FunctionName: CodeDeployHook_orders_pre_traffic
    ```
    """

    id = "SC1018"
    name = "codedeploy-hook-name"
    severity = Severity.ERROR
    summary = "A CodeDeploy traffic hook the SAM-made CodeDeploy role may not invoke (name not CodeDeployHook_*)"
    url = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/automating-updates-to-serverless-apps.html"
    tags = ("lambda", "codedeploy", "permissions")
    resource_types = frozenset({"AWS::Lambda::Alias"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        functions = {f.logical_id: f for f in context.of_type("AWS::Lambda::Function")}
        for alias in context.of_type("AWS::Lambda::Alias"):
            policy_path = ("UpdatePolicy", "CodeDeployLambdaAliasUpdate")
            update = get_path(alias.definition, policy_path)  # as written: an attribute, not a resolved property
            if not isinstance(update, dict):
                continue
            group = _single(referenced(update.get("DeploymentGroupName"), template.resources), template.resources)
            if group is None:
                continue
            # The managed policies of CodeDeploy's role, where they limit it to CodeDeployHook_* functions.
            limited = [
                Candidate(policies, when)
                for reach in reaches(template, group, "ServiceRoleArn")
                if reach.target.resource is not None
                for (policies, _), when in together(
                    _limited_policies(context, reach.target.resource), [Candidate(reach, reach.when)]
                )
            ]
            for key, sam_name in _HOOKS.items():
                hook = _single(referenced(update.get(key), functions), functions)
                if hook is None:
                    continue
                name = context.property(hook, "FunctionName")
                names = texts(name) if name.present else [Candidate(None)]  # None: CloudFormation names it
                for (policies, written), when in together(limited, names):
                    if isinstance(written, str) and written.startswith(PREFIX):
                        continue
                    shown = (
                        f"is named {written}"
                        if written is not None
                        else "has no FunctionName, so CloudFormation names it"
                    )
                    # SAM: at DeploymentPreference.Hooks; by hand: at the alias whose UpdatePolicy names it.
                    where = (
                        context.locate(group, ("Hooks", sam_name)) if alias.origin.generated else context.locate(alias)
                    )
                    yield context.report(
                        where,
                        f"the {sam_name} hook {hook.source_id} {shown}{qualifier(when)}, but CodeDeploy's role (only "
                        f"{', '.join(policies)}) may invoke only functions named {PREFIX}*: every deployment "
                        f"fails and rolls back; set its FunctionName to {PREFIX}{hook.source_id}, or give "
                        "CodeDeploy a role that may invoke it (DeploymentPreference.Role)",
                        resource=alias.source_id,
                        related=[
                            Related(f"hook {hook.source_id}", context.locate(hook).span),
                            *context.when_related(when),
                        ],
                    )


def _single(found: Iterable[tuple[str, str, NodePath]], resources: dict[str, Resource]) -> Resource | None:
    """The one resource a property refers to; None for none or several."""
    names = {name for name, _, _ in found}
    return resources[names.pop()] if len(names) == 1 else None


def _limited_policies(context: RuleContext, role: Resource) -> list[Candidate]:
    """The managed policies of a role whose only permissions are the CodeDeploy-for-Lambda ones,
    in each way it may be deployed where they are; none for any other role (inline policies,
    other managed policies, or not known)."""
    if role.type != "AWS::IAM::Role":
        return []
    inline = context.property(role, "Policies", default=[])
    managed = context.property(role, "ManagedPolicyArns")
    found = []
    for (policies, arns), when in together(lists(inline), lists(managed)):
        names = [arn.rsplit("/", 1)[-1] for arn in arns if isinstance(arn, str)]
        if not policies and names and len(names) == len(arns) and set(names) <= set(_LIMITED_POLICIES):
            found.append(Candidate(names, when))
    return found
