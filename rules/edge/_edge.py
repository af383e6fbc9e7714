"""What the certificate and Lambda@Edge rules share (the associations themselves are
``samcheck.analysis.edge``'s)."""

from dataclasses import dataclass
from typing import Any

from samcheck.analysis.wiring import target_of
from samcheck.rule import Branches, NodePath, Resource, Template

EDGE_REGION = "us-east-1"


@dataclass(frozen=True)
class Certificate:
    region: str | None  # None when unknown
    resource: Resource | None  # the AWS::CertificateManager::Certificate of this template


def misplaced_certificate(template: Template, branches: Branches, region: str) -> tuple[Certificate, NodePath] | None:
    """The first certificate a property may name (in any Fn::If branch) that is not in ``region``,
    with where it is written; None when every known one is there or none is known."""
    for node, path in zip(branches.nodes, branches.paths, strict=True):
        cert = certificate(template, node)
        if cert is not None and cert.region not in (None, region):
            return cert, path
    return None


def certificate(template: Template, value: Any) -> Certificate | None:
    if value is None:
        return None
    target = target_of(template, value)
    if target is not None and target.resource is not None and target.type == "AWS::CertificateManager::Certificate":
        return Certificate(template.resolver.region, target.resource)  # created in the stack's region
    arn = template.resolver.resolve(value).single
    if isinstance(arn, str) and arn.startswith("arn:") and ":acm:" in arn:
        return Certificate(arn.split(":")[3] or None, None)
    return None


def viewer(event_type: str) -> bool:
    return event_type.startswith("viewer-")
