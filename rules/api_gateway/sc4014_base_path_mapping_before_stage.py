from collections.abc import Iterator

from samcheck.analysis.arns import token
from samcheck.analysis.physical_names import physical_names
from samcheck.analysis.values import Candidate, When, merge, qualifier, texts, together
from samcheck.analysis.wiring import reaches
from samcheck.rule import Finding, Property, Related, Resource, Rule, RuleContext, Severity


class BasePathMappingBeforeStage(Rule):
    """A ``BasePathMapping`` that names its stage by a literal (``Stage: prod``) does not make
    CloudFormation wait for that stage: when the stage comes from a ``Stage`` or ``Deployment`` of
    the same template, the mapping may be created first and fails ("Invalid stage identifier
    specified"). Refer to the stage (``Stage: !Ref ProdStage``; for the stage of an
    ``AWS::Serverless::Api``, ``Stage: !Ref MyApi.Stage``) or add ``DependsOn``. (SAM orders its own
    domains and mappings.)

    **Anti-pattern**

    ```yaml
    Mapping:
      Type: AWS::ApiGateway::BasePathMapping
      Properties:
        DomainName: !Ref Domain
        RestApiId: !Ref Api
        Stage: prod
    ```

    **Best practice**

    ```yaml
    Mapping:
      Type: AWS::ApiGateway::BasePathMapping
      Properties:
        DomainName: !Ref Domain
        RestApiId: !Ref Api
        Stage: !Ref ProdStage
    ```
    """

    id = "SC4014"
    name = "base-path-mapping-before-stage"
    severity = Severity.ERROR
    summary = "A BasePathMapping that may be created before the stage it names (a literal stage name)"
    url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-basepathmapping.html"
    tags = ("apigateway", "ordering")
    resource_types = frozenset({"AWS::ApiGateway::BasePathMapping", "AWS::ApiGateway::RestApi"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for mapping in context.of_type("AWS::ApiGateway::BasePathMapping"):
            if mapping.origin.generated:
                continue  # SAM orders what it generates
            stage = context.property(mapping, "Stage")
            apis = _rest_apis(context, mapping)
            before = context.created_before(mapping.logical_id)
            for (name, api), named_when in together(texts(stage), apis):
                found = _stage_makers(context, api, name, named_when)
                if any(maker.logical_id in before for maker, _ in found):
                    continue
                # One finding per deployment the makers create the stage in (a maker's own StageName
                # may be one of a known set).
                by_when: dict[When, list[Resource]] = {}
                for maker, when in found:
                    by_when.setdefault(when, []).append(maker)
                for when, makers in by_when.items():
                    yield self._report(context, mapping, stage, name, makers, when)

    def _report(
        self, context: RuleContext, mapping: Resource, stage: Property, name: str, makers: list[Resource], when: When
    ) -> Finding:
        first = makers[0]
        if first.origin.generated:
            # SAM's stage: `!Ref Api` gives the API's id, `Api.Stage` the stage SAM generates
            fix = f"write Stage: !Ref {first.source_id}.Stage, or add {first.logical_id} to its DependsOn"
        elif first.type.endswith("::Stage"):
            fix = f"write Stage: !Ref {first.source_id}, or add {first.source_id} to its DependsOn"
        else:
            fix = f"add {first.source_id} to its DependsOn"
        return context.report(
            stage.location,
            f"stage {name} comes from {', '.join(m.source_id for m in makers)}{qualifier(when)}, which "
            f"nothing makes CloudFormation create before this mapping: it may fail with 'Invalid stage "
            f"identifier'; {fix}",
            resource=mapping.source_id,
            related=[
                *(Related(f"stage made by {m.source_id}", context.locate(m).span) for m in makers),
                *context.when_related(when),
            ],
        )


def _rest_apis(context: RuleContext, holder: Resource) -> list[Candidate]:
    """The REST APIs of this template a resource's ``RestApiId`` may name, with when."""
    return [
        Candidate(named.target.resource, named.when)
        for named in reaches(context.template, holder, "RestApiId")
        if named.target.resource is not None and named.target.type == "AWS::ApiGateway::RestApi"
    ]


def _stage_makers(context: RuleContext, api: Resource, name: str, when: When) -> list[tuple[Resource, When]]:
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
