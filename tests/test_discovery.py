"""Which files a folder walk lints: templates by their top level, whatever their name or size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import BAD_TIMEOUT, GOOD, run

# What `dotnet new` reads: every .NET Lambda blueprint carries one, beside the real template.
DOTNET_TEMPLATE_CONFIG = {
    "$schema": "http://json.schemastore.org/template",
    "author": "AWS",
    "classifications": ["AWS", "Lambda", "Serverless"],
    "name": "Lambda ASP.NET Core Web API",
    "identity": "AWS.Lambda.Serverless.AspNetCoreWebAPI.CSharp",
    "shortName": "serverless.AspNetCoreWebAPI",
    "tags": {"language": "C#", "type": "project"},
    "sourceName": "BlueprintBaseName.1",
    "symbols": {"profile": {"type": "parameter", "description": "The AWS credentials profile"}},
}


def lint_folder(folder: Path) -> tuple[int, list[str], list[str], int]:
    """Exit code, the files with findings (relative to ``folder``), the rules that fired, and how
    many files were linted."""
    code, out, _ = run("--no-cache", "--format", "json", str(folder))
    document = json.loads(out)
    files = sorted({Path(f["file"]).relative_to(folder).as_posix() for f in document["findings"]})
    return code, files, sorted(f["rule"] for f in document["findings"]), document["summary"]["files"]


def test_a_json_file_named_template_is_linted_only_when_its_top_level_is_a_template(tmp_path: Path) -> None:
    (tmp_path / "template.json").write_text(json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}))
    (tmp_path / ".template.config").mkdir()
    (tmp_path / ".template.config" / "template.json").write_text(json.dumps(DOTNET_TEMPLATE_CONFIG))
    (tmp_path / "broken").mkdir()  # a template that does not parse is still one: SC0001 says why
    (tmp_path / "broken" / "template.json").write_text('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}')
    code, files, rules, linted = lint_folder(tmp_path)
    assert (code, files, rules, linted) == (1, ["broken/template.json"], ["SC0001"], 2)


def test_a_template_whose_resources_start_after_64_kib_is_found(tmp_path: Path) -> None:
    notes = "".join(f"    - release note {index:05d} of the orders service\n" for index in range(2000))
    text = BAD_TIMEOUT.replace("Resources:\n", f"Metadata:\n  Notes:\n{notes}Resources:\n")
    assert text.index("Resources:") > 64 * 1024
    (tmp_path / "stack.yaml").write_text(text)
    # SC0007: so large a template is deployed through S3 (an info)
    assert lint_folder(tmp_path) == (1, ["stack.yaml"], ["SC0007", "SC1001"], 1)


def test_an_indented_top_level_is_a_template_and_a_nested_resources_section_is_not(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text("".join(f"  {line}\n" for line in BAD_TIMEOUT.splitlines()))
    # The Serverless Framework's resources section holds CloudFormation, but the file is no template.
    (tmp_path / "serverless.yml").write_text(
        "service: orders\nresources:\n  Resources:\n    Queue:\n      Type: AWS::SQS::Queue\n"
    )
    (tmp_path / "good.yaml").write_text(GOOD)
    assert lint_folder(tmp_path) == (1, ["stack.yaml"], ["SC1001"], 2)


MACHINE_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/order.asl.json
      Policies: []
"""


def test_a_definition_named_on_the_command_line_is_checked_through_the_templates_that_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pre-commit names only the staged definition: alone it is no template (no SC0014 on StartAt)
    (tmp_path / ".git").mkdir()
    (tmp_path / "template.yaml").write_text(MACHINE_TEMPLATE)
    (tmp_path / "other").mkdir()  # names a file of the same name in another folder: not a reader
    (tmp_path / "other" / "template.yaml").write_text(MACHINE_TEMPLATE.replace("statemachine/", "../elsewhere/"))
    (tmp_path / "statemachine").mkdir()
    broken = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}
    (tmp_path / "statemachine" / "order.asl.json").write_text(json.dumps(broken))
    (tmp_path / "statemachine" / "unused.asl.json").write_text(json.dumps(broken))
    monkeypatch.chdir(tmp_path / "statemachine")
    code, out, _ = run("--no-cache", "--format", "json", "order.asl.json")
    document = json.loads(out)
    assert code == 1 and document["summary"]["files"] == 1
    assert [(Path(f["file"]).name, f["rule"]) for f in document["findings"]] == [("order.asl.json", "SC6001")]
    code, out, err = run("--no-cache", "unused.asl.json")
    assert (code, out) == (0, "")
    assert err == "samcheck: no template of the project reads unused.asl.json: lint the template that will\n"


def test_a_broken_json_template_holding_a_state_machine_is_linted_not_taken_for_a_definition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine = {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    resource = {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"Definition": machine}}
    raw = json.dumps({"Resources": {"M": resource}}).encode()
    (tmp_path / "stack.json").write_bytes(raw[:1] + b"\xff\xfe\xc3" + raw[1:])  # not UTF-8 at byte 1
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("--no-cache", "--format", "json", "stack.json")
    assert code == 1 and [finding["rule"] for finding in json.loads(out)["findings"]] == ["SC0001"]
