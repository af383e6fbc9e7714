"""The pack's rules, as its ``samcheck.rules`` entry point names them (importing them all)."""

from samcheck.rule import Rule
from samcheck.rules.edge.sc5001_edge_domain_certificate_region import EdgeDomainCertificateRegion
from samcheck.rules.edge.sc5002_regional_domain_certificate_region import RegionalDomainCertificateRegion
from samcheck.rules.edge.sc5003_cloudfront_certificate_region import CloudfrontCertificateRegion
from samcheck.rules.edge.sc5004_lambda_edge_region import LambdaEdgeRegion
from samcheck.rules.edge.sc5005_lambda_edge_limits import LambdaEdgeLimits
from samcheck.rules.edge.sc5006_lambda_edge_unsupported import LambdaEdgeUnsupported
from samcheck.rules.edge.sc5007_cloudfront_function_event import CloudfrontFunctionEvent

RULES: list[type[Rule]] = [
    EdgeDomainCertificateRegion,
    RegionalDomainCertificateRegion,
    CloudfrontCertificateRegion,
    LambdaEdgeRegion,
    LambdaEdgeLimits,
    LambdaEdgeUnsupported,
    CloudfrontFunctionEvent,
]
