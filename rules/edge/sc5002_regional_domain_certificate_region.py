from collections.abc import Iterator

from samcheck.analysis.values import entry_indices, qualifier
from samcheck.rule import Finding, NodePath, Resource, Rule, RuleContext, Severity
from samcheck.rules.edge._edge import certificate_related, misplaced_certificates


class RegionalDomainCertificateRegion(Rule):
    """A regional custom domain (``RegionalCertificateArn``, SAM ``Domain`` with REGIONAL, HTTP API and
    ``AWS::ApiGatewayV2::DomainName`` domains) needs an ACM certificate in the stack's own region.
    A ``!Sub arn:aws:acm:${AWS::Region}:…`` ARN resolves to the region being linted. Every certificate
    an ``Fn::If`` or a parameter's allowed values may name is judged.

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
    resource_types = frozenset({"AWS::ApiGateway::DomainName", "AWS::ApiGatewayV2::DomainName"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        region = context.region
        places: list[tuple[Resource, NodePath]] = [
            (domain, ("RegionalCertificateArn",)) for domain in context.of_type("AWS::ApiGateway::DomainName")
        ]
        for domain in context.of_type("AWS::ApiGatewayV2::DomainName"):
            configurations = ("DomainNameConfigurations",)
            places += [
                (domain, (*configurations, index, "CertificateArn"))
                for index in entry_indices(template, domain, configurations)
            ]
        for domain, path in places:
            for cert in misplaced_certificates(template, domain, path, region):
                yield context.report(
                    context.locate(domain, cert.path),
                    f"regional domain needs an ACM certificate in {region} (the stack's region), but this one is in "
                    f"{cert.region}{qualifier(cert.when)}; use a certificate from {region}",
                    resource=domain.source_id,
                    related=certificate_related(context, cert, cert.when),
                )
