from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity, get_path

_VIEWER_EVENTS = ("viewer-request", "viewer-response")


class CloudfrontFunctionEvent(Rule):
    """CloudFront Functions run only on viewer events (``viewer-request``, ``viewer-response``);
    origin events are for Lambda@Edge. A ``FunctionAssociations`` entry with ``origin-request`` or
    ``origin-response`` is rejected.

    **Anti-pattern**

    ```yaml
    DefaultCacheBehavior:
      FunctionAssociations:
        - EventType: origin-request
          FunctionARN: !GetAtt RewriteFunction.FunctionARN
    ```

    **Best practice**

    ```yaml
    DefaultCacheBehavior:
      FunctionAssociations:
        - EventType: viewer-request
          FunctionARN: !GetAtt RewriteFunction.FunctionARN
    ```
    """

    id = "SC5007"
    name = "cloudfront-function-event"
    severity = Severity.ERROR
    summary = "A CloudFront Function associated with an origin event (only viewer events run them)"
    url = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-choosing.html"
    tags = ("cloudfront",)

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for distribution in context.of_type("AWS::CloudFront::Distribution"):
            config = distribution.properties.get("DistributionConfig")
            if not isinstance(config, dict):
                continue
            cache_behaviors = config.get("CacheBehaviors")
            count = len(cache_behaviors) if isinstance(cache_behaviors, list) else 0
            behaviors = [("DefaultCacheBehavior",), *(("CacheBehaviors", index) for index in range(count))]
            for behavior in behaviors:
                path = ("DistributionConfig", *behavior, "FunctionAssociations")
                associations = get_path(distribution.properties, path)
                for index in range(len(associations) if isinstance(associations, list) else 0):
                    event = context.property(distribution, (*path, index, "EventType"))
                    for candidate in event.candidates:
                        if isinstance(candidate, str) and candidate not in _VIEWER_EVENTS:
                            yield context.report(
                                event.location,
                                f"a CloudFront Function cannot run on {event.value.describe([candidate])}, only on "
                                "viewer-request or viewer-response; use a viewer event, or Lambda@Edge "
                                "(LambdaFunctionAssociations) for origin events",
                                resource=distribution.source_id,
                            )
                            break
