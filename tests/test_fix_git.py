"""--fix and --diff as a user meets them: line endings kept exactly, diffs the real ``git apply``
takes, the two options not mixed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

TEMPLATE = (
    "Transform: AWS::Serverless-2016-10-31\n"
    "Resources:\n"
    "  Jobs:\n"
    "    Type: AWS::SQS::Queue\n"
    "    Properties:\n"
    "      VisibilityTimeout: 20\n"
    "  Worker:\n"
    "    Type: AWS::Serverless::Function\n"
    "    Properties:\n"
    "      CodeUri: s3://bucket/fn.zip\n"
    "      Handler: app.handler\n"
    "      Runtime: python3.13\n"
    "      Timeout: 30\n"
    "      Events:\n"
    "        FromJobs:\n"
    "          Type: SQS\n"
    "          Properties:\n"
    "            Queue: !GetAtt Jobs.Arn\n"
)
# The queue is the file's last resource, with no VisibilityTimeout and no final line break: the
# fix inserts after the last line.
INSERTING = (
    TEMPLATE.replace("  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 20\n", "")
    + "  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 0"
)


def samcheck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def git(*args: str, cwd: Path, given: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], input=given, capture_output=True, cwd=cwd)


def diff_of(path: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """``samcheck --diff`` as bytes: a CRLF file's diff carries its CR characters."""
    return subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "--diff", path], capture_output=True, cwd=cwd
    )


pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("lf.yaml", TEMPLATE),
        ("crlf.yaml", TEMPLATE.replace("\n", "\r\n")),
        ("no-final-newline.yaml", TEMPLATE.rstrip("\n")),
    ],
)
def test_diff_applies_with_git_and_fix_keeps_line_endings(tmp_path: Path, name: str, text: str) -> None:
    git("init", "-q", cwd=tmp_path)
    (tmp_path / "stacks").mkdir()
    template = tmp_path / "stacks" / name
    template.write_bytes(text.encode())
    diff = diff_of("stacks/" + name, tmp_path)
    assert diff.returncode == 1 and diff.stdout.startswith(f"--- a/stacks/{name}\n+++ b/stacks/{name}\n".encode())
    assert template.read_bytes() == text.encode()  # --diff never writes
    applied = git("apply", "-", cwd=tmp_path, given=diff.stdout)
    assert applied.returncode == 0, applied.stderr
    by_git = template.read_bytes()
    template.write_bytes(text.encode())
    fixed = samcheck("--fix", str(template), cwd=tmp_path)
    assert fixed.returncode in (0, 1), fixed.stderr
    after = template.read_bytes().decode()
    assert after.encode() == by_git  # the diff is exactly what --fix writes
    assert "VisibilityTimeout: 180" in after
    assert after.endswith("\n") == text.endswith("\n")  # a missing final line break stays missing
    if "\r\n" in text:
        assert after.count("\n") == after.count("\r\n")  # every line still ends in CRLF


def test_an_insertion_at_a_last_line_without_a_break_keeps_it_without(tmp_path: Path) -> None:
    git("init", "-q", cwd=tmp_path)
    template = tmp_path / "template.yaml"
    text = INSERTING
    template.write_text(text)
    diff = diff_of("template.yaml", tmp_path)
    assert b"+      VisibilityTimeout: 180" in diff.stdout, diff.stdout + diff.stderr
    assert git("apply", "-", cwd=tmp_path, given=diff.stdout).returncode == 0
    assert not template.read_text().endswith("\n") and "VisibilityTimeout: 180" in template.read_text()


def test_fix_and_diff_together_are_refused(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    result = samcheck("--fix", "--diff", str(template), cwd=tmp_path)
    assert result.returncode == 2 and "choose one" in result.stderr
    assert template.read_text() == TEMPLATE


def test_a_fix_that_would_bring_a_new_error_is_not_applied_and_fixes_settle(tmp_path: Path) -> None:
    """Making the dead-letter queue FIFO (SC3002) would put a batch of 100 and a batching window
    (SC3006's fix) on a FIFO queue: two new errors. That fix is refused, with why; the other is
    applied; a second --fix changes nothing."""
    template = tmp_path / "template.yaml"
    shutil.copy(FIXTURES / "fix-conflict.yaml", template)
    original = template.read_text()
    first = samcheck("--fix", "--format", "json", str(template), cwd=tmp_path)
    assert "make Failed a FIFO queue: not applied, it would bring SC3006" in first.stderr, first.stderr
    after = template.read_text()
    assert "MaximumBatchingWindowInSeconds: 1" in after and "FifoQueue: true" not in after.split("Failed:")[1]
    remaining = {(f["rule"], f["severity"]) for f in json.loads(first.stdout)["findings"]}
    assert ("SC3006", "error") not in remaining and ("SC3002", "error") in remaining
    second = samcheck("--fix", str(template), cwd=tmp_path)
    assert template.read_text() == after and "fixed" not in second.stderr
    assert original != after


def test_fix_writes_through_a_symlink_and_refuses_read_only_files(tmp_path: Path) -> None:
    import os

    real = tmp_path / "stacks" / "real.yaml"
    real.parent.mkdir()
    real.write_text(TEMPLATE)
    link = tmp_path / "template.yaml"
    link.symlink_to(real)
    locked = tmp_path / "locked.yaml"
    locked.write_text(TEMPLATE)
    locked.chmod(0o444)
    result = samcheck("--fix", str(link), str(locked), cwd=tmp_path)
    assert "Traceback" not in result.stderr and result.returncode in (0, 1)
    assert link.is_symlink() and "VisibilityTimeout: 180" in real.read_text()  # the target is fixed
    assert f"not fixing {locked}" in result.stderr and locked.read_text() == TEMPLATE
    leftovers = [name for _, _, files in os.walk(tmp_path) for name in files if name.endswith(".tmp")]
    assert leftovers == []
