"""One ``samcheck check`` run, top to bottom.

discover the files → settings per file → check each file (``checker``, spread over ``--jobs``)
→ fix and re-check (``--fix``/``--diff``) → run-wide rules (``--account-scope``) → verdict
(selection, suppressions, severity) → baseline → report → exit code.

Exit codes: 0 nothing at or above the fail level, 1 findings at or above it, 2 usage or
configuration error, a PATH that does not exist, a cache folder samcheck did not make, no
template found, or a report not written;
130 and 143 when stopped by Ctrl-C or SIGTERM (``interrupts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from samcheck.api import Options, UsageError, jobs_for, lint_file, verdicts
from samcheck.cfn.local import real
from samcheck.output import ReportWriteError, refuse_repository_links, write_report

if TYPE_CHECKING:
    from samcheck.check.checker import CheckedFile
    from samcheck.check.runner import Job
    from samcheck.decide.baseline import Baselined
    from samcheck.discovery import Discovery
    from samcheck.findings import FileResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FAIL_LEVELS = ("error", "warning", "info", "never")


def run(options: Options) -> int:
    """Lint as ``options`` say; the exit code."""
    try:
        if options.paths == ("-",):
            return _run_stdin(options)
        return _run(options)
    except UsageError as error:
        click.echo(f"samcheck: error: {error}", err=True)
        return EXIT_USAGE
    except ReportWriteError as error:
        click.echo(f"samcheck: cannot write the report: {error}", err=True)
        return EXIT_USAGE


def _run_stdin(options: Options) -> int:
    """Lint standard input as the file ``--stdin-filename`` names (an editor's unsaved buffer): its
    configuration and relative paths apply, and it is reported under that name."""
    import sys

    if options.fix or options.diff:
        raise UsageError("--fix and --diff change files; standard input has none to change")
    shown = Path(options.stdin_filename or "template.yaml")
    if not shown.parent.is_dir():
        raise UsageError(f"--stdin-filename {shown}: no folder {shown.parent}")
    from samcheck.cfn.document import MAX_FILE_BYTES

    if sys.stdin is None:  # Python's way of saying samcheck was started with it closed (<&-)
        raise UsageError("standard input is closed: there is no template to read from it")
    # A byte past the files' bound is enough for the reader to refuse it; the rest is never read.
    try:
        source = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise UsageError(f"cannot read standard input: {error.strerror or error}") from None
    return _run(options._replace(paths=(str(shown),)), stdin=source)


def _run(options: Options, stdin: bytes | None = None) -> int:
    from samcheck.check.runner import default_jobs, run_jobs
    from samcheck.discovery import Discovery
    from samcheck.sam import translator_process

    _prepare_outputs(options)
    options = _claim_cache(options)
    discovery = _discover(options) if stdin is None else Discovery([Path(options.paths[0])])
    if not discovery.files:
        return EXIT_CLEAN
    workers = min(options.jobs or default_jobs(), len(discovery.files))
    if workers == 1 and stdin is None:  # checking here: let a child import the SAM translator meanwhile
        translator_process.start_for(discovery.files)
    jobs = jobs_for(discovery.files, options)  # the rest of samcheck loads only now, while that child imports
    if stdin is not None:
        jobs = [job._replace(source=stdin) for job in jobs]
    if options.show_settings:
        write_report(_settings_report(jobs, options), None)
        return EXIT_CLEAN
    checked = run_jobs(jobs, workers, options.cache_dir)
    _prune_cache(options)
    results = verdicts(jobs, checked)
    if options.diff:
        return EXIT_FINDINGS if _fix(jobs, results, write=False) else EXIT_CLEAN
    if options.fix:
        results = _fix_and_check_again(jobs, checked, results, options)
    if any(output_format == "sarif" for output_format, _ in options.outputs):
        from samcheck.fix.replacements import with_replacements

        results = with_replacements(results, {job.path: job.source for job in jobs if job.source is not None})
    if options.write_baseline:
        return _write_baseline(results, options.write_baseline)
    baselined = _apply_baseline(results, options.baseline) if options.baseline else None
    if baselined is not None:
        results = baselined.results
    _report(results, options, baselined)
    if discovery.missing:
        return EXIT_USAGE
    failed = any(_fails(result, job.settings.fail_level) for job, result in zip(jobs, results, strict=True))
    return EXIT_FINDINGS if failed and not options.exit_zero else EXIT_CLEAN


def _settings_report(jobs: Sequence[Job], options: Options) -> str:
    """What each file would be linted with, and where it comes from (``--show-settings``); paths and
    parameter values come from the repository, so every line is made visible."""
    from samcheck.config import samconfig_path
    from samcheck.reporting.visible import visible

    lines = [f"cache: {options.cache_dir or 'off'}", f"samconfig environment: {options.config_env}"]
    for job in jobs:
        settings = job.settings
        lines += [
            f"{job.path}",
            f"  configuration file: {settings.source or 'none'}",
            f"  samconfig: {samconfig_path(job.path.parent) or 'none'}",
            f"  region: {settings.effective_region} (from {settings.region_source})",
            f"  fail level: {settings.fail_level}",
            f"  select: {', '.join(settings.select) or 'all'}; ignore: {', '.join(settings.ignore) or 'none'}",
            f"  rules: {len(job.rules)}",
            f"  parameter overrides: {' '.join(f'{k}={v}' for k, v in settings.parameter_overrides) or 'none'}",
            f"  severity overrides: {', '.join(f'{k}={v.label}' for k, v in settings.severity) or 'none'}",
            f"  limits: {', '.join(f'{k}={v:g}' for k, v in settings.limits) or 'the table'}",
            f"  account scope: {settings.account_scope}; cfn-lint: {settings.with_cfn_lint}",
        ]
    return "".join(f"{visible(line)}\n" for line in lines)


def _prepare_outputs(options: Options) -> None:
    """Make the folders report files go to before linting: a missing one is not a traceback after
    the whole run."""
    targets = [Path(target) for _, target in options.outputs if target is not None]
    for target in [*targets, *([options.write_baseline] if options.write_baseline else [])]:
        refuse_repository_links(target)  # before a folder is made through one
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ReportWriteError(f"{target}: {error.strerror or error}") from None


def _claim_cache(options: Options) -> Options:
    """The options with the cache folder made ready, or None when it cannot be (only speed is lost);
    a folder holding anything but samcheck's cache is a usage error: it is never written or pruned."""
    if options.cache_dir is None:
        return options
    from samcheck.check.cache import CacheFolderError, claimed_folder

    try:
        return options._replace(cache_dir=claimed_folder(options.cache_dir))
    except CacheFolderError as error:
        raise UsageError(str(error)) from None


def _discover(options: Options) -> Discovery:
    from samcheck.config import ConfigError, discover_settings, load_config_file
    from samcheck.discovery import discover

    try:  # what to leave out of folder walks: the configuration where samcheck runs, then --exclude
        here = load_config_file(options.config_file) if options.config_file else discover_settings(Path.cwd())
    except ConfigError as error:
        raise UsageError(str(error)) from None
    force_exclude = here.force_exclude if options.force_exclude is None else options.force_exclude
    discovery = discover(list(options.paths), None, here.exclude, here.extend_exclude + options.exclude, force_exclude)
    for missing in discovery.missing:
        click.echo(f"samcheck: error: no such file, folder or match: {missing}", err=True)
    for definition in discovery.unread:
        click.echo(f"samcheck: no template of the project reads {definition}: lint the template that will", err=True)
    if (discovery.excluded or discovery.unread) and not discovery.files and not discovery.missing:
        # pre-commit naming only excluded files or definitions: nothing to lint is no error
        if discovery.excluded:
            click.echo(f"samcheck: nothing to lint: the {len(discovery.excluded)} file(s) named are excluded", err=True)
        return discovery
    if not discovery.files:
        looked = "" if options.paths else " (looked for template.yaml, template.yml, template.json)"
        raise UsageError(f"no template found{looked}")
    return discovery


def _prune_cache(options: Options) -> None:
    if options.cache_dir is not None:
        from samcheck.check.cache import Cache

        Cache(options.cache_dir).prune()


def _fix_and_check_again(
    jobs: Sequence[Job], checked: Sequence[CheckedFile], results: list[FileResult], options: Options
) -> list[FileResult]:
    """Apply the safe fixes, then check the files that changed again: the report shows what remains."""
    from samcheck.check.runner import default_jobs, run_jobs

    changed = _fix(jobs, results, write=True)
    redo = [index for index, job in enumerate(jobs) if real(job.path) in changed]
    if not redo:
        return results
    again = dict(
        zip(redo, run_jobs([jobs[i] for i in redo], options.jobs or default_jobs(), options.cache_dir), strict=True)
    )
    return verdicts(jobs, [again.get(index, file) for index, file in enumerate(checked)])


def _fix(jobs: Sequence[Job], results: Sequence[FileResult], write: bool) -> set[Path]:
    """Apply (or, with write=False, print as a diff) the safe fixes that bring no new error, to a
    fixpoint; the files that change, resolved. A file that cannot be fixed is said on standard
    error and left as it is; the others are still fixed."""
    from samcheck.fix.files import fix_target, read_exactly, unified_diff, write_atomically
    from samcheck.fix.fixpoint import fix_until_stable

    changed = set()
    for job, result in zip(jobs, results, strict=True):
        if not any(finding.fix is not None for finding in result.findings):
            continue
        try:
            target = fix_target(result.path)
            before = read_exactly(target)
            stable = fix_until_stable(result.path, before, result, partial(_lint_as, job))
        except Exception as error:  # unreadable, outside the project, or the fix engine's bug: this file only
            _say(f"samcheck: not fixing {result.path}: {_why_not(error)}")
            continue
        for reason in stable.refused:
            _say(f"samcheck: {result.path}: {reason}")
        if stable.text == before:
            continue
        if write:
            try:
                write_atomically(target, stable.text, before)
            except OSError as error:  # read-only, changed meanwhile, full disk: this file only
                _say(f"samcheck: not fixing {result.path}: {_why_not(error)}")
                continue
            _say(f"samcheck: fixed {stable.applied} finding(s) in {result.path}")
        else:
            write_report(unified_diff(result.path, before, stable.text), None)
        changed.add(target)
    return changed


def _say(line: str) -> None:
    """A line about fixing a file, on standard error: its paths and messages come from the
    repository, so they are shown, never obeyed (``visible``)."""
    from samcheck.reporting.visible import visible

    click.echo(visible(line), err=True)


def _why_not(error: Exception) -> str:
    """Why a file is not fixed, for the user: the system's reason, else samcheck's own failure."""
    if isinstance(error, OSError):
        return error.strerror or str(error)
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 (byte {error.start})"
    return f"{type(error).__name__}: {error}; please report it"


def _lint_as(job: Job, text: str) -> FileResult:
    """A fix's candidate text for ``job``'s file, linted with its settings and rules."""
    return lint_file(job.path, job.settings, job.rules, source=text.encode("utf-8"))


def _write_baseline(results: Sequence[FileResult], path: Path) -> int:
    from samcheck.decide.baseline import write_baseline

    count = write_baseline(path, results)
    click.echo(f"samcheck: wrote {count} findings to {path}", err=True)
    return EXIT_CLEAN


def _apply_baseline(results: Sequence[FileResult], path: Path) -> Baselined:
    from samcheck.config import ConfigError
    from samcheck.decide.baseline import apply_baseline

    try:
        return apply_baseline(path, results)
    except ConfigError as error:
        raise UsageError(str(error)) from None


def _fails(result: FileResult, fail_level: str) -> bool:
    from samcheck.findings import Severity

    if fail_level == "never":
        return False
    threshold = Severity.parse(fail_level)
    return any(finding.severity >= threshold for finding in result.findings)


def _report(results: Sequence[FileResult], options: Options, baselined: Baselined | None) -> None:
    """Write every report; one that cannot be written keeps none of the others from being written,
    and the run fails after them (ReportWriteError, naming each)."""
    from samcheck.reporting import ReportOptions, render

    failures = []
    for output_format, target in options.outputs:
        color = output_format == "text" and target is None and options.color
        width = _terminal_width() if output_format == "text" and target is None else None
        report_options = ReportOptions(
            color=color,
            quiet=options.quiet,
            statistics=options.statistics,
            width=width,
            baseline=(baselined.hidden, baselined.stale) if baselined is not None else None,
        )
        try:
            write_report(render(output_format, results, report_options), target, color)
        except ReportWriteError as failure:
            failures.append(str(failure))
    if failures:
        raise ReportWriteError("; ".join(failures))


def _terminal_width() -> int | None:
    """The width to wrap the text report to: standard output's, when it is a terminal."""
    import shutil
    import sys

    return shutil.get_terminal_size().columns if sys.stdout is not None and sys.stdout.isatty() else None
