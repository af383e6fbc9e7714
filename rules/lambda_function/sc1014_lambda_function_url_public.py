from collections.abc import Iterator

from samcheck.rule import Finding, Rule, RuleContext, Severity, referenced


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

    def check(self, context: RuleContext) -> Iterator[Finding]:
        resources = context.resources
        for url in context.of_type("AWS::Lambda::Url"):
            auth = context.property(url, "AuthType")
            if "NONE" not in auth.candidates:
                continue
            targets = sorted(
                {resources[n].source_id for n, _, _ in referenced(url.properties.get("TargetFunctionArn"), resources)}
            )
            target = targets[0] if targets else "the function"
            yield context.report(
                auth.location,
                f"function URL with AuthType NONE: anyone on the internet with the URL can invoke {target} "
                "without signing the request; use AWS_IAM unless this is a deliberately public endpoint",
                resource=url.source_id,
            )
