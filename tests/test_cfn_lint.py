"""--with-cfn-lint: cfn-lint's checks merged into samcheck's report."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from samcheck.cli import cli
from samcheck.datafiles import load_json

TEMPLATE = """\
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimout: 30
      Tags: [{{Key: a}}]{comment}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: {{ZipFile: "x"}}
      Timeout: 1000
"""


def lint(path: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["--no-cache", "-j", "1", "--format", "json", *args, str(path)])
    document = json.loads(result.stdout)
    jsonschema.validate(document, load_json("findings.schema.json"))
    return document


def found(document: dict) -> list[tuple[str, int]]:
    return sorted((f["rule"], f["line"]) for f in document["findings"])


def test_cfn_lint_findings_are_merged_and_deduplicated(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE.format(comment=""))
    assert found(lint(path)) == [("SC1001", 14)]
    merged = found(lint(path, "--with-cfn-lint"))
    assert ("CFN-E3002", 5) in merged and ("CFN-E3003", 6) in merged
    assert [line for rule, line in merged if rule.startswith("CFN-")].count(14) == 0  # samcheck reports line 14
    assert ("CFN-E3003", 6) not in found(lint(path, "--with-cfn-lint", "--ignore", "CFN-E3003"))
    path.write_text(TEMPLATE.format(comment="  # samcheck: ignore[CFN-E3003] checked by hand"))
    assert ("CFN-E3003", 6) not in found(lint(path, "--with-cfn-lint"))
    (tmp_path / ".samcheck.yaml").write_text("cfn-lint: true\n")
    assert ("CFN-E3002", 5) in found(lint(path))
