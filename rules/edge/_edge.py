"""What the certificate and Lambda@Edge rules share (the associations themselves are
``samcheck.analysis.edge``'s)."""

from typing import NamedTuple

from samcheck.analysis.wiring import reaches
from samcheck.rule import NodePath, Related, Resource, RuleContext, Template, When

EDGE_REGION = "us-east-1"


class Certificate(NamedTuple):
    """An ACM certificate a property names, in one way the template may be deployed."""

    region: str
    resource: Resource | None  # the AWS::CertificateManager::Certificate of this template
    path: NodePath  # where it is written
    when: When  # the assumptions it is named under


def misplaced_certificates(template: Template, holder: Resource, path: NodePath, region: str) -> list[Certificate]:
    """The certificates a property may name (in any ``Fn::If`` branch, for any allowed value of a
    parameter) that are not in ``region``; an unknown one is never among them."""
    found = []
    for reach in reaches(template, holder, path):
        target = reach.target
        if target.resource is not None and target.type == "AWS::CertificateManager::Certificate":
            found.append(Certificate(template.resolver.region, target.resource, reach.path, reach.when))
        elif target.arn is not None and ":acm:" in target.arn and target.arn.split(":")[3]:
            found.append(Certificate(target.arn.split(":")[3], None, reach.path, reach.when))
    return [certificate for certificate in found if certificate.region != region]


def certificate_related(context: RuleContext, certificate: Certificate, when: When) -> list[Related]:
    """Where a certificate of this template is defined, and the parameters and conditions of ``when``."""
    defined = certificate.resource
    return [
        *([Related("certificate defined here", context.locate(defined).span)] if defined else []),
        *context.when_related(when),
    ]


def viewer(event_type: str) -> bool:
    return event_type.startswith("viewer-")
