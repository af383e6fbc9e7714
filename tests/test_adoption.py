"""Suppression comments, baselines and samconfig.toml: what a team adopting samcheck uses."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from samcheck.cli import cli

BAD = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    MemorySize: 20000{globals_comment}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/fn.zip
{above}      Timeout: 1000{trailing}
"""


def lint(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["--no-cache", "-j", "1", "--format", "json", "--as-of", "2026-11-23", *args])
    return result.exit_code, json.loads(result.stdout) if result.stdout.startswith("{") else {}


def rules(document: dict) -> list[str]:
    return sorted(f["rule"] for f in document["findings"])


def write(tmp_path: Path, **parts: str) -> Path:
    values = {"globals_comment": "", "above": "", "trailing": "", **parts}
    path = tmp_path / "template.yaml"
    path.write_text(BAD.format(**values))
    return path


def test_comments_on_the_line_above_and_related(tmp_path: Path) -> None:
    assert rules(lint(str(write(tmp_path)))[1]) == ["SC1001", "SC1002"]
    trailing = write(tmp_path, trailing="  # samcheck: ignore[SC1001] nightly batch")
    assert rules(lint(str(trailing))[1]) == ["SC1002"]
    above = write(tmp_path, above="      # samcheck: ignore[lambda-timeout-range]\n")
    assert rules(lint(str(above))[1]) == ["SC1002"]
    on_globals = write(tmp_path, globals_comment="  # samcheck: ignore[SC1002] raised for every function")
    assert rules(lint(str(on_globals))[1]) == ["SC1001"]


def test_ignore_file_and_until(tmp_path: Path) -> None:
    path = write(tmp_path)
    path.write_text("# samcheck: ignore-file[SC1]\n" + path.read_text())
    code, document = lint(str(path))
    assert code == 0 and rules(document) == []
    expired = write(tmp_path, trailing="  # samcheck: ignore[SC1001] until=2026-01-31 migration")
    code, document = lint(str(expired))
    assert rules(document) == ["SC0009", "SC1001", "SC1002"]
    warning = next(f for f in document["findings"] if f["rule"] == "SC0009")
    assert "expired on 2026-01-31 (migration)" in warning["message"] and warning["line"] == 12
    live = write(tmp_path, trailing="  # samcheck: ignore[SC1001] until=2027-01-31 migration")
    assert rules(lint(str(live))[1]) == ["SC1002"]


def test_unused_suppressions_are_info(tmp_path: Path) -> None:
    path = write(tmp_path, trailing="  # samcheck: ignore[SC1001]")
    path.write_text(path.read_text().replace("Timeout: 1000", "Timeout: 30"))
    _, document = lint(str(path))
    assert rules(document) == ["SC0008", "SC1002"]
    assert next(f for f in document["findings"] if f["rule"] == "SC0008")["severity"] == "info"


def test_baseline_reports_only_new_findings_and_survives_line_shifts(tmp_path: Path) -> None:
    template = write(tmp_path)
    baseline = tmp_path / "samcheck-baseline.json"
    result = CliRunner().invoke(cli, ["--no-cache", "--write-baseline", str(baseline), str(template)])
    assert result.exit_code == 0 and len(json.loads(baseline.read_text())["findings"]) == 2
    code, document = lint("--baseline", str(baseline), str(template))
    assert code == 0 and rules(document) == []
    template.write_text("# a new comment shifts every line\n" + template.read_text())
    assert lint("--baseline", str(baseline), str(template))[0] == 0
    template.write_text(
        template.read_text().replace(
            "CodeUri: s3://bucket/fn.zip", "CodeUri: s3://b/f.zip\n      ReservedConcurrentExecutions: 5000"
        )
    )
    code, document = lint("--baseline", str(baseline), str(template))
    assert code == 1 and rules(document) == ["SC1008", "SC2001"]
    baseline.write_text("not json")
    assert lint("--baseline", str(baseline), str(template))[0] == 2


def test_samconfig_parameters_and_region(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Parameters:\n  T:\n    Type: Number\n    Default: 30\n"
        "Conditions:\n  Eu: !Equals [!Ref AWS::Region, eu-west-1]\n"
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n      Timeout: !If [Eu, !Ref T, 10]\n"
    )
    (tmp_path / "samconfig.toml").write_text(
        'version = 0.1\n[default.deploy.parameters]\nregion = "eu-west-1"\nparameter_overrides = "T=1000"\n'
        '[prod.global.parameters]\nregion = "us-east-1"\n'
    )
    assert rules(lint(str(template))[1]) == ["SC1001"]  # eu-west-1 with T=1000 from samconfig
    assert rules(lint("--config-env", "prod", str(template))[1]) == []  # us-east-1
    assert rules(lint("--parameter-overrides", "T=30", str(template))[1]) == []  # the command line wins
    assert rules(lint("--region", "us-west-2", str(template))[1]) == []


def test_a_comment_on_the_line_that_starts_a_block_scalar_covers_the_scalar(tmp_path: Path) -> None:
    """Inside a block scalar (a state machine's JSON) a comment would be part of the text: the
    comment goes on the key line that starts it, and covers the findings inside it."""
    source = Path(__file__).parent.parent / "fixtures" / "rules" / "SC6001" / "definition-string-sub.yaml"
    text = source.read_text()
    path = tmp_path / "template.yaml"
    path.write_text(text)
    assert rules(lint(str(path))[1]) == ["SC6001"]  # line 12, inside `DefinitionString: !Sub |`
    path.write_text(text.replace("DefinitionString: !Sub |", "DefinitionString: !Sub |  # samcheck: ignore[SC6001]"))
    assert rules(lint(str(path))[1]) == []
    # only the block the line starts: the comment on the next key does not reach back into it
    after = text.replace("DefinitionSubstitutions: {}", "DefinitionSubstitutions: {}  # samcheck: ignore[SC6001]")
    path.write_text(after)
    assert rules(lint(str(path))[1]) == ["SC0008", "SC6001"]
