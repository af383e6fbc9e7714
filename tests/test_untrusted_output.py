"""Reports of an untrusted repository (issue 29, the output slice): what a template or a file name
carries is shown, never obeyed, in every format, and a report that cannot be written is one line
and exit 2. The real processes (a full disk, a closed standard output, CI commands in a walked
folder's file names) are played in ``bench/crashers/output_*.py``."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from click.testing import CliRunner

from samcheck.cli import cli
from samcheck.datafiles import load_json
from samcheck.findings import FileResult, Finding, Related, Severity, Span
from samcheck.reporting import FORMATS, ReportOptions, render
from samcheck.reporting.visible import visible
from samcheck.reporting.vscode_format import PROBLEM_MATCHER

# What a stranger's template may put in a value: line breaks that open CI commands, ESC, a C1
# control, a bidi override and isolate, a zero-width space, a line separator, GitHub's legacy marker.
HOSTILE = "Bad\n::error::owned\r\n::add-mask::x\x1b[2J\x9b\u202eevil\u2066\u200b\u2028 ##[error]legacy"
SHOWN = "Bad\\n::error::owned\\r\\n::add-mask::x\\x1b[2J\\x9b\\u202eevil\\u2066\\u200b\\u2028 #\\x23[error]legacy"
HOSTILE_FILE = "stacks/::warning::x\n\u202etemplate.yaml"
TEMPLATE = (
    "Resources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  O:\n"
    '    Value: !Ref "Bad\\n::error::owned\\r\\n::add-mask::x\\e[2J\\x9b'
    '\\u202eevil\\u2066\\u200b\\u2028 ##[error]legacy"\n'
    "  ::error::fromsource:\n    Value: !Ref Q\n"
)
_ACTING = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def lint(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--no-cache", "-j", "1", *args])
    return result.exit_code, result.stdout, result.stderr


def acting(text: str) -> set[str]:
    """The characters of ``text`` that act rather than read (line breaks between lines aside)."""
    return {f"U+{ord(c):04X}" for c in text.replace("\n", "") if unicodedata.category(c) in _ACTING}


def commands(text: str) -> list[str]:
    """The lines a GitHub runner would run: "::" opening one after white space, "##[" anywhere."""
    return [line for line in text.split("\n") if line.lstrip().startswith("::") or re.search(r"##(vso)?\[", line, re.I)]


def hostile_result() -> FileResult:
    finding = Finding(
        "SC0006",
        "unresolved-reference",
        Severity.ERROR,
        f"Ref to '{HOSTILE}'",
        HOSTILE_FILE,
        Span(2, 3, 2, 33),
        related=(Related(f"declared {HOSTILE}", Span(1, 1, 1, 4), "::notice::other.yaml"),),
    )
    lines = ["Resources:", f"  ::error::source\x1b]0;title\x07 {HOSTILE[:3]}\u202e: x"]
    return FileResult(Path(HOSTILE_FILE), [finding], lines, ("SC0006",))


def test_visible_shows_what_acts_and_leaves_what_reads() -> None:
    assert visible(HOSTILE) == SHOWN
    assert visible("\U000e0041\udc80\ufffe\x00\x7f\t") == "\\U000e0041\\udc80\\ufffe\\x00\\x7f\\t"
    # What reads stays: accents, arrows, no-break spaces, backslashes of a Windows path, "::" inside a line.
    assert visible("café ↳ a\u00a0b C:\\work\\t.yaml a::b") == "café ↳ a\u00a0b C:\\work\\t.yaml a::b"
    # GitHub runs "::command::" opening a line (after any white space) and "##[command]" anywhere in one.
    assert visible("::error::x") == "\\x3a:error::x"
    assert visible(" \u3000::error::x") == " \u3000\\x3a:error::x"
    assert visible("###[add-mask]x ##VSO[task]") == "##\\x23[add-mask]x #\\x23VSO[task]"
    for text in (HOSTILE, SHOWN, "::a", "##[a]", "\n::x"):
        assert visible(visible(text)) == visible(text)  # a line of visible values may be made visible again


@pytest.mark.parametrize("output_format", ["text", "github", "vscode", "junit"])
def test_line_formats_show_hostile_values_and_obey_none(output_format: str) -> None:
    report = render(output_format, [hostile_result()], ReportOptions())
    assert acting(report) == set()
    found = commands(report)
    if output_format == "github":  # samcheck's own annotation, and no other
        assert len(found) == 1 and found[0].startswith("::error file=")
    else:
        assert found == []
    assert SHOWN in report  # the value itself is still in the report, shown


def test_text_shows_the_source_line_and_puts_the_caret_under_the_span() -> None:
    lines = render("text", [hostile_result()], ReportOptions(quiet=True)).splitlines()
    assert lines[0] == "stacks/::warning::x\\n\\u202etemplate.yaml"
    assert lines[2] == "        \\x3a:error::source\\x1b]0;title\\x07 Bad\\u202e: x"
    # The span (from "::" to the override) as shown: the escapes in it widen the caret.
    assert lines[3] == " " * 8 + "^" * (len(lines[2]) - 8 - len(": x"))
    assert lines[4] == f"      ↳ ::notice::other.yaml:1:1 declared {SHOWN}"


def test_text_wrapped_to_a_terminal_opens_no_line_with_a_command() -> None:
    finding = Finding(
        "SC0006", "unresolved-reference", Severity.ERROR, "x " * 20 + "::error::owned", "t.yaml", Span(1, 1, 1, 2)
    )
    broken = 0
    for width in range(30, 80):
        report = render("text", [FileResult(Path("t.yaml"), [finding], [])], ReportOptions(width=width))
        assert commands(report) == [], width
        broken += any(line.lstrip().startswith("\\x3a:error::owned") for line in report.splitlines())
    assert broken  # some widths open a line with the message's "::error::owned", shown


def test_github_annotation_properties_are_visible_and_escaped() -> None:
    (line,) = render("github", [hostile_result()], ReportOptions()).splitlines()
    properties, data = re.fullmatch(r"::error (.*?)::(.*)", line).groups()  # type: ignore[union-attr]
    assert dict(pair.split("=", 1) for pair in properties.split(","))["file"] == (
        "stacks/%3A%3Awarning%3A%3Ax\\n\\u202etemplate.yaml"
    )
    assert data.startswith(f"Ref to '{SHOWN}'")


def test_vscode_matcher_still_reads_a_hostile_line() -> None:
    pattern = PROBLEM_MATCHER["pattern"]
    (line,) = render("vscode", [hostile_result()], ReportOptions()).splitlines()
    match = re.match(pattern["regexp"], line)
    assert match is not None and match.group(pattern["file"]) == visible(HOSTILE_FILE)
    assert match.group(pattern["code"]) == "SC0006"


def test_junit_parses_and_shows_the_values() -> None:
    suites = ElementTree.fromstring(render("junit", [hostile_result()], ReportOptions()))
    failure = next(suites.iter("failure"))
    assert (failure.get("message") or "").startswith(f"Ref to '{SHOWN}'")
    assert next(suites.iter("testcase")).get("file") == visible(HOSTILE_FILE)


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_json_and_sarif_keep_the_real_value_escaped_by_their_encoder(tmp_path: Path, output_format: str) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    code, out, _ = lint("--format", output_format, str(tmp_path / "template.yaml"))
    assert code == 1 and acting(out) == set() and commands(out) == []
    document = json.loads(out)
    if output_format == "json":
        jsonschema.validate(document, load_json("findings.schema.json"))
        messages = [finding["message"] for finding in document["findings"]]
    else:
        jsonschema.Draft4Validator(load_json("sarif-schema-2.1.0.json")).validate(document)
        messages = [result["message"]["text"] for result in document["runs"][0]["results"]]
    assert any(f"'{HOSTILE}'" in message for message in messages), messages


def test_every_format_of_a_hostile_template_run(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    for output_format in FORMATS:
        code, out, err = lint("--format", output_format, str(tmp_path / "template.yaml"))
        assert code == 1 and err == "", (output_format, err)
        assert acting(out) == set(), output_format
        assert all(line.startswith("::error file=") for line in commands(out)), output_format
        assert len(commands(out)) == (2 if output_format == "github" else 0), output_format


def test_a_report_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    folder = tmp_path / "report.json"
    folder.mkdir()  # a folder where the file should go
    code, _, err = lint("--format", f"json={folder}", str(template))
    assert code == 2 and err == f"samcheck: cannot write the report: {folder}: Is a directory\n"
    blocked = template / "baseline.json"  # under a file, not a folder
    code, _, err = lint("--write-baseline", str(blocked), str(template))
    assert code == 2 and err.startswith(f"samcheck: cannot write the report: {blocked}: ") and err.count("\n") == 1
    # The others are still written, and the failure is said after them.
    code, out, err = lint("--format", f"json={folder}", "--format", "text", str(template))
    assert code == 2 and "All checks passed (1 file)." in out and err.count("\n") == 1


def test_settings_listing_shows_repository_values_visibly(tmp_path: Path) -> None:
    (tmp_path / "samconfig.toml").write_text(
        '[default.deploy.parameters]\nparameter_overrides = "Name=\\"x\\n::error::owned\\u202e\\""\n'
    )
    (tmp_path / "template.yaml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    code, out, _ = lint("--show-settings", str(tmp_path / "template.yaml"))
    assert code == 0 and acting(out) == set() and commands(out) == []
    assert "parameter overrides: Name=x\\n::error::owned\\u202e" in out


def test_the_language_server_keeps_the_real_message() -> None:
    from samcheck.server.protocol import diagnostic

    result = hostile_result()
    (finding,) = result.findings
    sent = diagnostic(finding, {HOSTILE_FILE: result.lines})
    assert sent.message == finding.message  # JSON-RPC carries it escaped; the editor shows it as text


@pytest.mark.parametrize("output_format", ["mermaid", "dot", "json"])
def test_graph_shows_hostile_logical_ids_as_one_label_each(tmp_path: Path, output_format: str) -> None:
    hostile = 'A\\n::error::owned\\u202e\\"x'
    template = tmp_path / "template.yaml"
    template.write_text(
        f'Resources:\n  "{hostile}":\n    Type: AWS::SQS::Queue\n  B:\n    Type: AWS::SQS::Queue\n'
        f'    Properties:\n      RedrivePolicy: {{deadLetterTargetArn: !GetAtt "{hostile}.Arn", maxReceiveCount: 3}}\n'
    )
    result = CliRunner().invoke(cli, ["graph", str(template), "--format", output_format])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert not any(line.lstrip().startswith("::") or "\u202e" in line for line in lines), result.output
    if output_format == "json":
        assert {node["id"] for node in json.loads(result.output)["nodes"]} == {'A\n::error::owned\u202e"x', "B"}
    else:  # the node with its label, and the one arrow for both edges (GetAtt, redrive): each on a line
        # of its own, the quote kept inside the label
        assert sum("owned" in line for line in lines) == (2 if output_format == "dot" else 1), result.output
        assert '"x' not in result.output.replace('\\"x', "").replace("#quot;x", ""), result.output
