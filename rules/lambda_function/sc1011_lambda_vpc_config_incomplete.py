from collections.abc import Iterator

from samcheck.analysis.lists import list_counts
from samcheck.analysis.values import qualifier, together
from samcheck.rule import Finding, Rule, RuleContext, Severity


class LambdaVpcConfigIncomplete(Rule):
    """A function's ``VpcConfig`` needs both subnets and security groups: with only one of them the
    deploy fails. At most 16 subnets and 5 security groups are allowed. Each branch of an undecided
    ``Fn::If`` and each allowed value of a list parameter is judged, and a finding names which.

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
    resource_types = frozenset({"AWS::Lambda::Function"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        limits = {
            "SubnetIds": context.limit("lambda-vpc-subnets-max"),
            "SecurityGroupIds": context.limit("lambda-vpc-security-groups-max"),
        }
        for function in context.of_type("AWS::Lambda::Function"):
            if not context.branches(function, "VpcConfig").nodes:
                continue
            counts = {key: list_counts(context.template, function, ("VpcConfig", key)) for key in limits}
            for (subnets, groups), when in together(counts["SubnetIds"], counts["SecurityGroupIds"]):
                if (subnets.surely and not groups.possibly) or (groups.surely and not subnets.possibly):
                    missing, present = (
                        ("SecurityGroupIds", "SubnetIds") if not groups.possibly else ("SubnetIds", "SecurityGroupIds")
                    )
                    yield context.report(
                        context.locate(function, ("VpcConfig",)),
                        f"VpcConfig has {present} but no {missing}{qualifier(when)}; a function in a VPC needs "
                        f"both, add {missing} or remove VpcConfig",
                        resource=function.source_id,
                        related=context.when_related(when),
                    )
            for key, limit in limits.items():
                for count, when in counts[key]:
                    if count.surely > limit:
                        bound = "" if count.surely == count.possibly else "at least "
                        yield context.report(
                            context.locate(function, ("VpcConfig", key)),
                            f"VpcConfig.{key} lists {bound}{count.surely} > {limit:g} allowed{qualifier(when)}; "
                            "use fewer",
                            resource=function.source_id,
                            related=context.when_related(when),
                        )
