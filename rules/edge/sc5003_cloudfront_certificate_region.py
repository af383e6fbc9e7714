from collections.abc import Iterator

from samcheck.analysis.values import qualifier
from samcheck.rule import Finding, Rule, RuleContext, Severity
from samcheck.rules.edge._edge import EDGE_REGION, certificate_related, misplaced_certificates


class CloudfrontCertificateRegion(Rule):
    """CloudFront only uses ACM certificates from us-east-1 (``ViewerCertificate.AcmCertificateArn``).
    A certificate created in this template lives in the stack's region, so a stack elsewhere cannot
    create the certificate its distribution needs. Every certificate an ``Fn::If`` or a parameter's
    allowed values may name is judged.

    **Anti-pattern**

    ```yaml
    ViewerCertificate:
      AcmCertificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/abc
      SslSupportMethod: sni-only
    ```

    **Best practice**

    ```yaml
    ViewerCertificate:
      AcmCertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/abc
      SslSupportMethod: sni-only
    ```
    """

    id = "SC5003"
    name = "cloudfront-certificate-region"
    severity = Severity.ERROR
    summary = "A CloudFront distribution whose ACM certificate is not in us-east-1"
    url = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html"
    tags = ("cloudfront", "certificate", "region")
    resource_types = frozenset({"AWS::CloudFront::Distribution"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        path = ("DistributionConfig", "ViewerCertificate", "AcmCertificateArn")
        for distribution in context.of_type("AWS::CloudFront::Distribution"):
            for cert in misplaced_certificates(template, distribution, path, EDGE_REGION):
                yield context.report(
                    context.locate(distribution, cert.path),
                    f"CloudFront needs its ACM certificate in us-east-1, but this one is in {cert.region}"
                    + (" (created by this stack)" if cert.resource else "")
                    + qualifier(cert.when)
                    + "; use a us-east-1 certificate",
                    resource=distribution.source_id,
                    related=certificate_related(context, cert, cert.when),
                )
