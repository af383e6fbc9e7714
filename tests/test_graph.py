"""The resource graph's semantic edges: what the wiring between resources means."""

from __future__ import annotations

from pathlib import Path

from samcheck.analysis.graph import resource_graph
from samcheck.cfn.document import load_document
from samcheck.config import Settings
from samcheck.model.build import build_template
from tests.conftest import FIXTURES

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy: {deadLetterTargetArn: !GetAtt OrdersDlq.Arn, maxReceiveCount: 5}
  OrdersDlq:
    Type: AWS::SQS::Queue
  Failures:
    Type: AWS::SNS::Topic
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/fn.zip
      DeadLetterQueue: {Type: SNS, TargetArn: !Ref Failures}
      EventInvokeConfig:
        DestinationConfig:
          OnSuccess: {Type: SQS, Destination: !GetAtt OrdersDlq.Arn}
      Events:
        FromOrders:
          Type: SQS
          Properties: {Queue: !GetAtt Orders.Arn}
        Get:
          Type: Api
          Properties: {Path: /, Method: get}
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions: {WorkerArn: !GetAtt Worker.Arn}
      Definition:
        StartAt: Run
        States:
          Run: {Type: Task, Resource: "${WorkerArn}", End: true}
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.example.com
      CertificateArn: !Ref Cert
  Cert:
    Type: AWS::CertificateManager::Certificate
    Properties: {DomainName: api.example.com}
  OrdersPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Orders]
      PolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: sns.amazonaws.com}, Action: sqs:SendMessage, Resource: "*"}]
  ExtraPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref WorkerRole]
      PolicyDocument:
        Statement: [{Effect: Allow, Action: sns:Publish, Resource: !Ref Failures}]
"""


def test_semantic_edges(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    template = build_template(load_document(path), Settings())
    assert template is not None
    graph = resource_graph(template)

    def kinds(kind: str) -> set[tuple[str, str]]:
        return {(edge.source, edge.target) for edge in graph.edges(kind)}

    assert ("Orders", "Worker") in kinds("event_source")
    assert ("ServerlessRestApi", "Worker") in kinds("event_source")
    assert ("Worker", "Failures") in kinds("dead_letter")
    assert ("Worker", "OrdersDlq") in kinds("destination")
    assert ("Orders", "OrdersDlq") in kinds("redrive")
    assert ("ServerlessRestApi", "ServerlessRestApiProdStage") in kinds("stage")
    assert ("Domain", "Cert") in kinds("certificate")
    assert ("Machine", "Worker") in kinds("invokes")
    assert ("Worker", "WorkerRole") in kinds("getatt")
    assert ("OrdersPolicy", "Orders") in kinds("resource_policy")
    assert ("ExtraPolicy", "WorkerRole") in kinds("attached")
    assert ("ExtraPolicy", "Failures") in kinds("grants")
    assert ("WorkerRole", "OrdersDlq") in kinds("grants")  # SAM's policy for the OnSuccess destination
    assert any(target == "Worker" for _, target in kinds("permits"))  # the API event's permission
    mapping = next(edge for edge in graph.edges("event_source") if edge.source == "Orders")
    assert template.resources[mapping.via].type == "AWS::Lambda::EventSourceMapping"


def _event_sources(fixture: str) -> set[tuple[str, str, str]]:
    template = build_template(load_document(FIXTURES / fixture), Settings())
    assert template is not None
    return {(edge.source, edge.target, edge.via) for edge in resource_graph(template).edges("event_source")}


def test_the_graph_shows_the_wiring_the_rules_judge() -> None:
    """One wiring model: a mapping whose function is an Fn::If, an alias or a qualified ARN links the
    queue to every function the rules judge (SC3001's fixtures), no more."""
    assert _event_sources("rules/SC3001/if-function.yaml") == {
        ("Jobs", "SlowWorker", "Mapping"),
        ("Jobs", "Fast", "Mapping"),
    }
    assert _event_sources("rules/SC3001/alias-cloudformation.yaml") == {
        ("Jobs", "Worker", "ByAlias"),
        ("Jobs", "Worker", "ByQualifiedArn"),
    }
    assert _event_sources("rules/SC3001/alias.yaml") == {("Jobs", "Consumer", "ConsumerFromJobs")}


def test_the_graph_shows_every_caller_of_the_catalogue() -> None:
    """Each caller of schemas/callers.json is an event edge from its source, through its holder."""
    assert _event_sources("rules/SC8001/more-callers.yaml") == {
        ("AppLogs", "Forwarder", "ErrorsToForwarder"),
        ("HighErrors", "Forwarder", "HighErrors"),
        ("Users", "Forwarder", "Users"),
        ("TagsRule", "Forwarder", "TagsRule"),
        ("DeviceRule", "Forwarder", "DeviceRule"),
        ("InboundRule", "Forwarder", "InboundRule"),
        ("DbSecret", "Forwarder", "DbRotation"),
    }
    assert ("Nightly", "Flow", "Nightly") in _event_sources("rules/SC8005/caller-roles.yaml")


def test_log_deliveries_are_edges(tmp_path: Path) -> None:
    """A service that delivers logs with a role (SC8010) is drawn to the log group it writes to."""
    path = tmp_path / "template.yaml"
    path.write_text(
        """
Transform: AWS::Serverless-2016-10-31
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
      Logging:
        Level: ALL
        Destinations: [{CloudWatchLogsLogGroup: {LogGroupArn: !GetAtt Logs.Arn}}]
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      LoggingConfig: {LogGroup: !Ref Logs}
"""
    )
    template = build_template(load_document(path), Settings())
    assert template is not None
    edges = {(edge.source, edge.target) for edge in resource_graph(template).edges("logs_to")}
    assert {("Flow", "Logs"), ("Worker", "Logs")} <= edges
