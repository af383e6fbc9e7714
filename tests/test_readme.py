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


def test_readme_configuration_example_is_valid() -> None:
    import sys
    from pathlib import Path

    from samcheck.config import settings_from_mapping

    if sys.version_info < (3, 11):  # pragma: no cover
        import tomli as tomllib
    else:
        import tomllib
    block = README[README.index("```toml\n[tool.samcheck]") + len("```toml\n") :]
    raw = tomllib.loads(block[: block.index("```")])["tool"]["samcheck"]
    settings = settings_from_mapping(Path("README.md"), raw)
    assert settings.account_scope and settings.with_cfn_lint and dict(settings.limits)["concurrent-executions"] == 3000
