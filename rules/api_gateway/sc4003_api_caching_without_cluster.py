from collections.abc import Iterator

from samcheck.analysis.values import is_true
from samcheck.rule import Finding, Rule, RuleContext, Severity
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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for settings in stage_settings(template):
            cluster = context.property(settings.holder, (*settings.prefix, "CacheClusterEnabled"))
            enabled = is_true(cluster.value.single)
            caching = [
                index
                for index, _ in method_settings(settings)
                if is_true(
                    context.property(
                        settings.holder, (*settings.prefix, "MethodSettings", index, "CachingEnabled")
                    ).value.single
                )
            ]
            if caching and not enabled and (cluster.value.known or not cluster.present):
                where = context.locate(
                    settings.holder, (*settings.prefix, "MethodSettings", caching[0], "CachingEnabled")
                )
                yield context.report(
                    where,
                    "CachingEnabled on a method of a stage without CacheClusterEnabled: true caches nothing; "
                    "enable the stage's cache cluster (and set CacheClusterSize) or remove CachingEnabled",
                    resource=settings.holder.source_id,
                )
            elif enabled and not caching:
                yield context.report(
                    cluster.location,
                    "the stage has a cache cluster but no MethodSettings enable caching, so it is paid for "
                    "and unused; add CachingEnabled: true to the methods to cache, or turn the cluster off",
                    resource=settings.holder.source_id,
                )
