from collections import defaultdict
from collections.abc import Iterator
from typing import NamedTuple

from samcheck.analysis.arns import network_interface, spellings, stream_spellings, symbolic, symbolic_property
from samcheck.analysis.delivery import action_of, deliveries, role_access
from samcheck.analysis.iam import Access, Policies, Request, deployments, execution_roles, refused, role_policies
from samcheck.analysis.iam_actions import misspelled
from samcheck.analysis.lists import list_counts
from samcheck.analysis.placement import Placement, Wanted, statement_to_edit
from samcheck.analysis.statemachines import State, state_machines, task_functions, walk_states
from samcheck.analysis.values import ALWAYS, Candidate, When, merge, qualifier, together
from samcheck.analysis.wiring import EventSource, Target, event_sources, function_behind, reaches, target_of
from samcheck.rule import Finding, NodePath, Related, Resource, Rule, RuleContext, Severity
from samcheck.rules.permissions._hints import arn_of, deliverer, target_named

# What a mapping's role must be allowed on its source, by kind.
_POLLING = {
    "sqs": ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
    "kinesis": ("kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream"),
    "dynamodb": ("dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"),
}
_SOURCE_TYPES = frozenset({"AWS::SQS::Queue", "AWS::Kinesis::Stream", "AWS::DynamoDB::Table"})
_VPC = ("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface")
_QUEUES_AND_TOPICS = frozenset({"AWS::SQS::Queue", "AWS::SNS::Topic"})
_SENDS_TO = _QUEUES_AND_TOPICS | {"AWS::Lambda::Function"}
MAPPING_FAILS = "the event source mapping fails to create"
FUNCTION_FAILS = "the function fails to create"


class _Need(NamedTuple):
    actions: tuple[str, ...]
    targets: tuple[str, ...]  # symbolic ARNs of what they act on
    what: str  # "Jobs", for messages
    why: str  # "its sqs event source"
    fails: str
    related: Related  # what needs it
    when: When = ALWAYS  # the deployments that need it
    arn: str = '"*"'  # how a policy's Resource names what they act on


class ExecutionRoleGrants(Rule):
    """A function's execution role must allow what Lambda does with it on the function's behalf:
    read its event sources (SQS ``sqs:ReceiveMessage``, ``sqs:DeleteMessage``,
    ``sqs:GetQueueAttributes``; Kinesis and DynamoDB streams ``GetRecords``, ``GetShardIterator``,
    ``DescribeStream``), manage network interfaces in a VPC (``ec2:CreateNetworkInterface``,
    ``DescribeNetworkInterfaces``, ``DeleteNetworkInterface``), and send to its dead-letter queue
    and failure destinations (``sqs:SendMessage``, ``sns:Publish``, ``lambda:InvokeFunction``). A
    state machine's role must allow ``lambda:InvokeFunction`` on the functions its Task states invoke
    (by unqualified ARN or name; an alias's grant is not judged), or the Task fails at run time.
    Lambda checks them when the mapping, the function or the invoke configuration is created, which
    then fails. The callers of ``schemas/callers.json`` that deliver with a role need it to allow the
    invoke, send, start or put: EventBridge state machine, stream, build project and API destination
    targets (which need a ``RoleArn``: without one EventBridge refuses the target and the deploy
    fails), Scheduler schedules, EventBridge pipes' dead-letter queues (DynamoDB and Kinesis
    sources), IoT rule actions, Logs subscriptions to streams, Firehose processors, AppSync data
    sources and API Gateway integrations with credentials; the finding says which caller delivers to
    which target with the role.
    Policies samcheck cannot read (a managed policy it has no copy of, a parameter, a document that
    is an ``Fn::If`` of two, a policy attached to a role chosen at deploy time) leave the role alone;
    SAM's generated roles get these grants from the events and settings. A role, subnets, source or
    destination chosen by an ``Fn::If`` or a parameter's allowed values is judged for each choice,
    and the finding says which. It sits on the role statement to edit (the Deny, or the one with
    the wrong action or resource), else on the role's ``Policies`` (a SAM function's own when SAM
    makes the role).

    **Anti-pattern**

    ```yaml
    WorkerRole:
      Type: AWS::IAM::Role
      Properties:
        ManagedPolicyArns:
          - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
    ```

    **Best practice**

    ```yaml
    WorkerRole:
      Type: AWS::IAM::Role
      Properties:
        ManagedPolicyArns:
          - arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole
    ```
    """

    id = "SC8005"
    name = "execution-role-grants"
    severity = Severity.ERROR
    summary = "An execution role without what the function's event sources, VPC or failure destinations need"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html"
    tags = ("iam", "permissions", "lambda")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        mappings: dict[str, list[EventSource]] = defaultdict(list)
        for wiring in event_sources(template):
            if wiring.function is not None:
                mappings[wiring.function.logical_id].append(wiring)
        configs: dict[str, list[tuple[Resource, When]]] = defaultdict(list)
        for config in context.of_type("AWS::Lambda::EventInvokeConfig"):
            for reach in reaches(template, config, "FunctionName"):
                function = function_behind(template, reach.target)
                if function is not None:
                    configs[function.logical_id].append((config, reach.when))
        for function in context.of_type("AWS::Lambda::Function"):
            roles = _roles(context, function, "Role")
            if not roles:
                continue
            needs = _needs(context, function, mappings[function.logical_id], configs[function.logical_id])
            for (role, need), when in together(roles, [Candidate(need, need.when) for need in needs]):
                yield from _judge(context, function, role, need, when)
        yield from _state_machine_roles(context)
        yield from _delivery_roles(context)


def _needs(
    context: RuleContext, function: Resource, mappings: list[EventSource], configs: list[tuple[Resource, When]]
) -> Iterator[_Need]:
    template = context.template
    for wiring in mappings:
        source = wiring.source
        if wiring.kind not in _POLLING or source is None:
            continue
        if source.resource is not None and source.resource.type not in _SOURCE_TYPES:
            continue  # a stream consumer, or a source known by its ARN only
        where = Related(f"its {wiring.kind} event source ({function.source_id})", context.locate(wiring.mapping).span)
        targets = _targets(context, source, stream=wiring.kind == "dynamodb")
        why = f"its {wiring.kind} event source"
        stream = wiring.kind == "dynamodb" and source.resource is not None
        arn = f"!GetAtt {source.resource.logical_id}.StreamArn" if stream and source.resource else arn_of(source)
        yield _Need(_POLLING[wiring.kind], targets, source.name, why, MAPPING_FAILS, where, wiring.when, arn)
        path = ("DestinationConfig", "OnFailure", "Destination")
        why = "the OnFailure destination of its event source mapping"
        for destination, when in _sends(context, wiring.mapping, path, wiring.when, _QUEUES_AND_TOPICS):
            yield _Need(
                (action_of(destination.type),),
                _targets(context, destination),
                destination.name,
                why,
                MAPPING_FAILS,
                where,
                when,
                arn_of(destination),
            )
    subnets = list_counts(context.template, function, ("VpcConfig", "SubnetIds"))
    in_vpc = [case.when for case in subnets if case.value.surely]
    if in_vpc:
        eni = network_interface(template)
        where = Related(f"its VpcConfig ({function.source_id})", context.locate(function, ("VpcConfig",)).span)
        for when in [ALWAYS] if len(in_vpc) == len(subnets) else in_vpc:  # subnets in every deployment: once
            yield _Need(_VPC, (eni,), "its ENIs", "its VpcConfig", FUNCTION_FAILS, where, when)
    for dead_letter, when in _sends(context, function, ("DeadLetterConfig", "TargetArn"), ALWAYS, _QUEUES_AND_TOPICS):
        where = Related(
            f"its dead-letter queue ({function.source_id})", context.locate(function, ("DeadLetterConfig",)).span
        )
        actions = (action_of(dead_letter.type),)
        yield _Need(
            actions,
            _targets(context, dead_letter),
            dead_letter.name,
            "its dead-letter queue",
            FUNCTION_FAILS,
            where,
            when,
            arn_of(dead_letter),
        )
    yield from _destinations(context, configs)


def _destinations(context: RuleContext, configs: list[tuple[Resource, When]]) -> Iterator[_Need]:
    for config, config_when in configs:
        for outcome in ("OnFailure", "OnSuccess"):
            path = ("DestinationConfig", outcome, "Destination")
            for destination, when in _sends(context, config, path, config_when, _SENDS_TO):
                actions = (action_of(destination.type),)
                where = Related(f"its {outcome} destination", context.locate(config, path).span)
                fails = "the EventInvokeConfig fails to create"
                why = f"its {outcome} destination"
                targets = _targets(context, destination)
                yield _Need(actions, targets, destination.name, why, fails, where, when, arn_of(destination))


def _sends(
    context: RuleContext, holder: Resource, path: NodePath, when: When, types: frozenset[str]
) -> Iterator[tuple[Target, When]]:
    """What a destination property may name, of these types: one per ``Fn::If`` branch, with when
    (merged with the deployments ``when`` names)."""
    sent = [Candidate(reach.target, reach.when) for reach in reaches(context.template, holder, path)]
    for (target, _), both in together(sent, [Candidate(holder, when)]):
        if target.type in types:
            yield target, both


def _targets(context: RuleContext, target: Target, stream: bool = False) -> tuple[str, ...]:
    """The symbolic ARNs of a target of the template, or the ARN written out."""
    if target.resource is None:
        return (target.arn,) if target.arn else ()
    if stream:
        return stream_spellings(context.template, target.resource)
    return spellings(context.template, target.resource)


def _roles(context: RuleContext, holder: Resource, property_name: str) -> list[Candidate]:
    """The roles of the template a function or state machine runs as, each with when."""
    return [Candidate(role, when) for role, when in execution_roles(context.template, holder, property_name)]


def _judge(
    context: RuleContext,
    holder: Resource,
    role: Resource,
    need: _Need,
    when: When,
    relation: str = "the execution role of",
) -> Iterator[Finding]:
    """``when``: the deployments where the holder runs as the role and has the need."""
    template = context.template
    if not need.targets:
        return
    policies = role_policies(template, role)
    for way in deployments(policies):  # policies with a known set are judged in each deployment
        both = merge(when, way)
        if both is not None:
            yield from _report(context, holder, role, need, both, relation, policies, way)


def _report(
    context: RuleContext,
    holder: Resource,
    role: Resource,
    need: _Need,
    when: When,
    relation: str,
    policies: Policies,
    way: When,
) -> Iterator[Finding]:
    """The finding when the role's policies, as deployed ``way``, do not grant the need."""
    requests = (Request(action, need.targets) for action in need.actions)
    verdicts = refused(context.template, policies, requests, way)
    if not verdicts:
        return
    missing = list(verdicts)
    denied = [action for action in missing if verdicts[action] is Access.DENIED]
    how = f"denies {', '.join(denied)}" if denied else f"does not allow {', '.join(missing)}"
    place = role_edit(context, role, policies, missing, need.targets, need.arn, way)
    fix = place.edit
    if not denied:
        written = [action for statement in policies.statements for action in statement.actions or ()]
        typo = next((found for action in missing if (found := misspelled(written, action))), None)
        if typo is not None:
            fix += f" ({typo} in its policies is no IAM action: a misspelling?)"
    yield context.report(
        context.locate(place.holder, place.path),
        f"{role.source_id}, {relation} {holder.source_id}, {how} on {need.what}, which {need.why} "
        f"needs{qualifier(when)}, so {need.fails}; {fix}",
        resource=holder.source_id,
        related=[need.related, *context.when_related(when)],
    )


def _state_machine_roles(context: RuleContext) -> Iterator[Finding]:
    """A state machine's role must let it invoke the functions its Task states name."""
    template = context.template
    for machine in state_machines(template):
        roles = _roles(context, machine.resource, "RoleArn")
        if not roles:
            continue
        invoked: dict[tuple[str, When], tuple[Resource, State]] = {}
        for state in walk_states(machine.definition):
            for task in task_functions(template, machine, state):
                function = task.function
                reference = symbolic(template, task.written)
                name = symbolic_property(template, function, "FunctionName")
                # a qualified ARN (an alias, a version) is not judged: the grant it needs differs
                if reference in spellings(template, function) or (reference is not None and reference == name):
                    invoked.setdefault((function.logical_id, task.when), (function, state))
        for (_, when), (function, state) in invoked.items():
            in_file = None if machine.file == context.file else machine.file
            where = Related(f"Task state {state.name}", machine.span(state.path), in_file)
            fails = "the Task fails at run time (States.TaskFailed: AccessDenied)"
            why = f"the Task state {state.name} of {machine.resource.source_id}"
            targets = spellings(template, function)
            arn = f"!GetAtt {function.logical_id}.Arn"
            need = _Need(("lambda:InvokeFunction",), targets, function.source_id, why, fails, where, when, arn)
            for (role, _), both in together(roles, [Candidate(need, need.when)]):
                yield from _judge(context, machine.resource, role, need, both, relation="the role of")


def _delivery_roles(context: RuleContext) -> Iterator[Finding]:
    """Callers that deliver with a role (EventBridge targets that take one, Scheduler, IoT rule
    actions, Firehose processors, AppSync data sources, API Gateway credentials): the role must allow
    the call, and a target the service reaches only through a role needs one."""
    template = context.template
    for delivery in deliveries(template):
        caller, receiver = deliverer(delivery), target_named(delivery.target)
        if delivery.needs_role:
            role_key = delivery.role_path[-1] if delivery.role_path else "RoleArn"
            targets = [delivery.target.resource] if delivery.target.resource is not None else []
            yield context.report(
                context.locate(delivery.holder, delivery.path),
                f"{caller} delivers to {receiver}, which {delivery.service} calls only with a role, but no "
                f"{role_key} is given, so {delivery.without}; add a {role_key} whose role trusts "
                f"{delivery.service} and allows {delivery.action} on {arn_of(delivery.target)}",
                resource=delivery.holder.source_id,
                related=[
                    *(Related(f"{target.source_id} defined here", context.locate(target).span) for target in targets),
                    *context.when_related(delivery.when),
                ],
            )
            continue
        role = target_of(template, delivery.role) if delivery.role is not None else None
        if role is None or role.resource is None:
            continue
        for access, way in role_access(template, delivery) or ():
            when = merge(delivery.when, way)
            if when is None or access not in (Access.NOT_GRANTED, Access.DENIED):
                continue
            spelled = spellings(template, delivery.target.resource) if delivery.target.resource else ()
            policies = role_policies(template, role.resource)
            arn = arn_of(delivery.target)
            place = role_edit(context, role.resource, policies, [delivery.action], spelled, arn, way)
            how = "deny" if access is Access.DENIED else "do not allow"
            yield context.report(
                context.locate(place.holder, place.path),
                f"{caller} delivers to {receiver} with role {role.resource.source_id}, whose policies {how} "
                f"{delivery.action} on it{qualifier(way)}, so {delivery.without}; {place.edit}",
                resource=role.resource.source_id,
                related=[
                    Related(
                        f"{delivery.holder.source_id} names the role here",
                        context.locate(delivery.holder, delivery.role_path or delivery.path).span,
                    ),
                    *context.when_related(when),
                ],
            )


def role_edit(
    context: RuleContext,
    role: Resource,
    policies: Policies,
    actions: list[str],
    targets: tuple[str, ...],
    what: str,
    way: When,
) -> Placement:
    """Where a role's missing grant is fixed: the statement a user wrote that is about it, else the
    role's policies (a SAM function's ``Policies`` when SAM makes the role)."""
    requests = [Request(action, targets) for action in actions]
    wanted = Wanted(tuple(actions), what)
    place = statement_to_edit(context.template, policies, requests, wanted, way)
    if place is not None:
        return place
    sam = role.origin.generated and role.source_id != role.logical_id
    policies_of = f"{role.source_id}'s Policies" if sam else "the role's policies"
    return Placement(role, ("Policies",), f"allow {', '.join(actions)} on {what} in {policies_of}")
