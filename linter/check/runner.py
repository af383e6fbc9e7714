"""Check many files, spread over processes, with results in the order the files were given.

A pool whose workers do not answer a first call within ``START_SECONDS`` (a memory or process
limit leaves no room for its threads or workers; its futures would never end) is given up, and the
files are checked in this process. A worker that dies once the pool has started costs one file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # the checker is imported when the first file is checked, not at start-up
    from concurrent.futures import ProcessPoolExecutor

    from samcheck.check.checker import CheckedFile
    from samcheck.config import Settings
    from samcheck.registry import RuleInfo


# Forked workers answer in milliseconds, spawned ones (no fork) in about a second.
START_SECONDS = 30.0


class Job(NamedTuple):
    path: Path
    settings: Settings
    rules: tuple[RuleInfo, ...]
    source: bytes | None = None  # the text to check instead of the file's (standard input)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _run(job: Job, cache_dir: Path | None) -> CheckedFile:
    from samcheck.check.cache import Cache
    from samcheck.check.checker import check_file

    return check_file(job.path, job.settings, job.rules, Cache(cache_dir) if cache_dir else None, job.source)


class Progress:
    """A line on standard error ("samcheck: 120/498 templates") for runs that take more than a
    second, on a terminal only; cleared when the run is done."""

    DELAY = 1.0

    def __init__(self, total: int) -> None:
        import sys
        import time

        self.total, self.done = total, 0
        self.started = time.monotonic()
        self.stream = sys.stderr
        self.shown = False
        self.enabled = total > 1 and self.stream.isatty()

    def step(self) -> None:
        import time

        self.done += 1
        if self.enabled and time.monotonic() - self.started >= self.DELAY:
            self.stream.write(f"\rsamcheck: {self.done}/{self.total} templates")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def run_jobs(jobs: Sequence[Job], workers: int, cache_dir: Path | None) -> list[CheckedFile]:
    progress = Progress(len(jobs))
    try:
        return _run_jobs(jobs, workers, cache_dir, progress)
    finally:
        progress.close()


def _each(jobs: Sequence[Job], cache_dir: Path | None, progress: Progress) -> list[CheckedFile]:
    checked = []
    for job in jobs:
        checked.append(_run(job, cache_dir))
        progress.step()
    return checked


def _run_jobs(jobs: Sequence[Job], workers: int, cache_dir: Path | None, progress: Progress) -> list[CheckedFile]:
    if workers <= 1 or len(jobs) < 2:
        return _each(jobs, cache_dir, progress)
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    workers = min(workers, len(jobs))
    chunk = max(1, len(jobs) // (workers * 8))
    try:
        with _pool(workers, context) as pool:
            if not _starts(pool):
                raise _NotStartedError
            checked = []
            for result in pool.map(_run, jobs, repeat(cache_dir), chunksize=chunk):
                checked.append(result)
                progress.step()
            return checked
    except _NotStartedError:
        return _each(jobs, cache_dir, progress)
    except (BrokenProcessPool, OSError):
        # A worker died (out of memory, killed, a crash in C): which file did it is unknown, so each
        # is checked again in a process of its own; only the file that kills it again is lost.
        progress.done = 0
        checked = []
        for job in jobs:
            checked.append(_isolated(job, cache_dir, context))
            progress.step()
        return checked


class _NotStartedError(Exception):
    """The pool's workers did not answer a first call."""


@contextmanager
def _pool(workers: int, context: Any) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers leave Ctrl-C and SIGTERM to this process and die with it; when
    this process is stopped, or the pool did not start, they are killed at once instead of
    finishing their files (or being waited for)."""
    from concurrent.futures import ProcessPoolExecutor

    from samcheck.interrupts import Stopped, child_started

    pool = ProcessPoolExecutor(workers, context, initializer=child_started, initargs=(os.getpid(),))
    abandoned = False
    try:
        yield pool
    except (Stopped, _NotStartedError):
        abandoned = True
        kill_workers(pool)
        raise
    finally:
        with contextlib.suppress(RuntimeError):  # stopped before the pool had started its thread
            pool.shutdown(wait=not abandoned, cancel_futures=True)


def _starts(pool: ProcessPoolExecutor) -> bool:
    """Whether the pool's workers answer a first call within START_SECONDS: its threads and
    workers start only now, and where they cannot (no memory or processes left) a call may fail or
    never end."""
    from concurrent.futures import TimeoutError as NoAnswerError
    from concurrent.futures.process import BrokenProcessPool

    from samcheck.interrupts import held

    try:
        with held():  # the first call forks the workers: a stop is taken after, not inside a fork's hooks
            answer = pool.submit(os.getpid)
        answer.result(timeout=START_SECONDS)
    except (BrokenProcessPool, NoAnswerError, OSError, MemoryError, RuntimeError):
        return False
    return True


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers at once, whatever they are doing."""
    # No public way to stop running workers before Python 3.14 (terminate_workers).
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()


def _isolated(job: Job, cache_dir: Path | None, context: Any) -> CheckedFile:
    """Check one file in a process of its own: if that process dies, the file gets an internal-error
    finding instead of taking the run down."""
    from concurrent.futures.process import BrokenProcessPool

    from samcheck.check.checker import CheckedFile
    from samcheck.findings import FileResult, internal_error

    try:
        with _pool(1, context) as pool:
            if not _starts(pool):
                raise _NotStartedError
            return pool.submit(_run, job, cache_dir).result()
    except _NotStartedError:
        message = "samcheck could not start a process to check this file in (out of memory or processes?)"
    except (BrokenProcessPool, OSError):
        message = "samcheck's worker process died while checking this file (a crash, or killed); please report it"
    return CheckedFile(FileResult(job.path, [internal_error(str(job.path), message)], [], ()), (), {})
