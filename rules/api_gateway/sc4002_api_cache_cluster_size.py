from collections.abc import Iterator

from samcheck.analysis.botocore_data import enum
from samcheck.analysis.values import qualifier, texts
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.api_gateway._apis import stage_settings


class ApiCacheClusterSize(Rule):
    """``CacheClusterSize`` must be one of the sizes API Gateway offers, in GB: 0.5, 1.6, 6.1,
    13.5, 28.4, 58.2, 118 or 237 (the list comes from botocore's API Gateway model), for every
    value a parameter allows or an ``Fn::If`` may choose. The CloudFormation schema accepts any
    string, so a typo fails only at deploy time.

    **Anti-pattern**

    ```yaml
    CacheClusterEnabled: true
    CacheClusterSize: "2"
    ```

    **Best practice**

    ```yaml
    CacheClusterEnabled: true
    CacheClusterSize: "1.6"
    ```
    """

    id = "SC4002"
    name = "api-cache-cluster-size"
    severity = Severity.ERROR
    summary = "CacheClusterSize not one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html"
    tags = ("apigateway",)
    resource_types = frozenset({"AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for settings in stage_settings(template):
            sizes = enum("apigateway", "CacheClusterSize")  # botocore's model is read once a template has a stage
            size = context.property(settings.holder, (*settings.prefix, "CacheClusterSize"))
            for written, when in texts(size):
                if written not in sizes:
                    yield context.report(
                        size.location,
                        f"CacheClusterSize {written}{qualifier(when)} is not a size API Gateway offers; "
                        f"use one of {', '.join(sizes)} (GB)",
                        resource=settings.holder.source_id,
                        related=context.when_related(when),
                    )
