"""The real pre-commit runs this repository's hook on a throwaway git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_discovery import MACHINE_TEMPLATE as MACHINE

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
GOOD = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
BAD = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 1000\n"
BROKEN_DEFINITION = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}'


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


@pytest.mark.slow
@pytest.mark.skipif(not PRE_COMMIT.exists() or shutil.which("git") is None, reason="pre-commit or git missing")
def test_pre_commit_try_repo_passes_good_and_fails_bad_templates(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "good").mkdir(parents=True)
    (project / "bad").mkdir()
    (project / "good" / "template.yaml").write_text(GOOD)
    (project / "bad" / "template.yaml").write_text(BAD)
    (project / "dotnet").mkdir()
    (project / "dotnet" / "serverless.template").write_text(BAD)  # .NET's name for a template
    (project / "notes.yaml").write_text("not: a template\n")
    (project / ".template.config").mkdir()  # dotnet new's configuration: no template
    (project / ".template.config" / "template.json").write_text('{"name": "blueprint", "symbols": {}}')
    (project / "machine" / "statemachine").mkdir(parents=True)
    (project / "machine" / "template.yaml").write_text(MACHINE)
    (project / "machine" / "statemachine" / "order.asl.json").write_text(BROKEN_DEFINITION)
    git(project, "init", "-q")
    git(project, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "SAMCHECK_CACHE_DIR": str(tmp_path / "c"),
    }

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        command = [str(PRE_COMMIT), "try-repo", str(ROOT), "samcheck", "--verbose", "--files", *files]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=900)

    good = try_repo("good/template.yaml", "notes.yaml", ".template.config/template.json")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "samcheck" in good.stdout and "Passed" in good.stdout
    bad = try_repo("good/template.yaml", "bad/template.yaml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and "SC1001" in bad.stdout and "bad/template.yaml" in bad.stdout
    dotnet = try_repo("dotnet/serverless.template")
    assert dotnet.returncode == 1 and "dotnet/serverless.template" in dotnet.stdout, dotnet.stdout
    # a commit of only a state machine definition checks the template that reads it
    definition = try_repo("machine/statemachine/order.asl.json")
    assert definition.returncode == 1, definition.stdout + definition.stderr
    assert "SC6001" in definition.stdout and "order.asl.json" in definition.stdout
