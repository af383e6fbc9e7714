"""API stage throttles: where they are set and which API they limit."""

from dataclasses import dataclass

from samcheck.analysis.values import as_number
from samcheck.analysis.wiring import target_of
from samcheck.rule import Location, Resource, Template


@dataclass(frozen=True)
class Throttle:
    holder: Resource  # the stage or usage plan that sets it
    api: Resource | None  # the API it limits, when known
    kind: str  # "rate" or "burst"
    value: float
    location: Location
    stage_wide: bool  # applies to every method of the stage


def stage_throttles(template: Template) -> list[Throttle]:
    throttles = []
    for stage in template.of_type("AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"):
        api_key = "RestApiId" if stage.type == "AWS::ApiGateway::Stage" else "ApiId"
        target = target_of(template, stage.properties.get(api_key))
        api = target.resource if target else None
        if stage.type == "AWS::ApiGateway::Stage":
            settings = stage.properties.get("MethodSettings")
            for index, entry in enumerate(settings if isinstance(settings, list) else []):
                if not isinstance(entry, dict):
                    continue
                wide = entry.get("ResourcePath", "/*") == "/*" and entry.get("HttpMethod", "*") == "*"
                for key, kind in (("ThrottlingRateLimit", "rate"), ("ThrottlingBurstLimit", "burst")):
                    value = as_number(template.resolver.resolve(entry.get(key)).single)
                    if value is not None:
                        throttles.append(
                            Throttle(
                                stage, api, kind, value, template.locate(stage, ("MethodSettings", index, key)), wide
                            )
                        )
        else:
            for path, wide in ((("DefaultRouteSettings",), True),):
                for key, kind in (("ThrottlingRateLimit", "rate"), ("ThrottlingBurstLimit", "burst")):
                    value = as_number(template.property(stage, (*path, key)).value.single)
                    if value is not None:
                        throttles.append(Throttle(stage, api, kind, value, template.locate(stage, (*path, key)), wide))
    return throttles


def usage_plan_throttles(template: Template) -> list[Throttle]:
    throttles = []
    for plan in template.of_type("AWS::ApiGateway::UsagePlan"):
        for key, kind in (("RateLimit", "rate"), ("BurstLimit", "burst")):
            value = as_number(template.property(plan, ("Throttle", key)).value.single)
            if value is not None:
                throttles.append(Throttle(plan, None, kind, value, template.locate(plan, ("Throttle", key)), True))
    return throttles
