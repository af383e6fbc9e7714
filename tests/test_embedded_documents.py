"""Documents written inside a template as text (or in a file it names) that do not parse: SC0017
at the line the user wrote, with the parser's reason; never for what only an unknown value made."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import lint

HEAD = "Resources:\n"
MACHINE = """\
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/sfn
      DefinitionString: {definition}
"""


def sc0017(path: Path) -> list[tuple[int, str]]:
    return [(f.span.line, f.message) for f in lint(path).findings if f.rule == "SC0017"]


def test_a_trailing_comma_in_a_definition_string_is_an_error_at_its_line(write_template) -> None:
    definition = """|
        {
          "StartAt": "Done",
          "States": {"Done": {"Type": "Succeed"},}
        }"""
    path = write_template(HEAD + MACHINE.format(definition=definition))
    (found,) = sc0017(path)
    assert found[0] == 9  # the line of the comma, in the block
    assert "DefinitionString" in found[1] and "line 3 column" in found[1] and "trailing comma" in found[1]


def test_text_after_the_closing_brace_is_an_error_and_exits_1(write_template) -> None:
    definition = """'{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}} x'"""
    path = write_template(HEAD + MACHINE.format(definition=definition))
    run = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    (finding,) = [f for f in json.loads(run.stdout)["findings"] if f["rule"] == "SC0017"]
    assert finding["line"] == 6 and "Extra data" in finding["message"]


def test_unknown_placeholders_in_and_out_of_quotes_are_no_error(write_template) -> None:
    definition = """!Sub |
        {
          "StartAt": "Wait",
          "States": {
            "Wait": {"Type": "Wait", "Seconds": ${Seconds}, "Next": "Call"},
            "Call": {"Type": "Task", "Resource": "${Fn.Arn}", "End": true}
          }
        }"""
    text = "Parameters:\n  Seconds: {Type: Number}\n" + HEAD + MACHINE.format(definition=definition)
    assert sc0017(write_template(text)) == []


def test_an_error_that_only_a_placeholder_may_cause_is_no_error(write_template) -> None:
    # ${States} may well stand for members: what follows it is not judged.
    definition = """!Sub '{"StartAt": "Done", "States": {${States}}}'"""
    text = "Parameters:\n  States: {Type: String}\n" + HEAD + MACHINE.format(definition=definition)
    assert sc0017(write_template(text)) == []


def test_each_branch_of_an_if_is_judged(write_template) -> None:
    definition = """!If [Short, '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}', '{"StartAt": "A",}']"""
    text = (
        "Parameters:\n  Mode: {Type: String, AllowedValues: [short, long]}\n"
        "Conditions:\n  Short: !Equals [!Ref Mode, short]\n" + HEAD + MACHINE.format(definition=definition)
    )
    (found,) = sc0017(write_template(text))
    assert found[0] == 10 and "Mode" in found[1]


def test_a_definition_file_that_does_not_parse_is_reported_at_definition_uri(write_template, tmp_path) -> None:
    (tmp_path / "machine.asl.json").write_text('{\n  "StartAt": "A",\n  "States": {"A": {"Type": "Succeed"}\n')
    path = write_template(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Machine:\n    Type: AWS::Serverless::StateMachine\n"
        "    Properties:\n      Policies: []\n      DefinitionUri: machine.asl.json\n"
    )
    result = lint(path)
    (finding,) = [f for f in result.findings if f.rule == "SC0017"]
    assert finding.span.line == 7 and "machine.asl.json" in finding.message and "line 4" in finding.message
    assert [related.file for related in finding.related] == [str(tmp_path / "machine.asl.json")]


def test_a_policy_document_string_that_does_not_parse_is_an_error(write_template) -> None:
    text = HEAD + (
        "  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
        '      AssumeRolePolicyDocument: \'{"Version": "2012-10-17", "Statement": [],}\'\n'
    )
    (found,) = sc0017(write_template(text))
    assert found[0] == 5 and "AssumeRolePolicyDocument" in found[1]


def test_an_event_pattern_string_that_does_not_parse_is_an_error(write_template) -> None:
    text = HEAD + (
        '  Rule:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: \'{"source": ["aws.s3"]\'\n'
    )
    (found,) = sc0017(write_template(text))
    assert found[0] == 5 and "EventPattern" in found[1]


def test_an_api_definition_file_that_does_not_parse_is_reported_at_definition_uri(write_template, tmp_path) -> None:
    (tmp_path / "openapi.yaml").write_text("openapi: 3.0.1\npaths:\n  /orders: {get: {responses: {}}\n")
    (tmp_path / "valid.yaml").write_text("openapi: 3.0.1\ninfo:\n  title: ${Name}\npaths: {}\n")
    path = write_template(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: v1\n"
        "      DefinitionUri: openapi.yaml\n"
        "  Http:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      DefinitionUri: valid.yaml\n"
    )
    result = lint(path)
    (finding,) = [f for f in result.findings if f.rule == "SC0017"]
    assert finding.span.line == 7 and finding.resource == "Api" and "openapi.yaml" in finding.message
    assert [related.file for related in finding.related] == [str(tmp_path / "openapi.yaml")]
