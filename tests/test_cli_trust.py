"""Nothing silently green: what a user mistypes is a usage error (exit 2) or a finding, never
"All checks passed". Run through the real console script."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import needs_corpus

TEMPLATE = """\
Parameters:
  Stage: {Type: String, AllowedValues: [dev, prod], Default: dev}
Resources:
  Queue:
    Type: AWS::SQS::Queue
"""


def samcheck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    return path


@pytest.mark.parametrize(
    ("option", "selector", "hint"),
    [
        ("--select", "SC9999", "samcheck rules"),
        ("--select", "bogus", "samcheck rules"),
        ("--ignore", "lambda-timout-range", "did you mean lambda-timeout-range"),
        ("--select", "SC1001 SC99", "'SC99' names no rule"),
    ],
)
def test_unknown_selectors_are_usage_errors(template: Path, option: str, selector: str, hint: str) -> None:
    result = samcheck(option, selector, str(template))
    assert result.returncode == 2 and hint in result.stderr, result.stderr
    assert "All checks passed" not in result.stdout


def test_selectors_separated_by_spaces_or_commas_all_count(template: Path) -> None:
    for selector in ("SC0014 SC0013", "SC0014,SC0013", " SC0014 , SC0013 "):
        result = samcheck("--format", "json", "--select", selector, "--parameter-overrides", "Stage=qa", str(template))
        rules = {finding["rule"] for finding in json.loads(result.stdout)["findings"]}
        assert result.returncode == 1 and rules == {"SC0013"}, (selector, result.stdout)


def test_unknown_selectors_in_configuration_are_usage_errors(template: Path) -> None:
    (template.parent / ".samcheck.yaml").write_text("ignore: [SC1001, lamda-memory-range]\n")
    result = samcheck(str(template))
    assert result.returncode == 2 and ".samcheck.yaml: ignore: 'lamda-memory-range'" in result.stderr
    (template.parent / ".samcheck.yaml").write_text("severity: {SC8888: info}\n")
    assert samcheck(str(template)).returncode == 2


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("--with-cfn-lint", "--select", "CFN-E9999"), "'CFN-E9999' names no rule (did you mean CFN-E"),
        (("--ignore", "CFN-W99"), "'CFN-W99' names no rule"),
        (("--with-cfn-lint", "--select", "cfn-no-such-check"), "cfn-lint --list-rules"),
        (("--select", "CFN-E3012"), "--select: CFN-E3012 is a cfn-lint rule and cfn-lint is off; add --with-cfn-lint"),
    ],
)
def test_cfn_lint_selectors_are_checked_against_its_rules(template: Path, args: tuple[str, ...], hint: str) -> None:
    result = samcheck(*args, str(template))
    assert result.returncode == 2 and hint in result.stderr, result.stderr


def test_cfn_lint_selectors_that_name_its_rules_run(template: Path) -> None:
    for selector in ("CFN-E3012", "CFN-W", "cfn-lint-failed", "CFN-E3012,SC0014"):
        result = samcheck("--with-cfn-lint", "--select", selector, str(template))
        assert result.returncode == 0, (selector, result.stderr)
    assert samcheck("--ignore", "CFN-W", str(template)).returncode == 0


def test_a_cfn_lint_selector_in_configuration_without_cfn_lint_names_the_file(template: Path) -> None:
    (template.parent / ".samcheck.yaml").write_text("select: [SC1, CFN-E3012]\n")
    result = samcheck(str(template))
    assert result.returncode == 2, result.stderr
    assert ".samcheck.yaml: select: CFN-E3012 is a cfn-lint rule and cfn-lint is off" in result.stderr
    assert "cfn-lint = true" in result.stderr
    assert samcheck("--with-cfn-lint", str(template)).returncode == 0


@pytest.mark.parametrize("region", ["xx-nowhere-9", "EU-WEST-1"])
def test_unknown_regions_are_usage_errors_that_list_the_known_ones(template: Path, region: str) -> None:
    result = samcheck("--region", region, str(template))
    assert result.returncode == 2 and f"unknown Region '{region}'" in result.stderr and "eu-west-1" in result.stderr
    assert samcheck("--region", "eu-west-1", str(template)).returncode == 0
    assert samcheck("--region", "cn-northwest-1", str(template)).returncode == 0


def test_a_region_from_the_environment_is_checked_too(template: Path) -> None:
    import os

    env = {**os.environ, "AWS_REGION": "moon-base-1"}
    result = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", str(template)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 2 and "(from AWS_REGION)" in result.stderr


def test_a_samconfig_environment_that_does_not_exist_is_a_usage_error(template: Path) -> None:
    result = samcheck("--config-env", "staging", str(template))
    assert result.returncode == 2 and "no samconfig.toml" in result.stderr
    (template.parent / "samconfig.toml").write_text('version = 0.1\n[prod.deploy.parameters]\nregion = "eu-west-1"\n')
    result = samcheck("--config-env", "staging", str(template))
    assert result.returncode == 2 and "no environment 'staging'" in result.stderr and "it has: prod" in result.stderr
    assert samcheck("--config-env", "prod", str(template)).returncode == 0


def test_overrides_cloudformation_would_reject_are_findings(template: Path) -> None:
    result = samcheck("--format", "json", "--parameter-overrides", "Stage=qa Unknown=1", str(template))
    findings = {(f["rule"], f["severity"], f["line"]) for f in json.loads(result.stdout)["findings"]}
    assert result.returncode == 1 and findings == {("SC0013", "error", 2), ("SC0013", "warning", 1)}


def test_a_file_that_is_not_a_template_says_so(tmp_path: Path) -> None:
    typo = tmp_path / "typo.yaml"
    typo.write_text("Resource:\n  Queue:\n    Type: AWS::SQS::Queue\n")
    result = samcheck(str(typo))
    assert (
        result.returncode == 1
        and "did you mean Resources?" in result.stdout
        and "no Resources section" in result.stdout
    )


BAD = TEMPLATE + (
    "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
    "      Runtime: python3.12\n      Handler: app.handler\n      Timeout: 1200\n"
)


def test_exit_zero_statistics_and_output_format_alias(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(BAD)
    assert samcheck(str(template)).returncode == 1
    assert samcheck("--exit-zero", str(template)).returncode == 0
    assert samcheck("--exit-zero", "--select", "SC9999", str(template)).returncode == 2  # misuse still is
    stats = samcheck("--statistics", str(template))
    assert stats.returncode == 1 and "1  SC1001  lambda-timeout-range" in stats.stdout and "1200" not in stats.stdout
    aliased = samcheck("--output-format", "json", str(template))
    assert json.loads(aliased.stdout)["summary"]["errors"] == 1


def test_two_reports_to_standard_output_are_refused(template: Path) -> None:
    result = samcheck("--format", "json", "--format", "sarif", str(template))
    assert result.returncode == 2 and "--format sarif=FILE" in result.stderr and result.stdout == ""


def test_report_files_in_missing_folders_are_created_before_linting(tmp_path: Path, template: Path) -> None:
    target = tmp_path / "reports" / "ci" / "samcheck.sarif"
    result = samcheck("--format", f"sarif={target}", str(template))
    assert result.returncode == 0 and target.is_file(), result.stderr
    result = samcheck("--write-baseline", str(tmp_path / "b" / "base.json"), str(template))
    assert result.returncode == 0 and (tmp_path / "b" / "base.json").is_file(), result.stderr
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    result = samcheck("--output", str(blocked / "r.json"), "--format", "json", str(template))
    assert result.returncode == 2 and "cannot write" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "env", "colored"),
    [
        (["--color", "always"], {}, True),
        ([], {"FORCE_COLOR": "1"}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {}, False),  # not a terminal
    ],
)
def test_color_choices(tmp_path: Path, args: list[str], env: dict[str, str], colored: bool) -> None:
    import os

    template = tmp_path / "template.yaml"
    template.write_text(BAD)
    environment = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "NO_COLOR")}
    result = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", *args, str(template)],
        capture_output=True,
        text=True,
        env={**environment, **env},
    )
    assert ("\x1b[" in result.stdout) == colored


def test_ci_paths_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    """A monorepo job with working-directory: infra annotates infra/template.yaml."""
    import jsonschema

    from samcheck.datafiles import load_json

    (tmp_path / ".git").mkdir()
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "template.yaml").write_text(BAD)
    github = samcheck("--format", "github", "template.yaml", cwd=infra)
    assert github.stdout.startswith("::error file=infra/template.yaml,"), github.stdout
    sarif = json.loads(samcheck("--format", "sarif", cwd=infra).stdout)
    jsonschema.Draft4Validator(load_json("sarif-schema-2.1.0.json")).validate(sarif)
    run = sarif["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "infra/template.yaml", "uriBaseId": "%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_without_a_path_the_report_names_files_as_with_one(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(BAD)
    for args in ([], ["template.yaml"]):
        text = samcheck(*args, cwd=tmp_path).stdout
        assert text.startswith("template.yaml\n"), text
        findings = json.loads(samcheck("--format", "json", *args, cwd=tmp_path).stdout)["findings"]
        assert {f["file"] for f in findings} == {"template.yaml"}


def test_standard_input_is_linted_as_the_file_it_stands_for(tmp_path: Path) -> None:
    def lint_stdin(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "samcheck", "--no-cache", *args]
        return subprocess.run(command, input=BAD, capture_output=True, text=True, cwd=tmp_path)

    result = lint_stdin("--format", "json", "-", "--stdin-filename", "api.yaml")
    document = json.loads(result.stdout)
    assert result.returncode == 1 and {f["file"] for f in document["findings"]} == {"api.yaml"}
    assert {f["rule"] for f in document["findings"]} == {"SC1001"}
    (tmp_path / ".samcheck.yaml").write_text("ignore: [SC1001]\n")  # the named file's configuration applies
    assert lint_stdin("-", "--stdin-filename", "api.yaml").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".samcheck.yaml"]  # no copy left behind
    refused = lint_stdin("--fix", "-")
    assert refused.returncode == 2 and "standard input" in refused.stderr


def test_sarif_fixes_for_standard_input_are_made_on_its_text_not_the_file_on_disk(tmp_path: Path) -> None:
    unsaved = (
        "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 10\n"
        "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
        "      Handler: a.b\n      Role: arn:aws:iam::123456789012:role/r\n      Code: {ZipFile: x}\n"
        "      Timeout: 60\n  Mapping:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n"
        "      FunctionName: !Ref Fn\n      EventSourceArn: !GetAtt Queue.Arn\n"
    )
    (tmp_path / "template.yaml").write_text("# saved long ago\n\n\n" + unsaved)  # three lines further down
    command = [sys.executable, "-m", "samcheck", "--no-cache", "--format", "sarif", "-", "--stdin-filename"]
    result = subprocess.run([*command, "template.yaml"], input=unsaved, capture_output=True, text=True, cwd=tmp_path)
    (fixed,) = [r for r in json.loads(result.stdout)["runs"][0]["results"] if r.get("fixes")]
    (change,) = fixed["fixes"][0]["artifactChanges"][0]["replacements"]
    assert change["deletedRegion"]["startLine"] == 5 and "VisibilityTimeout: 360" in change["insertedContent"]["text"]


def test_limits_as_toml_paste_into_pyproject_with_exact_values(tmp_path: Path, template: Path) -> None:
    import tomllib

    def limits(output_format: str) -> str:
        command = [sys.executable, "-m", "samcheck", "limits", "--format", output_format]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    toml = limits("toml")
    assert "cfn-template-body-max = 1048576  #" in toml and "e+" not in toml
    (template.parent / "pyproject.toml").write_text(toml)
    assert tomllib.loads(toml)["tool"]["samcheck"]["limits"]["cfn-template-body-max"] == 1048576
    assert samcheck(str(template)).returncode == 0  # the configuration it makes is valid
    rows = {row["name"]: row for row in json.loads(limits("json"))}
    assert rows["cfn-template-body-max"]["value"] == 1048576 and rows["cfn-template-body-max"]["unit"] == "bytes"


def test_show_settings_says_where_each_setting_comes_from(template: Path) -> None:
    (template.parent / ".samcheck.yaml").write_text("fail-level: warning\nselect: [SC1]\n")
    (template.parent / "samconfig.toml").write_text(
        'version = 0.1\n[default.deploy.parameters]\nregion = "eu-west-1"\nparameter_overrides = "Stage=prod"\n'
    )
    result = samcheck("--show-settings", str(template))
    assert result.returncode == 0 and "Found" not in result.stdout
    for expected in (
        f"configuration file: {template.parent / '.samcheck.yaml'}",
        f"samconfig: {template.parent / 'samconfig.toml'}",
        "region: eu-west-1 (from --region, the configuration or samconfig.toml)",
        "fail level: warning",
        "select: SC1; ignore: none",
        "parameter overrides: Stage=prod",
        "cache: off",
    ):
        assert expected in result.stdout, result.stdout


def test_exclude_extend_exclude_and_per_file_ignores(tmp_path: Path) -> None:
    for folder in ("stacks", "legacy", "generated", "node_modules/pkg"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "template.yaml").write_text(BAD)
    (tmp_path / "dotnet").mkdir()
    (tmp_path / "dotnet" / "serverless.template").write_text(
        json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})
    )

    def linted(*args: str) -> set[str]:
        document = json.loads(samcheck("--format", "json", "--fail-level", "never", *args, ".", cwd=tmp_path).stdout)
        return {str(Path(f["file"]).parent) for f in document["findings"]}

    assert linted() == {"stacks", "legacy", "generated"}  # node_modules is left out by default
    (tmp_path / ".samcheck.yaml").write_text(
        "extend-exclude: [generated]\nper-file-ignores:\n  legacy/*.yaml: [SC1001]\n"
    )
    assert linted() == {"stacks"}  # legacy's only finding is ignored there
    assert linted("--exclude", "stacks") == set()
    (tmp_path / ".samcheck.yaml").write_text("exclude: [legacy]\n")  # replaces the defaults
    assert linted() == {"stacks", "generated", "node_modules/pkg"}
    files = json.loads(samcheck("--format", "json", ".", cwd=tmp_path).stdout)["summary"]["files"]
    assert files == 4  # with dotnet/serverless.template


def test_samconfig_yaml_is_read_like_samconfig_toml(template: Path) -> None:
    (template.parent / "samconfig.yaml").write_text(
        "version: 0.1\nprod:\n  deploy:\n    parameters:\n      region: eu-west-1\n"
        "      parameter_overrides: Stage=qa\n"
    )
    result = samcheck("--config-env", "prod", "--format", "json", str(template))
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["SC0013"]  # qa is not one of Stage's AllowedValues
    assert "region: eu-west-1" in samcheck("--config-env", "prod", "--show-settings", str(template)).stdout


@pytest.mark.slow
@needs_corpus
def test_a_long_run_on_a_terminal_shows_progress_on_standard_error(tmp_path: Path) -> None:
    """On a terminal a run longer than a second counts templates on standard error, then clears
    the line; piped, it says nothing."""
    import os
    import pty

    from tests.conftest import CORPUS

    primary, secondary = pty.openpty()
    command = [
        sys.executable,
        "-m",
        "samcheck",
        "--no-cache",
        "--jobs",
        "1",
        "--fail-level",
        "never",
        "-q",
        str(CORPUS),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=300) == 0
    text = seen.decode(errors="replace")
    assert re.search(r"samcheck: \d+/\d+ templates", text), text[-500:]
    assert text.endswith("\x1b[2K")  # cleared at the end
    piped = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert "templates" not in piped.stderr


def test_graph_finds_the_template_and_settings_as_check_does(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    graph = subprocess.run([sys.executable, "-m", "samcheck", "graph"], capture_output=True, text=True, cwd=tmp_path)
    assert graph.returncode == 0 and "Queue" in graph.stdout
    bad_region = [sys.executable, "-m", "samcheck", "graph", "--region", "Mars-1"]
    assert subprocess.run(bad_region, capture_output=True, text=True, cwd=tmp_path).returncode == 2


def test_a_command_name_that_is_also_a_folder_says_how_to_lint_the_folder(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "template.yaml").write_text(BAD)
    listed = subprocess.run([sys.executable, "-m", "samcheck", "rules"], capture_output=True, text=True, cwd=tmp_path)
    assert listed.returncode == 0 and "`samcheck check rules`" in listed.stderr
    for args in (["check", "rules"], ["./rules"], ["rules/"]):
        linted = subprocess.run(
            [sys.executable, "-m", "samcheck", "--no-cache", *args]
            if args[0] != "check"
            else [sys.executable, "-m", "samcheck", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert linted.returncode == 1 and "SC1001" in linted.stdout, (args, linted.stderr)


def test_explain_reads_as_text_not_restructured_text() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "samcheck", "explain", "SC3001"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "COLUMNS": "60"},
    )
    prose = result.stdout.split("Anti-pattern:")[0]
    assert "``" not in prose and "`VisibilityTimeout`" in prose
    assert all(len(line) <= 60 for line in prose.splitlines()), prose
    assert "\n    " in result.stdout.split("Anti-pattern:")[1]  # code stays an indented block
