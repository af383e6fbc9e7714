"""What every crasher case shares: a throw-away home and project, and samcheck run as a real process.

A case is a script ``bench/crashers/<area>_<name>.py`` that plays one attack or hostile input
against the installed samcheck and exits 0 when samcheck stays safe, 1 (with what went wrong on
standard error) when it does not. ``tests/test_crashers.py`` runs every case; each runs by hand too:
``python bench/crashers/cache_prune_foreign_folders.py``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# A queue and its consumer with a fixable finding (SC3001: VisibilityTimeout 20 s below the
# function's Timeout 30 s; the fix raises it to 180 s): what the --fix cases rewrite.
FIXABLE = """\
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
FIXED = "VisibilityTimeout: 180"
SECONDS = 120  # far beyond any case; a hang is reported as a failure, never waited out


@dataclass(frozen=True)
class Sandbox:
    """A temporary folder with a home of its own (config, cache, fake credentials) and a project."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def project(self) -> Path:
        return self.root / "project"

    def env(self, **extra: str) -> dict[str, str]:
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SAMCHECK_", "AWS_", "XDG_")) and key not in {"HOME", "GITHUB_ACTIONS"}
        }
        environment |= {
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        return environment | extra

    def samcheck(
        self,
        *arguments: str,
        cwd: Path | None = None,
        stdin: bytes | None = None,
        stdout: int | IO[bytes] | None = None,
        closed: tuple[int, ...] = (),
        seconds: float = SECONDS,
        **env: str,
    ) -> Result:
        """Run ``python -m samcheck`` with this sandbox's home; a run past ``seconds`` is killed and
        reported as hung (exit code None). Standard output is captured unless ``stdout`` names where
        it goes (a full disk, a pipe nobody reads); the descriptors in ``closed`` start closed."""
        command = [sys.executable, "-m", "samcheck", *arguments]
        started = time.monotonic()

        def close() -> None:
            for descriptor in closed:
                os.close(descriptor)

        try:
            done = subprocess.run(
                command,
                cwd=cwd or self.project,
                env=self.env(**env),
                input=stdin,
                stdout=subprocess.PIPE if stdout is None else stdout,
                stderr=subprocess.PIPE,
                preexec_fn=close if closed else None,
                timeout=seconds,
                check=False,
            )
        except subprocess.TimeoutExpired as expired:
            return Result(None, expired.stdout or b"", expired.stderr or b"", time.monotonic() - started)
        return Result(done.returncode, done.stdout or b"", done.stderr, time.monotonic() - started)


@dataclass(frozen=True)
class Result:
    returncode: int | None  # None: killed after hanging
    stdout: bytes
    stderr: bytes
    seconds: float  # wall time of the run

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    @property
    def all_lines(self) -> list[str]:
        """Standard output's lines, then standard error's."""
        return [*self.out.splitlines(), *self.err.splitlines()]

    def describe(self) -> str:
        status = "hung" if self.returncode is None else f"exit {self.returncode}"
        return f"{status}\n--- stdout\n{self.out[-3000:]}\n--- stderr\n{self.err[-3000:]}"


def expect_one_line(what: str, result: Result, opening: str = "samcheck: cannot write the report: ") -> None:
    """Exit 2 and one line on standard error that starts with ``opening``: how samcheck says it
    cannot do what it was asked (no traceback, no second message)."""
    lines = result.err.splitlines()
    if result.returncode != 2 or len(lines) != 1 or not lines[0].startswith(opening):
        raise UnsafeError(f"{what}: expected exit 2 and one line on standard error, got:\n{result.describe()}")


@contextmanager
def sandbox() -> Iterator[Sandbox]:
    with tempfile.TemporaryDirectory(prefix="samcheck-crasher-") as folder:
        box = Sandbox(Path(folder))
        box.home.mkdir()
        box.project.mkdir()
        (box.project / ".git").mkdir()  # the project is a repository, as in CI
        yield box


def cap_memory(megabytes: int) -> None:
    """Give every samcheck run that follows at most this much address space: a case whose input
    makes memory grow without bound then fails at the cap, not after taking the machine's memory."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def peak_megabytes() -> int:
    """The largest peak resident memory of the samcheck runs so far (Linux counts it in KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


class UnsafeError(Exception):
    """samcheck did what a hostile input wanted."""


def case(check: Callable[[Sandbox], None]) -> None:
    """Run a case's check in a fresh sandbox: exit 0 when it passes, 1 with the reason when it raises
    UnsafeError (or anything else)."""
    try:
        with sandbox() as box:
            check(box)
    except UnsafeError as problem:
        print(f"UNSAFE: {problem}", file=sys.stderr)
        raise SystemExit(1) from None
    raise SystemExit(0)
