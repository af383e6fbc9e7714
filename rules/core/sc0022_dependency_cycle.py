from collections.abc import Iterator

from samcheck.analysis.cycles import Cycle, Ordering, dependency_cycles
from samcheck.analysis.values import qualifier
from samcheck.rule import Finding, Related, Resource, Rule, RuleContext, Severity, Span, get_path, referenced

# How each intrinsic is shown in a chain.
_WRITTEN = {"ref": "Ref", "getatt": "GetAtt", "sub": "Sub", "depends_on": "DependsOn"}
# The property that names a resource, so that others can use the name without waiting for it
# (by the type written in the source template).
_NAME_PROPERTIES = {
    "AWS::S3::Bucket": "BucketName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Serverless::SimpleTable": "TableName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Serverless::Function": "FunctionName",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::Serverless::StateMachine": "Name",
    "AWS::IAM::Role": "RoleName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::Kinesis::Stream": "Name",
}
_APIS = {"AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"}


class DependencyCycle(Rule):
    """CloudFormation creates a resource after every resource it refers to (``Ref``, ``GetAtt``,
    ``Sub``) or depends on (``DependsOn``). When those references go round in a circle, nothing
    can be created first and the stack is rejected ("Circular dependency between resources").
    SAM closes most of these circles out of sight: an ``S3`` event makes the bucket's notification
    need the function and its permission, an API's integration names its functions, a state
    machine's policy and definition name the functions it runs. samcheck follows the references
    of the deployed template (SAM expanded, each ``Fn::If`` branch and resource ``Condition``
    judged), reports each circle once at the reference you wrote that closes it, and lists the
    whole chain. The usual way out: give the resource a name built from parameters
    (``BucketName: !Sub ...``) and use that same name where you referred to the resource, read
    the value at run time instead, or drop a ``DependsOn`` the circle does not need.

    **Anti-pattern**

    ```yaml
    Uploads:
      Type: AWS::S3::Bucket
    Converter:
      Type: AWS::Serverless::Function
      Properties:
        Environment:
          Variables:
            OUTPUT_BUCKET: !Ref Uploads
        Events:
          Created:
            Type: S3
            Properties:
              Bucket: !Ref Uploads
              Events: s3:ObjectCreated:*
    ```

    **Best practice**

    ```yaml
    Uploads:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: !Sub ${AWS::StackName}-uploads-${AWS::AccountId}
    Converter:
      Type: AWS::Serverless::Function
      Properties:
        Environment:
          Variables:
            OUTPUT_BUCKET: !Sub ${AWS::StackName}-uploads-${AWS::AccountId}
        Events:
          Created:
            Type: S3
            Properties:
              Bucket: !Ref Uploads
              Events: s3:ObjectCreated:*
    ```
    """

    id = "SC0022"
    name = "dependency-cycle"
    severity = Severity.ERROR
    summary = "Resources that refer to each other in a circle, which CloudFormation rejects"
    url = "https://aws.amazon.com/blogs/infrastructure-and-automation/handling-circular-dependency-errors-in-aws-cloudformation/"
    tags = ("ordering",)

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for cycle in dependency_cycles(context.template):
            yield self._report(context, cycle)

    def _report(self, context: RuleContext, cycle: Cycle) -> Finding:
        places = [_written_at(context, edge) for edge in cycle.edges]
        # The edge to change: one the user wrote; of those, one naming a resource whose name the
        # template sets (the reference can use that), then what the function side reads (a bucket,
        # a state machine) rather than the function a trigger needs.
        closing = min(
            range(len(cycle.edges)),
            key=lambda i: (
                places[i] is None,
                _name_set(context, cycle.edges[i]) is None,
                context.resources[cycle.edges[i].target].type == "AWS::Lambda::Function",
            ),
        )
        edges = cycle.edges[closing + 1 :] + cycle.edges[: closing + 1]
        spans = places[closing + 1 :] + places[: closing + 1]
        edge = edges[-1]
        chain = " → ".join([edges[0].source, *(f"{e.target} ({_WRITTEN[e.kind]})" for e in edges)])
        return context.report(
            spans[-1] or context.locate(context.resources[edge.source]).span,
            f"circular dependency{qualifier(cycle.when)}, each needing the next: {chain}; CloudFormation "
            f"can create none of them first and rejects the stack ('Circular dependency between resources'); "
            f"{_way_out(context, edge)}",
            resource=context.resources[edge.source].source_id,
            related=[
                *(
                    Related(
                        f"{e.source} needs {e.target} ({_WRITTEN[e.kind]})",
                        span or context.locate(context.resources[e.source]).span,
                    )
                    for e, span in zip(edges, spans, strict=True)
                ),
                *context.when_related(cycle.when),
            ],
        )


def _written_at(context: RuleContext, edge: Ordering) -> Span | None:
    """Where the user wrote the reference or DependsOn of an edge; None where SAM wrote it."""
    template = context.template
    source, target = context.resources[edge.source], context.resources[edge.target]
    source_map = template.document.source_map
    if edge.kind == "depends_on":
        path = ("Resources", source.source_id, "DependsOn")
        written = get_path(template.source, path)
        if written == target.source_id:
            return source_map.entry(path)
        if isinstance(written, list) and target.source_id in written:
            return source_map.entry((*path, written.index(target.source_id)))
        return None
    location = context.locate(source, edge.path[1:])
    node = get_path(template.source, location.source_path)
    # A SAM resource's generated target is written by its own id (ServerlessRestApi, FnRole) or
    # by the SAM resource's.
    for names in ({target.logical_id}, {target.source_id}):
        for _, _, inner in referenced(node, names):
            return source_map.entry((*location.source_path, *inner)) or location.span
    return None


def _way_out(context: RuleContext, edge: Ordering) -> str:
    target = context.resources[edge.target]
    if edge.kind == "depends_on":
        return f"remove {target.source_id} from the DependsOn of {context.resources[edge.source].source_id}"
    if target.type in _APIS:
        return (
            f"a function behind {target.logical_id} can read the API's id and stage from each request "
            f"(event.requestContext) instead of referring to {target.logical_id}"
        )
    name_property = _name_property(target)
    if _name_set(context, edge) is not None:
        return (
            f"{target.source_id}'s {name_property} sets its name: build what this needs from that same "
            f"value (the parameter, or the !Sub) instead of referring to {target.source_id}"
        )
    if name_property is not None:
        return (
            f"give {target.source_id} a name built from parameters ({name_property}: !Sub "
            f"${{AWS::StackName}}-...) and build what this needs from that name with !Sub instead "
            f"of referring to {target.source_id}, or read the value at run time"
        )
    return (
        f"replace this reference to {target.logical_id} by a value that does not need it created "
        f"first (read at run time, or built with !Sub from parameters), or move it to a resource "
        f"outside the circle"
    )


def _name_property(target: Resource) -> str | None:
    """The property that names a resource. What SAM generates is named where its SAM resource is,
    if at all: only a resource written as it is deployed (or a SAM resource deployed under its own
    id) has one."""
    return _NAME_PROPERTIES.get(target.origin.source_type if target.source_id == target.logical_id else "")


def _name_set(context: RuleContext, edge: Ordering) -> str | None:
    """The name property the template sets on an edge's target, if any."""
    target = context.resources[edge.target]
    name_property = _name_property(target)
    if name_property is None or edge.kind == "depends_on":
        return None
    written = context.template.source_resources.get(target.source_id, {}).get("Properties")
    return name_property if isinstance(written, dict) and name_property in written else None
