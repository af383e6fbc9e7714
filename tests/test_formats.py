"""Every output format, checked the way its consumer reads it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from click.testing import CliRunner

from samcheck.cli import cli
from samcheck.datafiles import load_json
from samcheck.findings import FileResult, Finding, Related, Severity, Span
from samcheck.reporting import ReportOptions, render
from samcheck.reporting.github_format import escape_data, escape_property
from samcheck.reporting.vscode_format import PROBLEM_MATCHER
from tests.conftest import FIXTURES

EXAMPLE = FIXTURES / "example" / "template.yaml"


def lint(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--no-cache", "-j", "1", *args])
    return result.exit_code, result.stdout


def test_sarif_validates_against_the_official_schema(tmp_path: Path) -> None:
    code, out = lint("--format", "sarif", str(EXAMPLE))
    log = json.loads(out)
    jsonschema.Draft4Validator(load_json("sarif-schema-2.1.0.json")).validate(log)
    run = log["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["SC3001"]["helpUri"].startswith("https://docs.aws.amazon.com/")
    markdown = rules["SC3001"]["help"]["markdown"]  # the explain page, examples included
    assert "**Anti-pattern**" in markdown and "```yaml" in markdown and "VisibilityTimeout" in markdown
    assert rules["SC3011"]["defaultConfiguration"]["level"] == "warning"
    wiring = next(r for r in run["results"] if r["ruleId"] == "SC3001")
    region = wiring["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (36, 9)
    assert {loc["physicalLocation"]["region"]["startLine"] for loc in wiring["relatedLocations"]} == {29, 31}
    assert run["tool"]["driver"]["rules"][wiring["ruleIndex"]]["id"] == "SC3001"
    assert code == 1


def test_sarif_fingerprints_survive_unrelated_edits(tmp_path: Path) -> None:
    copy = tmp_path / "template.yaml"
    shutil.copy(EXAMPLE, copy)
    (tmp_path / "src").mkdir()

    def fingerprints() -> dict[str, str]:
        results = json.loads(lint("--format", "sarif", str(copy))[1])["runs"][0]["results"]
        return {r["partialFingerprints"]["samcheckFingerprint/v1"]: r["ruleId"] for r in results}

    before = fingerprints()
    copy.write_text("# a comment and a blank line moved everything down\n\n" + copy.read_text())
    assert fingerprints() == before


def test_github_annotations_escape_what_github_requires() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    _, out = lint("--format", "github", str(EXAMPLE))
    line = next(line for line in out.splitlines() if "SC3001" in line)
    match = re.match(r"^::(error|warning|notice) (.+?)::(.+)$", line)
    assert match and match.group(1) == "error"
    properties = dict(pair.split("=", 1) for pair in match.group(2).split(","))
    assert properties["line"] == "36" and properties["col"] == "9" and properties["endLine"] == "36"
    assert properties["title"] == "SC3001 sqs-visibility-timeout"
    assert properties["file"].endswith("fixtures/example/template.yaml")


def _result(file: str) -> FileResult:
    finding = Finding(
        "SC3001",
        "sqs-visibility-timeout",
        Severity.ERROR,
        "queue Q: 20 s < 30 s; raise it",
        file,
        Span(36, 9, 36, 19),
        "Fn",
        (Related("queue", Span(29, 7, 29, 30)),),
    )
    return FileResult(Path(file), [finding], [])


@pytest.mark.parametrize(
    "file", ["app/template.yaml", "my project/stacks/template.yaml", r"C:\work dir\stacks\template.yaml", "C:/a/b.yaml"]
)
def test_vscode_problem_matcher_reads_every_field(file: str) -> None:
    pattern = PROBLEM_MATCHER["pattern"]
    (line,) = render("vscode", [_result(file)], ReportOptions()).splitlines()
    match = re.match(pattern["regexp"], line)
    assert match is not None, line
    assert match.group(pattern["file"]) == file
    assert match.group(pattern["line"]) == "36" and match.group(pattern["column"]) == "9"
    assert match.group(pattern["endLine"]) == "36" and match.group(pattern["endColumn"]) == "19"
    assert match.group(pattern["severity"]) == "error"
    # The related location, which a one-line format has no other place for, rides in the message.
    assert match.group(pattern["message"]) == f"queue Q: 20 s < 30 s; raise it (queue, {file}:29)"
    assert match.group(pattern["code"]) == "SC3001"


def test_vscode_matcher_on_real_output_in_a_folder_with_spaces(tmp_path: Path) -> None:
    folder = tmp_path / "my stacks"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "template.yaml")
    _, out = lint("--format", "vscode", str(folder / "template.yaml"))
    regexp = PROBLEM_MATCHER["pattern"]["regexp"]
    matches = [re.match(regexp, line) for line in out.splitlines()]
    assert matches and all(matches), out
    assert {m.group(1) for m in matches if m} == {str(folder / "template.yaml")}
    tasks = json.loads(CliRunner().invoke(cli, ["vscode-task"]).stdout)
    assert tasks["tasks"][0]["problemMatcher"]["pattern"]["regexp"] == regexp


def test_junit_has_a_failing_case_per_finding_and_one_case_for_a_clean_template(tmp_path: Path) -> None:
    clean = tmp_path / "clean.yaml"
    clean.write_text("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n")
    _, out = lint("--format", "junit", str(EXAMPLE), str(clean))
    suites = ElementTree.fromstring(out)
    assert [suite.get("name") for suite in suites] == [str(EXAMPLE), str(clean)]
    example_cases = {case.get("name"): case for case in suites[0]}
    assert len(example_cases) == int(suites[0].get("failures") or 0) == 7  # one per finding
    case = example_cases["SC1002 lambda-memory-range at line 42"]
    failure = case.find("failure")
    assert case.get("file") == str(EXAMPLE) and case.get("line") == "42"
    assert failure is not None and failure.get("type") == "error"
    assert "Globals.Function.MemorySize" in (failure.get("message") or "")  # the related location
    (passing,) = list(suites[1])
    assert (passing.get("name") or "").startswith("samcheck (") and passing.find("failure") is None
    assert suites[1].get("failures") == "0" and suites[1].get("tests") == "1"
    assert int(suites.get("failures") or 0) == 7


def test_several_formats_in_one_run(tmp_path: Path) -> None:
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    code, out = lint(
        "--format", f"sarif={sarif}", "--format", "text", "--format", f"junit={junit}", "--no-color", str(EXAMPLE)
    )
    assert code == 1 and "Found 7 problems" in out
    jsonschema.Draft4Validator(load_json("sarif-schema-2.1.0.json")).validate(json.loads(sarif.read_text()))
    ElementTree.fromstring(junit.read_text())
    assert lint("--format", "yaml", str(EXAMPLE))[0] == 2
    code, out = lint("--format", "json", "--output", str(tmp_path / "r.json"), "--format", "github", str(EXAMPLE))
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["errors"] == 4 and out.startswith("::")


def test_text_and_junit_survive_control_characters_from_templates(tmp_path: Path) -> None:

    template = tmp_path / "template.yaml"
    # "\e" is ESC in a YAML double-quoted string: a name that would restyle the terminal.
    template.write_text(
        'Resources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  O:\n    Value: !Ref "Bad\\e[31mName"\n'
    )
    code, out = lint("--format", "text", "--no-color", str(template))
    assert code == 1
    assert "\x1b" not in out and "Ref to 'Bad\\x1b[31mName'" in out  # shown, not obeyed
    # XML 1.0 forbids ESC outright: the JUnit report must still parse.
    report = ElementTree.fromstring(lint("--format", "junit", str(template))[1])
    assert "Bad\\x1b[31mName" in next(report.iter("failure")).get("message", "")
    assert "        Value: !Ref" in out and "        ^^^" in out
    finding = Finding("SC1001", "lambda-timeout-range", Severity.ERROR, "Timeout 1000 s", "t.yaml", Span(2, 3, 2, 6))
    result = FileResult(Path("t.yaml"), [finding], ["a", "  Fn: x"], ("SC1001",))
    colored = render("text", [result], ReportOptions(color=True, quiet=True))
    assert colored.splitlines() == [
        "\x1b[1;4mt.yaml\x1b[0m",
        "  \x1b[1m2:3\x1b[0m  \x1b[1;31merror  \x1b[0m Timeout 1000 s\x1b[2m  [SC1001 lambda-timeout-range]\x1b[0m",
        "\x1b[2m        Fn: x\x1b[0m",
        "\x1b[1;31m        ^^^\x1b[0m",
        "",
    ]


def test_text_wraps_to_a_terminal_width_under_the_message() -> None:
    finding = Finding(
        "SC3001",
        "sqs-visibility-timeout",
        Severity.ERROR,
        "queue OrdersQueue has VisibilityTimeout 20 s < Timeout 30 s of OrderConsumer, so the event source "
        "mapping cannot be created; set VisibilityTimeout to at least 180 s",
        "template.yaml",
        Span(36, 9, 36, 19),
    )
    text = render("text", [FileResult(Path("template.yaml"), [finding], [])], ReportOptions(width=60))
    message_lines = text.splitlines()[1:-2]
    assert len(message_lines) > 2 and all(len(line) <= 60 for line in message_lines), text
    assert message_lines[0].startswith("  36:9  error   queue OrdersQueue")
    assert all(line.startswith(" " * 16) and line[16] != " " for line in message_lines[1:])
    assert "[SC3001 sqs-visibility-timeout]" in " ".join(message_lines)
    unwrapped = render("text", [FileResult(Path("template.yaml"), [finding], [])], ReportOptions())
    assert len(unwrapped.splitlines()[1]) > 100  # piped: one line per finding, as before
