"""Permission findings sit where the fix goes (issue 28): on the existing permission, queue or topic
policy statement, key policy statement or role statement that is wrong; on the SAM function's
``Policies`` when SAM makes the role; on the event or notification only when nothing exists yet;
with the other side as a related location. Each case is linted as YAML and as the same template in
JSON, and the lines are read from each file's own source map (paths, not line numbers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from samcheck.cfn.document import load_document
from samcheck.findings import NodePath
from tests.conftest import lint

SAM = "Transform: AWS::Serverless-2016-10-31\n"

BUCKET_TO_FUNCTION = """\
Resources:
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        LambdaConfigurations:
          - Event: s3:ObjectCreated:*
            Function: !GetAtt Thumbnailer.Arn
  Other:
    Type: AWS::S3::Bucket
  Thumbnailer:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: !GetAtt ThumbnailerRole.Arn
      Code: {ZipFile: "def handler(event, context): pass"}
  ThumbnailerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  Resizer:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: !GetAtt ThumbnailerRole.Arn
      Code: {ZipFile: "def handler(event, context): pass"}
"""

PERMISSION = """\
  Invoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: {function}
      Action: lambda:InvokeFunction
      Principal: {principal}
      SourceArn: {source}
"""

TOPIC_TO_QUEUE = """\
Resources:
  Orders:
    Type: AWS::SNS::Topic
  Returns:
    Type: AWS::SNS::Topic
  OrderQueue:
    Type: AWS::SQS::Queue
  Subscription:
    Type: AWS::SNS::Subscription
    Properties:
      Protocol: sqs
      TopicArn: !Ref Orders
      Endpoint: !GetAtt OrderQueue.Arn
"""

QUEUE_POLICY = """\
  OrderQueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref OrderQueue]
      PolicyDocument:
        Statement:
          - Effect: {effect}
            Principal: {{Service: {principal}}}
            Action: sqs:SendMessage
            Resource: !GetAtt OrderQueue.Arn
            Condition: {{ArnEquals: {{aws:SourceArn: {source}}}}}
"""

URL = """\
Resources:
  Hook:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/hook
      Code: {ZipFile: "def handler(event, context): pass"}
  Url:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Hook.Arn
      AuthType: NONE
  InvokeFunction:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Hook
      Action: lambda:InvokeFunction
      Principal: "*"
      InvokedViaFunctionUrl: true
"""

URL_PERMISSION = """\
  InvokeUrl:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Hook
      Action: lambda:InvokeFunctionUrl
      Principal: {principal}
      FunctionUrlAuthType: {auth}
"""

FUNCTION_WITH_ROLE = """\
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: !GetAtt WorkerRole.Arn
      Code: {{ZipFile: "def handler(event, context): pass"}}
  Jobs:
    Type: AWS::SQS::Queue
  Other:
    Type: AWS::SQS::Queue
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{Service: {trusted}}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: work
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: logs:CreateLogGroup
                Resource: "*"
              - Effect: {effect}
                Action: {actions}
                Resource: {resource}
"""

SAM_FUNCTION_WITH_MAPPING = """\
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
{policies}"""

SAM_EXTERNAL_ROLE = """\
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      Role: !GetAtt WorkerRole.Arn
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
  Jobs:
    Type: AWS::SQS::Queue
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: work
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: !GetAtt Jobs.Arn
"""

KEYED_QUEUE = """\
Resources:
  Orders:
    Type: AWS::SNS::Topic
  OrderQueue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !Ref QueueKey
  OrderQueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref OrderQueue]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sns.amazonaws.com}
            Action: sqs:SendMessage
            Resource: !GetAtt OrderQueue.Arn
  Subscription:
    Type: AWS::SNS::Subscription
    Properties:
      Protocol: sqs
      TopicArn: !Ref Orders
      Endpoint: !GetAtt OrderQueue.Arn
  QueueKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: kms:*
            Resource: "*"
          - Effect: Allow
            Principal: {Service: sns.amazonaws.com}
            Action: kms:Decrypt
            Resource: "*"
"""

SAM_EVENT_AND_HAND_WRITTEN_SUBSCRIPTION = """\
Resources:
  Orders:
    Type: AWS::SNS::Topic
  Returns:
    Type: AWS::SNS::Topic
  FromReturns:
    Type: AWS::SNS::Subscription
    Properties:
      Protocol: lambda
      TopicArn: !Ref Returns
      Endpoint: !GetAtt Handler.Arn
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      Events:
        Order:
          Type: SNS
          Properties:
            Topic: !Ref Orders
"""

R = ("Resources",)
P = "Properties"

# name: (rule, template, the finding's path, a related location's path, words the message says)
CASES: dict[str, tuple[str, str, NodePath, NodePath, tuple[str, ...]]] = {
    "SC8001 nothing exists": (
        "SC8001",
        BUCKET_TO_FUNCTION,
        (*R, "Uploads", P, "NotificationConfiguration", "LambdaConfigurations", 0, "Function"),
        (*R, "Thumbnailer", P),
        ("add a Permission", "Principal: s3.amazonaws.com"),
    ),
    "SC8001 wrong SourceArn": (
        "SC8001",
        BUCKET_TO_FUNCTION
        + PERMISSION.format(function="!Ref Thumbnailer", principal="s3.amazonaws.com", source="!GetAtt Other.Arn"),
        (*R, "Invoke", P, "SourceArn"),
        (*R, "Uploads", P, "NotificationConfiguration", "LambdaConfigurations", 0, "Function"),
        ("change SourceArn from !GetAtt Other.Arn to Uploads's ARN written from its name",),
    ),
    "SC8001 wrong SourceArn, the action known only at deploy time": (
        "SC8001",
        BUCKET_TO_FUNCTION
        + PERMISSION.format(
            function="!Ref Thumbnailer", principal="s3.amazonaws.com", source="!GetAtt Other.Arn"
        ).replace("Action: lambda:InvokeFunction", "Action: !ImportValue s3-invoke-action"),
        (*R, "Invoke", P, "SourceArn"),
        (*R, "Uploads", P, "NotificationConfiguration", "LambdaConfigurations", 0, "Function"),
        ("change SourceArn from !GetAtt Other.Arn to Uploads's ARN written from its name",),
    ),
    "SC8001 wrong principal": (
        "SC8001",
        BUCKET_TO_FUNCTION
        + PERMISSION.format(function="!Ref Thumbnailer", principal="sns.amazonaws.com", source="!GetAtt Uploads.Arn"),
        (*R, "Invoke", P, "Principal"),
        (*R, "Uploads", P, "NotificationConfiguration", "LambdaConfigurations", 0, "Function"),
        ("change Principal from sns.amazonaws.com to s3.amazonaws.com",),
    ),
    "SC8001 permission on another function": (
        "SC8001",
        BUCKET_TO_FUNCTION
        + PERMISSION.format(function="!Ref Resizer", principal="s3.amazonaws.com", source="!GetAtt Uploads.Arn"),
        (*R, "Invoke", P, "FunctionName"),
        (*R, "Uploads", P, "NotificationConfiguration", "LambdaConfigurations", 0, "Function"),
        ("change FunctionName from !Ref Resizer to !GetAtt Thumbnailer.Arn",),
    ),
    "SC8001 unqualified function while an alias is invoked": (
        "SC8001",
        BUCKET_TO_FUNCTION.replace("Function: !GetAtt Thumbnailer.Arn", "Function: !Sub ${Thumbnailer.Arn}:live")
        + PERMISSION.format(function="!Ref Thumbnailer", principal="s3.amazonaws.com", source="!GetAtt Uploads.Arn"),
        (*R, "Invoke", P, "FunctionName"),
        (*R, "Uploads", P, "NotificationConfiguration", "LambdaConfigurations", 0, "Function"),
        ("change FunctionName from !Ref Thumbnailer to !Sub ${Thumbnailer.Arn}:live",),
    ),
    "SC8001 SAM makes the permission of another source": (
        "SC8001",
        SAM + SAM_EVENT_AND_HAND_WRITTEN_SUBSCRIPTION,
        (*R, "FromReturns", P, "Endpoint"),
        (*R, "Handler"),
        ("add a Permission", "SourceArn: !Ref Returns"),
    ),
    "SC8002 nothing exists": (
        "SC8002",
        TOPIC_TO_QUEUE,
        (*R, "Subscription", P, "Endpoint"),
        (*R, "OrderQueue", P),
        ("add an AWS::SQS::QueuePolicy", "aws:SourceArn: !Ref Orders"),
    ),
    "SC8002 policy lacks the principal": (
        "SC8002",
        TOPIC_TO_QUEUE + QUEUE_POLICY.format(effect="Allow", principal="s3.amazonaws.com", source="!Ref Orders"),
        (*R, "OrderQueuePolicy", P, "PolicyDocument", "Statement", 0),
        (*R, "Subscription", P, "Endpoint"),
        ("add sns.amazonaws.com to this statement's Principal",),
    ),
    "SC8002 Deny": (
        "SC8002",
        TOPIC_TO_QUEUE + QUEUE_POLICY.format(effect="Deny", principal="sns.amazonaws.com", source="!Ref Orders"),
        (*R, "OrderQueuePolicy", P, "PolicyDocument", "Statement", 0),
        (*R, "Subscription", P, "Endpoint"),
        ("narrow this Deny",),
    ),
    "SC8002 wrong aws:SourceArn": (
        "SC8002",
        TOPIC_TO_QUEUE + QUEUE_POLICY.format(effect="Allow", principal="sns.amazonaws.com", source="!Ref Returns"),
        (*R, "OrderQueuePolicy", P, "PolicyDocument", "Statement", 0),
        (*R, "Subscription", P, "Endpoint"),
        ("change aws:SourceArn from !Ref Returns to !Ref Orders",),
    ),
    "SC8003 nothing exists": (
        "SC8003",
        URL,
        (*R, "Url", P, "AuthType"),
        (*R, "Hook", P),
        ("lambda:InvokeFunctionUrl",),
    ),
    "SC8003 permission for another principal": (
        "SC8003",
        URL + URL_PERMISSION.format(principal='"123456789012"', auth="NONE"),
        (*R, "InvokeUrl", P, "Principal"),
        (*R, "Url", P, "AuthType"),
        ('change Principal from 123456789012 to "*"',),
    ),
    "SC8003 permission for another auth type": (
        "SC8003",
        URL + URL_PERMISSION.format(principal='"*"', auth="AWS_IAM"),
        (*R, "InvokeUrl", P, "FunctionUrlAuthType"),
        (*R, "Url", P, "AuthType"),
        ("change FunctionUrlAuthType from AWS_IAM to NONE",),
    ),
    "SC8004 role statement trusts another service": (
        "SC8004",
        FUNCTION_WITH_ROLE.format(
            trusted="ec2.amazonaws.com",
            effect="Allow",
            actions="[sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes]",
            resource="!GetAtt Jobs.Arn",
        ),
        (*R, "WorkerRole", P, "AssumeRolePolicyDocument", "Statement", 0),
        (*R, "Worker", P, "Role"),
        ("add lambda.amazonaws.com to this statement's Principal",),
    ),
    "SC8004 SAM function with an external role": (
        "SC8004",
        SAM + SAM_EXTERNAL_ROLE,
        (*R, "WorkerRole", P, "AssumeRolePolicyDocument", "Statement", 0),
        (*R, "Worker", P, "Role"),
        ("add lambda.amazonaws.com to this statement's Principal",),
    ),
    "SC8005 role statement with the wrong action": (
        "SC8005",
        FUNCTION_WITH_ROLE.format(
            trusted="lambda.amazonaws.com", effect="Allow", actions="sqs:SendMessage", resource="!GetAtt Jobs.Arn"
        ),
        (*R, "WorkerRole", P, "Policies", 0, "PolicyDocument", "Statement", 1),
        (*R, "Mapping", P),
        ("add sqs:ReceiveMessage, sqs:DeleteMessage and sqs:GetQueueAttributes to this statement's Action",),
    ),
    "SC8005 role statement with the wrong resource": (
        "SC8005",
        FUNCTION_WITH_ROLE.format(
            trusted="lambda.amazonaws.com",
            effect="Allow",
            actions="[sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes]",
            resource="!GetAtt Other.Arn",
        ),
        (*R, "WorkerRole", P, "Policies", 0, "PolicyDocument", "Statement", 1),
        (*R, "Mapping", P),
        ("add !GetAtt Jobs.Arn to this statement's Resource",),
    ),
    "SC8005 role statement that denies": (
        "SC8005",
        FUNCTION_WITH_ROLE.format(
            trusted="lambda.amazonaws.com", effect="Deny", actions="sqs:*", resource="!GetAtt Jobs.Arn"
        ),
        (*R, "WorkerRole", P, "Policies", 0, "PolicyDocument", "Statement", 1),
        (*R, "Mapping", P),
        ("narrow this Deny",),
    ),
    "SC8005 SAM policy template": (
        "SC8005",
        SAM
        + SAM_FUNCTION_WITH_MAPPING.format(
            policies="      Policies:\n        - SQSSendMessagePolicy: {QueueName: !GetAtt Jobs.QueueName}\n"
        ),
        (*R, "Worker", P, "Policies"),
        (*R, "Mapping", P),
        ("in Worker's Policies",),
    ),
    "SC8005 SAM managed policy": (
        "SC8005",
        SAM + SAM_FUNCTION_WITH_MAPPING.format(policies="      Policies:\n        - AWSLambdaBasicExecutionRole\n"),
        (*R, "Worker", P, "Policies"),
        (*R, "Mapping", P),
        ("in Worker's Policies",),
    ),
    "SC8005 SAM inline statement": (
        "SC8005",
        SAM
        + SAM_FUNCTION_WITH_MAPPING.format(
            policies="      Policies:\n        - Statement:\n            - Effect: Allow\n"
            "              Action: sqs:SendMessage\n              Resource: '*'\n"
        ),
        (*R, "Worker", P, "Policies"),
        (*R, "Mapping", P),
        ("in Worker's Policies",),
    ),
    "SC8005 SAM function with an external role": (
        "SC8005",
        SAM + SAM_EXTERNAL_ROLE,
        (*R, "WorkerRole", P, "Policies", 0, "PolicyDocument", "Statement", 0),
        (*R, "Worker", P, "Events", "Jobs"),
        ("add sqs:ReceiveMessage, sqs:DeleteMessage and sqs:GetQueueAttributes to this statement's Action",),
    ),
    "SC8009 key policy statement lacks the action": (
        "SC8009",
        KEYED_QUEUE,
        (*R, "QueueKey", P, "KeyPolicy", "Statement", 1),
        (*R, "Subscription", P, "Endpoint"),
        ("add kms:GenerateDataKey to this statement's Action",),
    ),
}


def _as_json(text: str) -> str:
    """The same template in JSON (long-form intrinsics), as CloudFormation users write it."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.yaml"
        path.write_text(text, encoding="utf-8")
        data: Any = load_document(path).data
    return json.dumps(data, indent=2)


@pytest.mark.parametrize("form", ["yaml", "json"])
@pytest.mark.parametrize("case", list(CASES))
def test_finding_sits_where_the_fix_goes(case: str, form: str, write_template) -> None:
    rule, text, at, other, words = CASES[case]
    path = write_template(text if form == "yaml" else _as_json(text), f"template.{form}")
    source_map = load_document(path).source_map
    findings = [finding for finding in lint(path).findings if finding.rule == rule]
    assert len(findings) == 1, [finding.message for finding in findings]
    finding = findings[0]
    assert finding.span.line == source_map.nearest(at)[1].line, finding.message
    assert source_map.nearest(other)[1].line in [related.span.line for related in finding.related], finding.related
    for said in words:
        assert said in finding.message
