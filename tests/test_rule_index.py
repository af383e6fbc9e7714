"""``rules/index.json``: what a run knows of samcheck's own rules before importing them, and the
gate that imports and runs only the rules a template can need (``RuleInfo.applies_to``)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samcheck.config import Settings
from samcheck.registry import INDEX, RuleInfo, rule_index
from tests.conftest import CORPUS, ROOT, needs_corpus
from tests.mutations import TEMPLATES, findings

INDEX_PATH = ROOT / "rules" / INDEX


def test_the_index_says_what_the_rule_classes_say() -> None:
    """A rule's id, slug, stage or resource types changed without the index would be a rule run
    wrongly, or not at all: the index is written from the classes, and must be current."""
    expected = json.dumps(rule_index(), indent=1, sort_keys=True) + "\n"
    if os.environ.get("SAMCHECK_UPDATE_SNAPSHOTS"):
        INDEX_PATH.write_text(expected, encoding="utf-8")
    assert INDEX_PATH.read_text(encoding="utf-8") == expected, (
        "rules/index.json is stale: SAMCHECK_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_rule_index.py"
    )


# Lints as the ``samcheck`` command does; with "every", every selected rule runs on every template,
# whatever its resource types.
_LINT = """
import sys
from samcheck.registry import RuleInfo
if sys.argv[1] == "every":
    RuleInfo.applies_to = lambda info, types: True
sys.argv = ["samcheck", "--format", "json", "--fail-level", "never", "--no-cache", "--as-of", "2026-12-01",
            *sys.argv[2:]]
from samcheck.cli import main
main()
"""


def _findings(mode: str, *paths: Path) -> list[dict[str, object]]:
    command = [sys.executable, "-c", _LINT, mode, *map(str, paths)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT, timeout=900)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    findings: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    return findings


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["fixtures/rules", "bench/field"])
def test_rules_left_out_for_a_template_had_nothing_to_say_there(folder: str) -> None:
    """A rule runs only on templates with one of its resource types: on every rule fixture and field
    case, the findings are those of every rule run on every template."""
    gated = _findings("gated", ROOT / folder)
    assert gated and gated == _findings("every", ROOT / folder)


@pytest.mark.slow
@needs_corpus
def test_rules_left_out_for_a_corpus_template_had_nothing_to_say_there() -> None:
    gated = _findings("gated", CORPUS)
    assert gated and gated == _findings("every", CORPUS)


_TYPES = sorted(
    {
        str(resource["Type"])
        for _, template, _ in TEMPLATES
        for resource in template["Resources"].values()
        if isinstance(resource, dict) and isinstance(resource.get("Type"), str)
    }
)


@st.composite
def retyped(draw: st.DrawFn) -> tuple[str, dict[str, Any], Settings]:
    """A fixture with one resource removed or given another type of the fixtures, the edges where a
    template gains or loses the types a rule names."""
    name, template, fixture_settings = draw(st.sampled_from([case for case in TEMPLATES if case[1]["Resources"]]))
    mutated = copy.deepcopy(template)
    logical_id = draw(st.sampled_from(list(mutated["Resources"])))
    if draw(st.booleans()) or not isinstance(mutated["Resources"][logical_id], dict):
        del mutated["Resources"][logical_id]
    else:
        mutated["Resources"][logical_id]["Type"] = draw(st.sampled_from(_TYPES))
    return name, mutated, fixture_settings


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=retyped())
def test_a_retyped_fixture_gets_the_findings_of_every_rule(
    case: tuple[str, dict[str, Any], Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, template, fixture_settings = case
    gated = findings(template, fixture_settings, tmp_path)
    with monkeypatch.context() as every:
        every.setattr(RuleInfo, "applies_to", lambda info, types: True)
        assert findings(template, fixture_settings, tmp_path) == gated, name
