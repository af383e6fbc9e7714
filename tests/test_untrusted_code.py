"""Issue 29, the code slice: no file of the repository being linted makes samcheck run code, and
no rule pack someone else wrote stops the run.

cfn-lint gets an explicit configuration: a repository's ``.cfnlintrc`` may choose checks, never
load rules; the user's own ``~/.cfnlintrc`` may. A third-party pack's calls run contained
(``samcheck.check.sandbox``): here the container itself; packs that loop, print or exit, and a
worker pool that cannot start, are played as real processes in ``bench/crashers/code_*.py``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from samcheck.check import cfnlint_bridge
from samcheck.check.sandbox import run_contained
from samcheck.cli import cli

TEMPLATE = """\
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      Tags: [{Key: a}]
"""

# A cfn-lint rule that matches every template, and leaves a mark when its module is imported.
RULE = """\
import pathlib

from cfnlint.rules import CloudFormationLintRule, RuleMatch

pathlib.Path({mark!r}).write_text("imported")


class Everywhere(CloudFormationLintRule):
    id = "E9{number}"
    shortdesc = "From {whose} rules"
    description = "Matches every template"
    source_url = "https://example.com"
    tags = []

    def match(self, cfn):
        return [RuleMatch(["Resources"], "{whose} rule ran")]
"""


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(home, repository), the repository the current folder."""
    home, repository = tmp_path / "home", tmp_path / "repository"
    home.mkdir()
    repository.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(repository)
    (repository / "template.yaml").write_text(TEMPLATE)
    return home, repository


def _rules(folder: Path, whose: str, number: str) -> Path:
    rules = folder / f"{whose}_rules"
    rules.mkdir()
    (rules / f"{whose}.py").write_text(RULE.format(mark=str(folder / f"{whose}-imported"), whose=whose, number=number))
    return rules


def _lint() -> tuple[int, set[str], str]:
    cfnlint_bridge._settings.cache_clear()  # read per process: these tests change the files between runs
    result = CliRunner().invoke(cli, ["--no-cache", "-j", "1", "--with-cfn-lint", "--format", "json"])
    return result.exit_code, {finding["rule"] for finding in json.loads(result.stdout)["findings"]}, result.stderr


def test_a_repositorys_cfnlintrc_chooses_checks_but_loads_no_code(folders: tuple[Path, Path]) -> None:
    _, repository = folders
    _rules(repository, "repository", "998")
    (repository / ".cfnlintrc").write_text(
        "append_rules: [repository_rules]\ncustom_rules: custom.txt\nignore_checks: [W3011]\n"
    )
    code, rules, stderr = _lint()
    assert code == 1 and "CFN-E3003" in rules and "CFN-E9998" not in rules
    assert not (repository / "repository-imported").exists()
    assert "append_rules, custom_rules ignored: a repository's .cfnlintrc may not load code" in stderr
    (repository / ".cfnlintrc").write_text("ignore_checks: [E3003]\n")
    code, rules, stderr = _lint()
    assert (code, rules, stderr) == (0, set(), "")


def test_the_users_own_cfnlintrc_may_append_rules_from_the_home_folder(folders: tuple[Path, Path]) -> None:
    home, repository = folders
    _rules(home, "user", "997")
    _rules(repository, "user", "996")  # the same relative path in the repository is not what is meant
    (home / ".cfnlintrc").write_text("append_rules: [user_rules]\n")
    code, rules, stderr = _lint()
    assert code == 1 and {"CFN-E3003", "CFN-E9997"} <= rules and "CFN-E9996" not in rules, stderr
    assert (home / "user-imported").exists() and not (repository / "user-imported").exists()


def test_a_repositorys_cfnlintrc_that_cannot_be_used_is_said_and_left_out(folders: tuple[Path, Path]) -> None:
    _, repository = folders
    (repository / ".cfnlintrc.yaml").write_text("ignore_checks: E3003\n")
    code, rules, stderr = _lint()
    assert code == 1 and "CFN-E3003" in rules
    assert "ignore_checks not what cfn-lint expects; cfn-lint runs without the file" in stderr
    (repository / ".cfnlintrc.yaml").unlink()
    secret = repository.parent / "secret.yaml"
    secret.write_text("ignore_checks: [E3003]\n")
    (repository / ".cfnlintrc").symlink_to(secret)
    code, rules, stderr = _lint()
    assert code == 1 and "CFN-E3003" in rules and "a symbolic link, not followed" in stderr


def test_a_bad_option_from_the_users_cfnlintrc_is_a_finding_not_an_exit(folders: tuple[Path, Path]) -> None:
    """cfn-lint exits (sys.exit) on an override_spec it cannot find: that is its finding, not the run's end."""
    home, _ = folders
    (home / ".cfnlintrc").write_text("override_spec: missing.json\n")
    code, rules, _ = _lint()
    assert code == 0 and rules == {"CFN-E0000"}  # a warning: cfn-lint did not run


def _prints() -> int:
    print("to standard output")
    return 1


def _exits() -> int:
    sys.exit(3)


def _raises() -> int:
    raise ValueError("a bug")


def _unpicklable() -> object:
    return lambda: None


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "without fork"])
def test_a_contained_call_returns_its_value_or_why_not(fork: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not fork:
        monkeypatch.delattr(os, "fork")
    assert run_contained(lambda: ["value"], 5).value == ["value"]
    printed = run_contained(_prints, 5)
    assert printed.value is None and printed.failure.startswith("wrote 19 bytes to standard output")
    exited = run_contained(_exits, 5)
    assert exited.value is None
    assert exited.failure == ("ended the process (exit code 3)" if fork else "tried to end the process (sys.exit(3))")


def test_a_contained_call_that_raises_or_returns_what_cannot_be_sent_is_said() -> None:
    assert run_contained(_raises, 5).failure == "failed (ValueError: a bug)"
    assert run_contained(_unpicklable, 5).failure.startswith("returned what cannot be sent between processes")
