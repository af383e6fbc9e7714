from collections.abc import Iterator
from functools import cache

from samcheck.analysis.values import texts
from samcheck.rule import SAM_PREFIX, Finding, Rule, RuleContext, Severity, get_path


@cache
def predefined_deployment_types() -> frozenset[str]:
    """The DeploymentPreference types SAM maps to CodeDeploy's predefined configurations."""
    from samtranslator.model.preferences.deployment_preference_collection import (
        CODEDEPLOY_PREDEFINED_CONFIGURATIONS_LIST,
    )

    return frozenset(CODEDEPLOY_PREDEFINED_CONFIGURATIONS_LIST)


class LambdaAliasRequired(Rule):
    """SnapStart only applies to published versions: a SAM function with
    ``SnapStart: {ApplyOn: PublishedVersions}`` and no ``AutoPublishAlias`` never publishes one, so
    SnapStart silently does nothing. A ``DeploymentPreference.Type`` that is not one of SAM's
    predefined names (``Canary10Percent5Minutes``, ``Linear10PercentEvery1Minute``, ``AllAtOnce``…) is
    passed through as a custom CodeDeploy configuration name and fails late, at deploy time, unless
    such a configuration exists. (``ProvisionedConcurrencyConfig`` or ``DeploymentPreference`` without
    ``AutoPublishAlias`` are rejected by the translator itself: SC0003 reports them at the property.)

    **Anti-pattern**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: java21
        SnapStart:
          ApplyOn: PublishedVersions
        DeploymentPreference:
          Type: Canary15Percent5Minutes
    ```

    **Best practice**

    ```yaml
    Fn:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: java21
        AutoPublishAlias: live
        SnapStart:
          ApplyOn: PublishedVersions
        DeploymentPreference:
          Type: Canary10Percent5Minutes
    ```
    """

    id = "SC1010"
    name = "lambda-alias-required"
    severity = Severity.ERROR
    summary = "SnapStart without AutoPublishAlias, or an unknown DeploymentPreference type"
    url = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-deploymentpreference.html"
    tags = ("lambda", "sam")
    resource_types = frozenset({"AWS::Serverless::Function", "AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        versions = {v.source_id for v in context.of_type("AWS::Lambda::Version") if v.origin.generated}
        for function in context.of_type("AWS::Lambda::Function"):
            if not function.origin.source_type.startswith(SAM_PREFIX):
                continue
            apply_on = context.property(function, ("SnapStart", "ApplyOn"))
            if "PublishedVersions" in apply_on.candidates and function.source_id not in versions:
                yield context.report(
                    apply_on.location,
                    "SnapStart applies to published versions, but without AutoPublishAlias SAM "
                    "publishes none; "
                    "add AutoPublishAlias (e.g. 'AutoPublishAlias: live')",
                    resource=function.source_id,
                    severity=Severity.WARNING,
                )
        # Configurations this template defines, and CodeDeploy's own full names, exist.
        custom = {
            case.value
            for config in context.of_type("AWS::CodeDeploy::DeploymentConfig")
            for case in texts(context.property(config, "DeploymentConfigName"))
        }
        for logical_id, source in template.source_resources.items():
            if source.get("Type") != "AWS::Serverless::Function":
                continue
            path: tuple[str, ...] = ("Resources", logical_id, "Properties", "DeploymentPreference", "Type")
            raw = get_path(template.source, path)  # as written: DeploymentPreference exists only in the SAM source
            if raw is None:
                path = ("Globals", "Function", "DeploymentPreference", "Type")
                raw = get_path(template.source, path)  # as written: the Globals SAM merges it from
            written = context.resolve(raw)
            unknown = [
                case.value
                for case in texts(written)
                if case.value not in predefined_deployment_types()
                and case.value not in custom
                and not case.value.startswith("CodeDeployDefault.")
            ]
            if unknown:
                _, span = context.document.source_map.nearest(path)
                known = ", ".join(sorted(predefined_deployment_types()))
                yield context.report(
                    span,
                    f"DeploymentPreference.Type {written.describe(unknown)} is not a predefined type, "
                    "so SAM passes it to "
                    f"CodeDeploy as a custom configuration name that must already exist; use one of {known}",
                    resource=logical_id,
                    related=context.parameter_related(written),
                )
