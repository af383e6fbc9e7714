"""SAM policy templates, read from the translator's own table: which kind of value each parameter
takes. A parameter the template writes into an ARN (``arn:…:sqs:…:${queueName}``) takes a name or an
id; one it uses whole as a ``Resource`` takes an ARN. And what kind of value a template value gives:
``!GetAtt X.Arn`` an ARN, ``!Ref`` by the resource's type (a queue's URL, a topic's ARN, a table's
name…).
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

from samcheck.cfn.references import intrinsic_name, sub_variables
from samcheck.model.template import Template

IDENTIFIER, ARN, URL = "a name or id", "an ARN", "a URL"
# What Ref returns for each type (CloudFormation's return values); types not listed are not judged.
REF_KINDS = {
    "AWS::SQS::Queue": URL,
    "AWS::SNS::Topic": ARN,
    "AWS::StepFunctions::StateMachine": ARN,
    "AWS::StepFunctions::Activity": ARN,
    "AWS::SecretsManager::Secret": ARN,
    "AWS::Lambda::Alias": ARN,
    "AWS::Lambda::Version": ARN,
    "AWS::DynamoDB::Table": IDENTIFIER,
    "AWS::S3::Bucket": IDENTIFIER,
    "AWS::Lambda::Function": IDENTIFIER,
    "AWS::Kinesis::Stream": IDENTIFIER,
    "AWS::KinesisFirehose::DeliveryStream": IDENTIFIER,
    "AWS::KMS::Key": IDENTIFIER,
    "AWS::Logs::LogGroup": IDENTIFIER,
    "AWS::SSM::Parameter": IDENTIFIER,
    "AWS::Events::EventBus": IDENTIFIER,
    "AWS::ECR::Repository": IDENTIFIER,
    "AWS::EFS::FileSystem": IDENTIFIER,
    "AWS::EFS::AccessPoint": IDENTIFIER,
    "AWS::Serverless::SimpleTable": IDENTIFIER,
    "AWS::Serverless::Function": IDENTIFIER,
    "AWS::Serverless::StateMachine": ARN,
}
# How to write a resource's name or id, and its ARN, by type.
NAME_OF = {
    "AWS::SQS::Queue": "!GetAtt {x}.QueueName",
    "AWS::SNS::Topic": "!GetAtt {x}.TopicName",
    "AWS::StepFunctions::StateMachine": "!GetAtt {x}.Name",
    "AWS::Serverless::StateMachine": "!GetAtt {x}.Name",
    **{kind: "!Ref {x}" for kind, returns in REF_KINDS.items() if returns == IDENTIFIER},
}
ARN_OF = {kind: "!Ref {x}" for kind, returns in REF_KINDS.items() if returns == ARN}


@cache
def parameter_kinds() -> dict[str, dict[str, str]]:
    """Policy template name → parameter → the kind of value it takes (only parameters whose every
    use says the same)."""
    spec = importlib.util.find_spec("samtranslator")
    if spec is None or not spec.submodule_search_locations:
        return {}
    root = Path(next(iter(spec.submodule_search_locations)))
    table = json.loads((root / "policy_templates_data" / "policy_templates.json").read_text(encoding="utf-8"))
    kinds: dict[str, dict[str, str]] = {}
    for name, entry in table.get("Templates", {}).items():
        uses: dict[str, set[str | None]] = {}
        _collect(entry.get("Definition"), uses, in_resource=False)
        kinds[name] = {
            parameter: kind
            for parameter, found in uses.items()
            for kind in found
            if len(found) == 1 and kind is not None and parameter in entry.get("Parameters", {})
        }
    return kinds


def _collect(node: Any, uses: dict[str, set[str | None]], in_resource: bool) -> None:
    if isinstance(node, list):
        for item in node:
            _collect(item, uses, in_resource)
        return
    if not isinstance(node, dict):
        return
    name = intrinsic_name(node)
    if name == "Ref" and isinstance(node["Ref"], str) and not node["Ref"].startswith("AWS::"):
        uses.setdefault(node["Ref"], set()).add(ARN if in_resource else None)
        return
    if name == "Fn::Sub" and isinstance(node["Fn::Sub"], list) and len(node["Fn::Sub"]) == 2:
        text, variables = node["Fn::Sub"]
        for variable in sub_variables(text) if isinstance(text, str) else []:
            bound = variables.get(variable.name) if isinstance(variables, dict) else None
            if isinstance(bound, dict) and intrinsic_name(bound) == "Ref" and isinstance(bound["Ref"], str):
                inside_arn = "arn:" in text[: variable.start]
                whole = text.strip() == text[variable.start : variable.end]
                kind = IDENTIFIER if inside_arn else (ARN if in_resource and whole else None)
                uses.setdefault(bound["Ref"], set()).add(kind)
        return
    for key, value in node.items():
        _collect(value, uses, in_resource=in_resource or key == "Resource")


def value_kind(template: Template, value: Any) -> tuple[str, str | None] | None:
    """(kind, logical ID) of what a value written in the template gives; None when unknown."""
    if isinstance(value, str):
        if value.startswith("arn:"):
            return ARN, None
        if value.startswith("https://"):
            return URL, None
        return None
    name = intrinsic_name(value) if isinstance(value, dict) else None
    if name == "Fn::GetAtt":
        argument = value["Fn::GetAtt"]
        parts = argument.split(".", 1) if isinstance(argument, str) else argument
        if isinstance(parts, list) and len(parts) == 2 and parts[1] == "Arn" and isinstance(parts[0], str):
            return (ARN, parts[0]) if parts[0] in template.resources else None
        return None
    if name == "Ref" and isinstance(value["Ref"], str):
        resource = template.source_resources.get(value["Ref"])
        kind = REF_KINDS.get(str(resource.get("Type"))) if resource else None
        return (kind, value["Ref"]) if kind else None
    if name == "Fn::Sub" and isinstance(value["Fn::Sub"], str) and value["Fn::Sub"].startswith("arn:"):
        return ARN, None
    return None
