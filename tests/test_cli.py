"""What users see from the command line: exit codes, formats, configuration, subcommands."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from samcheck.cli import cli, main
from samcheck.datafiles import load_json
from tests.conftest import FIXTURES

GOOD = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/fn.zip
      Timeout: 30
"""
BAD_TIMEOUT = GOOD.replace("Timeout: 30", "Timeout: 1000")
EXAMPLE = FIXTURES / "example" / "template.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def validate_json(text: str) -> dict:
    document = json.loads(text)
    jsonschema.validate(document, load_json("findings.schema.json"))
    return document


def test_exit_codes(write_template) -> None:
    good, bad = write_template(GOOD, "good/template.yaml"), write_template(BAD_TIMEOUT, "bad/template.yaml")
    assert run(str(good))[0] == 0
    assert run(str(bad))[0] == 1
    assert run(str(good), str(bad))[0] == 1
    assert run(str(bad), "--fail-level", "never")[0] == 0
    assert run(str(bad.parent / "missing.yaml"))[0] == 2
    assert run("--format", "xml", str(good))[0] == 2


def test_no_path_uses_template_in_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run()
    assert code == 2 and "no template found" in err
    (tmp_path / "template.yml").write_text(BAD_TIMEOUT)
    code, out, _ = run("--no-color")
    assert code == 1 and "SC1001" in out and "template.yml" in out


def test_broken_template_is_a_finding_and_others_are_still_checked(write_template) -> None:
    broken = write_template("Resources: [\n", "a/template.yaml")
    empty = write_template("Resources:\n", "b/template.yaml")
    bad = write_template(BAD_TIMEOUT, "c/template.yaml")
    code, out, err = run("--format", "json", str(broken), str(empty), str(bad))
    document = validate_json(out)
    assert code == 1 and "Traceback" not in err
    assert {f["rule"] for f in document["findings"]} == {"SC0001", "SC0005", "SC1001"}
    assert document["summary"]["files"] == 3


def test_json_output_matches_schema_and_positions(write_template) -> None:
    _, out, _ = run("--format", "json", str(EXAMPLE))
    document = validate_json(out)
    by_rule = {f["rule"]: f for f in document["findings"] if f["severity"] != "info"}
    memory = by_rule["SC1002"]
    assert (memory["line"], memory["column"], memory["resource"]) == (42, 3, "ReportFunction")
    assert memory["related"][0]["line"] == 23 and "Globals.Function.MemorySize" in memory["related"][0]["message"]
    timeout = by_rule["SC1001"]
    assert (timeout["line"], timeout["column"], timeout["end_line"]) == (45, 7, 45)
    assert "1200 s (when parameter ReportTimeout is 1200)" in timeout["message"]
    assert "900" in timeout["message"]
    wiring = by_rule["SC3001"]
    assert (wiring["line"], wiring["resource"]) == (36, "OrderConsumer")  # the Events entry
    assert {r["line"] for r in wiring["related"]} == {29, 31}  # the queue and the function
    assert document["summary"] == {"files": 1, "errors": 4, "warnings": 2, "info": 1, "fixable": 1}
    assert wiring["fix"] == "set VisibilityTimeout of OrdersQueue to 180" and memory["fix"] is None
    # A value known only at deploy time: an info that says which, never an error.
    (unknown,) = [f for f in document["findings"] if f["severity"] == "info"]
    assert (unknown["rule"], unknown["line"], unknown["resource"]) == ("SC3001", 67, "RefundConsumer")
    assert "RefundsQueue is not known before deploying (Fn::ImportValue" in unknown["message"]


def test_output_file_and_quiet_text(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run("--format", "json", "--output", str(target), str(EXAMPLE))
    assert code == 1 and out == ""
    validate_json(target.read_text())
    code, out, _ = run("--no-color", "--quiet", str(EXAMPLE))
    assert "Found" not in out and "\x1b[" not in out
    assert "42:3" in out and "^^^" in out and "↳ 23:5" in out


def test_select_ignore_and_severity(write_template) -> None:
    bad = write_template(BAD_TIMEOUT)
    assert run(str(bad), "--ignore", "SC1001")[0] == 0
    assert run(str(bad), "--ignore", "lambda-timeout-range")[0] == 0
    assert run(str(bad), "--select", "SC0")[0] == 0
    assert run(str(bad), "--select", "SC1,SC0")[0] == 1
    write_template('[tool.samcheck]\nseverity = {SC1001 = "warning"}\n', "pyproject.toml")
    assert run(str(bad))[0] == 0
    assert run(str(bad), "--fail-level", "warning")[0] == 1


def test_parameter_overrides_and_region(write_template) -> None:
    template = write_template(
        "Parameters:\n  T:\n    Type: Number\n    Default: 30\n"
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n      Timeout: !If [IsEu, !Ref T, 60]\n"
        "Conditions:\n  IsEu: !Equals [!Ref AWS::Region, eu-west-1]\n"
    )
    assert run(str(template))[0] == 0
    assert run(str(template), "--parameter-overrides", "T=1000")[0] == 0  # not in eu-west-1
    assert run(str(template), "--region", "eu-west-1", "--parameter-overrides", "T=1000")[0] == 1
    assert (
        run(
            str(template),
            "--parameter-overrides",
            "ParameterKey=T,ParameterValue=1000",
            "--region",
            "eu-west-1",
        )[0]
        == 1
    )
    assert run(str(template), "--parameter-overrides", "novalue")[0] == 2


def test_config_file_values_and_errors(write_template, tmp_path: Path) -> None:
    bad = write_template(BAD_TIMEOUT)
    write_template("ignore: [SC1001]\n", ".samcheck.yaml")
    assert run(str(bad))[0] == 0
    write_template("ignore: SC1001 SC1002\n", ".samcheck.yaml")  # text separated by spaces (or commas)
    assert run(str(bad))[0] == 0
    write_template("ignore: 1001\n", ".samcheck.yaml")
    code, _, err = run(str(bad))
    assert code == 2 and ".samcheck.yaml: ignore:" in err
    write_template("colour: red\n", ".samcheck.yaml")
    code, _, err = run(str(bad))
    assert code == 2 and "colour" in err
    write_template("limits: {lambda-timeout-max: 2000}\n", ".samcheck.yaml")
    assert run(str(bad))[0] == 0
    write_template("limits: {no-such-limit: 1}\n", ".samcheck.yaml")
    code, _, err = run(str(bad))
    assert code == 2 and "no-such-limit" in err
    explicit = tmp_path / "other.yaml"
    explicit.write_text("fail-level: never\n")
    assert run(str(bad), "--config", str(explicit))[0] == 0


def test_metadata_suppression(write_template) -> None:
    per_resource = BAD_TIMEOUT.replace(
        "    Type: AWS::Serverless::Function\n",
        "    Type: AWS::Serverless::Function\n    Metadata:\n      samcheck:\n        ignore: [lambda-timeout-range]\n",
    )
    assert run(str(write_template(per_resource, "a/template.yaml")))[0] == 0
    file_wide = "Metadata:\n  samcheck:\n    ignore: [SC1]\n" + BAD_TIMEOUT
    assert run(str(write_template(file_wide, "b/template.yaml")))[0] == 0
    other_rule = "Metadata:\n  samcheck:\n    ignore: [SC1002]\n" + BAD_TIMEOUT
    assert run(str(write_template(other_rule, "c/template.yaml")))[0] == 1


def test_globals_suppression_on_each_function(write_template) -> None:
    template = write_template(
        "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Timeout: 1000\nResources:\n"
        "  A:\n    Type: AWS::Serverless::Function\n    Metadata: {samcheck: {ignore: [SC1001]}}\n"
        "    Properties: {Runtime: python3.12, Handler: a.h, CodeUri: s3://bucket/fn.zip}\n"
        "  B:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: a.h, CodeUri: s3://bucket/fn.zip}\n"
    )
    document = validate_json(run("--format", "json", str(template))[1])
    assert [(f["rule"], f["resource"]) for f in document["findings"]] == [("SC1001", "B")]


def test_folders_and_globs(tmp_path: Path) -> None:
    (tmp_path / "app" / "nested").mkdir(parents=True)
    (tmp_path / "app" / "template.yaml").write_text(GOOD)
    (tmp_path / "app" / "nested" / "queue.json").write_text('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}')
    (tmp_path / "app" / "nested" / "settings.yaml").write_text("name: not a template\n")
    (tmp_path / "app" / "node_modules").mkdir()
    (tmp_path / "app" / "node_modules" / "template.yaml").write_text("Resources: [\n")
    (tmp_path / "app" / "loop").symlink_to(tmp_path / "app")
    document = validate_json(run("--format", "json", str(tmp_path / "app"))[1])
    assert document["summary"]["files"] == 2
    document = validate_json(run("--format", "json", str(tmp_path / "app" / "**" / "*.json"))[1])
    assert document["summary"]["files"] == 1


def test_rules_explain_limits_and_graph(write_template) -> None:
    code, out, _ = run("rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and {"SC0001", "SC1001"} <= {rule["id"] for rule in rules}
    code, out, _ = run("explain", "lambda-timeout-range")
    assert code == 0 and "Anti-pattern" in out and "Timeout: 1200" in out and "docs.aws.amazon.com" in out
    assert "never produce an error" in out  # how unknown values are treated, for every rule
    code, out, _ = run("explain", "SC3001")
    assert "known only at deploy time" in out and "an info says which value" in out
    assert run("explain", "SC9999")[0] == 2
    code, out, _ = run("limits")
    assert "lambda-timeout-max = 900 seconds" in out
    assert "api-throttle-rate-account = 10000 requests per second  #" in out
    code, out, _ = run("limits", "--region", "af-south-1")
    assert code == 0 and "api-throttle-rate-account = 2500 requests per second in af-south-1  #" in out
    assert "lambda-timeout-max = 900 seconds  #" in out  # the same everywhere: no Region named
    code, _, err = run("limits", "--region", "mars-north-1")
    assert code == 2 and "unknown Region 'mars-north-1'" in err
    template = write_template(
        GOOD.replace(
            "      Timeout: 30\n",
            "      Timeout: 30\n      Events:\n        Q:\n          Type: SQS\n"
            "          Properties:\n            Queue: !GetAtt Queue.Arn\n",
        )
        + "  Queue:\n    Type: AWS::SQS::Queue\n"
    )
    graph = json.loads(run("graph", "--format", "json", str(template))[1])
    assert {"source": "Queue", "target": "Fn", "kind": "event_source", "orders_creation": False} in graph["edges"]
    assert {"source": "Fn", "target": "FnRole", "kind": "getatt", "orders_creation": True} in graph["edges"]
    assert "flowchart LR" in run("graph", str(template))[1]
    assert "digraph samcheck" in run("graph", "--format", "dot", str(template))[1]


@pytest.mark.slow
def test_console_script_and_module_entry_points() -> None:
    script = Path(sys.executable).parent / "samcheck"
    for command in ([str(script)], [sys.executable, "-m", "samcheck"]):
        result = subprocess.run([*command, "--format", "json", str(EXAMPLE)], capture_output=True, text=True)
        assert result.returncode == 1, result.stderr
        validate_json(result.stdout)


@pytest.mark.slow
def test_console_script_flushes_everything_and_keeps_exit_codes() -> None:
    """main() leaves through os._exit: output must be complete and exit codes unchanged."""
    script = str(Path(sys.executable).parent / "samcheck")
    listing = subprocess.run([script, "rules", "--format", "json"], capture_output=True, text=True)
    assert listing.returncode == 0
    assert len(json.loads(listing.stdout)) > 60
    missing = subprocess.run([script, "no-such-template.yaml"], capture_output=True, text=True)
    assert missing.returncode == 2
    assert "no such file" in missing.stderr


@pytest.mark.slow
def test_profilers_still_get_their_results(tmp_path: Path) -> None:
    """main() skips the fast exit when a profiler watches, or `python -m cProfile` writes nothing."""
    profile = tmp_path / "samcheck.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "samcheck", "--no-cache", str(EXAMPLE)]
    result = subprocess.run(command, capture_output=True, text=True)  # cProfile itself exits 0
    assert "Found 7 problems" in result.stdout, result.stderr
    assert profile.stat().st_size > 0


def test_main_survives_a_reader_that_went_away(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`samcheck ... | head -1`: flushing into a closed pipe is no reason for a traceback; the report
    was not written, which is exit 2 and one line."""

    class ClosedPipe(io.StringIO):
        def flush(self) -> None:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    class ExitedError(Exception):
        pass

    def record_exit(code: int) -> None:
        raise ExitedError(code)

    monkeypatch.setattr(sys, "argv", ["samcheck", "--format", "json", "--no-cache", str(EXAMPLE)])
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(os, "_exit", record_exit)
    with pytest.raises(ExitedError) as exited:
        main()
    assert exited.value.args == (2,)
    assert capsys.readouterr().err == "samcheck: cannot write the report: standard output: Broken pipe\n"


def test_a_rule_that_raises_is_sc0000_whatever_select_says(write_template, monkeypatch: pytest.MonkeyPatch) -> None:
    """samcheck's own failure never passes as "All checks passed": --select does not hide it, the
    other findings stay, and only --ignore SC0000 silences it."""
    from samcheck.rules.lambda_function.sc1002_lambda_memory_range import LambdaMemoryRange

    def fail(self: object, context: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(LambdaMemoryRange, "check", fail)
    path = write_template(
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: a.h\n      Role: r\n      Code: {ZipFile: x}\n      Timeout: 1000\n"
    )
    code, out, _ = run("--no-cache", "-j", "1", "--format", "json", "--select", "SC1001,SC1002", str(path))
    findings = validate_json(out)["findings"]
    assert code == 1
    assert [(f["rule"], f["name"], f["line"]) for f in findings] == [
        ("SC0000", "internal-error", 1),
        ("SC1001", "lambda-timeout-range", 9),
    ]
    assert "internal error in rule SC1002 lambda-memory-range: ZeroDivisionError: boom" in findings[0]["message"]
    code, out, _ = run(
        "--no-cache", "-j", "1", "--format", "json", "--select", "SC1002", "--ignore", "SC0000", str(path)
    )
    assert (code, validate_json(out)["findings"]) == (0, [])


def test_a_suppression_review_rule_that_raises_is_contained(write_template, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules about suppression comments run in the decide stage; their failure is SC0000 there too."""
    from samcheck.rules.core.sc0008_unused_suppression import UnusedSuppression

    def fail(self: object, context: object) -> None:
        raise KeyError("review")

    monkeypatch.setattr(UnusedSuppression, "check", fail)
    path = write_template(BAD_TIMEOUT.replace("Timeout: 1000", "Timeout: 1000  # samcheck: ignore[SC1001]"))
    code, out, _ = run("--no-cache", "-j", "1", "--format", "json", str(path))
    findings = validate_json(out)["findings"]
    assert code == 1
    assert [f["rule"] for f in findings] == ["SC0000"]
    assert "internal error in rule SC0008 unused-suppression: KeyError" in findings[0]["message"]
