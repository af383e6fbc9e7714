from collections.abc import Iterator
from typing import Any

from samcheck.analysis import reference_kinds, service_constraints
from samcheck.analysis.arns import has_tokens, symbolic
from samcheck.analysis.reference_kinds import Takes
from samcheck.analysis.values import ALWAYS, entry_indices, merge, qualifier, texts
from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity, When, shortened


class ReferenceKind(Rule):
    """A property takes one kind of reference: a role's ARN, a queue's ARN, a queue's URL, an id, an
    invocation URI. ``!Ref`` and ``!GetAtt`` give different kinds per resource type (``!Ref`` of a
    queue gives its URL, of a role its name, of a KMS key its id), and CloudFormation passes a wrong
    kind on to the service, which refuses it at deploy time (or, for a function's dead-letter
    target, fails later). What each reference gives and what each property takes (with every kind
    it accepts: a Lambda ``FunctionName`` takes a name or an ARN, a ``KmsMasterKeyId`` an id, an
    ARN or an alias) is the table ``schemas/reference_kinds.json``. Also reported: an intrinsic
    function written as text (``"!GetAtt Role.Arn"`` in quotes), a logical ID of the template
    written as plain text where a reference to it is taken, a literal or ``Sub`` ARN of another
    service or resource type, and a text that is no ARN where only an ARN is taken. Every ``Fn::If``
    branch and every candidate of a known set is judged, at the SAM or CloudFormation line written;
    a value whose kind cannot be known (a parameter, an import, a type without a row) is not.

    **Anti-pattern**

    ```yaml
    Function:
      Type: AWS::Serverless::Function
      Properties:
        Role: !Ref FunctionRole
        Events:
          Orders:
            Type: SQS
            Properties:
              Queue: !Ref OrdersQueue
    ```

    **Best practice**

    ```yaml
    Function:
      Type: AWS::Serverless::Function
      Properties:
        Role: !GetAtt FunctionRole.Arn
        Events:
          Orders:
            Type: SQS
            Properties:
              Queue: !GetAtt OrdersQueue.Arn
    ```
    """

    id = "SC0020"
    name = "reference-kind"
    severity = Severity.ERROR
    summary = "A reference of the wrong kind: a name, URL or id where an ARN is taken, or an ARN of another service"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html"
    tags = ("template", "wiring")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for resource in context.resources.values():
            for row in reference_kinds.takes(resource.type):
                holds = _holds(context, resource, row)
                for path in _paths(context, resource, row.path, ()) if holds else ():
                    yield from self._judge(context, resource, path, row, holds)
        yield from self._sam(context)

    def _judge(
        self, context: RuleContext, resource: Resource, path: NodePath, row: Takes, holds: list[When]
    ) -> Iterator[Finding]:
        branches = context.branches(resource, path)
        for node, where, when in zip(branches.nodes, branches.paths, branches.whens, strict=True):
            found = _problems(context, resource.type, row, node, when)
            both = [(problem, merge(found_when, held)) for problem, found_when in found for held in holds]
            for problem, problem_when in [(problem, joined) for problem, joined in both if joined is not None]:
                if not context.template.user_wrote(resource, path):
                    return  # SAM wrote it: the user has nothing to edit
                location = context.locate(resource, where)
                # The key the user wrote (a SAM property), else the property's own (from Globals).
                written = location.source_path[3:] if location.source_path[:1] == ("Resources",) else ()
                steps = (*path, *written)
                named = next((s for s in reversed(steps) if isinstance(s, str) and not s.startswith("Fn::")), "")
                yield context.report(
                    location,
                    f"{named} takes {_any_of(row.kinds)}{problem}{qualifier(problem_when)}",
                    resource=resource.source_id,
                    related=context.when_related(problem_when),
                )

    def _sam(self, context: RuleContext) -> Iterator[Finding]:
        """SAM's own rows: properties SAM writes into an API's definition (its Auth), not a resource's."""
        sources = context.template.source_resources
        for row in reference_kinds.sam_rows():
            for logical_id, source in sources.items():
                if source.get("Type") != row["type"]:
                    continue
                steps, base = tuple(row["property"].split(".")), ("Resources", logical_id, "Properties")
                for where, node in _walk(context, source.get("Properties"), steps, base):
                    _, span = context.document.source_map.nearest(where)
                    for problem in _sam_problems(context, row, node):
                        yield context.report(span, problem, resource=logical_id)


def _holds(context: RuleContext, resource: Resource, row: Takes) -> list[When]:
    """The deployments a row holds in: always, or where the other property it depends on has its
    value (an SNS Protocol, which may be one of a known set); none when that is unknown."""
    holds: list[When] = [ALWAYS]
    for name, value in row.when:
        cases = [case.when for case in texts(context.property(resource, name)) if case.value == value]
        holds = [joined for held in holds for case in cases if (joined := merge(held, case)) is not None]
    return holds


def _paths(context: RuleContext, resource: Resource, steps: tuple[str, ...], prefix: NodePath) -> Iterator[NodePath]:
    if not steps:
        yield prefix
    elif steps[0] == "[]":
        for index in entry_indices(context.template, resource, prefix):
            yield from _paths(context, resource, steps[1:], (*prefix, index))
    else:
        yield from _paths(context, resource, steps[1:], (*prefix, steps[0]))


def _problems(context: RuleContext, type_name: str, row: Takes, node: Any, when: When) -> Iterator[tuple[str, When]]:
    """What is wrong with one written node of a property, with when; nothing when it fits or is unknown."""
    template = context.template
    given = reference_kinds.returned(template, node)
    if given is not None:
        if not _owned(row, given.kind) and not reference_kinds.accepts(row.kinds, given.kind):
            fix = reference_kinds.fix_for(given.type, given.logical_id, row.kinds) or _invocation_uri(row, given)
            yield (
                f", but {given.written} gives {_its(given.kind)}: "
                + (f"write {fix}" if fix else f"{given.logical_id} is an {given.type}, not one of those"),
                when,
            )
        return
    known = texts(context.resolve(node))
    if known:
        for case in known:
            problem = _text_problem(context, type_name, row, case.value)
            both = merge(when, case.when)
            if problem is not None and both is not None:
                yield problem, both
        return
    written = symbolic(template, node)
    if written is not None and has_tokens(written):
        problem = _arn_problem(row, written)
        if problem is not None:
            yield problem, when


def _invocation_uri(row: Takes, given: reference_kinds.Returned) -> str | None:
    """API Gateway's URI of a function it invokes, where that is taken and a function was given."""
    if "arn:apigateway" not in row.kinds or given.type != "AWS::Lambda::Function":
        return None
    return (
        "!Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
        f"${{{given.logical_id}.Arn}}/invocations"
    )


def _owned(row: Takes, kind: str) -> bool:
    """Whether another rule judges a reference of this kind here (one mistake, one finding)."""
    return row.references_owned_by is not None or (
        row.arn_types_owned_by is not None and kind.startswith(reference_kinds.ARN)
    )


def _text_problem(context: RuleContext, type_name: str, row: Takes, text: str) -> str | None:
    if not text:
        return None
    if reference_kinds.intrinsic_as_text(text):
        return (
            f", but '{shortened(text, 80)}' is text: an intrinsic function in quotes is passed on as written; "
            "remove the quotes (or write the function as a mapping)"
        )
    fix = reference_kinds.bare_logical_id(context.template, row.kinds, text)
    if fix is not None:
        return f", but '{text}' is only the logical ID of a resource of this template, as text: write {fix}"
    if service_constraints.refuses(type_name, row.path, text):
        return None  # SC0019 reports it with the API's own rule
    return _arn_problem(row, text)


def _arn_problem(row: Takes, text: str) -> str | None:
    """What is wrong with an ARN written as (symbolic) text where the row takes only ARNs, or ARNs
    of some services; None when it fits or cannot be told."""
    only_arns = all(kind.startswith(reference_kinds.ARN) for kind in row.kinds)
    parsed = reference_kinds.arn_kind(text)
    if parsed is None:
        if not only_arns or has_tokens(text):
            return None
        if text.startswith("arn:"):
            return f", but '{shortened(text, 80)}' is not a whole ARN (arn:partition:service:region:account:resource)"
        if text.split(":", 1)[0] in ("aws", "aws-cn", "aws-us-gov"):
            return f", but '{shortened(text, 80)}' lacks the arn: prefix: write arn:{shortened(text, 80)}"
        return f", but '{shortened(text, 80)}' is not an ARN"
    kind, typed = parsed
    fits = reference_kinds.accepts(row.kinds, kind) if typed else reference_kinds.accepts_service(row.kinds, kind[4:])
    if fits or row.arn_types_owned_by or not any(taken.startswith(reference_kinds.ARN) for taken in row.kinds):
        return None
    return f", but '{shortened(text, 80)}' is {reference_kinds.describe(kind)}"


def _walk(context: RuleContext, node: Any, steps: tuple[str, ...], where: NodePath) -> Iterator[tuple[NodePath, Any]]:
    node = context.settle(node)
    if not steps:
        for index, item in enumerate(node) if isinstance(node, list) else [(None, node)]:
            yield (where if index is None else (*where, index)), item
    elif steps[0] == "{}":
        for key, value in node.items() if isinstance(node, dict) else ():
            yield from _walk(context, value, steps[1:], (*where, key))
    elif isinstance(node, dict) and steps[0] in node:
        yield from _walk(context, node[steps[0]], steps[1:], (*where, steps[0]))


def _sam_problems(context: RuleContext, row: dict[str, Any], node: Any) -> Iterator[str]:
    takes = reference_kinds.Takes(tuple(row["property"].split(".")), tuple(row["takes"]), row["source"])
    if isinstance(node, (bool, int, float)):
        return  # not text at all: SAM refuses it itself (SC0003)
    for case in texts(context.resolve(node)):
        problem = _arn_problem(takes, case.value) if case.value else None
        if problem is not None:
            yield f"{row['property'].rsplit('.', 1)[-1]} takes {_any_of(takes.kinds)}{problem}{qualifier(case.when)}"


def _its(kind: str) -> str:
    """What a reference gives, said of the resource: "its URL", "a DynamoDB table's ARN"."""
    described = reference_kinds.describe(kind)
    return described if kind.startswith(reference_kinds.ARN) else "its " + described.split(" ", 1)[1]


def _any_of(kinds: tuple[str, ...]) -> str:
    described = [reference_kinds.describe(kind) for kind in kinds]
    return described[0] if len(described) == 1 else ", ".join(described[:-1]) + " or " + described[-1]
