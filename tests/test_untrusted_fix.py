"""--fix and --diff on templates from strangers: what cannot be played as a real process cheaply
(the attacks that need one are in ``bench/crashers/fix_*.py``)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import samcheck.fix.edits
from samcheck.api import lint_file
from samcheck.cli import cli
from samcheck.config import Settings
from samcheck.findings import FileResult
from samcheck.fix.files import fix_target, read_exactly
from samcheck.fix.fixpoint import fix_until_stable
from samcheck.registry import rule_infos

FUNCTIONS = 1000
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 20
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/fn.zip
      Handler: app.handler
      Runtime: python3.13
      Timeout: 30
      Events:
        FromJobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
"""


@pytest.mark.parametrize("mode", ["--fix", "--diff", "--format=sarif"])
def test_a_failure_of_the_fix_engine_on_one_file_spares_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """A bug of the fix engine on one odd template loses that file's fixes (said, for --fix and
    --diff), never the run: the other file is still fixed, diffed or given its SARIF fix."""
    odd = TEMPLATE + "# the engine fails on this one\n"
    broken, plain = tmp_path / "broken.yaml", tmp_path / "plain.yaml"
    broken.write_text(odd)
    plain.write_text(TEMPLATE)
    planned = samcheck.fix.edits.plan

    def plan(text: str, *arguments: Any) -> samcheck.fix.edits.Change:
        if text.endswith("the engine fails on this one\n"):
            raise RuntimeError("a bug")
        return planned(text, *arguments)

    monkeypatch.setattr(samcheck.fix.edits, "plan", plan)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--no-cache", "-j", "1", mode, "broken.yaml", "plain.yaml"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert broken.read_text() == odd
    if mode == "--format=sarif":
        fixed = [r for r in json.loads(result.stdout)["runs"][0]["results"] if "fixes" in r]
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in fixed]
        assert len(uris) == 1 and uris[0].endswith("plain.yaml"), uris
        return
    assert "samcheck: not fixing broken.yaml: RuntimeError: a bug; please report it" in result.stderr
    if mode == "--fix":
        assert "VisibilityTimeout: 180" in plain.read_text()
    else:
        assert "+++ b/plain.yaml" in result.stdout and "broken.yaml" not in result.stdout


def many_functions(count: int) -> str:
    """``count`` functions, each reading its own queue whose VisibilityTimeout (10 s) is below the
    function's Timeout (a fixable SC3001), with descriptions long enough that the expanded template
    is over CloudFormation's 1 MB body quota (an SC0007 error whose byte count every edit changes)."""
    lines = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for index in range(count):
        lines += [
            f"  Queue{index}:",
            "    Type: AWS::SQS::Queue",
            "    Properties:",
            "      VisibilityTimeout: 10",
            f"  Worker{index}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            "      Runtime: python3.12",
            "      Handler: app.handler",
            '      InlineCode: "def handler(event, context): pass"',
            "      Timeout: 60",
            f"      Description: {'x' * 300}",
            "      Events:",
            "        Jobs:",
            "          Type: SQS",
            "          Properties:",
            f"            Queue: !GetAtt Queue{index}.Arn",
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_fixes_of_a_template_over_the_body_quota_are_checked_together(tmp_path: Path) -> None:
    """The body-size error stays one error while the fixes change the byte count: every fix is
    applied after linting one candidate (it was refused, then each fix linted alone: minutes)."""
    path = tmp_path / "template.yaml"
    path.write_text(many_functions(FUNCTIONS))
    settings, rules = Settings(), rule_infos()
    result = lint_file(path, settings, rules)
    assert any(f.rule == "SC0007" and "expanded template" in f.message for f in result.findings)
    linted: list[str] = []

    def lint(text: str) -> FileResult:
        linted.append(text)
        assert len(linted) <= 2, "each fix is linted alone"
        return lint_file(path, settings, rules, source=text.encode())

    stable = fix_until_stable(path, read_exactly(path), result, lint)
    assert stable.refused == [] and stable.applied == FUNCTIONS
    assert len(linted) == 1 and stable.text.count("VisibilityTimeout: 360") == FUNCTIONS


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_diff_of_a_file_with_an_odd_name_applies_with_git(tmp_path: Path) -> None:
    """A name with a line break (a CI log would obey the line it starts) and a non-ASCII letter is
    quoted in the headers as git quotes it: ``git apply`` takes the diff."""
    name = "x\n::warning::é.yaml"
    (tmp_path / name).write_text(TEMPLATE)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    diff = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "--diff", name], cwd=tmp_path, capture_output=True
    )
    assert diff.returncode == 1 and b'--- "a/x\\n::warning::\\303\\251.yaml"' in diff.stdout, diff.stdout + diff.stderr
    applied = subprocess.run(["git", "apply", "-"], cwd=tmp_path, input=diff.stdout, capture_output=True)
    assert applied.returncode == 0, applied.stderr
    assert (tmp_path / name).read_text() == TEMPLATE.replace("VisibilityTimeout: 20", "VisibilityTimeout: 180")


def test_fix_targets_a_link_only_inside_the_project(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "home"
    (project / ".git").mkdir(parents=True)
    outside.mkdir()
    (outside / "victim.yaml").write_text(TEMPLATE)
    (project / "stacks").mkdir()
    (project / "stacks" / "real.yaml").write_text(TEMPLATE)
    (project / "out.yaml").symlink_to(outside / "victim.yaml")
    (project / "in.yaml").symlink_to(project / "stacks" / "real.yaml")
    with pytest.raises(PermissionError, match=r"out\.yaml is a link that leads outside the project"):
        fix_target(project / "out.yaml")
    assert fix_target(project / "in.yaml") == (project / "stacks" / "real.yaml").resolve()
    assert fix_target(project / "stacks" / "real.yaml") == (project / "stacks" / "real.yaml").resolve()
