"""The ``samcheck`` command line.

``samcheck [OPTIONS] [PATH]...`` lints; ``rules``, ``explain``, ``graph`` and ``limits``
are subcommands. Exit codes: 0 nothing at or above the fail level, 1 findings at or above
it, 2 usage or configuration error, or no template found.
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from samcheck import __version__

if TYPE_CHECKING:
    from samcheck.config import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FAIL_LEVELS = ("error", "warning", "info", "never")


class _DefaultToCheck(click.Group):
    """``samcheck PATH`` means ``samcheck check PATH``; subcommand names win."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="samcheck")
def cli() -> None:
    """Lint AWS SAM and CloudFormation templates, after expanding SAM the way AWS does.

    Run `samcheck [OPTIONS] [PATH]...` (the `check` command) to lint.
    """


def _selectors(values: tuple[str, ...]) -> tuple[str, ...] | None:
    items = tuple(item.strip() for value in values for item in value.split(",") if item.strip())
    return items or None


def _fail(message: str) -> None:
    click.echo(f"samcheck: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _settings_for(
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


def _outputs(formats: tuple[str, ...], output: str | None) -> list[tuple[str, str | None]]:
    """(format, file or None for standard output) for each --format NAME[=FILE]."""
    from samcheck.reporting import FORMATS

    outputs: list[tuple[str, str | None]] = []
    for value in formats or ("text",):
        name, _, target = value.partition("=")
        if name not in FORMATS:
            _fail(f"unknown format '{name}'; choose from {', '.join(FORMATS)}")
        outputs.append((name, target or None))
    if output is not None:
        first = next((i for i, (_, target) in enumerate(outputs) if target is None), None)
        if first is None:
            _fail("--output given, but every --format already names its file")
        else:
            outputs[first] = (outputs[first][0], output)
    return outputs


def _fix(results: list[Any], write: bool) -> list[Path]:
    """Apply (or, with write=False, print as a diff) the safe fixes; the files that change."""
    from samcheck.fixes import FixError, apply_fixes, merged_edits, unified_diff, write_atomically

    changed = []
    for result in results:
        fixes = [finding.fix for finding in result.findings if finding.fix is not None]
        if not fixes:
            continue
        try:
            before = result.path.read_text(encoding="utf-8")
            after = apply_fixes(result.path, before, merged_edits(fixes))
        except (OSError, UnicodeDecodeError, FixError) as error:
            click.echo(f"samcheck: not fixing {result.path}: {error}", err=True)
            continue
        if after == before:
            continue
        changed.append(result.path)
        if write:
            write_atomically(result.path, after)
            click.echo(f"samcheck: fixed {len(fixes)} finding(s) in {result.path}", err=True)
        else:
            click.echo(unified_diff(result.path, before, after), nl=False)
    return changed


def _terminal_colors() -> bool:
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _fails(findings_severities: list[int], fail_level: str) -> bool:
    from samcheck.findings import Severity

    if fail_level == "never":
        return False
    threshold = Severity.parse(fail_level)
    return any(severity >= threshold for severity in findings_severities)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="FORMAT[=FILE]",
    help="text, json, sarif, github, vscode or junit; repeatable, each to standard output or to FILE.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the (first) report to FILE.")
@click.option("--region", help="Region the templates are deployed to [default: config, AWS_REGION, us-east-1].")
@click.option("--parameter-overrides", help="Template parameters, SAM CLI syntax: 'Key=Value Key2=Value2'.")
@click.option("--select", multiple=True, help="Only these rules (ids, id prefixes or slugs; comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these rules (ids, id prefixes or slugs; comma-separated).")
@click.option(
    "--fail-level",
    type=click.Choice(FAIL_LEVELS),
    help="Lowest severity that fails the run [default: error].",
)
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Judge runtime lifecycle dates as of this day.")
@click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="Use only this config file."
)
@click.option("--account-scope", is_flag=True, default=None, help="Add up concurrency budgets over all templates.")
@click.option("--with-cfn-lint", is_flag=True, default=None, help="Also run cfn-lint's checks (rule ids CFN-…).")
@click.option("--fix", "apply_fixes", is_flag=True, help="Apply safe fixes to the templates, then report what remains.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the safe fixes as a unified diff; write nothing.")
@click.option("--config-env", default="default", show_default=True, help="samconfig.toml environment to read.")
@click.option("--baseline", type=click.Path(exists=True, dir_okay=False), help="Report only findings not in FILE.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Record every current finding in FILE.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Processes to use [default: 0, all cores].")
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache of expansions and findings.")
@click.option("--cache-dir", type=click.Path(file_okay=False), help="Cache folder [default: the user cache folder].")
@click.option("--no-color", is_flag=True, help="No colour (also when NO_COLOR is set or output is not a terminal).")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
def check(
    paths: tuple[str, ...],
    formats: tuple[str, ...],
    output: str | None,
    region: str | None,
    parameter_overrides: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_level: str | None,
    as_of: datetime | None,
    config_path: str | None,
    account_scope: bool | None,
    with_cfn_lint: bool | None,
    apply_fixes: bool,
    show_diff: bool,
    config_env: str,
    baseline: str | None,
    write_baseline: str | None,
    jobs: int,
    no_cache: bool,
    cache_dir: str | None,
    no_color: bool,
    quiet: bool,
) -> None:
    """Lint templates: files, folders (searched for templates) and globs."""
    from samcheck import translator_process
    from samcheck.discovery import discover
    from samcheck.runner import default_jobs

    discovery = discover(list(paths))
    for missing in discovery.missing:
        click.echo(f"samcheck: error: no such file, folder or match: {missing}", err=True)
    if not discovery.files:
        looked = "" if paths else " (looked for template.yaml, template.yml, template.json)"
        _fail(f"no template found{looked}")
    workers = min(jobs or default_jobs(), len(discovery.files))
    if workers == 1:  # linting here: let a child import the SAM translator meanwhile
        translator_process.start_for(discovery.files)
    # The rest of samcheck loads only now, while that child imports.
    from samcheck.account import add_account_findings
    from samcheck.cache import Cache, default_cache_dir
    from samcheck.config import ConfigError, load_config_file, parse_parameter_overrides
    from samcheck.registry import select_rules
    from samcheck.reporting import render
    from samcheck.runner import Job, run_jobs

    outputs = _outputs(formats, output)
    try:
        overrides = parse_parameter_overrides(parameter_overrides) if parameter_overrides else None
        command_line: dict[str, Any] = {
            "region": region,
            "fail_level": fail_level,
            "select": _selectors(select),
            "ignore": _selectors(ignore),
            "parameter_overrides": overrides,
            "as_of": as_of.date() if as_of else None,
            "with_cfn_lint": with_cfn_lint,
            "account_scope": account_scope,
        }
        config_file = load_config_file(Path(config_path)) if config_path else None
        found: dict[Path, Settings] = {}
        work = []
        for path in discovery.files:
            settings = _settings_for(path, config_file, command_line, found, config_env)
            work.append(Job(path, settings, tuple(select_rules(list(settings.select), list(settings.ignore)))))
    except (ConfigError, KeyError) as error:
        _fail(str(error).strip("'\""))
    cache_folder = None if no_cache else Path(cache_dir) if cache_dir else default_cache_dir()
    results = run_jobs(work, workers, cache_folder)
    if cache_folder is not None:
        Cache(cache_folder).prune()
    if show_diff or apply_fixes:
        changed = _fix(results, write=apply_fixes)
        if show_diff:
            sys.exit(EXIT_FINDINGS if changed else EXIT_CLEAN)
        fixed = {path.resolve() for path in changed}
        redo = [job for job in work if job.path.resolve() in fixed]
        if redo:
            again = dict(
                zip([job.path for job in redo], run_jobs(redo, jobs or default_jobs(), cache_folder), strict=True)
            )
            results = [again.get(result.path, result) for result in results]
    results = add_account_findings(work, results)
    if write_baseline:
        from samcheck.baseline import write_baseline as record

        count = record(Path(write_baseline), results)
        click.echo(f"samcheck: wrote {count} findings to {write_baseline}", err=True)
        sys.exit(EXIT_CLEAN)
    if baseline:
        from samcheck.baseline import apply_baseline

        try:
            results = apply_baseline(Path(baseline), results)
        except ConfigError as error:
            _fail(str(error))
    failed = any(
        _fails([finding.severity for finding in result.findings], job.settings.fail_level)
        for job, result in zip(work, results, strict=True)
    )
    for output_format, target in outputs:
        color = output_format == "text" and target is None and not no_color and _terminal_colors()
        report = render(output_format, results, color=color, quiet=quiet)
        if target is not None:
            Path(target).write_text(report if report.endswith("\n") else report + "\n", encoding="utf-8")
        else:
            click.echo(report, nl=not report.endswith("\n"))
    if discovery.missing:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(output_format: str) -> None:
    """List every rule with its id, slug, severity and summary."""
    from samcheck.registry import all_rules

    rules = all_rules()
    if output_format == "json":
        import json

        rows = [
            {"id": r.id, "name": r.name, "severity": r.severity.label, "summary": r.summary, "url": r.url}
            for r in rules
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"samcheck {__version__}: {len(rules)} rules")
    for column in ("id", "name", "severity", "summary"):
        table.add_column(column)
    for rule in rules:
        table.add_row(rule.id, rule.name, rule.severity.label, rule.summary)
    Console(highlight=False).print(table)


@cli.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Explain a rule (by id or slug): why, a bad and a good example, the AWS source."""
    from samcheck.docs import rule_doc
    from samcheck.registry import find_rule

    found = find_rule(rule)
    if found is None:
        _fail(f"unknown rule '{rule}' (see `samcheck rules`)")
        return
    doc = rule_doc(found)
    parts = [
        f"{found.id} {found.name} ({found.severity.label})",
        "",
        found.summary,
        "",
        doc.rationale,
        "",
        "Anti-pattern:",
        "",
        _indent(doc.anti_pattern or ""),
        "Best practice:",
        "",
        _indent(doc.best_practice or ""),
        f"AWS documentation: {found.url}",
    ]
    click.echo("\n".join(parts))


def _indent(code: str) -> str:
    return "".join(f"    {line}\n" if line else "\n" for line in code.splitlines())


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["mermaid", "dot", "json"]),
    default="mermaid",
    show_default=True,
)
@click.option("--region", help="Region the template is deployed to.")
@click.option("--parameter-overrides", help="Template parameters, SAM CLI syntax: 'Key=Value Key2=Value2'.")
def graph(path: str, output_format: str, region: str | None, parameter_overrides: str | None) -> None:
    """Print the resource graph of the expanded template (Mermaid renders in GitHub markdown)."""
    from samcheck.config import ConfigError, parse_parameter_overrides
    from samcheck.engine import build_template
    from samcheck.graph import ResourceGraph
    from samcheck.loading import load_document

    try:
        overrides = parse_parameter_overrides(parameter_overrides) if parameter_overrides else None
        settings = _settings_for(Path(path), None, {"region": region, "parameter_overrides": overrides}, {})
    except ConfigError as error:
        _fail(str(error))
        return
    document = load_document(Path(path))
    template = build_template(document, settings)
    if template is None:
        _fail(f"{path}: {document.problems[0].message}")
        return
    click.echo(ResourceGraph(template).render(output_format))


@cli.command("vscode-task")
def vscode_task() -> None:
    """Print a .vscode/tasks.json that runs samcheck with a problem matcher."""
    from samcheck.reporting.vscode_format import tasks_json

    click.echo(tasks_json())


@cli.command("limits")
def list_limits() -> None:
    """List the limits table: names (for [tool.samcheck.limits]), values and sources."""
    from samcheck.limits import Limits

    limits = Limits()
    for name in Limits.names():
        limit = limits.describe(name)
        click.echo(f"{name} = {limit.value:g} {limit.unit}  # {limit.description}; {limit.source}")


def main() -> None:
    """The console entry point: run the command, flush the output, leave at once.

    A cold SAM run loads the translator, pydantic and botocore models; tearing all of that
    down at interpreter exit takes 0.1-0.2 s, a third as long as the lint itself, and frees
    nothing the operating system would not. Everything samcheck writes is closed (files) or
    flushed below (standard streams) before the process ends.
    """
    from samcheck import translator_process

    translator_process.enable()
    status: int | str | None = EXIT_CLEAN
    try:
        cli(prog_name="samcheck")
    except SystemExit as leaving:  # how click ends every command
        status = leaving.code
    translator_process.stop()
    if isinstance(status, str):  # sys.exit("message"): print it and fail, as Python would
        print(status, file=sys.stderr)
        status = 1
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(status)  # a profiler or coverage is watching: let it write its results at exit
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):  # reader went away (`| head`), or stream closed
            stream.flush()
    os._exit(status or EXIT_CLEAN)
