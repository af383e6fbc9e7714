"""The ``samcheck`` command line: options parsed into one ``api.Options``; ``run`` runs it.

``samcheck [OPTIONS] [PATH]...`` lints; ``rules``, ``explain``, ``graph`` and ``limits``
are subcommands. Exit codes are ``run``'s: 0 nothing at or above the fail level, 1 findings
at or above it, 2 usage or configuration error, or no template found.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from samcheck import __version__
from samcheck.reporting import FORMATS
from samcheck.run import EXIT_USAGE, FAIL_LEVELS

if TYPE_CHECKING:
    from samcheck.rule import Rule


class _DefaultToCheck(click.Group):
    """``samcheck PATH`` means ``samcheck check PATH``; subcommand names win."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            if args:
                self._refuse_a_mistyped_command(args[0])
            args = ["check", *args]
        elif args[0] != "check" and Path(args[0]).exists():
            # Never silently: the command runs, and the user learns how to lint the path instead.
            click.echo(
                f"samcheck: note: '{args[0]}' is a command and also a path here; "
                f"`samcheck check {args[0]}` (or `samcheck ./{args[0]}`) lints the path",
                err=True,
            )
        return super().parse_args(ctx, args)

    def _refuse_a_mistyped_command(self, word: str) -> None:
        """A bare word that is no path here but close to a command name (`rule`, `lnt`) is a typo,
        not a template: one line naming the command, rather than "no such file"."""
        if word.startswith("-") or any(mark in word for mark in "/\\.*?[") or Path(word).exists():
            return
        # "lint" is what other linters call checking (ruff check, cfn-lint): a likely guess.
        spellings = {**{name: name for name in self.commands}, "lint": "check"}
        close = _closest(word, spellings)
        if close:
            _fail(f"no command or file '{word}'; did you mean `samcheck {spellings[close[0]]}`?")


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="samcheck")
def cli() -> None:
    """Lint AWS SAM and CloudFormation templates, after expanding SAM the way AWS does.

    Run `samcheck [OPTIONS] [PATH]...` (the `check` command) to lint.
    """


def _closest(word: str, names: Iterable[str]) -> list[str]:
    """The names a mistyped ``word`` most likely meant, closest first (at most three)."""
    import difflib

    return difflib.get_close_matches(word, list(names), n=3, cutoff=0.6)


def _selectors(values: tuple[str, ...]) -> tuple[str, ...] | None:
    from samcheck.config import selector_list

    return selector_list(values) or None


def _fail(message: str) -> NoReturn:
    click.echo(f"samcheck: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _outputs(formats: tuple[str, ...], output: str | None) -> tuple[tuple[str, str | None], ...]:
    """(format, file or None for standard output) for each --format NAME[=FILE]; FILE ``-`` is
    standard output (a file named so is ``./-``)."""
    outputs: list[tuple[str, str | None]] = []
    for value in formats or ("text",):
        name, _, target = value.partition("=")
        if name not in FORMATS:
            _fail(f"unknown format '{name}'; choose from {', '.join(FORMATS)}")
        outputs.append((name, None if target in ("", "-") else target))
    if output is not None:
        first = next((i for i, (_, target) in enumerate(outputs) if target is None), None)
        if first is None:
            _fail("--output given, but every --format already names its file")
        outputs[first] = (outputs[first][0], output)
    to_stdout = [name for name, target in outputs if target is None]
    if len(to_stdout) > 1:
        _fail(
            f"--format {to_stdout[0]} and --format {to_stdout[1]} would both write to standard output; "
            f"give the second a file: --format {to_stdout[1]}=FILE"
        )
    return tuple(outputs)


def _colors(choice: str, no_color: bool) -> bool:
    """Colour for a text report on standard output: ``--color always|never|auto``; auto follows
    ``FORCE_COLOR`` and ``NO_COLOR``, else whether standard output is a terminal."""
    if no_color or choice == "never":
        return False
    if choice == "always" or os.environ.get("FORCE_COLOR"):
        return True
    return not os.environ.get("NO_COLOR") and sys.stdout is not None and sys.stdout.isatty()


def _cache_dir(no_cache: bool, cache_dir: str | None) -> Path | None:
    if no_cache:
        return None
    if cache_dir:
        return Path(cache_dir)
    from samcheck.check.cache import default_cache_dir

    return default_cache_dir()


@cli.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "--output-format",
    "formats",
    multiple=True,
    metavar="FORMAT[=FILE]",
    help=f"{', '.join(FORMATS)}; repeatable, each to standard output or to FILE.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the (first) report to FILE.")
@click.option("--region", help="Region the templates are deployed to [default: config, AWS_REGION, us-east-1].")
@click.option("--parameter-overrides", help="Template parameters, SAM CLI syntax: 'Key=Value Key2=Value2'.")
@click.option(
    "--select", multiple=True, help="Only these rules (ids, id prefixes or slugs; separated by commas or spaces)."
)
@click.option(
    "--ignore", multiple=True, help="Skip these rules (ids, id prefixes or slugs; separated by commas or spaces)."
)
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
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text report: auto follows FORCE_COLOR, NO_COLOR and whether the output is a terminal.",
)
@click.option("--no-color", is_flag=True, help="Same as --color never.")
@click.option(
    "--exclude", "exclude", multiple=True, metavar="GLOB", help="Leave matching files and folders out of folder walks."
)
@click.option(
    "--force-exclude",
    is_flag=True,
    default=None,
    help="Apply the excludes to files named on the command line too (as pre-commit names them).",
)
@click.option(
    "--show-settings", is_flag=True, help="Print each file's settings and where they come from; lint nothing."
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings fail the run (2 still means misuse).")
@click.option("--statistics", is_flag=True, help="In the text report, count findings per rule instead of listing them.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="With PATH '-': lint standard input as this file (its folder's configuration and relative paths apply).",
)
def check(**given: Any) -> None:
    """Lint templates: files, folders (searched for templates) and globs."""
    from samcheck.api import Options
    from samcheck.run import run

    if given["apply_fixes"] and given["show_diff"]:
        _fail("--fix writes the fixes and --diff only shows them: choose one")
    options = Options(
        paths=given["paths"],
        outputs=_outputs(given["formats"], given["output"]),
        region=given["region"],
        parameter_overrides=given["parameter_overrides"],
        select=_selectors(given["select"]),
        ignore=_selectors(given["ignore"]),
        fail_level=given["fail_level"],
        as_of=given["as_of"].date() if given["as_of"] else None,
        config_file=Path(given["config_path"]) if given["config_path"] else None,
        config_env=given["config_env"],
        account_scope=given["account_scope"],
        with_cfn_lint=given["with_cfn_lint"],
        fix=given["apply_fixes"],
        diff=given["show_diff"],
        baseline=Path(given["baseline"]) if given["baseline"] else None,
        write_baseline=Path(given["write_baseline"]) if given["write_baseline"] else None,
        jobs=given["jobs"],
        cache_dir=_cache_dir(given["no_cache"], given["cache_dir"]),
        color=_colors(given["color"], given["no_color"]),
        quiet=given["quiet"],
        exit_zero=given["exit_zero"],
        stdin_filename=given["stdin_filename"],
        show_settings=given["show_settings"],
        exclude=tuple(given["exclude"]),
        force_exclude=given["force_exclude"],
        statistics=given["statistics"],
    )
    sys.exit(run(options))


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(output_format: str) -> None:
    """List every rule with its id, slug, severity and summary (a table on a terminal, else a line each)."""
    from samcheck.registry import all_rules

    rules = all_rules()
    if output_format == "json":
        import json

        rows = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity.label,
                "summary": r.summary,
                "url": r.url,
                "fixable": r.fixable,
            }
            for r in rules
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if sys.stdout is None or not sys.stdout.isatty():  # piped: whole ids and slugs, never cut to a width
        width = max(len(rule.name) for rule in rules)
        for rule in rules:
            fix = "fix" if rule.fixable else "   "
            click.echo(f"{rule.id:<7} {rule.name:<{width}} {rule.severity.label:<7} {fix} {rule.summary}")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"samcheck {__version__}: {len(rules)} rules")
    for column in ("id", "name", "severity", "fix", "summary"):
        table.add_column(column)
    for rule in rules:
        table.add_row(rule.id, rule.name, rule.severity.label, "yes" if rule.fixable else "", rule.summary)
    Console(highlight=False).print(table)


@cli.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Explain a rule (by id or slug): why, a bad and a good example, the AWS source."""
    import shutil

    from samcheck.docs import reflowed, rule_doc
    from samcheck.registry import all_rules, find_rule

    width = min(100, shutil.get_terminal_size((100, 24)).columns)
    found = find_rule(rule)
    if found is None:
        close = _rules_meant(rule, all_rules())
        guess = f"; did you mean {', '.join(close[:-1])}{' or ' if close[:-1] else ''}{close[-1]}?" if close else ""
        _fail(f"unknown rule '{rule}'{guess} (see `samcheck rules`)")
    doc = rule_doc(found)
    parts = [
        f"{found.id} {found.name} ({found.severity.label})",
        "",
        reflowed(found.summary, width),
        "",
        "Fix: --fix (and --diff) can apply a safe fix for it." if found.fixable else "Fix: none; --fix leaves it.",
        "",
        reflowed(doc.rationale, width),
        "",
        "Anti-pattern:",
        "",
        _indent(doc.anti_pattern or ""),
        "Best practice:",
        "",
        _indent(doc.best_practice or ""),
        f"AWS documentation: {found.url}",
        "",
        reflowed(_UNKNOWN_VALUES, width),
    ]
    click.echo("\n".join(parts))


def _rules_meant(key: str, rules: Sequence[type[Rule]]) -> list[str]:
    """The ids or slugs a mistyped rule name most likely meant (at most three): a short id read
    as family and number (SC101 is SC1001), the slugs holding the word, then the closest spellings."""
    import re

    ids, names = [rule.id for rule in rules], [rule.name for rule in rules]
    short = re.fullmatch(r"SC(\d)(\d{1,2})", key.upper())
    padded = [f"SC{short[1]}{int(short[2]):03d}"] if short else []
    holding = [name for name in names if len(key) >= 4 and key.lower() in name]
    spelled = _closest(key.upper(), ids) if key[:2].upper() == "SC" else _closest(key.lower(), names)
    return [name for name in dict.fromkeys([*padded, *holding, *spelled]) if name in ids or name in names][:3]


# What every rule does with a value it cannot know, said once for all of them.
_UNKNOWN_VALUES = (
    "Values known only at deploy time (a parameter without a Default, an Fn::ImportValue, a nested\n"
    "stack's output, an attribute) never produce an error here, and their type is never guessed;\n"
    "every value a parameter allows and both branches of an Fn::If are judged. Pass values with\n"
    "--parameter-overrides to have them checked."
)


def _indent(code: str) -> str:
    return "".join(f"    {line}\n" if line else "\n" for line in code.splitlines())


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False), required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["mermaid", "dot", "json"]),
    default="mermaid",
    show_default=True,
)
@click.option("--region", help="Region the template is deployed to [default: config, AWS_REGION, us-east-1].")
@click.option("--parameter-overrides", help="Template parameters, SAM CLI syntax: 'Key=Value Key2=Value2'.")
@click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="Use only this config file."
)
@click.option("--config-env", default="default", show_default=True, help="samconfig.toml environment to read.")
def graph(
    path: str | None,
    output_format: str,
    region: str | None,
    parameter_overrides: str | None,
    config_path: str | None,
    config_env: str,
) -> None:
    """Print the resource graph of the expanded template (Mermaid renders in GitHub markdown).

    PATH and the settings are found as `samcheck check` finds them: template.yaml in the current
    folder by default, the configuration files, samconfig.toml and the same options."""
    from samcheck.analysis.graph import resource_graph
    from samcheck.api import Options, UsageError, job_for
    from samcheck.cfn.document import load_template
    from samcheck.discovery import discover
    from samcheck.graph_format import render_graph
    from samcheck.model.build import build_template

    files = [Path(path)] if path else discover([]).files
    if not files:
        _fail("no template found (looked for template.yaml, template.yml, template.json)")
    options = Options(
        paths=(str(files[0]),),
        region=region,
        parameter_overrides=parameter_overrides,
        config_file=Path(config_path) if config_path else None,
        config_env=config_env,
    )
    try:
        settings = job_for(files[0], options).settings
    except UsageError as error:
        _fail(str(error))
    document = load_template(files[0])
    template = build_template(document, settings)
    if template is None:
        _fail(f"{files[0]}: {document.problems[0].message}")
    click.echo(render_graph(resource_graph(template), output_format))


@cli.command("server")
def server() -> None:
    """Run the language server over standard input and output (for editors: diagnostics as you type,
    quick fixes, rule docs on hover)."""
    from samcheck.server.language_server import run

    run()


@cli.command("vscode-task")
def vscode_task() -> None:
    """Print a .vscode/tasks.json that runs samcheck with a problem matcher."""
    from samcheck.reporting.vscode_format import tasks_json

    click.echo(tasks_json())


@cli.command("limits")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "toml", "json"]),
    default="text",
    show_default=True,
    help="toml pastes into pyproject.toml as [tool.samcheck.limits] (or into .samcheck.yaml's limits).",
)
@click.option("--region", help="Show the values of this Region where AWS's defaults differ by Region.")
def list_limits(output_format: str, region: str | None) -> None:
    """List the limits table: names (for [tool.samcheck.limits]), values and sources."""
    from samcheck.api import UsageError, check_region
    from samcheck.limits import Limits

    if region is not None:
        try:
            check_region(region, "--region")
        except UsageError as error:
            _fail(str(error))
    limits = Limits(region=region)
    described = [limits.describe(name) for name in Limits.names()]
    if output_format == "json":
        import json

        rows = [
            {
                "name": limit.name,
                "value": _exact(limit.value),
                "unit": limit.unit,
                "description": limit.description,
                "source": limit.source,
                "region": limit.region,
            }
            for limit in described
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if output_format == "toml":
        click.echo("[tool.samcheck.limits]")
    for limit in described:
        if output_format == "toml":
            click.echo(f"{limit.name} = {_exact(limit.value)}  # {limit.unit}: {limit.description}")
        else:
            where = f" in {limit.region}" if limit.region else ""
            click.echo(
                f"{limit.name} = {_exact(limit.value)} {limit.unit}{where}  # {limit.description}; {limit.source}"
            )


def _exact(value: float) -> int | float:
    """A limit as written in the table: 1048576, never 1.04858e+06."""
    return int(value) if float(value).is_integer() else value


def main() -> None:
    """The console entry point: run the command, flush the output, leave at once.

    A cold SAM run loads the translator, pydantic and botocore models; tearing all of that
    down at interpreter exit takes 0.1-0.2 s, a third as long as the lint itself, and frees
    nothing the operating system would not. Everything samcheck writes is closed (files) or
    flushed below (standard streams) before the process ends.
    """
    from samcheck.cfn.document import RECURSION_LIMIT
    from samcheck.interrupts import Stopped, handle_stops
    from samcheck.output import discard_standard_output, hold_standard_descriptors
    from samcheck.sam import translator_process

    # Every stage walks templates recursively (the reader, the resolver, the translator's deep
    # copies); the reader admits MAX_DEPTH levels, so the stages must be able to follow them.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    hold_standard_descriptors()
    handle_stops()
    translator_process.enable()
    for stream in (sys.stdout, sys.stderr):  # a lone surrogate, or a terminal that is not UTF-8
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    status: int | str | None = 0
    try:
        cli(prog_name="samcheck")
    except SystemExit as leaving:  # how click ends every command
        status = leaving.code
    except Stopped as stop:  # Ctrl-C or SIGTERM: the workers are gone, no file is half written
        print(f"samcheck: stopped by {stop}", file=sys.stderr)
        status = stop.exit_code
    except OSError as error:  # what a command other than a lint (rules, explain…) prints, not written
        discard_standard_output()
        print(f"samcheck: cannot write the report: standard output: {error.strerror or error}", file=sys.stderr)
        status = 2
    translator_process.stop()
    if isinstance(status, str):  # sys.exit("message"): print it and fail, as Python would
        print(status, file=sys.stderr)
        status = 1
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(status)  # a profiler or coverage is watching: let it write its results at exit
    for stream in (sys.stdout, sys.stderr):
        # Reports are flushed as they are written (one that could not be said so): a reader gone
        # (`| head`), a full disk or a stream closed (None when samcheck started without it) changes nothing now.
        with contextlib.suppress(OSError, ValueError):
            if stream is not None:
                stream.flush()
    os._exit(status or 0)
