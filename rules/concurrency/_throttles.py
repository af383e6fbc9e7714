"""API stage throttles: where they are set and which API they limit."""

from typing import NamedTuple

from samcheck.analysis.values import ALWAYS, Candidate, When, entry_indices, numbers, texts, together
from samcheck.analysis.wiring import reaches
from samcheck.rule import Location, NodePath, Resource, Template

_STAGE_KEYS = ("ThrottlingRateLimit", "ThrottlingBurstLimit")  # rate, burst


class Throttle(NamedTuple):
    """A throttle in one way the template may be deployed (one candidate of its value)."""

    holder: Resource  # the stage or usage plan that sets it
    apis: list[Candidate]  # the APIs of this template it may limit, each with when
    kind: str  # "rate" or "burst"
    value: float
    location: Location
    stage_wide: bool  # applies to every method of the stage
    when: When = ALWAYS  # the assumptions its value and its reach over the stage hold under


def stage_throttles(template: Template) -> list[Throttle]:
    throttles = []
    for stage in template.of_type("AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"):
        rest = stage.type == "AWS::ApiGateway::Stage"
        apis = [
            Candidate(reach.target.resource, reach.when)
            for reach in reaches(template, stage, "RestApiId" if rest else "ApiId")
            if reach.target.resource is not None
        ]
        if not rest:
            throttles += _throttles(template, stage, apis, ("DefaultRouteSettings",), _STAGE_KEYS, [Candidate(True)])
            continue
        for index in entry_indices(template, stage, ("MethodSettings",)):
            entry = ("MethodSettings", index)
            every_path = _wildcard(template, stage, (*entry, "ResourcePath"), "/*")
            every_method = _wildcard(template, stage, (*entry, "HttpMethod"), "*")
            wide = [Candidate(all(both), when) for both, when in together(every_path, every_method)]
            throttles += _throttles(template, stage, apis, entry, _STAGE_KEYS, wide)
    return throttles


def usage_plan_throttles(template: Template) -> list[Throttle]:
    throttles = []
    for plan in template.of_type("AWS::ApiGateway::UsagePlan"):
        throttles += _throttles(template, plan, [], ("Throttle",), ("RateLimit", "BurstLimit"), [Candidate(True)])
    return throttles


def _wildcard(template: Template, stage: Resource, path: NodePath, wildcard: str) -> list[Candidate]:
    """Whether a method setting's path or method is the wildcard (its default), per candidate; an
    unknown one is not (the setting is not taken to cover the whole stage)."""
    found = [Candidate(case.value == wildcard, case.when) for case in texts(template.property(stage, path, wildcard))]
    return found or [Candidate(False)]


def _throttles(
    template: Template,
    holder: Resource,
    apis: list[Candidate],
    prefix: NodePath,
    keys: tuple[str, str],
    wide: list[Candidate],
) -> list[Throttle]:
    """The rate and burst limits written at ``prefix`` (the keys of each), once per candidate."""
    found = []
    for key, kind in zip(keys, ("rate", "burst"), strict=True):
        path = (*prefix, key)
        for (value, stage_wide), when in together(numbers(template.property(holder, path)), wide):
            found.append(Throttle(holder, apis, kind, value, template.locate(holder, path), stage_wide, when))
    return found
