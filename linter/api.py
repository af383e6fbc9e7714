"""The library API: what ``samcheck check`` does to files, for the language server, ``graph`` and
the tests. Each file's settings (configuration files, ``samconfig.toml``, the command line) and
selected rules (``job_for``, ``jobs_for``); files checked and judged as one run (``lint_file``,
``lint_together``, ``verdicts``). The command line's run (``samcheck.run``) is made of these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import click

if TYPE_CHECKING:
    from samcheck.check.cache import Cache
    from samcheck.check.checker import CheckedFile
    from samcheck.check.runner import Job
    from samcheck.config import Settings
    from samcheck.findings import FileResult
    from samcheck.registry import RuleInfo


class UsageError(Exception):
    """The run cannot start as asked: exit code 2."""


class Options(NamedTuple):
    """Everything ``samcheck check`` was asked to do; values left None come from configuration."""

    paths: tuple[str, ...] = ()
    outputs: tuple[tuple[str, str | None], ...] = (("text", None),)  # (format, file or None: stdout)
    region: str | None = None
    parameter_overrides: str | None = None  # SAM CLI syntax
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_level: str | None = None
    as_of: date | None = None
    config_file: Path | None = None  # use only this configuration file
    config_env: str = "default"  # the samconfig.toml environment
    account_scope: bool | None = None
    with_cfn_lint: bool | None = None
    fix: bool = False
    diff: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    jobs: int = 0  # 0: all cores
    cache_dir: Path | None = None  # None: no cache
    color: bool = False  # colour for a text report to standard output
    quiet: bool = False
    stdin_filename: str | None = None  # with PATH "-": the name standard input stands for
    exit_zero: bool = False  # findings never fail the run
    show_settings: bool = False  # print each file's settings and where they come from; lint nothing
    exclude: tuple[str, ...] = ()  # --exclude globs, added to the configuration's
    force_exclude: bool | None = None  # excludes apply to files named on the command line too
    statistics: bool = False  # the text report counts findings per rule


def jobs_for(files: Sequence[Path], options: Options) -> list[Job]:
    """Each file with its settings (config file, samconfig.toml, command line) and selected rules."""
    from samcheck.check.runner import Job
    from samcheck.check.sandbox import plugin_seconds
    from samcheck.config import ConfigError, ignored_for, load_config_file, parse_parameter_overrides, samconfig_path
    from samcheck.registry import select_rules

    try:
        overrides = parse_parameter_overrides(options.parameter_overrides) if options.parameter_overrides else None
        command_line: dict[str, Any] = {
            "region": options.region,
            "fail_level": options.fail_level,
            "select": options.select,
            "ignore": options.ignore,
            "parameter_overrides": overrides,
            "as_of": options.as_of,
            "with_cfn_lint": options.with_cfn_lint,
            "account_scope": options.account_scope,
        }
        plugin_seconds()  # a bad SAMCHECK_PLUGIN_SECONDS is a usage error before any file, not one per file
        config_file = load_config_file(options.config_file) if options.config_file else None
        found: dict[Path, Settings] = {}
        jobs = []
        for path in files:
            settings = settings_for(path, config_file, command_line, found, options.config_env)
            skipped = ignored_for(path, settings)
            if skipped:
                settings = settings._replace(ignore=settings.ignore + skipped)
            jobs.append(Job(path, settings, tuple(select_rules(list(settings.select), list(settings.ignore)))))
    except (ConfigError, KeyError) as error:
        raise UsageError(str(error).strip("'\"")) from None
    from samcheck.registry import registry_problems

    for problem in registry_problems():
        click.echo(f"samcheck: warning: {problem}", err=True)
    if any(job.settings.with_cfn_lint for job in jobs):
        from samcheck.check.cfnlint_bridge import cfn_lint_notices

        for notice in cfn_lint_notices():
            click.echo(f"samcheck: warning: {notice}", err=True)
    for settings in {job.settings for job in jobs}:
        _check_settings(settings, command_line)
    _warn_shadowed({job.settings for job in jobs})
    if options.config_env != "default" and not any(samconfig_path(path.parent) for path in files):
        raise UsageError(
            f"--config-env {options.config_env}: no samconfig.toml (or .yaml) beside the templates to read it from"
        )
    return jobs


def _check_settings(settings: Settings, command_line: dict[str, Any]) -> None:
    """What a run would otherwise get silently wrong: a selector that names no rule, a cfn-lint
    rule selected while cfn-lint is off, a Region that does not exist (each would pass as "All
    checks passed")."""
    from samcheck.decide.selectors import names_cfn_lint
    from samcheck.registry import unknown_selector

    for option, selectors in (
        ("select", settings.select),
        ("ignore", settings.ignore),
        ("severity", tuple(key for key, _ in settings.severity)),
        ("per-file-ignores", tuple(selector for _, listed in settings.per_file_ignores for selector in listed)),
    ):
        for selector in selectors:
            from_command_line = selector in (command_line.get(option) or ())
            where = f"--{option}" if from_command_line else f"{settings.source or 'the configuration'}: {option}"
            problem = unknown_selector(selector)
            if problem:
                raise UsageError(f"{where}: {problem}")
            # Ignoring or re-grading a rule that does not run changes nothing; selecting one checks nothing.
            if option == "select" and names_cfn_lint(selector) and not settings.with_cfn_lint:
                raise UsageError(
                    f"{where}: {selector} is a cfn-lint rule and cfn-lint is off; add --with-cfn-lint "
                    "(or cfn-lint = true in the configuration)"
                )
    check_region(settings.effective_region, settings.region_source)


def _warn_shadowed(all_settings: set[Settings]) -> None:
    """Name the configuration files a folder's first one hides: a second file's settings would
    otherwise be ignored without a word."""
    from samcheck.config import CONFIG_NAMES

    for source, shadowed in sorted({(str(s.source), s.shadowed) for s in all_settings if s.shadowed}):
        click.echo(
            f"samcheck: warning: {source} is read and {', '.join(map(str, shadowed))} beside it is not: "
            f"one configuration file per folder, the first of {', '.join(CONFIG_NAMES)}",
            err=True,
        )


def check_region(region: str, source: str) -> None:
    """A usage error for a Region name AWS does not have (it would silently pick no Region's limits)."""
    import re

    from samcheck.analysis.botocore_data import regions
    from samcheck.config import DEFAULT_REGION

    if region == DEFAULT_REGION:  # samcheck's own: not worth reading botocore's 1.2 MB endpoints table (~10 ms)
        return
    known, patterns = regions()
    if region in known or any(re.fullmatch(pattern, region) for pattern in patterns):
        return
    raise UsageError(f"unknown Region '{region}' (from {source}); Regions are lower case, one of: {', '.join(known)}")


def job_for(path: Path, options: Options) -> Job:
    """The settings and rules ``check`` would lint ``path`` with (for ``graph`` and the language
    server): found and checked the same way."""
    (job,) = jobs_for([path], options)
    return job


def settings_for(
    path: Path,
    config_file: Settings | None,
    command_line: dict[str, Any],
    found: dict[Path, Settings],
    config_env: str = "default",
) -> Settings:
    """The file's settings: --config or the nearest config file (looked up once per folder), then
    samconfig.toml beside the template (as sam deploy reads it), then the command line."""
    from samcheck.config import discover_settings, samconfig_settings

    folder = path.parent.absolute()
    if folder not in found:
        base = config_file if config_file is not None else discover_settings(folder)
        found[folder] = base.merged(samconfig_settings(folder, config_env))
    return found[folder].merged(command_line)


def verdicts(jobs: Sequence[Job], checked: Sequence[CheckedFile]) -> list[FileResult]:
    """Judge the run-wide rules (the account budgets) over the run, then give the verdict on every
    file's findings."""
    from samcheck.decide.run_wide import add_run_wide_findings
    from samcheck.decide.verdict import verdict

    checked = add_run_wide_findings(checked)
    return [
        verdict(file.result, file.suppressions, job.settings, job.rules)
        for job, file in zip(jobs, checked, strict=True)
    ]


def lint_file(
    path: Path, settings: Settings, rules: Sequence[RuleInfo], cache: Cache | None = None, source: bytes | None = None
) -> FileResult:
    """One file (or ``source`` as that file) through every stage but reporting: check it, judge the
    run-wide rules, give the verdict."""
    from samcheck.check.runner import Job

    return lint_together([Job(path, settings, tuple(rules), source)], cache)[0]


def lint_together(jobs: Sequence[Job], cache: Cache | None = None) -> list[FileResult]:
    """Files checked in this process and judged as one run: with account scope, their budgets add
    up (the language server's buffer with the other templates of its workspace)."""
    from samcheck.check.checker import check_file

    return verdicts(jobs, [check_file(job.path, job.settings, job.rules, cache, job.source) for job in jobs])
