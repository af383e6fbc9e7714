"""samcheck needs no AWS account: no profile, no credentials, no config file is read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SAM = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/fn.zip
      Handler: app.handler
      Runtime: python3.13
      Timeout: 1200
"""


def test_a_missing_profile_and_broken_aws_files_change_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    # Canaries: were either file read, botocore would fail to parse it (or find no such profile).
    (home / ".aws" / "config").write_text("[profile broken\nregion = nowhere\n")
    (home / ".aws" / "credentials").write_text("[default\naws_access_key_id = canary\n")
    template = tmp_path / "template.yaml"
    template.write_text(SAM)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_") or key == "AWS_REGION"}
    environment |= {"HOME": str(home), "AWS_PROFILE": "does-not-exist", "AWS_DEFAULT_PROFILE": "nor-this"}
    result = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "--format", "json", str(template)],
        capture_output=True,
        text=True,
        env=environment,
    )
    rules = {finding["rule"] for finding in json.loads(result.stdout)["findings"]}
    assert "SC0000" not in rules and "SC1001" in rules, result.stdout + result.stderr
    assert result.returncode == 1


def _samcheck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", *args], capture_output=True, text=True, cwd=cwd
    )


def test_text_no_codec_can_hold_is_escaped_in_every_report(tmp_path: Path) -> None:
    """A lone surrogate ("\\ud800" in a YAML string) reaches messages: every format still writes."""
    template = tmp_path / "template.yaml"
    template.write_text('Resources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  O: {Value: !Ref "\\ud800"}\n')
    for output_format in ("text", "json", "sarif", "github", "vscode", "junit"):
        result = _samcheck("--format", output_format, str(template))
        assert result.returncode == 1 and "Traceback" not in result.stderr, (output_format, result.stderr)
        assert "SC0006" in result.stdout, output_format
    baseline = tmp_path / "baseline.json"
    result = _samcheck("--write-baseline", str(baseline), str(template))
    assert result.returncode == 0 and "Traceback" not in result.stderr and json.loads(baseline.read_text())


def test_a_report_that_cannot_be_written_is_exit_2_after_the_others(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(SAM)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = _samcheck("--format", f"json={folder}", "--format", f"sarif={tmp_path / 'ok.sarif'}", str(template))
    assert result.returncode == 2 and "cannot write" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "ok.sarif").is_file()


def test_an_account_limit_below_the_unreserved_minimum_is_a_configuration_error(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(SAM)
    (tmp_path / "pyproject.toml").write_text("[tool.samcheck.limits]\nconcurrent-executions = 10\n")
    for args in ([], ["--account-scope"]):
        result = _samcheck(*args, str(template))
        assert result.returncode == 2 and "concurrent-executions = 10 is below unreserved-minimum" in result.stderr
        assert "Traceback" not in result.stderr


def test_named_pipes_are_never_opened(tmp_path: Path) -> None:
    """A pipe named like a template would block a read forever: searched or named, it is not opened."""
    import os

    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "template.yaml").write_text(SAM)
    os.mkfifo(tmp_path / "stacks" / "queue.yaml")
    searched = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "--format", "json", "stacks"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert searched.returncode == 1 and {f["rule"] for f in json.loads(searched.stdout)["findings"]} == {"SC1001"}
    os.mkfifo(tmp_path / "template.yaml")
    named = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "template.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert named.returncode == 1 and "not a regular file" in named.stdout


def test_deep_nesting_is_a_finding_not_a_crash_and_the_other_files_stay(tmp_path: Path) -> None:
    """30,000 nested '[' crashed libyaml's composer (a segfault: every report lost)."""
    (tmp_path / "deep.yaml").write_text("[" * 30000)
    (tmp_path / "deep.json").write_text('{"a":' * 30000 + "1" + "}" * 30000)
    (tmp_path / "template.yaml").write_text(SAM)
    for jobs in ("1", "2"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "samcheck",
                "--no-cache",
                "-j",
                jobs,
                "--format",
                "json",
                "deep.yaml",
                "deep.json",
                ".",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=300,
        )
        assert result.returncode == 1, result.stderr[-500:]
        by_file: dict[str, set[str]] = {}
        for finding in json.loads(result.stdout)["findings"]:
            by_file.setdefault(Path(finding["file"]).name, set()).add(finding["rule"])
        assert by_file == {"deep.yaml": {"SC0001"}, "deep.json": {"SC0001"}, "template.yaml": {"SC1001"}}


def test_nesting_the_reader_admits_is_followed_by_every_stage_and_every_fix(tmp_path: Path) -> None:
    """At 250 levels (read without complaint) a fixable finding ended in a RecursionError in the
    fix verification for --fix, --diff and SARIF; 990 levels (just under the reader's limit) in a
    SAM resource and an output must go through the translator, the rules and every fix path."""
    deep = "[" * 990 + "]" * 990
    text = (
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n"
        "    Properties:\n      VisibilityTimeout: 10\n  Fn:\n    Type: AWS::Serverless::Function\n"
        f"    Metadata:\n      Deep: {deep}\n    Properties:\n      Runtime: python3.12\n"
        "      Handler: app.handler\n      InlineCode: x\n      Timeout: 60\n      Events:\n        Jobs:\n"
        "          Type: SQS\n          Properties: {Queue: !GetAtt Queue.Arn}\n"
        f"Outputs:\n  Deep:\n    Value: {deep}\n"
    )
    template = tmp_path / "template.yaml"
    template.write_text(text)
    for output_format in ("text", "json", "sarif", "github", "vscode", "junit"):
        result = _samcheck("--format", output_format, str(template))
        assert result.returncode == 1 and "Traceback" not in result.stderr, (output_format, result.stderr[-800:])
        assert "SC3001" in result.stdout and "too deeply" not in result.stdout, output_format
    sarif = json.loads(_samcheck("--format", "sarif", str(template)).stdout)
    assert any(result.get("fixes") for result in sarif["runs"][0]["results"])
    diff = _samcheck("--diff", str(template), cwd=tmp_path)
    assert "+      VisibilityTimeout: 360" in diff.stdout and "Traceback" not in diff.stderr
    fixed = _samcheck("--fix", str(template))
    assert "Traceback" not in fixed.stderr and "VisibilityTimeout: 360" in template.read_text()


def test_files_outside_the_project_are_never_read_or_quoted(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (tmp_path / "secret.asl.yaml").write_text("StartAt: A\nStates:\n  A: {Type: Pass, Next: TOPSECRET}\n")
    (project / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Machine:\n    Type: AWS::Serverless::StateMachine\n"
        "    Properties:\n      Policies: []\n      DefinitionUri: ../secret.asl.yaml\n"
    )
    result = _samcheck("--format", "json", "template.yaml", cwd=project)
    assert "TOPSECRET" not in result.stdout + result.stderr
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["SC0016"]
    widened = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "--format", "json", "template.yaml"],
        capture_output=True,
        text=True,
        cwd=project,
        env={**os.environ, "SAMCHECK_PROJECT_ROOT": str(tmp_path)},
    )
    assert "TOPSECRET" in widened.stdout  # read once the root is widened: SC6001 names the missing state
