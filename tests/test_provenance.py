"""Every resource of an expanded template traces back to a resource of the source template, and
findings land where a user edits: never on ``Resources:`` unless they are about the section."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from samcheck.cfn.document import load_document
from samcheck.config import Settings
from samcheck.discovery import discover
from samcheck.model.build import build_template
from samcheck.sam import SAM_PREFIX
from tests.conftest import CORPUS, lint, needs_corpus

FUNCTION = {"CodeUri": "s3://bucket/fn.zip", "Handler": "app.handler", "Runtime": "python3.13"}
SUPPORT: dict[str, Any] = {
    "Bucket": {"Type": "AWS::S3::Bucket"},
    "Topic": {"Type": "AWS::SNS::Topic"},
    "Queue": {"Type": "AWS::SQS::Queue"},
    "Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}},
    "Table": {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
        },
    },
    "Pool": {"Type": "AWS::Cognito::UserPool"},
}
BROKER = "arn:aws:mq:us-east-1:123456789012:broker:b:b-1"
# Every event source a SAM function takes, with what it needs.
FUNCTION_EVENTS: dict[str, dict[str, Any]] = {
    "S3": {"Bucket": {"Ref": "Bucket"}, "Events": "s3:ObjectCreated:*"},
    "SNS": {"Topic": {"Ref": "Topic"}, "SqsSubscription": True},
    "SQS": {"Queue": {"Fn::GetAtt": ["Queue", "Arn"]}},
    "Kinesis": {"Stream": {"Fn::GetAtt": ["Stream", "Arn"]}, "StartingPosition": "LATEST"},
    "DynamoDB": {"Stream": {"Fn::GetAtt": ["Table", "StreamArn"]}, "StartingPosition": "LATEST"},
    "Api": {"Path": "/", "Method": "get"},
    "HttpApi": {"Path": "/", "Method": "get"},
    "Schedule": {"Schedule": "rate(1 minute)", "DeadLetterConfig": {"Type": "SQS"}},
    "ScheduleV2": {"ScheduleExpression": "rate(1 minute)", "DeadLetterConfig": {"Type": "SQS"}},
    "CloudWatchEvent": {"Pattern": {"source": ["x"]}},
    "EventBridgeRule": {"Pattern": {"source": ["x"]}, "DeadLetterConfig": {"Type": "SQS"}},
    "CloudWatchLogs": {"LogGroupName": "group", "FilterPattern": ""},
    "IoTRule": {"Sql": "SELECT * FROM 'topic'"},
    "AlexaSkill": {},
    "Cognito": {"UserPool": {"Ref": "Pool"}, "Trigger": "PreSignUp"},
    "MSK": {
        "Stream": "arn:aws:kafka:us-east-1:123456789012:cluster/c/1",
        "StartingPosition": "LATEST",
        "Topics": ["t"],
    },
    "MQ": {
        "Broker": BROKER,
        "Queues": ["q"],
        "SourceAccessConfigurations": [{"Type": "BASIC_AUTH", "URI": "arn:aws:secretsmanager:us-east-1:1:secret:s"}],
    },
    "SelfManagedKafka": {
        "KafkaBootstrapServers": ["b:9092"],
        "Topics": ["t"],
        "SourceAccessConfigurations": [
            {"Type": "VPC_SUBNET", "URI": "subnet:subnet-1"},
            {"Type": "VPC_SECURITY_GROUP", "URI": "security_group:sg-1"},
        ],
    },
    "DocumentDB": {
        "Cluster": "arn:aws:rds:us-east-1:123456789012:cluster:c",
        "DatabaseName": "db",
        "StartingPosition": "LATEST",
        "SourceAccessConfigurations": [{"Type": "BASIC_AUTH", "URI": "arn:aws:secretsmanager:us-east-1:1:secret:s"}],
    },
}
MACHINE_EVENTS = ["Api", "Schedule", "ScheduleV2", "CloudWatchEvent", "EventBridgeRule"]


def _template(resources: dict[str, Any], globals_section: dict[str, Any] | None = None) -> dict[str, Any]:
    template: dict[str, Any] = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {**SUPPORT, **resources}}
    if globals_section:
        template["Globals"] = globals_section
    return template


def _domain(name: str, region: str = "us-east-1", **more: Any) -> dict[str, Any]:
    return {
        "DomainName": name,
        "CertificateArn": f"arn:aws:acm:{region}:123456789012:certificate/abc",
        "Route53": {"HostedZoneId": "Z123"},
        **more,
    }


def generated_templates() -> dict[str, dict[str, Any]]:
    """SAM templates that make the translator generate every kind of resource it can."""
    templates = {
        f"function-{kind}": _template(
            {
                "Fn": {
                    "Type": "AWS::Serverless::Function",
                    "Properties": {**FUNCTION, "Events": {"E": {"Type": kind, "Properties": props}}},
                }
            }
        )
        for kind, props in FUNCTION_EVENTS.items()
    }
    machine = {"Definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, "Policies": []}
    for kind in MACHINE_EVENTS:
        props = {k: v for k, v in FUNCTION_EVENTS[kind].items() if k != "DeadLetterConfig"}
        properties = {**machine, "Events": {"E": {"Type": kind, "Properties": props}}}
        templates[f"machine-{kind}"] = _template(
            {"Machine": {"Type": "AWS::Serverless::StateMachine", "Properties": properties}}
        )
    api_event = {"Get": {"Type": "Api", "Properties": {"Path": "/", "Method": "get", "RestApiId": {"Ref": "Api"}}}}
    http_event = {"Get": {"Type": "HttpApi", "Properties": {"Path": "/", "Method": "get", "ApiId": {"Ref": "Http"}}}}
    for plan in ("PER_API", "SHARED", "NONE"):
        for place in ("resource", "globals"):
            domain = _domain("api.example.com", EndpointConfiguration="EDGE")
            api: dict[str, Any] = {
                "StageName": "prod",
                "Auth": {"ApiKeyRequired": True, "UsagePlan": {"CreateUsagePlan": plan}},
            }
            globals_section = {"Api": {"Domain": domain}} if place == "globals" else None
            if place == "resource":
                api["Domain"] = domain
            templates[f"api-domain-{place}-usage-plan-{plan}"] = _template(
                {
                    "Api": {"Type": "AWS::Serverless::Api", "Properties": api},
                    "Implicit": {
                        "Type": "AWS::Serverless::Function",
                        "Properties": {
                            **FUNCTION,
                            "Events": {"Get": {"Type": "Api", "Properties": {"Path": "/i", "Method": "get"}}},
                        },
                    },
                    "Fn": {"Type": "AWS::Serverless::Function", "Properties": {**FUNCTION, "Events": api_event}},
                },
                globals_section,
            )
        http = {"Domain": _domain("h.example.com")}
        templates[f"http-domain-{plan}"] = _template(
            {
                "Http": {"Type": "AWS::Serverless::HttpApi", "Properties": http},
                "Fn": {"Type": "AWS::Serverless::Function", "Properties": {**FUNCTION, "Events": http_event}},
            },
            {"HttpApi": {"Domain": _domain("g.example.com")}} if plan == "SHARED" else None,
        )
    deployed = {**FUNCTION, "AutoPublishAlias": "live", "DeploymentPreference": {"Type": "Canary10Percent5Minutes"}}
    templates["function-deployment-preference"] = _template(
        {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    **deployed,
                    "FunctionUrlConfig": {"AuthType": "AWS_IAM"},
                    "EventInvokeConfig": {"MaximumRetryAttempts": 1},
                },
            },
            "Other": {"Type": "AWS::Serverless::Function", "Properties": deployed},
        }
    )
    templates["other-sam-types"] = _template(
        {
            "SimpleT": {"Type": "AWS::Serverless::SimpleTable"},
            "Layer": {"Type": "AWS::Serverless::LayerVersion", "Properties": {"ContentUri": "s3://b/k"}},
            "App": {
                "Type": "AWS::Serverless::Application",
                "Properties": {"Location": "https://s3.amazonaws.com/b/t.yaml"},
            },
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": FUNCTION},
            "Conn": {
                "Type": "AWS::Serverless::Connector",
                "Properties": {"Source": {"Id": "Fn"}, "Destination": {"Id": "Queue"}, "Permissions": ["Write"]},
            },
        }
    )
    return templates


GENERATED = generated_templates()


def _untraced(path: Path) -> tuple[list[str], list[str]]:
    """(resources without a source origin, the translator's errors) of one template."""
    template = build_template(load_document(path), Settings())
    if template is None:
        return [], []
    sources = template.source_resources
    untraced = [
        f"{logical_id} ({resource.type})"
        for logical_id, resource in template.resources.items()
        if resource.origin.resource not in sources
    ]
    return untraced, [error.message for error in template.expansion.errors]


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_every_generated_resource_has_a_source_origin(name: str, tmp_path: Path) -> None:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(GENERATED[name]))
    untraced, errors = _untraced(path)
    assert not errors, errors
    assert not untraced, untraced


@pytest.mark.parametrize("name", ["api-domain-globals-usage-plan-SHARED", "http-domain-SHARED"])
def test_findings_about_generated_domains_land_on_the_api_not_on_resources(name: str, tmp_path: Path) -> None:
    """An edge domain with a certificate outside us-east-1, inherited from Globals (SC5001), and a
    regional one in the wrong Region (SC5002): reported at the API or its Domain, with the Globals
    key as a related location."""
    template = json.loads(
        json.dumps(GENERATED[name]).replace("us-east-1:123456789012:certificate", "eu-west-1:123456789012:certificate")
    )
    path = tmp_path / "template.yaml"
    path.write_text(json.dumps(template, indent=1))
    findings = [f for f in lint(path).findings if f.rule in ("SC5001", "SC5002")]
    assert findings
    resources_line = load_document(path).source_map.keys[("Resources",)].line
    for finding in findings:
        assert finding.span.line != resources_line and finding.resource in ("Api", "Http"), finding
    if "globals" in name:
        assert any("Globals" in related.message for f in findings for related in f.related)


CORPUS_TEMPLATES = sorted(discover([str(CORPUS)]).files) if CORPUS.is_dir() else []


@pytest.mark.slow
@needs_corpus
def test_every_corpus_resource_has_a_source_origin() -> None:
    untraced = {}
    for path in CORPUS_TEMPLATES:
        document = load_document(Path(path))
        if document.data is None:
            continue
        found, _ = _untraced(Path(path))
        if found:
            untraced[str(path)] = found
    assert not untraced, list(untraced.items())[:5]


def test_sam_resources_keep_their_type_as_origin(tmp_path: Path) -> None:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(GENERATED["function-deployment-preference"]))
    template = build_template(load_document(path), Settings())
    assert template is not None
    for resource in template.resources.values():
        origin = resource.origin
        assert origin.source_type.startswith(SAM_PREFIX) or not origin.generated, (resource.logical_id, origin)
