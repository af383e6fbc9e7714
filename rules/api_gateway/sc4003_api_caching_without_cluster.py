from collections.abc import Iterator

from samcheck.analysis.values import When, flags, qualifier, together
from samcheck.rule import Finding, Property, Rule, RuleContext, Severity
from samcheck.rules.api_gateway._apis import method_settings, stage_settings


class ApiCachingWithoutCluster(Rule):
    """Method caching needs the stage's cache cluster: ``CachingEnabled: true`` in
    ``MethodSettings`` on a stage without ``CacheClusterEnabled: true`` caches nothing. The reverse,
    a cache cluster that no method setting enables caching for, is billed by the hour for nothing
    that this template asks of it.

    **Anti-pattern**

    ```yaml
    MethodSettings:
      - ResourcePath: "/*"
        HttpMethod: "*"
        CachingEnabled: true
    ```

    **Best practice**

    ```yaml
    CacheClusterEnabled: true
    CacheClusterSize: "0.5"
    MethodSettings:
      - ResourcePath: "/*"
        HttpMethod: "*"
        CachingEnabled: true
    ```
    """

    id = "SC4003"
    name = "api-caching-without-cluster"
    severity = Severity.WARNING
    summary = "Method caching without a cache cluster, or a cache cluster no method uses"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html"
    tags = ("apigateway", "cost")
    resource_types = frozenset({"AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for settings in stage_settings(template):
            cluster = context.property(settings.holder, (*settings.prefix, "CacheClusterEnabled"), False)
            methods = [
                context.property(settings.holder, (*entry, "CachingEnabled"), False)
                for entry in method_settings(template, settings)
            ]
            # Caching without a cluster: reported at the first method that caches, once per deployment.
            uncached: dict[When, Property] = {}
            for method in methods:
                for (enabled, caching), when in together(flags(cluster), flags(method)):
                    if caching and not enabled:
                        uncached.setdefault(when, method)
            for when, method in uncached.items():
                yield context.report(
                    method.location,
                    f"CachingEnabled on a method of a stage without CacheClusterEnabled: true caches nothing"
                    f"{qualifier(when)}; enable the stage's cache cluster (and set CacheClusterSize) or remove "
                    "CachingEnabled",
                    resource=settings.holder.source_id,
                    related=context.when_related(when),
                )
            # A cluster no method uses: only where every method's setting is known.
            for (enabled, *caching), when in together(flags(cluster), *map(flags, methods)):
                if enabled and not any(caching):
                    yield context.report(
                        cluster.location,
                        f"the stage has a cache cluster but no MethodSettings enable caching{qualifier(when)}, so it "
                        "is paid for and unused; add CachingEnabled: true to the methods to cache, or turn the "
                        "cluster off",
                        resource=settings.holder.source_id,
                        related=context.when_related(when),
                    )
