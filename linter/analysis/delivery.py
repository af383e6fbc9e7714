"""Where AWS services deliver on the template's behalf, and so need a resource policy or a role that
lets them: every caller in the catalogue ``schemas/callers.json`` (S3 notifications, SNS
subscriptions, EventBridge rule and Scheduler targets, API Gateway integrations and authorizers,
load balancer target groups, Logs subscription filters, alarm actions, Cognito triggers, Config
rules, IoT rule actions, SES receipt rules, Secrets Manager rotation, Firehose processors, AppSync
data sources), each naming a function, queue, topic, state machine, stream, build project or API
destination; and the integrations an API's OpenAPI body writes.

Each delivery says which service principal calls which action on which target, on behalf of which
source (what ``aws:SourceArn`` names), with which role when the service calls with one instead of
its own principal, and what happens when the target's policy or the role does not let it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, NamedTuple

from samcheck.analysis import per_template
from samcheck.analysis.apis import openapi_operations
from samcheck.analysis.arns import spellings, symbolic, symbolic_property, tokens
from samcheck.analysis.iam import Access, Request, decide, deployments, role_policies
from samcheck.analysis.values import ALWAYS, Candidate, When, candidates, merge, qualifier, texts, together
from samcheck.analysis.wiring import Target, reaches, target_of
from samcheck.cfn.document import get_path
from samcheck.datafiles import load_json
from samcheck.findings import NodePath
from samcheck.model.template import Resource, Template

FUNCTION_TYPES = frozenset({"AWS::Lambda::Function", "AWS::Lambda::Alias", "AWS::Lambda::Version"})


class Caller(NamedTuple):
    """One row of the catalogue: a property of a resource type that names what a service calls."""

    type: str  # the holder's resource type
    target: tuple[str, ...]  # the path that names the target: "[]" each list item, "{}" each mapping key
    service: str  # the service principal, "s3.amazonaws.com"
    principal: frozenset[str]  # the target types it calls as its own principal
    role: frozenset[str]  # the target types it calls with the role at role_path
    role_path: tuple[str, ...] | None
    role_if_given: bool  # it calls with the role only when one is written, else as its principal
    unsure_with_role: bool  # a role written for a target it calls as its principal: how it delivers is unknown
    source: tuple[str, ...] | None  # the holder's property naming what aws:SourceArn names; None: the holder
    noun: str  # what the source is, for messages: "S3 bucket"
    source_arn: str  # how a template writes aws:SourceArn, {name} the source's logical ID
    without: str  # what happens when the grant is missing
    without_role: str  # what happens when a target it calls only with a role has none
    ordered: bool  # the service checks the grant when the holder is created
    only_when: tuple[tuple[str, ...], frozenset[str]] | None  # a property the holder must have one of these values in
    names: str  # "arn", or "integration-uri": an API Gateway integration URI
    default_policy_allows: bool  # the target's default policy (same account) lets the service in


def _steps(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


@cache
def catalogue() -> tuple[dict[str, str], tuple[Caller, ...]]:
    """The action each target type is called with, and the callers (read once per run)."""
    data = load_json("callers.json")
    callers = []
    for row in data["callers"]:
        only_when = row.get("only_when")
        callers.append(
            Caller(
                row["type"],
                _steps(row["target"]),
                row["service"],
                _with_aliases(row["principal"]),
                _with_aliases(row.get("role", [])),
                _steps(row["role_path"]) if "role_path" in row else None,
                row.get("role_if_given", False),
                row.get("unsure_with_role", False),
                None if row["source"] == "self" else _steps(row["source"]),
                row["noun"],
                row["source_arn"],
                row["without"],
                row.get("without_role", row["without"]),
                row.get("ordered", False),
                (_steps(only_when["path"]), frozenset(only_when["values"])) if only_when else None,
                row.get("names", "arn"),
                row.get("default_policy_allows", False),
            )
        )
    return data["actions"], tuple(callers)


def _with_aliases(types: list[str]) -> frozenset[str]:
    """A function's aliases and versions are called as the function is."""
    return frozenset(types) | (FUNCTION_TYPES if "AWS::Lambda::Function" in types else frozenset())


def action_of(target_type: str | None) -> str:
    return catalogue()[0][target_type or ""]


class Delivery(NamedTuple):
    holder: Resource  # the resource that says where events go
    path: NodePath  # where it names the target (below Properties)
    service: str  # the service principal, "s3.amazonaws.com"
    what: str  # the source, for messages: "S3 bucket Uploads" (and when it delivers there, if not always)
    source: Resource  # what aws:SourceArn names (the bucket, topic, rule, API, target group)
    source_spellings: tuple[str, ...]  # its symbolic ARNs; empty: any ARN that names it counts
    target: Target
    without: str  # what happens when the target's policy (or the role) does not let the service; without any role
    invoked: str | None = None  # how the function is named (symbolic), qualifier included
    ordered: bool = False  # the holder is validated at creation: the permission must exist first
    role: Any = None  # the role the service delivers with instead of its own principal, as written
    when: When = ALWAYS  # the deployments that deliver there (an Fn::If branch of the target)
    source_form: str = "!GetAtt {name}.Arn"  # how a template writes aws:SourceArn for the source
    role_path: NodePath | None = None  # where the holder names the role
    needs_role: bool = False  # the service calls this target only with a role, and none is written
    default_policy_allows: bool = False  # the target needs no policy of the template to let the service in

    @property
    def action(self) -> str:
        return action_of(self.target.type)

    @property
    def source_arn(self) -> str:
        """How a template writes the ARN aws:SourceArn takes for this source."""
        return self.source_form.format(name=self.source.logical_id)


def deliveries(template: Template) -> list[Delivery]:
    return _deliveries(template)


def principal_deliveries(template: Template, target_types: Iterable[str]) -> Iterator[tuple[Delivery, Resource]]:
    """Deliveries a service makes as its own principal (no role) to a target of the template of these
    types: the ones a resource policy or Lambda permission must let in."""
    wanted = frozenset(target_types)
    for delivery in _deliveries(template):
        target = delivery.target.resource
        if target is not None and target.type in wanted and delivery.role is None and not delivery.needs_role:
            yield delivery, target


@per_template
def _deliveries(template: Template) -> list[Delivery]:
    found: list[Delivery] = []
    for caller in catalogue()[1]:
        for holder in template.of_type(caller.type):
            found += _called(template, caller, holder)
    found += _openapi(template)
    actions = catalogue()[0]
    return [delivery for delivery in found if delivery.target.type in actions]


def _called(template: Template, caller: Caller, holder: Resource) -> list[Delivery]:
    """What one holder delivers to, by one row of the catalogue."""
    found: list[Delivery] = []
    written = template.resolver.settle(holder.properties)  # as written: an Fn::If decided here is its branch
    for path, filled in _expand(written, caller.target):  # the entries, each read below
        assumed = [Candidate(None)]
        if caller.only_when is not None:
            written, values = caller.only_when
            cases = candidates(template.property(holder, filled(written)))
            assumed = [case for case in cases if case.value in values]
        if caller.source is None:
            source: Resource | None = holder
        else:
            named = target_of(template, get_path(holder.properties, filled(caller.source)))  # as written: one
            source = named.resource if named is not None else None
        if source is None:
            continue  # a source known only at deploy time (or several): not judged
        role_path = filled(caller.role_path) if caller.role_path is not None else None
        role = get_path(holder.properties, role_path) if role_path is not None else None  # as written: read later
        for case in assumed:
            for delivery in _delivery(template, caller, holder, path, source, case.when):
                found += _with_role(caller, delivery, role, role_path)
    return found


def _with_role(caller: Caller, delivery: Delivery, role: Any, role_path: NodePath | None) -> list[Delivery]:
    """The delivery as the service makes it: with the role, as its principal, or not at all."""
    kind = delivery.target.type
    if kind in caller.role and role is None and not caller.role_if_given:
        return [delivery._replace(role_path=role_path, needs_role=True, without=caller.without_role)]
    if kind in caller.role and role is not None:
        return [delivery._replace(role=role, role_path=role_path)]
    if kind in caller.principal and not (role is not None and caller.unsure_with_role):
        return [delivery]
    return []


def _expand(node: Any, steps: tuple[str, ...], at: NodePath = ()) -> Iterator[tuple[NodePath, Any]]:
    """Each place a catalogue path names in a holder's properties as written, with a function that
    fills the same list items and mapping keys into another path of the row."""
    if not steps:
        if isinstance(node, dict) and not any(key == "Ref" or key.startswith("Fn::") for key in node):
            return  # a mapping, not a value: a longer path of the row reads inside it
        yield at, _filler(at)
        return
    step, rest = steps[0], steps[1:]
    if step == "[]":
        for index, item in enumerate(node if isinstance(node, list) else []):
            yield from _expand(item, rest, (*at, index))
    elif step == "{}":
        for key, value in node.items() if isinstance(node, dict) else []:
            yield from _expand(value, rest, (*at, key))
    elif isinstance(node, dict) and step in node:
        yield from _expand(node[step], rest, (*at, step))


def _filler(at: NodePath) -> Any:
    """Fills another path of the row with the list items and keys of ``at``: the paths of a row share
    their prefix (``Targets.[].Arn``, ``Targets.[].RoleArn``), so the steps line up."""

    def filled(steps: tuple[str, ...]) -> NodePath:
        return tuple(
            at[index] if step in ("[]", "{}") and index < len(at) else step for index, step in enumerate(steps)
        )

    return filled


def _delivery(
    template: Template, caller: Caller, holder: Resource, path: NodePath, source: Resource, assumed: When
) -> list[Delivery]:
    """What a holder delivers to at ``path``: one delivery per ``Fn::If`` branch naming a resource of
    the template, with when (within the deployments ``assumed`` names)."""
    if caller.names == "integration-uri":
        return _api_delivery(template, caller, holder, source, path, symbolic_property(template, holder, path))
    found = []
    branches = template.branches(holder, path)
    for node, branch_when in zip(branches.nodes, branches.whens, strict=True):
        target = target_of(template, node)
        when = merge(branch_when, assumed)
        if target is None or target.resource is None or when is None:
            continue
        what = f"{caller.noun} {source.source_id}{qualifier(when)}"
        invoked = symbolic(template, node)
        found.append(
            Delivery(
                holder,
                path,
                caller.service,
                what,
                source,
                spellings(template, source),
                target,
                caller.without,
                invoked,
                caller.ordered,
                when=when,
                source_form=caller.source_arn,
                default_policy_allows=caller.default_policy_allows,
            )
        )
    return found


_FUNCTION_IN_URI = re.compile(r"/functions/(.+)/invocations")


# An OpenAPI body's integrations are made as these resources' are.
_OPENAPI_CALLERS = {
    "AWS::ApiGateway::RestApi": "AWS::ApiGateway::Method",
    "AWS::ApiGatewayV2::Api": "AWS::ApiGatewayV2::Integration",
}


def _openapi(template: Template) -> list[Delivery]:
    rows = {caller.type: caller for caller in catalogue()[1]}
    found: list[Delivery] = []
    for api, path, integration in openapi_operations(template):
        if "credentials" in integration:
            continue  # API Gateway calls the function with that role, not its own principal
        caller = rows[_OPENAPI_CALLERS[api.type]]
        found += _api_delivery(template, caller, api, api, (*path, "uri"), symbolic(template, integration.get("uri")))
    return found


def _api_delivery(
    template: Template, caller: Caller, holder: Resource, api: Resource, path: NodePath, uri: str | None
) -> list[Delivery]:
    """The function an integration URI invokes, when it names one of the template."""
    if uri is None:
        return []
    named = {name.split(".", 1)[0] for name in tokens(uri) if name.endswith((".Arn", ".Ref"))}
    resources = [template.resources.get(name) for name in sorted(named)]
    functions = [resource for resource in resources if resource is not None and resource.type in FUNCTION_TYPES]
    if len(functions) != 1:
        return []
    what = f"{caller.noun} {api.source_id}"
    invoked = _FUNCTION_IN_URI.search(uri)
    target = Target.of(functions[0])
    form = caller.source_arn
    if invoked is None:
        return [Delivery(holder, path, caller.service, what, api, (), target, caller.without, source_form=form)]
    return [
        Delivery(
            holder,
            path,
            caller.service,
            f"{what}{stage}{qualifier(when)}",
            api,
            (),
            target,
            caller.without,
            named,
            when=when,
            source_form=form,
        )
        for named, stage, when in _with_stage_variables(template, api, invoked.group(1))
    ]


_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")
# Resources that make a stage of an API, with the API property and where its stage variables are.
_STAGES: list[tuple[str, str, NodePath]] = [
    ("AWS::ApiGateway::Stage", "RestApiId", ("Variables",)),
    ("AWS::ApiGateway::Deployment", "RestApiId", ("StageDescription", "Variables")),
    ("AWS::ApiGatewayV2::Stage", "ApiId", ("StageVariables",)),
]


def _with_stage_variables(template: Template, api: Resource, invoked: str) -> list[tuple[str, str, When]]:
    """How an integration names its function in each stage of the API: a ``${stageVariables.x}``
    in it (an alias chosen per stage) takes each stage's value, with " (stage prod)" for messages;
    none when a stage's value is unknown here (a parameter) or no stage of the template sets it."""
    used = set(_STAGE_VARIABLE.findall(invoked))
    if not used:
        return [(invoked, "", ALWAYS)]
    found = []
    for stage_type, api_key, variables_path in _STAGES:
        for stage in template.of_type(stage_type):
            of_api = [reach.when for reach in reaches(template, stage, api_key) if reach.target.resource is api]
            if not of_api:
                continue
            read = {name: template.property(stage, (*variables_path, name)) for name in used}
            if not all(variable.present for variable in read.values()):
                continue  # a stage without the variable cannot call the function at all
            values = {name: texts(variable) for name, variable in read.items()}
            if any(not cases for cases in values.values()):
                return []  # a stage whose variable is known only at deploy time: what it invokes is not known
            for (*chosen, _), when in together(*values.values(), [Candidate(api, way) for way in of_api]):
                filled = _fill_stage_variables(invoked, dict(zip(values, chosen, strict=True)))
                found.append((filled, f" (stage {_stage_name(template, stage)})", when))
    return found


def _fill_stage_variables(text: str, values: dict[str, str]) -> str:
    return _STAGE_VARIABLE.sub(lambda match: values[match.group(1)], text)


def _stage_name(template: Template, stage: Resource) -> str:
    names = texts(template.property(stage, "StageName"))
    return names[0].value if len(names) == 1 else stage.source_id


def role_access(template: Template, delivery: Delivery) -> list[tuple[Access, When]] | None:
    """For a delivery made with a role: whether the role's policies let it, in each way they may be
    deployed (UNKNOWN for a role outside the template); None when the service calls as its own principal."""
    if delivery.role is None:
        return None
    role = target_of(template, delivery.role)
    if role is None or role.resource is None or role.resource.type != "AWS::IAM::Role":
        return [(Access.UNKNOWN, ALWAYS)]
    target = delivery.target.resource
    targets = spellings(template, target) if target is not None else ()
    if delivery.invoked is not None and delivery.invoked not in targets:
        targets = (*targets, delivery.invoked)
    policies = role_policies(template, role.resource)
    request = Request(delivery.action, targets)
    return [(decide(template, policies, request, way), way) for way in deployments(policies)]
