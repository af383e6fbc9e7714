"""A memory limit under which the worker pool cannot start must not hang the run.

Attack: samcheck runs under a memory limit (a CI container's, ``ulimit -v``) that leaves room for
one process to lint but not for the pool's threads (here each thread's stack is sized by a large
``RLIMIT_STACK`` and cannot be mapped under ``RLIMIT_AS``); with ``--jobs 2`` the pool waited
forever for workers that were never fed. Promise: a pool that does not start (or answer) within
its start-up time is given up and every file is checked in samcheck's own process: the run
finishes with the same report as ``--jobs 1``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys

from _harness import Sandbox, UnsafeError, case
from _plugin import write_templates

STACK = 1 << 30  # a thread's stack is this large ...
ADDRESS_SPACE = 600 << 20  # ... and cannot fit here, where one process lints comfortably


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_STACK, (STACK, resource.getrlimit(resource.RLIMIT_STACK)[1]))
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, resource.getrlimit(resource.RLIMIT_AS)[1]))


def _lint(box: Sandbox, jobs: str) -> tuple[int | None, str, str]:
    command = [sys.executable, "-m", "samcheck", "--no-cache", "-j", jobs, "--format", "json", "a.yaml", "b.yaml"]
    try:
        done = subprocess.run(
            command,
            cwd=box.project,
            env=box.env(),
            capture_output=True,
            text=True,
            timeout=90,
            preexec_fn=_limited,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, "", ""
    return done.returncode, done.stdout, done.stderr


def check(box: Sandbox) -> None:
    write_templates(box, "a.yaml", "b.yaml")
    alone = _lint(box, "1")
    if alone[0] != 1:
        raise UnsafeError(f"the limit leaves no room for one process either (exit {alone[0]}): {alone[2][-2000:]}")
    pooled = _lint(box, "2")
    if pooled[0] is None:
        raise UnsafeError("with --jobs 2 under the limit, samcheck hung")
    if pooled[0] != 1 or "Traceback" in pooled[2]:
        raise UnsafeError(f"with --jobs 2 under the limit: exit {pooled[0]}: {pooled[2][-2000:]}")
    if json.loads(pooled[1]) != json.loads(alone[1]):
        raise UnsafeError(f"the reports differ:\n{pooled[1][-2000:]}\n---\n{alone[1][-2000:]}")


if __name__ == "__main__":
    case(check)
