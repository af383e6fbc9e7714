from collections.abc import Iterator
from typing import Any

from samcheck.analysis.apis import openapi_operations
from samcheck.analysis.values import Candidate, qualifier, texts, together
from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity

_LAMBDA_PATH = ":lambda:path/"
_LAMBDA_TYPES = ("aws", "aws_proxy")


class ApiLambdaIntegrationMethod(Rule):
    """API Gateway calls Lambda's Invoke API, which only takes ``POST``: a REST ``AWS`` or
    ``AWS_PROXY`` Lambda integration whose integration HTTP method is ``GET`` (often copied from
    the method's own verb) deploys, and then every request fails with "Execution failed due to
    configuration error" (a 500). Checked in ``AWS::ApiGateway::Method`` (``IntegrationHttpMethod``)
    and in OpenAPI bodies (``x-amazon-apigateway-integration.httpMethod``); SAM's own ``Api`` events
    always use ``POST``.

    **Anti-pattern**

    ```yaml
    x-amazon-apigateway-integration:
      type: aws_proxy
      httpMethod: GET
      uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
    ```

    **Best practice**

    ```yaml
    x-amazon-apigateway-integration:
      type: aws_proxy
      httpMethod: POST   # the integration's verb, whatever the route's
      uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
    ```
    """

    id = "SC4007"
    name = "api-lambda-integration-method"
    severity = Severity.ERROR
    summary = "A REST Lambda integration whose integration HTTP method is not POST"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html"
    tags = ("apigateway", "lambda", "wiring")
    resource_types = frozenset({"AWS::ApiGateway::Method", "AWS::ApiGateway::RestApi"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for api, path, _ in openapi_operations(context.template):
            if api.type == "AWS::ApiGateway::RestApi":
                yield from self._judge(context, api, path, ("type", "uri", "httpMethod"))
        for method in context.of_type("AWS::ApiGateway::Method"):
            yield from self._judge(context, method, ("Integration",), ("Type", "Uri", "IntegrationHttpMethod"))

    def _judge(
        self, context: RuleContext, holder: Resource, prefix: NodePath, keys: tuple[str, str, str]
    ) -> Iterator[Finding]:
        """The integration at ``prefix`` of ``holder``, by its type, URI and HTTP method keys."""
        type_key, uri_key, method_key = keys
        kinds = texts(context.property(holder, (*prefix, type_key)))
        uris = context.branches(holder, (*prefix, uri_key))
        written = [Candidate(node, when) for node, when in zip(uris.nodes, uris.whens, strict=True)]
        verbs = texts(context.property(holder, (*prefix, method_key)))
        for (kind, uri, verb), when in together(kinds, written, verbs):
            if kind.lower() in _LAMBDA_TYPES and _LAMBDA_PATH in _text(uri) and verb.upper() != "POST":
                yield context.report(
                    context.locate(holder, (*prefix, method_key)),
                    f"the Lambda integration's {method_key} is {verb}{qualifier(when)}, but Lambda is invoked only "
                    f"with POST: every request fails with a 500 (configuration error); set {method_key}: POST (the "
                    "route keeps its own verb)",
                    resource=holder.source_id,
                    related=context.when_related(when),
                )


def _text(node: Any) -> str:
    """The literal text of a URI as written (``Fn::Sub`` and ``Fn::Join`` parts included): it names
    the function with a reference, known only once deployed, so it is read as written."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict) and len(node) == 1:
        ((function, argument),) = node.items()
        if function == "Fn::Sub":
            return _text(argument[0] if isinstance(argument, list) and argument else argument)
        if (
            function == "Fn::Join"
            and isinstance(argument, list)
            and len(argument) == 2
            and isinstance(argument[1], list)
        ):
            return "".join(_text(part) for part in argument[1])
    return ""
