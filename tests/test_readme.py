"""README stays true: it lists every rule and the commands CI runs."""

from __future__ import annotations

from samcheck.registry import all_rules
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_readme_lists_every_rule() -> None:
    for rule in all_rules():
        assert f"| {rule.id} | {rule.name} |" in README, f"README rule table lacks {rule.id}"


def test_ci_runs_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install -e '.[test]' --config-settings editable_mode=strict" in README
    assert "pip install -e '.[test]' --config-settings editable_mode=strict" in ci
    assert ".venv/bin/python -m pytest" in README and ".venv/bin/python -m pytest" in ci


def test_readme_problem_matcher_is_the_one_samcheck_uses() -> None:
    import json

    from samcheck.reporting.vscode_format import PROBLEM_MATCHER

    block = README[README.index('{\n  "owner": "samcheck"') :]
    block = block[: block.index("```")]
    assert json.loads(block) == PROBLEM_MATCHER
