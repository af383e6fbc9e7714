"""Lint and fix buffers in a worker process that keeps the translator and the rules loaded.

The worker is the one place the checks run: its main thread is where the translator's time limit
(an alarm) works, a crash or a hang there costs one answer (the worker is replaced), and the
server's event loop stays free for the editor meanwhile. Settings are found per folder as the
CLI finds them (config file, samconfig environment) and kept until configuration changes.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from samcheck.check.runner import Job, kill_workers
from samcheck.findings import FileResult, internal_error

# The translator stops itself after 30 s; a worker that has not answered well after that is stuck.
ANSWER_SECONDS = 90.0


class Fixed(NamedTuple):
    text: str  # the buffer with the fixes that hold
    refused: list[str]  # why the others were not made


def _lint(job: Job, neighbours: tuple[Job, ...]) -> FileResult:
    """The buffer's result; with account scope, judged with the workspace's other templates (read
    from disk, through the cache: only what changed is checked again)."""
    from samcheck.api import lint_together
    from samcheck.check.cache import Cache

    if not neighbours:
        return lint_together([job])[0]
    folder = _cache_folder()
    return lint_together([job, *neighbours], Cache(folder) if folder else None)[0]


@cache
def _cache_folder() -> Path | None:
    """The cache folder, claimed once per worker; a folder that is not samcheck's is said once on
    standard error (the editor's log) and the checks run without cache."""
    import sys

    from samcheck.check.cache import CacheFolderError, claimed_folder, default_cache_dir

    try:
        return claimed_folder(default_cache_dir())
    except CacheFolderError as error:
        print(f"samcheck: {error}", file=sys.stderr)
        return None


def _fix(job: Job, fingerprints: frozenset[str] | None) -> Fixed:
    """The buffer with the fixes of the findings named by fingerprint (all, with None) applied, as
    ``--fix`` applies them: to a fixpoint, each checked, none that brings a new error."""
    from samcheck.api import lint_file
    from samcheck.fix.fixpoint import fix_until_stable

    assert job.source is not None
    text = job.source.decode("utf-8")
    result = lint_file(job.path, job.settings, job.rules, source=job.source)

    def lint(candidate: str) -> FileResult:
        return lint_file(job.path, job.settings, job.rules, source=candidate.encode("utf-8"))

    stable = fix_until_stable(job.path, text, result, lint, fingerprints)
    return Fixed(stable.text, stable.refused)


class Linter:
    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: dict[Path, Job] = {}  # settings and rules per file, until configuration changes
        self._templates: list[Path] | None = None  # the workspace's templates, for account scope
        self.config_env = "default"

    def forget_settings(self) -> None:
        self._jobs.clear()
        self.forget_templates()

    def forget_templates(self) -> None:
        """A file was saved: it may be a new template, or no longer one."""
        self._templates = None

    def job(self, path: Path, text: str | None) -> Job:
        """What ``path`` is checked with, for this text (None: the file on disk); a configuration
        error raises UsageError."""
        if path not in self._jobs:
            from samcheck.api import Options, job_for

            self._jobs[path] = job_for(path, Options(paths=(str(path),), config_env=self.config_env, jobs=1))
        source = None if text is None else text.encode("utf-8", "surrogatepass")
        return self._jobs[path]._replace(source=source)

    def neighbours(self, job: Job, folders: list[Path]) -> tuple[Job, ...]:
        """With account scope: the other templates of the workspace folders, as the CLI would find
        them there; else none."""
        if not job.settings.account_scope:
            return ()
        from samcheck.api import UsageError
        from samcheck.cfn.local import real
        from samcheck.discovery import discover

        if self._templates is None:
            self._templates = discover([str(folder) for folder in folders]).files if folders else []
        jobs = []
        for path in self._templates:
            if real(path) == real(job.path):
                continue
            try:
                jobs.append(self.job(path, None))
            except UsageError:  # a folder whose configuration is broken is left out of the sum
                continue
        return tuple(other for other in jobs if other.settings.account_scope)

    async def lint(self, job: Job, neighbours: tuple[Job, ...] = ()) -> FileResult:
        try:
            result: FileResult = await self._ask(_lint, job, neighbours)
            return result
        except (BrokenProcessPool, TimeoutError, OSError) as error:
            message = f"samcheck's worker stopped while checking this file ({_why(error)}); it was restarted"
            return FileResult(job.path, [internal_error(str(job.path), message)], [], ())

    async def fix(self, job: Job, fingerprints: frozenset[str] | None) -> Fixed | None:
        try:
            fixed: Fixed = await self._ask(_fix, job, fingerprints)
            return fixed
        except (BrokenProcessPool, TimeoutError, OSError):
            return None

    async def _ask(self, function: Any, *args: Any) -> Any:
        pool = self._started()
        future: Future[Any] = pool.submit(function, *args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), ANSWER_SECONDS)
        except (BrokenProcessPool, TimeoutError, OSError):
            self._replace(pool)
            raise

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing

            # Spawned, not forked: the server has threads (its reader), and a fork copies their locks.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(1, context, initializer=_initialize, initargs=(os.getpid(),))
        return self._pool

    def _replace(self, pool: ProcessPoolExecutor) -> None:
        """Kill a worker that died or hangs; the next request starts a new one."""
        kill_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)
        if self._pool is pool:
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._replace(self._pool)


def _initialize(parent: int) -> None:
    from samcheck.interrupts import child_started

    child_started(parent)
    os.dup2(2, 1)  # standard output is the editor's protocol channel: nothing the checks print may reach it


def _why(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer in {ANSWER_SECONDS:g} s"
    return "it died" if isinstance(error, BrokenProcessPool) else str(error)
