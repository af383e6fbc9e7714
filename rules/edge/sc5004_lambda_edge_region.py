from collections.abc import Iterator

from samcheck.analysis.edge import edge_associations
from samcheck.analysis.values import qualifier
from samcheck.rule import Finding, Related, Rule, RuleContext, Severity
from samcheck.rules.edge._edge import EDGE_REGION

_ADVICE = {
    "unqualified": "an unqualified function ARN",
    "latest": "$LATEST",
    "alias": "an alias",
}


class LambdaEdgeRegion(Rule):
    """A Lambda@Edge function must be created in us-east-1, and CloudFront must be given a numbered
    version of it: an unqualified ARN, ``$LATEST`` or an alias is rejected. In SAM, use
    ``AutoPublishAlias`` and ``!Ref Fn.Version``.

    **Anti-pattern**

    ```yaml
    LambdaFunctionAssociations:
      - EventType: viewer-request
        LambdaFunctionARN: !GetAtt EdgeFn.Arn
    ```

    **Best practice**

    ```yaml
    LambdaFunctionAssociations:
      - EventType: viewer-request
        LambdaFunctionARN: !Ref EdgeFn.Version   # EdgeFn has AutoPublishAlias
    ```
    """

    id = "SC5004"
    name = "lambda-edge-region"
    severity = Severity.ERROR
    summary = "A Lambda@Edge function outside us-east-1, or associated by an unqualified ARN, $LATEST or alias"
    url = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-function-restrictions.html"
    tags = ("cloudfront", "lambda", "region")
    resource_types = frozenset({"AWS::CloudFront::Distribution"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        region = context.region
        for association in edge_associations(template):
            function = association.function
            where = context.locate(function) if function else association.location
            related = [
                *([Related("associated here", association.location.span)] if function else []),
                *context.when_related(association.when),
            ]
            resource = function.source_id if function else association.distribution.source_id
            deployed = qualifier(association.when)
            if association.qualifier in _ADVICE:
                yield context.report(
                    where,
                    f"the {association.trigger} association uses {_ADVICE[association.qualifier]}{deployed}; "
                    "CloudFront needs a numbered version (SAM: AutoPublishAlias and !Ref Fn.Version)",
                    resource=resource,
                    related=related,
                )
            function_region = region if function else association.arn_region
            if function_region not in (None, EDGE_REGION):
                whose = "this stack is deployed" if function else "the associated function is"
                yield context.report(
                    where,
                    f"Lambda@Edge functions must be in us-east-1, but {whose} in {function_region}{deployed}; "
                    "deploy the edge function from a us-east-1 stack",
                    resource=resource,
                    related=related,
                )
