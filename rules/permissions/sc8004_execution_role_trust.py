from collections.abc import Iterator

from samcheck.analysis.arns import spellings
from samcheck.analysis.delivery import deliveries
from samcheck.analysis.edge import edge_associations
from samcheck.analysis.iam import Access, Request, decide, deployments, policy_document
from samcheck.analysis.placement import Placement, Wanted, resource_policy_edit
from samcheck.analysis.values import When, merge, qualifier
from samcheck.analysis.wiring import reaches
from samcheck.rule import Finding, NodePath, Related, Resource, Rule, RuleContext, Severity
from samcheck.rules.permissions._hints import deliverer, target_named

# Who assumes a role, named by which property, and what fails when it cannot.
_ASSUMERS: list[tuple[str, NodePath, str, str]] = [
    ("AWS::Lambda::Function", ("Role",), "lambda.amazonaws.com", "the function fails to create"),
    ("AWS::StepFunctions::StateMachine", ("RoleArn",), "states.amazonaws.com", "the state machine fails to create"),
    ("AWS::Scheduler::Schedule", ("Target", "RoleArn"), "scheduler.amazonaws.com", "every invocation fails"),
    ("AWS::Pipes::Pipe", ("RoleArn",), "pipes.amazonaws.com", "the pipe fails to create"),
]
EDGE = "edgelambda.amazonaws.com"


class ExecutionRoleTrust(Rule):
    """A role a service runs as must trust that service: its ``AssumeRolePolicyDocument`` lets
    ``lambda.amazonaws.com`` (a function's ``Role``; ``edgelambda.amazonaws.com`` too for
    Lambda@Edge), ``states.amazonaws.com`` (a state machine's ``RoleArn``),
    ``scheduler.amazonaws.com`` or ``pipes.amazonaws.com`` call ``sts:AssumeRole``; so must the role a
    caller of ``schemas/callers.json`` delivers with (an IoT rule action's, a Firehose stream's, an
    AppSync data source's, an API integration's credentials, a schedule's) trust that caller, and
    the finding says which caller delivers to which target with it. Otherwise the
    function or state machine fails to create ("The role defined for the function cannot be
    assumed by Lambda"), and schedules fail every invocation. A trust condition samcheck cannot
    judge (or a trust policy that is an ``Fn::If`` of two) leaves the role alone; a holder whose role
    is chosen by an ``Fn::If`` has each role judged, and the finding says when. It sits on the
    trust statement to edit (the Deny, or the one for another service), else on the statement list.

    **Anti-pattern**

    ```yaml
    AssumeRolePolicyDocument:
      Statement:
        - Effect: Allow
          Principal: {Service: ec2.amazonaws.com}
          Action: sts:AssumeRole
    ```

    **Best practice**

    ```yaml
    AssumeRolePolicyDocument:
      Statement:
        - Effect: Allow
          Principal: {Service: lambda.amazonaws.com}
          Action: sts:AssumeRole
    ```
    """

    id = "SC8004"
    name = "execution-role-trust"
    severity = Severity.ERROR
    summary = "A role whose trust policy does not let the service that runs as it assume it"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html"
    tags = ("iam", "permissions")
    resource_types = frozenset({"AWS::IAM::Role"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        edge_functions = _edge_functions(context)
        # A schedule whose target is of the template is judged as the caller it is, naming the target.
        delivering = {delivery.holder.logical_id for delivery in deliveries(template) if delivery.role is not None}
        for resource_type, path, service, fails in _ASSUMERS:
            for holder in context.of_type(resource_type):
                if holder.logical_id in delivering:
                    continue
                for reach in reaches(template, holder, path):
                    role = reach.target.resource
                    if role is None or role.type != "AWS::IAM::Role":
                        continue
                    needs = [(service, fails)]
                    if holder.logical_id in edge_functions:
                        needs.append((EDGE, "it cannot be replicated to CloudFront's edge locations"))
                    for needed, failure in needs:
                        yield from self._trust(context, holder, path, role, reach.when, needed, failure)
        yield from self._callers(context)

    def _callers(self, context: RuleContext) -> Iterator[Finding]:
        """The roles callers of the catalogue deliver with (EventBridge targets, IoT rule actions,
        Firehose processors, AppSync data sources, API Gateway credentials) must trust the caller."""
        template = context.template
        seen = set()
        for delivery in deliveries(template):
            if delivery.role is None or delivery.role_path is None:
                continue
            for reach in reaches(template, delivery.holder, delivery.role_path):
                role, when = reach.target.resource, merge(reach.when, delivery.when)
                key = (delivery.holder.logical_id, delivery.role_path, role.logical_id if role else None, when)
                if role is None or role.type != "AWS::IAM::Role" or when is None or key in seen:
                    continue
                seen.add(key)
                uses = f"{deliverer(delivery)} delivers to {target_named(delivery.target)} with role {role.source_id}"
                for both, place in _untrusted(context, role, when, delivery.service):
                    yield context.report(
                        context.locate(role, place.path),
                        f"{uses}{qualifier(both)}: its trust policy does not let {delivery.service} assume it, so "
                        f"{delivery.without}; {place.edit}",
                        resource=role.source_id,
                        related=[
                            Related(
                                f"{delivery.holder.source_id} names the role here",
                                context.locate(delivery.holder, delivery.role_path).span,
                            ),
                            *context.when_related(both),
                        ],
                    )

    def _trust(
        self,
        context: RuleContext,
        holder: Resource,
        path: NodePath,
        role: Resource,
        when: When,
        service: str,
        fails: str,
    ) -> Iterator[Finding]:
        for both, place in _untrusted(context, role, when, service):
            yield context.report(
                context.locate(role, place.path),
                f"{holder.source_id} runs as {role.source_id}{qualifier(both)}, but the role's trust policy does "
                f"not let {service} call sts:AssumeRole, so {fails}; {place.edit}",
                resource=role.source_id,
                related=[
                    Related(f"{holder.source_id} names the role here", context.locate(holder, path).span),
                    *context.when_related(both),
                ],
            )


def _untrusted(context: RuleContext, role: Resource, when: When, service: str) -> Iterator[tuple[When, Placement]]:
    """The deployments (within ``when``) whose trust policy of the role does not let the service assume
    it, each with the statement to edit."""
    template = context.template
    trust = policy_document(template, role, ("AssumeRolePolicyDocument",))
    request = Request("sts:AssumeRole", spellings(template, role), service)
    for way in deployments(trust):  # a trust policy with a known set is judged in each deployment
        both = merge(when, way)
        if both is None or decide(template, trust, request, way) not in (Access.NOT_GRANTED, Access.DENIED):
            continue
        wanted = Wanted(("sts:AssumeRole",), None, service)
        place = resource_policy_edit(template, trust, [request], wanted, way)
        if place is None:  # no statement a user wrote: the document is where one goes
            place = Placement(role, ("AssumeRolePolicyDocument",), f"add a statement allowing {wanted.statement}")
        yield both, place


def _edge_functions(context: RuleContext) -> set[str]:
    """Functions of the template CloudFront distributions associate with their cache behaviours."""
    return {
        association.function.logical_id
        for association in edge_associations(context.template)
        if association.function is not None
    }
