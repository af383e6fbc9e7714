from collections.abc import Iterator

from samcheck.analysis.physical_names import Naming, namings, shown
from samcheck.analysis.reference_kinds import fix_for
from samcheck.analysis.values import qualifier
from samcheck.rule import Finding, NodePath, Rule, RuleContext, Severity, property_name


class CreationRace(Rule):
    """A property that names another resource of the template by its physical name, ARN or URL
    written out (``FunctionName: orders-handler``, ``!Sub arn:...:queue-name``) instead of
    referring to it does not make CloudFormation wait for that resource. Nothing else ordering
    them (no ``Ref``, ``GetAtt``, ``${}`` or ``DependsOn``, directly or through other resources),
    CloudFormation creates both at once, and the stack fails whenever this one comes first
    ("Function not found", "The role with name ... cannot be found"), often only on the first
    deploy. Refer to the resource (``!Ref``, ``!GetAtt X.Arn``) or add ``DependsOn``. Judged for
    each value of a known set; base path mappings are SC4014's.

    **Anti-pattern**

    ```yaml
    AllowS3:
      Type: AWS::Lambda::Permission
      Properties:
        Action: lambda:InvokeFunction
        FunctionName: orders-handler      # the FunctionName of Handler
        Principal: s3.amazonaws.com
    ```

    **Best practice**

    ```yaml
    AllowS3:
      Type: AWS::Lambda::Permission
      Properties:
        Action: lambda:InvokeFunction
        FunctionName: !Ref Handler
        Principal: s3.amazonaws.com
    ```
    """

    id = "SC0024"
    name = "creation-race"
    severity = Severity.WARNING
    summary = "A resource named by its literal name or ARN that nothing orders before its user"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html"
    tags = ("template", "ordering")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        reported: set[tuple[str, tuple[object, ...], str]] = set()
        for naming in namings(context.template):
            target = naming.named.resource
            key = (naming.holder.logical_id, naming.path, target.logical_id)
            if key in reported or target.logical_id in context.created_before(naming.holder.logical_id):
                continue
            reported.add(key)
            yield self._report(context, naming)

    def _report(self, context: RuleContext, naming: Naming) -> Finding:
        holder, named = naming.holder, naming.named
        target = named.resource
        reference = fix_for(target.type, target.logical_id, naming.kinds)
        instead = f"write {reference} instead, or " if reference else ""
        location = context.locate(holder, naming.path)
        return context.report(
            location,
            f"{_written_name(location.source_path)} names {named.row.label} {shown(named.name)} of {target.source_id} "
            f"by its {naming.form}{qualifier(naming.when)}, and nothing makes CloudFormation create "
            f"{holder.source_id} after {target.source_id}: it fails ('not found') whenever it is created "
            f"first; {instead}add DependsOn: {target.logical_id} to {holder.source_id}",
            resource=holder.source_id,
            related=context.when_related(naming.when),
        )


def _written_name(source_path: NodePath) -> str:
    """The property as the user wrote it (a SAM event's ``Queue``, not the mapping's EventSourceArn)."""
    steps = list(source_path)
    last = max((i for i, step in enumerate(steps) if step == "Properties"), default=len(steps) - 1)
    return property_name(tuple(steps[last + 1 :])) or "this property"
