from collections.abc import Iterator
from typing import Any

from samcheck.analysis.values import ALWAYS, Candidate, When, entry_indices, flags, qualifier, together
from samcheck.analysis.wiring import reaches
from samcheck.rule import Finding, Location, Rule, RuleContext, Severity, get_path


class ApiKeyWithoutUsagePlan(Rule):
    """A method that requires an API key answers every call with 403 unless the key belongs to a
    usage plan attached to the API's stage. With no usage plan for the API in the template (SAM:
    ``Auth.UsagePlan``), nothing here makes the API callable.

    **Anti-pattern**

    ```yaml
    Api:
      Type: AWS::Serverless::Api
      Properties:
        StageName: prod
        Auth:
          ApiKeyRequired: true
    ```

    **Best practice**

    ```yaml
    Api:
      Type: AWS::Serverless::Api
      Properties:
        StageName: prod
        Auth:
          ApiKeyRequired: true
          UsagePlan:
            CreateUsagePlan: PER_API
    ```
    """

    id = "SC4006"
    name = "api-key-without-usage-plan"
    severity = Severity.WARNING
    summary = "Methods require an API key, but no usage plan in the template covers the API"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html"
    tags = ("apigateway",)
    resource_types = frozenset({"AWS::ApiGateway::RestApi"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        apis = {api.logical_id: api for api in context.of_type("AWS::ApiGateway::RestApi")}
        # A plan that names the API in any branch covers it (no warning where it may).
        planned = {
            named.target.name
            for plan in context.of_type("AWS::ApiGateway::UsagePlan")
            for index in entry_indices(template, plan, ("ApiStages",))
            for named in reaches(template, plan, ("ApiStages", index, "ApiId"))
        }
        keyed: dict[tuple[str, When], Location] = {}
        for method in context.of_type("AWS::ApiGateway::Method"):
            required = [case for case in flags(context.property(method, "ApiKeyRequired")) if case.value]
            named = [Candidate(reach.target.resource, reach.when) for reach in reaches(template, method, "RestApiId")]
            for (_, api), when in together(required, named):
                if api is not None and api.logical_id in apis:
                    keyed.setdefault((api.logical_id, when), context.locate(method, ("ApiKeyRequired",)))
        for name, api in apis.items():
            if _body_requires_key(api.properties.get("Body")):  # as written: the OpenAPI security schemes
                keyed.setdefault((name, ALWAYS), context.locate(api))
        for (name, when), where in keyed.items():
            if name not in planned and not (when and (name, ALWAYS) in keyed):  # once per API where always
                yield context.report(
                    where,
                    f"methods of API {apis[name].source_id} require an API key{qualifier(when)}, but no usage plan in "
                    "this template covers its stage, so every call gets 403; add a usage plan (SAM: Auth.UsagePlan)",
                    resource=apis[name].source_id,
                    related=context.when_related(when),
                )


def _body_requires_key(body: Any) -> bool:
    """An OpenAPI body whose operations require the x-api-key apiKey scheme."""
    schemes = get_path(body, ("securityDefinitions",)) or get_path(body, ("components", "securitySchemes"))
    # Authorizers (IAM, Cognito, Lambda) are written as apiKey schemes too, with an authtype marker;
    # an API key is the x-api-key header without one.
    key_names = {
        name
        for name, scheme in (schemes.items() if isinstance(schemes, dict) else [])
        if isinstance(scheme, dict)
        and scheme.get("type") == "apiKey"
        and str(scheme.get("name", "")).lower() == "x-api-key"
        and "x-amazon-apigateway-authtype" not in scheme
    }
    paths = get_path(body, ("paths",))
    for operations in paths.values() if isinstance(paths, dict) else []:
        for operation in operations.values() if isinstance(operations, dict) else []:
            security = operation.get("security") if isinstance(operation, dict) else None
            for requirement in security if isinstance(security, list) else []:
                if isinstance(requirement, dict) and key_names & set(requirement):
                    return True
    return False
