"""Stages named by text (a literal, a parameter's value), and whether CloudFormation is made to
create them before what names them: shared by SC4014 and SC4015."""

from collections.abc import Iterator

from samcheck.analysis.arns import token
from samcheck.analysis.physical_names import physical_names
from samcheck.analysis.values import Candidate, When, merge, qualifier, texts, together
from samcheck.analysis.wiring import reaches
from samcheck.rule import Finding, NodePath, Property, Related, Resource, RuleContext


def unordered_stages(
    context: RuleContext, holder: Resource, stage: Property, api_path: NodePath, what: str
) -> Iterator[Finding]:
    """Findings where ``stage`` (a property of ``holder``) names, for the REST API at ``api_path``, a
    stage this template creates that nothing makes CloudFormation create before ``holder``: one per
    deployment the makers create the stage in (a maker's own StageName may be one of a known set)."""
    before = context.created_before(holder.logical_id)
    for (name, api), named_when in together(texts(stage), rest_apis(context, holder, api_path)):
        found = stage_makers(context, api, name, named_when)
        if any(maker.logical_id in before for maker, _ in found):
            continue
        by_when: dict[When, list[Resource]] = {}
        for maker, when in found:
            by_when.setdefault(when, []).append(maker)
        for when, makers in by_when.items():
            yield _report(context, holder, stage, name, makers, when, what)


def _report(
    context: RuleContext,
    holder: Resource,
    stage: Property,
    name: str,
    makers: list[Resource],
    when: When,
    what: str,
) -> Finding:
    first = makers[0]
    written = str(stage.location.source_path[-1]) if stage.location.source_path else "Stage"
    if first.origin.generated:
        # SAM's stage: `!Ref Api` gives the API's id, `Api.Stage` the stage SAM generates
        fix = f"write {written}: !Ref {first.source_id}.Stage, or add {first.logical_id} to its DependsOn"
    elif first.type.endswith("::Stage"):
        fix = f"write {written}: !Ref {first.source_id}, or add {first.source_id} to its DependsOn"
    else:
        fix = f"add {first.source_id} to its DependsOn"
    return context.report(
        stage.location,
        f"stage {name} comes from {', '.join(m.source_id for m in makers)}{qualifier(when)}, which "
        f"nothing makes CloudFormation create before this {what}: it may fail with 'Invalid stage "
        f"identifier'; {fix}",
        resource=holder.source_id,
        related=[
            *(Related(f"stage made by {m.source_id}", context.locate(m).span) for m in makers),
            *context.when_related(when),
        ],
    )


def rest_apis(context: RuleContext, holder: Resource, path: NodePath) -> list[Candidate]:
    """The REST APIs of this template a property of ``holder`` may name, with when."""
    return [
        Candidate(named.target.resource, named.when)
        for named in reaches(context.template, holder, path)
        if named.target.resource is not None and named.target.type == "AWS::ApiGateway::RestApi"
    ]


def stage_makers(context: RuleContext, api: Resource, name: str, when: When) -> list[tuple[Resource, When]]:
    """The resources of this template that create stage ``name`` of ``api`` in a deployment ``when``
    holds in, each with the assumptions under which it does (``analysis.physical_names``)."""
    makers = []
    scope = token(f"{api.logical_id}.Ref")
    for named in physical_names(context.template):
        assumed = merge(named.when, when)
        same = named.row.namespace == "AWS::ApiGateway::Stage" and named.scope == scope and named.name == name
        if same and assumed is not None:
            makers.append((named.resource, assumed))
    return makers
