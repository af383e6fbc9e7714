"""The SAM translator's own error test inputs never make samcheck fail: a finding, or nothing.

``fixtures/sam-translator-errors/`` holds the templates the translator's test suite expects the
transform to reject, unchanged (SOURCE.md says where from). Each is linted with every rule as
written, and with the SAM transform declared, as the translator's tests transform them whether or
not they say so: no internal error (SC0000), no exception, and every finding at a line of the file.
Then both folders go through the command line once, as SARIF and text, and with ``--diff``.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from samcheck.cli import cli
from samcheck.datafiles import load_json
from samcheck.findings import INTERNAL_ERROR
from tests.conftest import FIXTURES, lint

INPUTS_FOLDER = FIXTURES / "sam-translator-errors"
INPUTS = sorted(INPUTS_FOLDER.rglob("*.yaml"))
TRANSFORM = "Transform: AWS::Serverless-2016-10-31\n"
# A YAML directive and its document start, which must stay first in the file.
_DOCUMENT_START = re.compile(r"%YAML[^\n]*\n---[^\n]*\n")


def _name(path: Path) -> str:
    return path.relative_to(INPUTS_FOLDER).as_posix()


def with_transform(text: str) -> str:
    """The template with the SAM transform declared, when it declares none of its own."""
    if re.search(r"^Transform\s*:", text, re.MULTILINE):
        return text
    start = _DOCUMENT_START.match(text)
    head = start.group() if start else ""
    return head + TRANSFORM + text[len(head) :]


def _transformed_copy(tmp_path: Path) -> Path:
    for path in INPUTS:
        copy = tmp_path / _name(path)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(with_transform(path.read_text(encoding="utf-8")), encoding="utf-8")
    return tmp_path


def _digests(folder: Path) -> dict[Path, str]:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.rglob("*") if path.is_file()}


def test_every_input_is_listed_in_source_md_with_its_commit() -> None:
    listed = re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{40})` \|$", (INPUTS_FOLDER / "SOURCE.md").read_text(), re.M)
    assert sorted(name for name, _ in listed) == [_name(path) for path in INPUTS]
    assert len(INPUTS) >= 186  # the vendored set only grows


def test_the_transform_is_declared_after_a_yaml_directive_and_not_twice() -> None:
    assert with_transform("%YAML 1.1\n---\nResources: {}\n") == f"%YAML 1.1\n---\n{TRANSFORM}Resources: {{}}\n"
    assert with_transform("Resources: {}\n") == f"{TRANSFORM}Resources: {{}}\n"
    declared = "Transform: AWS::Serverless-2021-01-26\nResources: {}\n"
    assert with_transform(declared) == declared


@pytest.mark.parametrize("declared", [False, True], ids=["as-written", "with-transform"])
@pytest.mark.parametrize("path", INPUTS, ids=_name)
def test_an_input_is_linted_without_an_internal_error_and_its_findings_point_into_it(
    path: Path, declared: bool, tmp_path: Path
) -> None:
    if declared:
        copy = tmp_path / path.name
        copy.write_text(with_transform(path.read_text(encoding="utf-8")), encoding="utf-8")
        path = copy
    result = lint(path)
    lines = max(1, len(path.read_text(encoding="utf-8").splitlines()))
    assert [finding.message for finding in result.findings if finding.rule == INTERNAL_ERROR] == []
    for finding in result.findings:
        spans = [finding.span, *(related.span for related in finding.related if related.file is None)]
        # a span's end is exclusive: at most the start of the line after the last
        assert all(1 <= span.line <= lines and (span.end_line, span.end_column) <= (lines + 1, 1) for span in spans), (
            finding
        )


# The transformed folder takes about 20 s: every template goes through the translator.
@pytest.mark.parametrize(
    "declared", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["as-written", "with-transform"]
)
def test_the_folder_through_the_command_line_as_sarif_and_diff(declared: bool, tmp_path: Path) -> None:
    folder = _transformed_copy(tmp_path / "inputs") if declared else INPUTS_FOLDER
    before = _digests(folder)
    sarif = tmp_path / "samcheck.sarif"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--no-cache", "-j", "1", "--format", f"sarif={sarif}", "--format", "text", str(folder)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output  # the translator rejects every one: findings, not a crash
    assert INTERNAL_ERROR not in result.output
    log = json.loads(sarif.read_text())
    jsonschema.Draft4Validator(load_json("sarif-schema-2.1.0.json")).validate(log)
    results = log["runs"][0]["results"]
    assert results and all(result["ruleId"] != INTERNAL_ERROR for result in results)
    for finding in results:
        for location in finding["locations"]:
            assert location["physicalLocation"]["region"]["startLine"] >= 1, finding

    diff = runner.invoke(cli, ["--no-cache", "-j", "1", "--diff", str(folder)])
    assert diff.exception is None or isinstance(diff.exception, SystemExit), diff.exception
    assert diff.exit_code in (0, 1), diff.output
    assert INTERNAL_ERROR not in diff.output and "Traceback" not in diff.output
    assert _digests(folder) == before  # --diff writes nothing
