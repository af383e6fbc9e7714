from collections.abc import Iterator

from samcheck.rule import Finding, Resource, Rule, RuleContext, Severity
from samcheck.rules.edge._edge import misplaced_certificate


class RegionalDomainCertificateRegion(Rule):
    """A regional custom domain (``RegionalCertificateArn``, SAM ``Domain`` with REGIONAL, HTTP API and
    ``AWS::ApiGatewayV2::DomainName`` domains) needs an ACM certificate in the stack's own region.
    A ``!Sub arn:aws:acm:${AWS::Region}:…`` ARN resolves to the region being linted.

    **Anti-pattern**

    ```yaml
    # stack in eu-west-1
    RegionalCertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/abc
    ```

    **Best practice**

    ```yaml
    RegionalCertificateArn: !Sub arn:aws:acm:${AWS::Region}:123456789012:certificate/abc
    ```
    """

    id = "SC5002"
    name = "regional-domain-certificate-region"
    severity = Severity.ERROR
    summary = "A regional API domain whose ACM certificate is not in the stack's region"
    url = (
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-regional-api-custom-domain-create.html"
    )
    tags = ("apigateway", "certificate", "region")

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        region = context.region
        places: list[tuple[Resource, tuple[str | int, ...]]] = [
            (domain, ("RegionalCertificateArn",)) for domain in context.of_type("AWS::ApiGateway::DomainName")
        ]
        for domain in context.of_type("AWS::ApiGatewayV2::DomainName"):
            longest = max((len(c) for c in context.branches(domain, "DomainNameConfigurations").nodes), default=0)
            places += [(domain, ("DomainNameConfigurations", index, "CertificateArn")) for index in range(longest)]
        for domain, path in places:
            branches = context.branches(domain, path)
            misplaced = misplaced_certificate(template, branches, region)
            if misplaced is None:
                continue
            cert, where = misplaced
            yield context.report(
                context.locate(domain, where),
                f"regional domain needs an ACM certificate in {region} (the stack's region), but this one is in "
                f"{cert.region}{branches.qualifier}; use a certificate from {region}",
                resource=domain.source_id,
            )
