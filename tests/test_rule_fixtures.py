"""Runs every fixture under fixtures/rules/<ID>/ against the expectation written in it.

A fixture states what it must produce in header comments (a sidecar ``.expect`` file for
JSON, which has no comments):

    # expect: SC1001 ReportFunction 11     rule, resource ("-" for none), line (optional)
    # expect: none                          a near miss: the rule must stay silent
    # parameter-overrides: Key=Value        optional settings for this fixture
    # region: eu-west-1
    # as-of: 2026-11-23                     "today" for runtime lifecycle rules
    # limits: concurrent-executions=3000    a limit override, as in [tool.samcheck.limits]
    # file: src/model.bin 180000000 [random] a file beside the template: sparse (zeros), or random bytes
    # also-run: SC1001                      other rules to run; only the fixture's own rule is compared
    # fault: SC1002                         make that rule raise (how SC0000 internal-error is tested)

A fixture with files is linted from a copy in a temporary folder, where the files are created.

Beside each fixture, ``<fixture name>.expected`` holds the text report of all its findings: the
messages users read. Any difference fails; after a deliberate change of wording, regenerate them
all with ``SAMCHECK_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_rule_fixtures.py``
and read the diff before committing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from samcheck.api import lint_file
from samcheck.config import Settings, parse_parameter_overrides
from samcheck.docs import rule_doc
from samcheck.findings import FileResult, Finding
from samcheck.registry import all_rules, find_info, find_rule
from samcheck.reporting import ReportOptions, render
from samcheck.rule import Rule
from tests.conftest import FIXTURES, ROOT

RULE_FIXTURES = FIXTURES / "rules"
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Expectation:
    findings: set[tuple[str, str | None, int | None]] = field(default_factory=set)
    near_miss: bool = False
    settings: Settings = field(default_factory=Settings)
    # files to create beside the template: (relative path, bytes, random content)
    files: list[tuple[str, int, bool]] = field(default_factory=list)
    also_run: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)  # rules made to raise


def read_expectation(path: Path) -> Expectation:
    sidecar = path.with_suffix(".expect")
    text = sidecar.read_text() if sidecar.exists() else path.read_text(errors="replace")
    expectation = Expectation()
    overrides: dict[str, object] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            continue
        key, _, value = line.lstrip("# ").partition(":")
        value = value.strip()
        if key == "expect" and value == "none":
            expectation.near_miss = True
        elif key == "expect":
            rule, resource, *position = value.split()
            line_number = int(position[0]) if position else None
            expectation.findings.add((rule, None if resource == "-" else resource, line_number))
        elif key == "parameter-overrides":
            overrides["parameter_overrides"] = parse_parameter_overrides(value)
        elif key == "file":
            relative, size, *kind = value.split()
            expectation.files.append((relative, int(size), kind == ["random"]))
        elif key == "also-run":
            expectation.also_run += value.split()
        elif key == "fault":
            expectation.faults += value.split()
        elif key == "region":
            overrides["region"] = value
        elif key == "as-of":
            overrides["as_of"] = date.fromisoformat(value)
        elif key == "limits":
            name, _, number = value.partition("=")
            overrides["limits"] = ((name.strip(), float(number)),)
    expectation.settings = Settings(**overrides)  # type: ignore[arg-type]
    assert expectation.near_miss != bool(expectation.findings), f"{path}: state 'expect: none' or findings"
    return expectation


def fixture_files() -> list[Path]:
    return sorted(p for p in RULE_FIXTURES.glob("*/*") if p.suffix in TEMPLATE_SUFFIXES)


def materialise(path: Path, files: list[tuple[str, int, bool]], folder: Path) -> Path:
    """Copy the fixture into ``folder`` and create its files: sparse, or random where it matters."""
    copy = folder / path.name
    shutil.copyfile(path, copy)
    for relative, size, random in files:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as stream:
            if random:
                stream.write(os.urandom(size))
            else:
                stream.truncate(size)
    return copy


def _raise(self: Rule, context: object) -> Iterator[Finding]:
    raise RuntimeError("fault injected by the fixture")


def snapshot(result: FileResult, target: Path, path: Path) -> str:
    """The text report of a fixture's findings, with paths as they are in the repository."""
    text = render("text", [result], ReportOptions())
    return text.replace(str(target.parent), path.parent.relative_to(ROOT).as_posix())


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rule = find_rule(path.parent.name)
    assert rule is not None, f"fixtures for unknown rule {path.parent.name}"
    expectation = read_expectation(path)
    target = materialise(path, expectation.files, tmp_path) if expectation.files else path
    rules = [info for name in (rule.id, *expectation.also_run) if (info := find_info(name)) is not None]
    for faulty in (find_rule(name) for name in expectation.faults):
        assert faulty is not None
        monkeypatch.setattr(faulty, "check", _raise)
    result = lint_file(target, expectation.settings, rules)
    found = {(f.rule, f.resource, f.span.line) for f in result.findings if f.rule == rule.id}
    messages = [(f.resource, f.span.line, f.message) for f in result.findings]
    # Every expected finding, at its line where the fixture names one, and nothing else.
    assert {(r, res) for r, res, _ in found} == {(r, res) for r, res, _ in expectation.findings}, messages
    assert found >= {e for e in expectation.findings if e[2] is not None}, messages
    # `samcheck rules` and `explain` say which rules have fixes: only those produce them.
    assert all(f.fix is None for f in result.findings if f.rule == rule.id and not rule.fixable), rule.id
    expected = path.with_name(path.name + ".expected")
    report = snapshot(result, target, path)
    if os.environ.get("SAMCHECK_UPDATE_SNAPSHOTS"):
        expected.write_text(report, encoding="utf-8")
    assert expected.exists(), f"{expected.name} missing: run with SAMCHECK_UPDATE_SNAPSHOTS=1 to write it"
    assert report == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_rule_is_documented_and_has_fixtures(rule: type) -> None:
    doc = rule_doc(rule)
    assert rule.summary and rule.url.startswith("https://"), rule
    assert len(doc.rationale) > 40, f"{rule.id}: docstring needs a rationale"
    assert doc.anti_pattern and doc.best_practice, f"{rule.id}: docstring needs Anti-pattern and Best practice code"
    fixtures = [p for p in fixture_files() if p.parent.name == rule.id]
    kinds = {read_expectation(p).near_miss for p in fixtures}
    assert kinds == {True, False}, f"{rule.id}: needs a fixture that triggers it and a near miss"
    if rule.fixable:  # a rule that says it fixes shows a fix in its fixtures' reports
        assert any("[*]" in p.with_name(p.name + ".expected").read_text() for p in fixtures), rule.id
