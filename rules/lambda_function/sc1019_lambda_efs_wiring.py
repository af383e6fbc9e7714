from collections.abc import Iterator
from typing import Any

from samcheck.analysis.values import Candidate, qualifier, together
from samcheck.analysis.wiring import reaches, reaches_of
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity


class LambdaEfsWiring(Rule):
    """A function mounts an EFS file system through an access point inside its VPC: with
    ``FileSystemConfigs`` but no ``VpcConfig`` Lambda rejects the function. When the file system's
    mount targets are in the same template, the function must be created after them (``DependsOn``
    a mount target); otherwise CloudFormation may create it first and the create fails while the
    mount target is still coming up (a warning: it depends on timing).

    **Anti-pattern**

    ```yaml
    Reader:
      Type: AWS::Serverless::Function
      Properties:
        FileSystemConfigs:
          - Arn: !GetAtt AccessPoint.Arn
            LocalMountPath: /mnt/data
    ```

    **Best practice**

    ```yaml
    Reader:
      Type: AWS::Serverless::Function
      DependsOn: MountTargetA
      Properties:
        VpcConfig:
          SubnetIds: [!Ref SubnetA]
          SecurityGroupIds: [!Ref FunctionSecurityGroup]
        FileSystemConfigs:
          - Arn: !GetAtt AccessPoint.Arn
            LocalMountPath: /mnt/data
    ```
    """

    id = "SC1019"
    name = "lambda-efs-wiring"
    severity = Severity.ERROR
    summary = "A function with FileSystemConfigs but no VpcConfig, or created before its file system's mount targets"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-filesystem.html"
    tags = ("lambda", "efs", "wiring")
    resource_types = frozenset({"AWS::Lambda::Function", "AWS::EFS::MountTarget"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        mount_targets = list(context.of_type("AWS::EFS::MountTarget"))
        for function in context.of_type("AWS::Lambda::Function"):
            mounts = context.branches(function, "FileSystemConfigs")
            where = context.locate(function, ("FileSystemConfigs",))
            vpc = context.branches(function, "VpcConfig")
            for configs, when in zip(mounts.nodes, mounts.whens, strict=True):
                if not isinstance(configs, list) or not configs:
                    continue
                # Without any VpcConfig in any deployment (one that only some branches leave out
                # cannot be tied to this branch, so it is not judged).
                if not vpc.nodes and vpc.sometimes_absent:
                    yield context.report(
                        where,
                        f"{function.source_id} mounts a file system but has no VpcConfig{qualifier(when)}: Lambda "
                        "reaches EFS only inside the VPC of its mount targets; add VpcConfig with those subnets and "
                        "a security group",
                        resource=function.source_id,
                        related=context.when_related(when),
                    )
                mounted = [Candidate(configs, when)]
                for config in configs:
                    arn = config.get("Arn") if isinstance(config, dict) else None
                    for (access_point, _), reached in together(_reached(context, arn), mounted):
                        systems = _file_systems(context, access_point)
                        targets = [target for target in mount_targets if _file_systems(context, target) & systems]
                        if not targets:  # asked before the graph: most runs never need to build it
                            continue
                        before = context.created_before(function.logical_id)
                        if not any(target.logical_id in before for target in targets):
                            yield context.report(
                                where,
                                f"{function.source_id} mounts {access_point.source_id}{qualifier(reached)}, whose file "
                                f"system's mount targets ({', '.join(t.source_id for t in targets)}) it does not wait "
                                "for: CloudFormation may create the function first and the create fails; add "
                                f"DependsOn: {targets[0].source_id}",
                                resource=function.source_id,
                                severity=Severity.WARNING,
                                related=[
                                    *(Related(f"mount target {t.source_id}", context.locate(t).span) for t in targets),
                                    *context.when_related(reached),
                                ],
                            )


def _reached(context: RuleContext, arn: Any) -> list[Candidate]:
    """The access points of the template an ``Arn`` written in a FileSystemConfigs entry may name."""
    return [
        Candidate(reach.target.resource, reach.when)
        for reach in reaches_of(context.template, context.template.resolver.branches(arn, ()))
        if reach.target.resource is not None
    ]


def _file_systems(context: RuleContext, holder: Resource) -> set[str]:
    """The file systems of the template an access point's or mount target's FileSystemId may name."""
    return {
        reach.target.resource.logical_id
        for reach in reaches(context.template, holder, "FileSystemId")
        if reach.target.resource is not None
    }
