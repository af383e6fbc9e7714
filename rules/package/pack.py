"""The pack's rules, as its ``samcheck.rules`` entry point names them (importing them all)."""

from samcheck.rule import Rule
from samcheck.rules.package.sc7001_lambda_package_unzipped_size import LambdaPackageUnzippedSize
from samcheck.rules.package.sc7002_lambda_package_zipped_size import LambdaPackageZippedSize
from samcheck.rules.package.sc7003_lambda_layer_size import LambdaLayerSize
from samcheck.rules.package.sc7004_lambda_layer_compatibility import LambdaLayerCompatibility
from samcheck.rules.package.sc7005_codeuri_missing import CodeUriMissing
from samcheck.rules.package.sc7006_artifact_uri_not_s3 import ArtifactUriNotS3

RULES: list[type[Rule]] = [
    LambdaPackageUnzippedSize,
    LambdaPackageZippedSize,
    LambdaLayerSize,
    LambdaLayerCompatibility,
    CodeUriMissing,
    ArtifactUriNotS3,
]
