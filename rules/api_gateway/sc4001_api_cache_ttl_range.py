from collections.abc import Iterator

from samcheck.analysis.values import numbers, qualifier
from samcheck.rule import Edit, Finding, Fix, Rule, RuleContext, Severity, get_path
from samcheck.rules.api_gateway._apis import method_settings, stage_settings


class ApiCacheTtlRange(Rule):
    """API Gateway caches responses for 0 to 3,600 seconds (``CacheTtlInSeconds``; 0 turns caching
    off). A longer TTL is rejected when the stage is deployed. Checked in SAM ``MethodSettings``,
    ``AWS::ApiGateway::Stage`` ``MethodSettings`` and a deployment's ``StageDescription``, for every
    value a parameter allows or an ``Fn::If`` may choose. ``--fix`` clamps a written number into the
    range.

    **Anti-pattern**

    ```yaml
    MethodSettings:
      - ResourcePath: "/*"
        HttpMethod: "*"
        CachingEnabled: true
        CacheTtlInSeconds: 7200
    ```

    **Best practice**

    ```yaml
    MethodSettings:
      - ResourcePath: "/*"
        HttpMethod: "*"
        CachingEnabled: true
        CacheTtlInSeconds: 3600
    ```
    """

    id = "SC4001"
    name = "api-cache-ttl-range"
    severity = Severity.ERROR
    summary = "API Gateway CacheTtlInSeconds outside 0–3,600"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html"
    tags = ("apigateway", "limit")
    fixable = True
    resource_types = frozenset({"AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        low, high = context.limit("api-cache-ttl-min"), context.limit("api-cache-ttl-max")
        for settings in stage_settings(template):
            paths = [(*entry, "CacheTtlInSeconds") for entry in method_settings(template, settings)]
            if settings.prefix:
                paths.append((*settings.prefix, "CacheTtlInSeconds"))
            for path in paths:
                ttl = context.property(settings.holder, path)
                for seconds, when in numbers(ttl):
                    if low <= seconds <= high:
                        continue
                    clamped = int(min(max(seconds, low), high))
                    source = ttl.location.source_path
                    fix = None
                    # Only a number written here is replaced: never a parameter or a branch.
                    written = get_path(template.source, source)  # as written: a literal, for the fix
                    if not when and source[-1:] == ("CacheTtlInSeconds",) and isinstance(written, int):
                        fix = Fix(f"set CacheTtlInSeconds to {clamped}", (Edit(source, clamped),))
                    yield context.report(
                        ttl.location,
                        f"CacheTtlInSeconds {seconds:g}{qualifier(when)} is outside {low:g}–{high:,.0f} s; "
                        f"set it to at most {high:,.0f}",
                        resource=settings.holder.source_id,
                        related=context.when_related(when),
                        fix=fix,
                    )
