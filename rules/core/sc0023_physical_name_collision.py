from collections.abc import Iterator

from samcheck.analysis.physical_names import Named, physical_names, shown
from samcheck.analysis.values import ALWAYS, merge, qualifier
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity, When


class PhysicalNameCollision(Rule):
    """Two resources of one template that would be created with the same physical name: a queue,
    function, table, bucket, log group or role name written twice, two stages of one API with the
    same ``StageName`` (a ``Deployment``'s ``StageName`` creates a stage too), two aliases of one
    function. CloudFormation creates the first and the second fails ("already exists"), which rolls
    the stack back. samcheck compares names it knows: literals, each allowed value of a parameter,
    each ``Fn::If`` branch, and names built from the same ``Sub`` with the same unknown parts
    (``${AWS::StackName}-orders`` twice); IAM names are compared ignoring case, as IAM does. SAM
    names some resources itself: an ``AWS::Serverless::Api`` without ``OpenApiVersion`` gets a stage
    named ``Stage`` from its deployment, so ``StageName: Stage`` collides with it.

    **Anti-pattern**

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: !Sub ${AWS::StackName}-orders
    Retries:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: !Sub ${AWS::StackName}-orders
    ```

    **Best practice**

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: !Sub ${AWS::StackName}-orders
    Retries:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: !Sub ${AWS::StackName}-retries
    ```
    """

    id = "SC0023"
    name = "physical-name-collision"
    severity = Severity.ERROR
    summary = "Two resources that would be created with the same physical name"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html"
    tags = ("template", "ordering")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        names = physical_names(context.template)
        earlier: dict[tuple[str, str, str], list[Named]] = {}
        collisions: dict[tuple[str, str], list[tuple[Named, Named, When]]] = {}
        for named in names:
            for other in earlier.setdefault(named.key, []):
                when = merge(other.when, named.when)
                if other.resource is not named.resource and when is not None and _fails(context, other, named):
                    pair = (other.resource.logical_id, named.resource.logical_id)
                    collisions.setdefault(pair, []).append((other, named, when))
            earlier[named.key].append(named)
        for found in collisions.values():
            first, second, when = found[0]
            # Colliding in every deployment the name is given in (one parameter names both): once, unqualified.
            given = {n.when for n in names if n.resource is second.resource and n.row is second.row}
            every = len(found) > 1 and {w for _, _, w in found} >= given
            shown_names = " / ".join(dict.fromkeys(shown(n.name) for _, n, _ in found)) if every else shown(second.name)
            yield self._report(context, *_edited_second(context, first, second), ALWAYS if every else when, shown_names)

    def _report(self, context: RuleContext, first: Named, second: Named, when: When, name: str) -> Finding:
        label = second.row.label
        scope = f" in {_scope_shown(second.scope)}" if second.row.scope else ""
        return context.report(
            context.locate(second.resource, second.path),
            f"{label} name {name}{scope}{qualifier(when)} is also the name "
            f"{_described(first.resource)} creates: CloudFormation creates one and the other fails "
            f"('already exists'); {_fix(first, second)}",
            resource=second.resource.source_id,
            related=[
                Related(
                    f"{label} {shown(first.name)} created by {_described(first.resource)}",
                    # SAM's own stage name is written nowhere: its API
                    context.locate(first.resource, () if _sam_stage(first) else first.path).span,
                ),
                *context.when_related(when),
            ],
        )


def _fails(context: RuleContext, first: Named, second: Named) -> bool:
    """Whether creating both fails. A deployment's StageName redeploys a stage that exists: it
    fails only when it comes first and the Stage after it (the Stage refers to it, as SAM's does)."""
    if first.row.reuses_existing and second.row.reuses_existing:
        return False
    if not (first.row.reuses_existing or second.row.reuses_existing):
        return True
    reuser, creator = (first, second) if first.row.reuses_existing else (second, first)
    return reuser.resource.logical_id in context.created_before(creator.resource.logical_id)


def _edited_second(context: RuleContext, first: Named, second: Named) -> tuple[Named, Named]:
    """The pair with the name to report second: one the user wrote rather than one SAM made up."""
    template = context.template
    if not template.user_wrote(second.resource, second.path) and template.user_wrote(first.resource, first.path):
        return second, first
    return first, second


def _sam_stage(named: Named) -> bool:
    """The stage SAM's deployment of an AWS::Serverless::Api creates (named Stage)."""
    resource = named.resource
    return resource.type == "AWS::ApiGateway::Deployment" and resource.origin.source_type == "AWS::Serverless::Api"


def _fix(first: Named, second: Named) -> str:
    if _sam_stage(first) or _sam_stage(second):
        return (
            "SAM's deployment of an API without OpenApiVersion creates a stage named Stage: set "
            "OpenApiVersion (for example 3.0.1) or choose another StageName"
        )
    if first.row.scope is not None:
        return f"give one of them another {first.row.property}"  # names within a parent are chosen, not generated
    return (
        f"give one of them another {first.row.property} (or leave it out and let CloudFormation generate a unique name)"
    )


def _described(resource: Resource) -> str:
    if resource.logical_id == resource.source_id:
        return resource.logical_id
    return f"the {resource.type.rsplit('::', 1)[-1].lower()} SAM generates for {resource.source_id}"


def _scope_shown(scope: str) -> str:
    """The parent names are unique within: its logical ID where the scope refers to it."""
    written = shown(scope)
    return written[2:-1] if written.startswith("${") and written.endswith("}") and written.count("$") == 1 else written
