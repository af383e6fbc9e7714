"""Run one samcheck process the way the benchmarks measure it: wall time and peak resident memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def run_samcheck(*arguments: str) -> tuple[float, int]:
    """(seconds, peak resident kilobytes of the process and the children it waited for)."""
    command = [str(BIN / "samcheck"), "--no-cache", "--fail-level", "never", *arguments]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"samcheck {' '.join(arguments)} failed: status {status}")
    return elapsed, usage.ru_maxrss
