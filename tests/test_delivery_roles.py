"""What users read about a role a caller delivers with (SC8004 trust, SC8005 grants and a missing
role): which caller uses the role for which target, never "runs as" or "execution role"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import lint

TEMPLATE = """\
Parameters:
  Role: {Type: String}
Resources:
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !Ref Role
      DefinitionString: '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}'
  OrdersRule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: {source: [orders]}
      Targets:
        - {Id: flow, Arn: !Ref Flow, RoleArn: !GetAtt RuleRole.Arn}
        - {Id: again, Arn: !Ref Flow}
  RuleRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: start
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: states:DescribeExecution, Resource: !Ref Flow}
"""


def _messages(path: Path, rule: str) -> list[str]:
    return [finding.message for finding in lint(path).findings if finding.rule == rule]


def test_trust_of_a_delivery_role_names_the_caller_and_the_target(write_template: Callable[..., Path]) -> None:
    (message,) = _messages(write_template(TEMPLATE), "SC8004")
    assert message.startswith(
        "EventBridge rule OrdersRule delivers to state machine Flow with role RuleRole: its trust policy does not "
        "let events.amazonaws.com assume it"
    ), message
    assert "runs as" not in message


def test_grants_of_a_delivery_role_name_the_caller_and_the_target(write_template: Callable[..., Path]) -> None:
    granted, _ = sorted(_messages(write_template(TEMPLATE), "SC8005"))
    assert granted.startswith(
        "EventBridge rule OrdersRule delivers to state machine Flow with role RuleRole, whose policies do not allow "
        "states:StartExecution on it"
    ), granted
    assert "execution role" not in granted


def test_a_target_that_needs_a_role_and_has_none_fails_the_deploy(write_template: Callable[..., Path]) -> None:
    """EventBridge refuses the target (ValidationException: RoleArn is required for target)."""
    _, missing = sorted(_messages(write_template(TEMPLATE), "SC8005"))
    assert missing.startswith(
        "EventBridge rule OrdersRule delivers to state machine Flow, which events.amazonaws.com calls only with a "
        "role, but no RoleArn is given, so the deploy fails (ValidationException: RoleArn is required for target)"
    ), missing


def test_trust_of_a_schedule_role_names_the_target(write_template: Callable[..., Path]) -> None:
    template = write_template(
        TEMPLATE
        + """\
  Nightly:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: rate(1 day)
      FlexibleTimeWindow: {Mode: "OFF"}
      Target: {Arn: !Ref Flow, RoleArn: !GetAtt RuleRole.Arn}
"""
    )
    messages = _messages(template, "SC8004")
    assert any(
        message.startswith(
            "schedule Nightly delivers to state machine Flow with role RuleRole: its trust policy does not let "
            "scheduler.amazonaws.com assume it"
        )
        for message in messages
    ), messages
    assert not any("runs as" in message for message in messages), messages
