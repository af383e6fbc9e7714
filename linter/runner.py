"""Check many files, spread over processes, with results in the order the files were given."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the checker is imported when the first file is checked, not at start-up
    from samcheck.checker import CheckedFile
    from samcheck.config import Settings
    from samcheck.rule import Rule


@dataclass(frozen=True)
class Job:
    path: Path
    settings: Settings
    rules: tuple[type[Rule], ...]


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _run(job: Job, cache_dir: Path | None) -> CheckedFile:
    from samcheck.cache import Cache
    from samcheck.checker import check_file

    return check_file(job.path, job.settings, job.rules, Cache(cache_dir) if cache_dir else None)


def run_jobs(jobs: Sequence[Job], workers: int, cache_dir: Path | None) -> list[CheckedFile]:
    if workers <= 1 or len(jobs) < 2:
        return [_run(job, cache_dir) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    workers = min(workers, len(jobs))
    chunk = max(1, len(jobs) // (workers * 8))
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_run, jobs, repeat(cache_dir), chunksize=chunk))
    except (BrokenProcessPool, OSError):
        # A worker died (out of memory, killed): lint in this process instead, losing nothing.
        return [_run(job, cache_dir) for job in jobs]
