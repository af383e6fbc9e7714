"""The ``AWS::Serverless-2016-10-31`` transform, offline.

``prepare`` makes a template what the translator sees after ``sam build`` and ``sam package``;
``translate`` runs the real aws-sam-translator under a time limit (in a child process forked at
start-up where it can: ``translator_process``); ``provenance`` traces every generated resource and
every error back to the source resource, event and property; ``expand`` puts the three together.
"""

from __future__ import annotations

from typing import Any

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


def declares_sam(template: dict[str, Any]) -> bool:
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in names
