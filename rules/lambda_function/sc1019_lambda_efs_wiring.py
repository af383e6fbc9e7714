from collections.abc import Iterator

from samcheck.analysis.wiring import target_of
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity, get_path, referenced


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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        mount_targets = list(context.of_type("AWS::EFS::MountTarget"))
        for function in context.of_type("AWS::Lambda::Function"):
            configs = function.properties.get("FileSystemConfigs")
            if not isinstance(configs, list) or not configs:
                continue
            where = context.locate(function, ("FileSystemConfigs",))
            if function.properties.get("VpcConfig") is None:
                yield context.report(
                    where,
                    f"{function.source_id} mounts a file system but has no VpcConfig: Lambda reaches EFS only "
                    "inside the VPC of its mount targets; add VpcConfig with those subnets and a security group",
                    resource=function.source_id,
                )
            before = context.graph.created_before(function.logical_id)
            for config in configs:
                access_point = target_of(template, config.get("Arn") if isinstance(config, dict) else None)
                if access_point is None or access_point.resource is None:
                    continue
                file_system = get_path(access_point.resource.properties, ("FileSystemId",))
                systems = {name for name, _, _ in referenced(file_system, template.resources)}
                targets = [
                    target
                    for target in mount_targets
                    if systems & {name for name, _, _ in referenced(target.properties.get("FileSystemId"), systems)}
                ]
                if targets and not any(target.logical_id in before for target in targets):
                    yield context.report(
                        where,
                        f"{function.source_id} mounts {access_point.resource.source_id}, whose file system's mount "
                        f"targets ({', '.join(t.source_id for t in targets)}) it does not wait for: CloudFormation "
                        f"may create the function first and the create fails; add DependsOn: {targets[0].source_id}",
                        resource=function.source_id,
                        severity=Severity.WARNING,
                        related=[Related(f"mount target {t.source_id}", context.locate(t).span) for t in targets],
                    )
