"""--fix and --diff: every fixable finding goes, nothing else in the file changes, twice is once."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from samcheck.cli import cli
from tests.conftest import CORPUS, FIXTURES, needs_corpus

FIX_KEYS = (
    "VisibilityTimeout",
    "FifoQueue",
    "QueueName",
    "MaximumBatchingWindowInSeconds",
    "CacheTtlInSeconds",
    "Properties",
)


def lint_json(*paths: Path) -> dict:
    result = CliRunner().invoke(
        cli, ["--no-cache", "-j", "1", "--format", "json", "--fail-level", "never", *map(str, paths)]
    )
    return json.loads(result.stdout)


def fixable(document: dict) -> set[tuple[str, str]]:
    """(file, rule) of findings whose SARIF form carries a fix: the rules with fixes."""
    return {
        (f["file"], f["rule"]) for f in document["findings"] if f["rule"] in ("SC3001", "SC3002", "SC3006", "SC4001")
    }


def check_fix_round_trip(files: list[Path]) -> int:
    before_text = {path: path.read_bytes() for path in files}
    before = lint_json(*files)
    result = CliRunner().invoke(cli, ["--no-cache", "-j", "1", "--fix", "--fail-level", "never", *map(str, files)])
    assert result.exit_code == 0, result.output
    after = lint_json(*files)
    remaining = {(file, rule) for file, rule in fixable(after)}
    # What remains fixable had no safe fix (a queue outside the template, a computed value).
    sarif = CliRunner().invoke(cli, ["--no-cache", "-j", "1", "--format", "sarif", *map(str, files)]).stdout
    still_fixable = [r for r in json.loads(sarif)["runs"][0]["results"] if "fixes" in r]
    assert not still_fixable, still_fixable[:2]
    changed = 0
    for path in files:
        old = before_text[path].decode().splitlines()
        new = path.read_text().splitlines()
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            assert tag in ("replace", "insert"), (path, tag, old[i1:i2])
            for line in new[j1:j2]:
                assert any(key in line for key in FIX_KEYS), (path, line)
            changed += 1
    second = {path: path.read_bytes() for path in files}
    CliRunner().invoke(cli, ["--no-cache", "-j", "1", "--fix", "--fail-level", "never", *map(str, files)])
    assert {path: path.read_bytes() for path in files} == second  # a second --fix is a no-op
    assert len(remaining) <= len(fixable(before))
    return changed


def test_fix_every_fixture(tmp_path: Path) -> None:
    copies = []
    for source in sorted((FIXTURES / "rules").glob("SC[34]00[126]/*.yaml")):
        target = tmp_path / source.parent.name / source.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(source, target)
        copies.append(target)
    assert check_fix_round_trip(copies) >= 3


@pytest.mark.slow
@needs_corpus
def test_fix_a_copy_of_the_corpus(tmp_path: Path) -> None:
    document = lint_json(CORPUS)
    files = sorted({f for f, _ in fixable(document)})
    copies = []
    for file in files:
        target = tmp_path / Path(file).parent.name / Path(file).name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(file, target)
        target.chmod(0o644)  # the shared corpus is read-only, and --fix refuses read-only files
        copies.append(target)
    assert copies, "the corpus has fixable findings"
    assert check_fix_round_trip(copies) >= len(copies) // 2


def test_diff_writes_nothing_and_fix_keeps_mode(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    shutil.copy(FIXTURES / "example" / "template.yaml", template)
    os.chmod(template, 0o640)
    original = template.read_bytes()
    result = CliRunner().invoke(cli, ["--no-cache", "--diff", str(template)])
    assert result.exit_code == 1 and "+      VisibilityTimeout: 180" in result.stdout
    assert template.read_bytes() == original
    result = CliRunner().invoke(cli, ["--no-cache", "--fix", "--format", "json", str(template)])
    left = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "SC3001"]
    assert [f["severity"] for f in left] == ["info"]  # fixed; the unknown timeout stays an info
    assert stat.S_IMODE(template.stat().st_mode) == 0o640
    assert CliRunner().invoke(cli, ["--no-cache", "--diff", str(template)]).exit_code == 0


def test_unparseable_templates_are_never_written(tmp_path: Path) -> None:
    broken = tmp_path / "template.yaml"
    broken.write_text("Resources: [\n")
    CliRunner().invoke(cli, ["--no-cache", "--fix", str(broken)])
    assert broken.read_text() == "Resources: [\n"


def test_sarif_fixes_read_the_file_a_fixed_number_of_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each fix's lines were found by making it alone and reading the whole file back: quadratic
    (163 s for SARIF against 1.7 s for JSON at 250 functions). Now the file is read once, every fix
    is made and checked at once, and each fix's lines are the ones its changes touch: the same lines."""
    from samcheck.api import lint_file
    from samcheck.config import Settings
    from samcheck.fix import edits, replacements
    from samcheck.registry import rule_infos

    pairs = "".join(
        f"  Queue{i}:\n    Type: AWS::SQS::Queue\n    Properties: {{VisibilityTimeout: 10}}\n"
        f"  Worker{i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
        f"      Handler: app.handler\n      InlineCode: x\n      Timeout: {60 + i}\n"
        f"      Events:\n        Jobs:\n          Type: SQS\n"
        f"          Properties:\n            Queue: !GetAtt Queue{i}.Arn\n"
        for i in range(30)
    )
    template = tmp_path / "template.yaml"
    template.write_text(f"Transform: AWS::Serverless-2016-10-31\nResources:\n{pairs}")
    result = lint_file(template, Settings(), rule_infos())
    fixable = [finding for finding in result.findings if finding.fix is not None]
    assert len(fixable) == 30
    reads = []
    parse = edits.parse_document
    for module in (edits, replacements):
        monkeypatch.setattr(module, "parse_document", lambda *args: reads.append(args) or parse(*args))
    (described,) = replacements.with_replacements([result])
    assert len(reads) == 1  # the file; every fix made at once is then checked on the event stream
    monkeypatch.undo()
    before = template.read_text()
    for finding in described.findings:
        if finding.fix is not None:
            alone = edits.apply_fixes(template, before, list(finding.fix.edits))
            assert finding.fix.replacement == replacements.line_replacement(before, alone)


def test_the_check_of_made_fixes_reads_values_at_their_paths(tmp_path: Path) -> None:
    """The check after fixes reads the event stream: a value at the edited path, in YAML and JSON,
    nested in sequences, and a refused edit when the text no longer parses."""
    from samcheck.findings import Edit
    from samcheck.fix import edits as fixes

    yaml_text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: [{Key: a, Value: b}]\n"
    path = tmp_path / "template.yaml"
    edits = [
        Edit(("Resources", "Q", "Properties", "VisibilityTimeout"), 360),
        Edit(("Resources", "Q", "Properties", "FifoQueue"), True),
        Edit(("Resources", "Q", "Properties", "Tags", 0, "Value"), "c"),
    ]
    made = fixes.apply_fixes(path, yaml_text, edits)
    assert "VisibilityTimeout: 360" in made and "FifoQueue: true" in made and "Value: c" in made
    json_text = '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 5}}}}'
    made = fixes.apply_fixes(
        tmp_path / "template.json", json_text, [Edit(("Resources", "Q", "Properties", "DelaySeconds"), 0)]
    )
    assert '"DelaySeconds": 0' in made
    with pytest.raises(fixes.FixError):
        fixes._verify(path, "Resources: [\n", edits[:1])
    with pytest.raises(fixes.FixError):
        fixes._verify(path, yaml_text, edits[:1])  # the value is not there
