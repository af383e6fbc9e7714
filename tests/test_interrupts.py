"""Ctrl-C and SIGTERM stop a run at once (exit 130 and 143), leave no worker running and no file
half written; SIGKILL of samcheck takes its workers with it (Linux)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SQS_CONSUMER, needs_corpus

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads children from /proc (Linux)"),
]
SAMCHECK = [sys.executable, "-m", "samcheck", "--no-cache"]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _start(arguments: list[str], cwd: Path | None = None) -> tuple[subprocess.Popen[bytes], list[int]]:
    """samcheck in a session of its own, once its two workers run."""
    process = subprocess.Popen(
        [*SAMCHECK, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, cwd=cwd
    )
    deadline = time.monotonic() + 60
    while len(workers := _children(process.pid)) < 2:
        assert process.poll() is None, "samcheck ended before its workers started"
        assert time.monotonic() < deadline, "no workers after 60 s"
        time.sleep(0.05)
    return process, workers


def _gone(workers: list[int]) -> bool:
    deadline = time.monotonic() + 10
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(workers)


@needs_corpus
@pytest.mark.parametrize(
    ("signum", "to_group", "code"),
    [(signal.SIGINT, True, 130), (signal.SIGINT, False, 130), (signal.SIGTERM, False, 143)],
    ids=["ctrl-c", "sigint", "sigterm"],
)
def test_a_stopped_run_exits_at_once_and_its_workers_go(signum: int, to_group: bool, code: int) -> None:
    process, workers = _start(["-j", "2", str(CORPUS)])
    (os.killpg if to_group else os.kill)(process.pid, signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == code and "Traceback" not in stderr.decode(), stderr.decode()[-800:]
    assert f"stopped by {signal.Signals(signum).name}" in stderr.decode()
    assert _gone(workers)


@needs_corpus
def test_workers_die_with_a_killed_samcheck() -> None:
    process, workers = _start(["-j", "2", str(CORPUS)])
    process.kill()
    process.wait(timeout=30)
    assert _gone(workers)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_a_stopped_fix_leaves_every_file_whole(tmp_path: Path, signum: int) -> None:
    for index in range(60):
        folder = tmp_path / f"app{index:02}"
        folder.mkdir()
        (folder / "template.yaml").write_text(SQS_CONSUMER)
    templates = sorted(tmp_path.rglob("template.yaml"))
    process, _ = _start(["--fix", "-j", "2", "."], cwd=tmp_path)
    deadline = time.monotonic() + 60
    while all(path.read_text() == SQS_CONSUMER for path in templates):  # until the first file is fixed
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(process.pid, signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + signum and "Traceback" not in stderr.decode(), stderr.decode()
    leftovers = [path.name for path in tmp_path.rglob("*") if path.is_file() and path.name != "template.yaml"]
    assert leftovers == []
    fixed = SQS_CONSUMER.replace("VisibilityTimeout: 10", "VisibilityTimeout: 360")
    assert {path.read_text() for path in tmp_path.rglob("template.yaml")} <= {SQS_CONSUMER, fixed}
