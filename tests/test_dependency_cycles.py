"""SC0022 dependency-cycle: the cycles CloudFormation rejects ("Circular dependency between
resources"), found on the deployed (expanded) template and reported at the line the user wrote."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from samcheck.cli import cli
from samcheck.findings import FileResult
from tests.conftest import lint

SAM_S3_CYCLE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads:
    Type: AWS::S3::Bucket
  Converter:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.13
      Handler: index.handler
      InlineCode: "def handler(event, context): return None"
      Environment:
        Variables:
          OUTPUT_BUCKET: !Ref Uploads
      Events:
        Created:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
"""

CFN_CYCLE = """\
Parameters:
  Wired:
    Type: String
    AllowedValues: ["yes", "no"]
Conditions:
  IsWired: !Equals [!Ref Wired, "yes"]
Resources:
  First:
    Type: AWS::SQS::Queue
    Properties:
      Tags:
        - Key: other
          Value: !If [IsWired, !GetAtt Second.Arn, none]
  Second:
    Type: AWS::SQS::Queue
    Properties:
      Tags:
        - Key: other
          Value: !If [IsWired, none, !GetAtt First.Arn]
"""


def cycles(result: FileResult) -> list:
    return [finding for finding in result.findings if finding.rule == "SC0022"]


def test_sam_s3_event_cycle_is_reported_once_at_the_environment_reference(write_template) -> None:
    found = cycles(lint(write_template(SAM_S3_CYCLE)))
    assert len(found) == 1
    finding = found[0]
    assert finding.severity.name == "ERROR"
    assert finding.span.line == 13  # OUTPUT_BUCKET: !Ref Uploads, the line the user edits
    assert "Converter" in finding.message and "Uploads" in finding.message
    assert "!Sub" in finding.message  # the way out: name the bucket, read the name
    assert {related.span.line for related in finding.related} >= {13, 3}


def test_depends_on_that_closes_a_cycle_is_reported_at_the_depends_on(write_template) -> None:
    text = SAM_S3_CYCLE.replace("          OUTPUT_BUCKET: !Ref Uploads\n", "          MODE: fast\n").replace(
        "    Type: AWS::Serverless::Function\n", "    Type: AWS::Serverless::Function\n    DependsOn: Uploads\n"
    )
    found = cycles(lint(write_template(text)))
    assert len(found) == 1
    assert found[0].span.line == 7
    assert "DependsOn" in found[0].message


def test_fn_if_branches_that_never_deploy_together_close_no_cycle(write_template) -> None:
    assert cycles(lint(write_template(CFN_CYCLE))) == []
    together = CFN_CYCLE.replace("!If [IsWired, none, !GetAtt First.Arn]", "!If [IsWired, !GetAtt First.Arn, none]")
    found = cycles(lint(write_template(together)))
    assert len(found) == 1
    assert "Wired is yes" in found[0].message


def test_a_resource_whose_condition_is_false_has_no_edges(write_template) -> None:
    text = CFN_CYCLE.replace("!If [IsWired, !GetAtt Second.Arn, none]", "!GetAtt Second.Arn").replace(
        "!If [IsWired, none, !GetAtt First.Arn]", "!GetAtt First.Arn"
    )
    queue = "  Second:\n    Type: AWS::SQS::Queue\n"
    text = text.replace(queue, queue + "    Condition: Never\n")
    text = text.replace("Conditions:\n", "Conditions:\n  Never: !Equals [a, b]\n")
    assert cycles(lint(write_template(text))) == []


def test_a_sub_variable_defined_in_its_own_map_is_not_a_reference(write_template) -> None:
    text = CFN_CYCLE.replace("!If [IsWired, !GetAtt Second.Arn, none]", "!GetAtt Second.Arn").replace(
        "!If [IsWired, none, !GetAtt First.Arn]", "!Sub ['${First}', {First: literal}]"
    )
    assert cycles(lint(write_template(text))) == []


def test_cli_exit_code_and_graph_marks_the_edges_the_cycle_check_uses(write_template) -> None:
    path: Path = write_template(SAM_S3_CYCLE)
    runner = CliRunner()
    linted = runner.invoke(cli, ["--no-cache", str(path)])
    assert linted.exit_code == 1 and "SC0022" in linted.output
    shown = runner.invoke(cli, ["graph", "--format", "json", str(path)])
    assert shown.exit_code == 0, shown.output
    edges = json.loads(shown.output)["edges"]
    ordering = {(e["source"], e["target"]) for e in edges if e["orders_creation"]}
    assert ("Converter", "Uploads") in ordering and ("Uploads", "Converter") in ordering
    assert not any(e["orders_creation"] for e in edges if e["kind"] == "event_source")


def test_a_reference_that_is_the_whole_of_properties_is_an_edge_not_an_internal_error(write_template) -> None:
    # found by the fuzz test: Properties swapped for a GetAtt, so the reference is at path ()
    path = write_template(
        "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties: !GetAtt Pipe.Arn\n"
        "  Pipe:\n    Type: AWS::SQS::Queue\n    DependsOn: Role\n"
    )
    result = lint(path)
    assert "SC0000" not in {finding.rule for finding in result.findings}
    assert [finding.rule for finding in cycles(result)] == ["SC0022"]
