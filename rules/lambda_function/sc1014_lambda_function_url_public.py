from collections.abc import Iterator

from samcheck.analysis.values import Candidate, texts, together
from samcheck.analysis.wiring import function_behind, reaches
from samcheck.rule import Finding, Rule, RuleContext, Severity


class LambdaFunctionUrlPublic(Rule):
    """A function URL with ``AuthType: NONE`` can be called by anyone on the internet who has the
    URL, with no AWS signature; only the function's resource policy and its own code stand in the
    way. Deliberate for public webhooks, a surprise otherwise.

    **Anti-pattern**

    ```yaml
    FunctionUrlConfig:
      AuthType: NONE
    ```

    **Best practice**

    ```yaml
    FunctionUrlConfig:
      AuthType: AWS_IAM  # callers sign requests; or front it with CloudFront and OAC
    ```
    """

    id = "SC1014"
    name = "lambda-function-url-public"
    severity = Severity.WARNING
    summary = "A function URL with AuthType NONE: anyone on the internet can invoke it"
    url = "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"
    tags = ("lambda", "security")
    resource_types = frozenset({"AWS::Lambda::Url"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for url in context.of_type("AWS::Lambda::Url"):
            auth = context.property(url, "AuthType")
            invoked = [
                Candidate(function.source_id, reach.when)
                for reach in reaches(template, url, "TargetFunctionArn")
                if (function := function_behind(template, reach.target)) is not None
            ]
            for case in texts(auth):
                if case.value != "NONE":
                    continue
                names = sorted({name for (_, name), _ in together([case], invoked)})
                target = names[0] if names else "the function"
                yield context.report(
                    auth.location,
                    f"function URL with AuthType NONE{case.qualifier}: anyone on the internet with the URL can "
                    f"invoke {target} without signing the request; use AWS_IAM unless this is a deliberately "
                    "public endpoint",
                    resource=url.source_id,
                    related=context.when_related(case.when),
                )
