"""Small things users meet on the command line: piped rule lists, suggestions for a mistyped name,
``-`` for standard output, statistics in JSON, baseline counts, text encodings, plain help, the graph."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from samcheck.cli import cli
from samcheck.datafiles import load_json
from samcheck.registry import all_rules
from tests.conftest import FIXTURES

QUEUE = """\
Resources:
  Queue:
    Type: AWS::SQS::Queue
"""
BAD = QUEUE + (
    "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
    "      Runtime: python3.12\n      Handler: app.handler\n      Timeout: 1200\n"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--no-cache", *args] if args[0] not in cli.commands else list(args))
    return result.exit_code, result.stdout, result.stderr


def samcheck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samcheck", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_rules_piped_is_one_whole_line_per_rule(tmp_path: Path) -> None:
    result = samcheck("rules", cwd=tmp_path)
    lines = result.stdout.splitlines()
    rules = all_rules()
    assert result.returncode == 0 and len(lines) == len(rules)
    for line, rule in zip(lines, rules, strict=True):
        assert line.split()[:3] == [rule.id, rule.name, rule.severity.label] and line.endswith(rule.summary)


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (("rule",), "did you mean `samcheck rules`?"),
        (("lnt",), "did you mean `samcheck check`?"),
        (("explain", "SC101"), "did you mean SC1001"),
        (("explain", "sqs-visibilty"), "did you mean sqs-visibility-timeout"),
    ],
)
def test_a_mistyped_name_gets_one_line_with_the_closest_names(
    tmp_path: Path, args: tuple[str, ...], suggestion: str
) -> None:
    result = samcheck(*args, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and suggestion in result.stderr


def test_a_name_close_to_nothing_is_still_a_missing_path(tmp_path: Path) -> None:
    result = samcheck("--no-cache", "zzzqqq", cwd=tmp_path)
    assert result.returncode == 2 and "did you mean" not in result.stderr and "zzzqqq" in result.stderr


def test_statistics_in_json_validate_against_the_schema(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(BAD)
    code, out, _ = run("--format", "json", "--statistics", str(template))
    document = json.loads(out)
    jsonschema.validate(document, load_json("findings.schema.json"))
    assert code == 1 and document["statistics"] == [
        {"rule": "SC1001", "name": "lambda-timeout-range", "count": 1, "fixable": 0}
    ]
    assert document["findings"]  # the findings stay: a program reads what it wants
    code, out, _ = run("--format", "json", str(template))
    assert "statistics" not in json.loads(out)


def test_the_summary_counts_what_the_baseline_hid_and_its_stale_entries(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(BAD)
    baseline = tmp_path / "baseline.json"
    assert run("--write-baseline", str(baseline), str(template))[0] == 0
    document = json.loads(baseline.read_text())
    gone = dict(document["findings"][0], fingerprint="0" * 16, message="fixed since")
    other = dict(document["findings"][0], file="elsewhere/template.yaml")  # a file not linted now: not stale
    baseline.write_text(json.dumps(dict(document, findings=[*document["findings"], gone, other])))
    code, out, _ = run("--baseline", str(baseline), str(template))
    counts = "The baseline hid 1 finding; 1 of its entries matches nothing now (stale: --write-baseline drops them)."
    assert code == 0 and out.splitlines()[-1] == f"All checks passed (1 file). {counts}"
    template.write_text(BAD.replace("Queue:\n", "Queue:\n    Properties: {VisibilityTimeout: 99999}\n", 1))
    code, out, _ = run("--baseline", str(baseline), str(template))
    assert code == 1 and out.splitlines()[-1].startswith("Found 1 problem") and out.splitlines()[-1].endswith(counts)
    code, out, _ = run(str(template))
    assert "baseline" not in out
    code, out, _ = run("--baseline", str(baseline), "--select", "SC0", str(template))  # SC1001 did not run
    assert out.splitlines()[-1] == "All checks passed (1 file). The baseline hid 0 findings."


def test_dash_is_standard_output_in_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    template = tmp_path / "template.yaml"
    template.write_text(BAD)
    report = tmp_path / "report.txt"
    code, out, _ = run("--format", "sarif=-", "--format", f"text={report}", str(template))
    assert code == 1 and json.loads(out)["version"] == "2.1.0" and "SC1001" in report.read_text()
    assert not (tmp_path / "-").exists()
    code, out, err = run("--format", "sarif=-", "--format", "json", str(template))
    assert code == 2 and out == "" and "would both write to standard output" in err


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32"), ("utf-32-be", "UTF-32")],
)
def test_a_utf16_or_utf32_template_is_one_clear_error(tmp_path: Path, encoding: str, name: str) -> None:
    template = tmp_path / "template.yaml"
    bom = {"utf-16-be": "\ufeff", "utf-32-be": "\ufeff"}.get(encoding, "")
    template.write_bytes((bom + QUEUE).encode(encoding))
    code, out, _ = run(str(template))
    assert code == 1 and out.count("SC0001") == 1
    assert f"the file is {name} (byte-order mark); a template must be UTF-8 - save it as UTF-8" in out


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_bytes(b"\xef\xbb\xbf" + QUEUE.encode())
    assert run(str(template))[:2] == (0, "All checks passed (1 file).\n")


def test_explain_shows_no_markup_on_a_terminal() -> None:
    for rule in all_rules():
        code, out, _ = run("explain", rule.id)
        prose = out.split("Anti-pattern:")[0]
        assert code == 0 and "``" not in prose and "**" not in prose, rule.id


def test_graph_labels_say_what_each_resource_is_and_what_links_them() -> None:
    example = str(FIXTURES / "example" / "template.yaml")
    mermaid = run("graph", example)[1]
    assert '["OrdersQueue (SQS queue)"]' in mermaid and '["OrderConsumer (Lambda function)"]' in mermaid
    assert "-->|GetAtt|" in mermaid and "-->|Ref|" in mermaid and "-->|event|" in mermaid
    dot = run("graph", "--format", "dot", example)[1]
    assert '"OrdersQueue" [label="OrdersQueue (SQS queue)"];' in dot
    assert '"ReportFunctionNightly" -> "ReportFunction" [label="event, GetAtt"];' in dot


def test_graph_labels_escape_what_dot_and_mermaid_would_read(tmp_path: Path) -> None:
    template = tmp_path / "template.json"
    hostile = 'Q"<b>#quot;'
    template.write_text(json.dumps({"Resources": {hostile: {"Type": 'Custom::X"y'}}}))
    mermaid = run("graph", str(template))[1]
    assert '["Q#quot;#lt;b#gt;#35;quot; (Custom::X#quot;y)"]' in mermaid
    dot = run("graph", "--format", "dot", str(template))[1]
    assert '[label="Q\\"<b>#quot; (Custom::X\\"y)"]' in dot


def test_sarif_names_the_project_page_pyproject_names(tmp_path: Path) -> None:
    if sys.version_info < (3, 11):  # pragma: no cover
        import tomli as tomllib
    else:
        import tomllib
    homepage = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]["urls"]
    template = tmp_path / "template.yaml"
    template.write_text(BAD)
    log = json.loads(run("--format", "sarif", str(template))[1])
    jsonschema.Draft4Validator(load_json("sarif-schema-2.1.0.json")).validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == homepage["Homepage"]
    assert all(rule["helpUri"].startswith("https://") for rule in driver["rules"])
