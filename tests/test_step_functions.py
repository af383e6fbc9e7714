"""Every Step Functions rule, in all four forms a definition takes, at the same lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from samcheck.api import lint_file
from samcheck.config import Settings
from samcheck.registry import select_rules

# One definition that breaks most of the rules (SC6009 has its own fixtures: 1 MB, Map).
DEFINITION = """\
{
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "q", "MessageBody": {"id.$": "id", "n.$": "States.Add(1, 2)", "at": "$.at"}},
      "TimeoutSeconds": 60,
      "HeartbeatSeconds": 120,
      "Retry": [
        {"ErrorEquals": ["States.ALL"], "BackoffRate": 0.5},
        {"ErrorEquals": ["Custom"]}
      ],
      "Next": "Pause"
    },
    "Pause": {"Type": "Wait", "Seconds": 600, "Next": "Failed"},
    "Failed": {"Type": "Fail", "Error": "Rejected", "Next": "Nowhere"},
    "Orphan": {"Type": "Pass", "End": true}
  }
}
"""
EXPECTED = {
    ("SC6001", 17),  # Next names no state
    ("SC6001", 18),  # Orphan is unreachable
    ("SC6002", 17),  # a Fail state with Next
    ("SC6003", 6),  # .waitForTaskToken on EXPRESS
    ("SC6004", 11),  # States.ALL not in the last retrier
    ("SC6005", 9),  # heartbeat not below timeout
    ("SC6007", 11),  # BackoffRate 0.5
    ("SC6008", 16),  # a 600 s wait in an EXPRESS workflow
    ("SC6013", 7),  # a .$ key holding no path
    ("SC6014", 7),  # a function that does not exist
    ("SC6015", 7),  # a path in a key without .$, passed as text
}


def indented(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


def write_form(form: str, folder: Path) -> tuple[Path, int]:
    """The template (or definition file) that holds the definition, and the line its "{" is on."""
    head = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Machine:\n"
    if form == "sam-inline":
        text = (
            head + "    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: EXPRESS\n      Definition:\n"
        )
        text += indented(DEFINITION, 8)
        (folder / "template.yaml").write_text(text)
        return folder / "template.yaml", 8
    if form == "definition-uri":
        (folder / "machine.asl.json").write_text(DEFINITION)
        text = head + "    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: EXPRESS\n"
        (folder / "template.yaml").write_text(text + "      DefinitionUri: machine.asl.json\n")
        return folder / "machine.asl.json", 1
    cfn = "Resources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
    cfn += "      RoleArn: arn:aws:iam::123456789012:role/sfn\n      StateMachineType: EXPRESS\n"
    if form == "definition-string":
        text = cfn + "      DefinitionString: |\n" + indented(DEFINITION, 8)
    else:  # !Sub, with a substitution
        text = cfn + "      DefinitionString: !Sub |\n" + indented(DEFINITION.replace('"q"', '"${Queue}"'), 8)
        text += "  Queue:\n    Type: AWS::SQS::Queue\n"
    (folder / "template.yaml").write_text(text)
    return folder / "template.yaml", 8


@pytest.mark.parametrize("form", ["sam-inline", "definition-uri", "definition-string", "sub-definition-string"])
def test_all_rules_in_every_definition_form(form: str, tmp_path: Path) -> None:
    holder, first_line = write_form(form, tmp_path)
    result = lint_file(tmp_path / "template.yaml", Settings(), select_rules(["SC6"], []))
    found = {(f.rule, f.span.line - first_line + 1) for f in result.findings}
    assert found == EXPECTED, sorted(found ^ EXPECTED)
    assert {f.file for f in result.findings} == {str(holder)}
    assert {f.resource for f in result.findings} == {"Machine"}
