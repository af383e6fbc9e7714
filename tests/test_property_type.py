"""A value of the wrong type is an error at the line written (SC0018), never a silent skip; what
CloudFormation coerces, and what is unknown before deploying, is no finding."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import lint

SAM = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Size:
    Type: String
    AllowedValues: ["1024", 2GB]
    Default: "1024"
  Unknown:
    Type: String
Globals:
  Function:
    Timeout: 15m
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      MemorySize: !Ref Size
      Description: !Ref Unknown
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: "abc"
      DelaySeconds: "5"
      FifoQueue: "true"
"""


def _errors(path: Path) -> list[tuple[int, str]]:
    return sorted((f.span.line, f.message) for f in lint(path).findings if f.rule == "SC0018")


def test_wrong_types_are_errors_at_the_line_written(write_template: Callable[..., Path]) -> None:
    found = _errors(write_template(SAM))
    lines = [line for line, _ in found]
    assert lines == [13, 19, 29], found
    messages = dict(found)
    assert messages[13] == "Timeout takes a whole number of seconds; '15m' is text: write 900"
    assert (
        messages[19] == "MemorySize takes a whole number of MB; '2GB' is text (when parameter Size is 2GB): write 2048"
    )
    assert messages[29].startswith("VisibilityTimeout takes a whole number of seconds; 'abc' is text")


def test_coercible_and_unknown_values_are_no_finding(write_template: Callable[..., Path]) -> None:
    template = write_template(
        """\
Parameters:
  Unknown:
    Type: Number
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: "30"
      DelaySeconds: !Ref Unknown
      FifoQueue: "True"
      QueueName: 42
      MessageRetentionPeriod: !GetAtt Other.Value
      Tags:
        - Key: team
          Value: 7
  Thing:
    Type: Custom::Thing
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:x
      Timeout: 15m
"""
    )
    assert _errors(template) == []


def test_exit_code_one_for_a_wrong_type(write_template: Callable[..., Path]) -> None:
    template = write_template(
        '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": [30]}}}}',
        "template.json",
    )
    result = subprocess.run(
        [sys.executable, "-m", "samcheck", "--select", "SC0018", "--no-cache", str(template)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "VisibilityTimeout takes a whole number of seconds; [30] is a list" in result.stdout
