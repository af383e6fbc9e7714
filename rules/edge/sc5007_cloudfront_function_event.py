from collections.abc import Iterator

from samcheck.analysis.edge import cache_behaviors
from samcheck.analysis.values import entry_indices, qualifier, texts
from samcheck.rule import Finding, Rule, RuleContext, Severity

_VIEWER_EVENTS = ("viewer-request", "viewer-response")


class CloudfrontFunctionEvent(Rule):
    """CloudFront Functions run only on viewer events (``viewer-request``, ``viewer-response``);
    origin events are for Lambda@Edge. A ``FunctionAssociations`` entry with ``origin-request`` or
    ``origin-response`` is rejected, also when it is one value a parameter allows or an ``Fn::If``
    may choose.

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
    resource_types = frozenset({"AWS::CloudFront::Distribution"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for distribution in context.of_type("AWS::CloudFront::Distribution"):
            for behavior in cache_behaviors(template, distribution):
                path = (*behavior, "FunctionAssociations")
                for index in entry_indices(template, distribution, path):
                    event = context.property(distribution, (*path, index, "EventType"))
                    for event_type, when in texts(event):
                        if event_type not in _VIEWER_EVENTS:
                            yield context.report(
                                event.location,
                                f"a CloudFront Function cannot run on {event_type}{qualifier(when)}, only on "
                                "viewer-request or viewer-response; use a viewer event, or Lambda@Edge "
                                "(LambdaFunctionAssociations) for origin events",
                                resource=distribution.source_id,
                                related=context.when_related(when),
                            )
