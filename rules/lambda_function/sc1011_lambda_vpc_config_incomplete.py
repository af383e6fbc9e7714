from collections.abc import Iterator
from typing import Any

from samcheck.rule import Finding, Rule, RuleContext, Severity


class LambdaVpcConfigIncomplete(Rule):
    """A function's ``VpcConfig`` needs both subnets and security groups: with only one of them the
    deploy fails. At most 16 subnets and 5 security groups are allowed.

    **Anti-pattern**

    ```yaml
    VpcConfig:
      SubnetIds: [subnet-0a1b2c, subnet-3d4e5f]
    ```

    **Best practice**

    ```yaml
    VpcConfig:
      SubnetIds: [subnet-0a1b2c, subnet-3d4e5f]
      SecurityGroupIds: [sg-0123456789abcdef0]
    ```
    """

    id = "SC1011"
    name = "lambda-vpc-config-incomplete"
    severity = Severity.ERROR
    summary = "VpcConfig with subnets but no security groups (or the reverse), or too many of either"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html"
    tags = ("lambda", "network")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limits = {
            "SubnetIds": context.limit("lambda-vpc-subnets-max"),
            "SecurityGroupIds": context.limit("lambda-vpc-security-groups-max"),
        }
        for function in context.of_type("AWS::Lambda::Function"):
            vpc = function.properties.get("VpcConfig")
            if not isinstance(vpc, dict):
                continue
            counts = {key: _count(context, vpc.get(key)) for key in limits}
            location = context.locate(function, ("VpcConfig",))
            subnets, groups = counts["SubnetIds"], counts["SecurityGroupIds"]
            if (subnets and groups == 0) or (groups and subnets == 0):
                missing = "SecurityGroupIds" if groups == 0 else "SubnetIds"
                present = "SubnetIds" if groups == 0 else "SecurityGroupIds"
                yield context.report(
                    location,
                    f"VpcConfig has {present} but no {missing}; a function in a VPC needs both, "
                    f"add {missing} or remove VpcConfig",
                    resource=function.source_id,
                )
            for key, limit in limits.items():
                count = counts[key]
                if count is not None and count > limit:
                    yield context.report(
                        context.locate(function, ("VpcConfig", key)),
                        f"VpcConfig.{key} lists {count} > {limit:g} allowed; use fewer",
                        resource=function.source_id,
                    )


def _count(context: RuleContext, raw: Any) -> int | None:
    """How many entries a list has; None when unknown (e.g. a list parameter without a value)."""
    if raw is None:
        return 0
    if isinstance(raw, list):
        return len(raw)
    value = context.resolve(raw).single
    return len(value) if isinstance(value, list) else None
