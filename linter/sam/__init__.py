"""The ``AWS::Serverless-2016-10-31`` transform, offline.

``prepare`` makes a template what the translator sees after ``sam build`` and ``sam package``;
``translate`` runs the real aws-sam-translator under a time limit (in a child process forked at
start-up where it can: ``translator_process``); ``provenance`` traces every generated resource and
every error back to the source resource, event and property; ``expand`` puts the three together.
"""

from __future__ import annotations

from typing import Any, NamedTuple

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
SAM_PREFIX = "AWS::Serverless::"
# How the translator names what it generates for the whole template rather than for one resource
# (implicit APIs, shared usage plans, the CodeDeploy application, custom domains and their records).
SAM_TEMPLATE_WIDE_NAMES = (
    "ServerlessRestApi",
    "ServerlessHttpApi",
    "ServerlessDeploymentApplication",
    "ServerlessUsagePlan",
    "ServerlessApiKey",
    "CodeDeployServiceRole",
    "ApiGatewayDomainName",
    "RecordSetGroup",
)


class ArtifactProperty(NamedTuple):
    """A SAM property that may name a local file, which ``sam build``/``sam package`` upload, and
    where the resource SAM generates from it keeps the uploaded artifact."""

    sam_type: str
    sam_property: str
    generated_type: str | None  # None: the resource is not expanded (a nested application)
    generated_property: str | None
    kind: str  # "package" (measured, never parsed), "definition" or "template" (read and checked)


# The one table of artifact properties: prepare, the artifact analyses, positions and the nested
# templates all read it.
ARTIFACT_PROPERTIES = (
    ArtifactProperty("AWS::Serverless::Function", "CodeUri", "AWS::Lambda::Function", "Code", "package"),
    ArtifactProperty("AWS::Serverless::LayerVersion", "ContentUri", "AWS::Lambda::LayerVersion", "Content", "package"),
    ArtifactProperty(
        "AWS::Serverless::StateMachine",
        "DefinitionUri",
        "AWS::StepFunctions::StateMachine",
        "DefinitionS3Location",
        "definition",
    ),
    ArtifactProperty(
        "AWS::Serverless::Api", "DefinitionUri", "AWS::ApiGateway::RestApi", "BodyS3Location", "definition"
    ),
    ArtifactProperty(
        "AWS::Serverless::HttpApi", "DefinitionUri", "AWS::ApiGatewayV2::Api", "BodyS3Location", "definition"
    ),
    ArtifactProperty("AWS::Serverless::Application", "Location", None, None, "template"),
)
ARTIFACTS_BY_SAM_TYPE = {artifact.sam_type: artifact for artifact in ARTIFACT_PROPERTIES}
# A plain CloudFormation nested stack names its template as aws cloudformation package takes it.
NESTED_STACK_TEMPLATE = ("AWS::CloudFormation::Stack", "TemplateURL")


def declares_sam(template: dict[str, Any]) -> bool:
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in names
