from collections.abc import Iterator

from samcheck.analysis.apis import openapi_operations
from samcheck.analysis.values import When, candidates, qualifier
from samcheck.rule import Finding, Rule, RuleContext, Severity

# What a response parameter may map from, besides a quoted literal ('*').
_SOURCES = ("method.request.", "integration.response.", "context.", "stageVariables.")
# The SAM Cors key each CORS header comes from.
_CORS_KEYS = {
    "Access-Control-Allow-Origin": "AllowOrigin",
    "Access-Control-Allow-Headers": "AllowHeaders",
    "Access-Control-Allow-Methods": "AllowMethods",
    "Access-Control-Max-Age": "MaxAge",
    "Access-Control-Allow-Credentials": "AllowCredentials",
}


class ApiMappingExpression(Rule):
    """A REST integration's response parameter is a mapping expression: a literal in single quotes
    (``'*'``) or a source such as ``integration.response.header.X``. SAM's ``Cors`` values become
    such expressions, which is why SAM wants them quoted twice (``AllowOrigin: "'*'"``): an unquoted
    ``*`` or ``https://example.com`` deploys a definition API Gateway rejects ("Invalid mapping
    expression specified"). Checked in OpenAPI bodies as written and as SAM generates them from
    ``Cors``.

    **Anti-pattern**

    ```yaml
    Cors:
      AllowOrigin: "*"
      AllowHeaders: Content-Type
    ```

    **Best practice**

    ```yaml
    Cors:
      AllowOrigin: "'*'"
      AllowHeaders: "'Content-Type'"
    ```
    """

    id = "SC4010"
    name = "api-mapping-expression"
    severity = Severity.ERROR
    summary = "A REST response parameter (SAM Cors value) that is neither a quoted literal nor a mapping source"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html"
    tags = ("apigateway", "cors")
    resource_types = frozenset({"AWS::ApiGateway::RestApi"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        reported: set[tuple[str, str, When]] = set()
        for api, path, integration in openapi_operations(context.template):
            responses = integration.get("responses")  # as written: the headers mapped, each read resolved
            if api.type != "AWS::ApiGateway::RestApi" or not isinstance(responses, dict):
                continue
            for status, response in responses.items():
                parameters = response.get("responseParameters") if isinstance(response, dict) else None
                for header in parameters if isinstance(parameters, dict) else []:
                    mapped = context.property(api, (*path, "responses", status, "responseParameters", header))
                    for value, when in candidates(mapped):
                        if not isinstance(value, str) or _valid(value) or (api.logical_id, header, when) in reported:
                            continue
                        reported.add((api.logical_id, header, when))  # SAM repeats Cors on every path: once per API
                        where = mapped.location
                        name = header.rsplit(".", 1)[-1]
                        if where.source_path[-1:] != (header,):  # not written: generated from Cors
                            cors_key = _CORS_KEYS.get(name)
                            where = context.locate(api, ("Cors", cors_key) if cors_key else ("Cors",))
                        yield context.report(
                            where,
                            f"{name} is mapped from {value} (no quotes){qualifier(when)}, which API Gateway rejects "
                            f"as a mapping expression; quote the literal: \"'{value}'\" (SAM Cors values are written "
                            "that way)",
                            resource=api.source_id,
                            related=context.when_related(when),
                        )


def _valid(value: str) -> bool:
    quoted = len(value) >= 2 and value.startswith("'") and value.endswith("'")
    return quoted or value.startswith(_SOURCES)
