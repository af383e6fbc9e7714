"""Configuration files as users write them: which file is read, how, and every value checked
(a value samcheck cannot use is exit 2 naming the file and the key, never a traceback or a rule
silently off)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from samcheck.cli import cli
from tests.conftest import ROOT

BAD_TIMEOUT = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: {ZipFile: "x"}
      Timeout: 5000
"""
# python3.8 was deprecated on 2024-10-14 (SC1006, a warning)
OLD_RUNTIME = BAD_TIMEOUT.replace("python3.12", "python3.8").replace("      Timeout: 5000\n", "")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", "--no-cache", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a template whose Timeout is an error (SC1001), samcheck run from there."""
    (tmp_path / "template.yaml").write_text(BAD_TIMEOUT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_an_impossible_as_of_date_is_a_configuration_error_not_a_traceback(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.samcheck]\nas-of = "2026-13-01"\n')
    result = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "template.yaml"],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "pyproject.toml: as-of: '2026-13-01' is not a date: month must be in 1..12" in result.stderr


def test_a_toml_date_is_a_date(project: Path) -> None:
    (project / "template.yaml").write_text(OLD_RUNTIME)
    (project / "pyproject.toml").write_text("[tool.samcheck]\nas-of = 2023-01-01\n")
    assert run("template.yaml")[0] == 0  # before python3.8's deprecation
    (project / "pyproject.toml").write_text("[tool.samcheck]\nas-of = 2026-01-01\nfail-level = 'warning'\n")
    code, out, _ = run("template.yaml")
    assert code == 1 and "SC1006" in out
    (project / "pyproject.toml").write_text("[tool.samcheck]\nregion = 2026-01-01\n")
    code, _, err = run("template.yaml")
    assert code == 2 and "pyproject.toml: region: '2026-01-01' does not match" in err
    assert "datetime" not in err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (".nan", "limits.lambda-timeout-max: nan is not a finite number"),
        (".inf", "limits.lambda-timeout-max: inf is not a finite number"),
        ("-1", "limits.lambda-timeout-max: -1 is less than the minimum of 0"),
    ],
)
def test_a_limit_that_is_not_a_finite_number_is_a_configuration_error(project: Path, value: str, message: str) -> None:
    (project / ".samcheck.yaml").write_text(f"limits:\n  lambda-timeout-max: {value}\n")
    code, _, err = run("template.yaml")
    assert code == 2 and f".samcheck.yaml: {message}" in err


def test_other_values_name_their_file_and_key(project: Path) -> None:
    (project / ".samcheck.yaml").write_text("parameter-overrides: 'Stage=prod novalue'\n")
    code, _, err = run("template.yaml")
    assert code == 2 and ".samcheck.yaml: parameter-overrides: parameter override 'novalue'" in err
    (project / ".samcheck.yaml").write_text("per-file-ignores:\n  legacy/*.yaml: [SC9999]\n")  # matches no file
    code, _, err = run("template.yaml")
    assert code == 2 and ".samcheck.yaml: per-file-ignores: 'SC9999'" in err


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("x.toml", 'ignore = ["SC1001"]\n'),
        ("x.yml", "ignore: [SC1001]\n"),
        ("x.json", '{"ignore": ["SC1001"]}\n'),
        ("pyproject.toml", '[tool.samcheck]\nignore = ["SC1001"]\n'),
    ],
)
def test_the_extension_decides_how_a_config_file_is_read(project: Path, name: str, text: str) -> None:
    (project / "given").mkdir()
    (project / "given" / name).write_text(text)
    assert run("--config", f"given/{name}", "template.yaml") == (0, "All checks passed (1 file).\n", "")


def test_a_config_file_of_no_known_kind_is_a_usage_error(project: Path) -> None:
    (project / "samcheck.ini").write_text("[samcheck]\nignore = SC1001\n")
    code, _, err = run("--config", "samcheck.ini", "template.yaml")
    assert code == 2 and "samcheck.ini: a configuration file is .toml, .yaml, .yml or .json" in err


@pytest.mark.parametrize(
    ("name", "text"),
    [(".samcheck.yml", "ignore: [SC1001]\n"), (".samcheck.toml", 'ignore = ["SC1001"]\n')],
)
def test_samcheck_yml_and_toml_are_found_like_samcheck_yaml(project: Path, name: str, text: str) -> None:
    (project / name).write_text(text)
    assert run("template.yaml")[0] == 0
    code, out, _ = run("--show-settings", "template.yaml")
    assert code == 0 and f"configuration file: {project / name}" in out


def test_two_config_files_in_one_folder_the_first_is_read_and_the_other_named(project: Path) -> None:
    (project / ".samcheck.yaml").write_text("ignore: [SC1001]\n")
    (project / ".samcheck.toml").write_text('fail-level = "never"\n')
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no [tool.samcheck]: not a config
    code, _, err = run("template.yaml")
    assert code == 0
    assert (
        f"samcheck: warning: {project / '.samcheck.yaml'} is read and {project / '.samcheck.toml'} beside it is "
        "not: one configuration file per folder, the first of .samcheck.yaml, .samcheck.yml, .samcheck.toml, "
        "pyproject.toml"
    ) in err


def test_force_exclude_applies_excludes_to_files_named_on_the_command_line(project: Path) -> None:
    (project / "legacy").mkdir()
    (project / "legacy" / "template.yaml").write_text(BAD_TIMEOUT)
    (project / "node_modules" / "pkg").mkdir(parents=True)
    (project / "node_modules" / "pkg" / "template.yaml").write_text(BAD_TIMEOUT)
    (project / "template.yaml").write_text(BAD_TIMEOUT.replace("5000", "30"))
    named = ("template.yaml", "legacy/template.yaml", "node_modules/pkg/template.yaml")
    (project / ".samcheck.yaml").write_text("extend-exclude: [legacy]\n")
    code, out, _ = run(*named)
    assert code == 1 and "legacy/template.yaml" in out  # named files are linted whatever the excludes say
    assert run("--force-exclude", *named)[0] == 0  # the default excludes (node_modules) apply too
    code, _, err = run("--force-exclude", "legacy/template.yaml")
    assert code == 0 and "samcheck: nothing to lint: the 1 file(s) named are excluded" in err
    (project / ".samcheck.yaml").write_text("extend-exclude: [legacy]\nforce-exclude: true\n")
    assert run(*named)[0] == 0


def test_the_pre_commit_hook_applies_the_excludes() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert "--force-exclude" in hook["args"]


def test_a_pyproject_of_other_tools_only_is_not_parsed(project: Path) -> None:
    # Not even read as TOML: a file another tool half-writes (or a TOML 1.1 feature) stops no lint.
    (project / "pyproject.toml").write_text("[tool.other]\nkey = = broken\n")
    code, out, err = run("--show-settings", "template.yaml")
    assert code == 0 and "configuration file: none" in out, err
    (project / "pyproject.toml").write_text("[tool.samcheck]\nkey = = broken\n")
    code, _, err = run("template.yaml")
    assert code == 2 and "pyproject.toml: cannot read" in err
