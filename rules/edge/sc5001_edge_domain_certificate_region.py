from collections.abc import Iterator

from samcheck.analysis.apis import endpoint_types
from samcheck.analysis.values import Candidate, qualifier, together
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.edge._edge import EDGE_REGION, certificate_related, misplaced_certificates


class EdgeDomainCertificateRegion(Rule):
    """An edge-optimized API Gateway custom domain is served through CloudFront, so its ACM
    certificate (``CertificateArn``) must be in us-east-1 whatever the API's region. A certificate
    created in this template lives in the stack's region: a stack outside us-east-1 cannot create the
    certificate its edge domain needs. Judged on the expanded ``AWS::ApiGateway::DomainName`` (a SAM
    ``Domain`` without its own ``EndpointConfiguration`` is REGIONAL). Every certificate an ``Fn::If``
    or a parameter's allowed values may name is judged, for every endpoint type the domain may have.

    **Anti-pattern**

    ```yaml
    Domain:
      Type: AWS::ApiGateway::DomainName
      Properties:
        DomainName: api.example.com
        CertificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/abc
    ```

    **Best practice**

    ```yaml
    Domain:
      Type: AWS::ApiGateway::DomainName
      Properties:
        DomainName: api.example.com
        CertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/abc
    ```
    """

    id = "SC5001"
    name = "edge-domain-certificate-region"
    severity = Severity.ERROR
    summary = "An edge-optimized API domain whose ACM certificate is not in us-east-1"
    url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-edge-optimized-custom-domain-name.html"
    tags = ("apigateway", "certificate", "region")
    resource_types = frozenset({"AWS::ApiGateway::DomainName"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for domain in context.of_type("AWS::ApiGateway::DomainName"):
            edge = [case for case in endpoint_types(template, domain) if "EDGE" in case.value]  # unknown: not judged
            misplaced = misplaced_certificates(template, domain, ("CertificateArn",), EDGE_REGION)
            for (_, cert), when in together(edge, [Candidate(cert, cert.when) for cert in misplaced]):
                where = f"created by this stack in {cert.region}" if cert.resource else f"in {cert.region}"
                yield context.report(
                    context.locate(domain, cert.path),
                    f"edge-optimized domain needs its ACM certificate in us-east-1, but this one is {where}"
                    f"{qualifier(when)}; "
                    + (
                        "create the certificate in a us-east-1 stack and pass its ARN, or make the domain REGIONAL"
                        if cert.resource
                        else "use a us-east-1 certificate, or make the domain REGIONAL"
                    ),
                    resource=domain.source_id,
                    related=certificate_related(context, cert, when),
                )
