"""README stays true: it lists every rule and the commands CI runs."""

from __future__ import annotations

import os

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


# README's permissions section lists the catalogue between these lines, generated from the file.
CALLERS_BEGIN = "<!-- callers: generated from schemas/callers.json; SAMCHECK_UPDATE_SNAPSHOTS=1 rewrites it -->\n"
CALLERS_END = "<!-- /callers -->\n"
_KINDS = {
    "AWS::Lambda::Function": "functions",
    "AWS::SQS::Queue": "queues",
    "AWS::SNS::Topic": "topics",
    "AWS::StepFunctions::StateMachine": "state machines",
    "AWS::Kinesis::Stream": "streams",
    "AWS::CodeBuild::Project": "build projects",
    "AWS::Events::ApiDestination": "API destinations",
}


def callers_table() -> str:
    """The catalogue as README shows it: each caller judged, then each left alone and why."""
    from samcheck.datafiles import load_json

    data = load_json("callers.json")
    lines = [
        "",
        "| Caller | Holder and property | Principal | Calls with | Without the grant |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in data["callers"]:
        holder = f"`{row['type']}` `{row['target']}`"
        if "only_when" in row:
            holder += f" (`{row['only_when']['path']}`: {', '.join(row['only_when']['values'])})"
        ways = []
        if row["principal"]:
            unsure = " (not judged when a role is written)" if row.get("unsure_with_role") else ""
            ways.append("its principal: " + ", ".join(_KINDS[kind] for kind in row["principal"]) + unsure)
        if row.get("role"):
            written = " when written" if row.get("role_if_given") else ""
            ways.append(f"`{row['role_path']}`{written}: " + ", ".join(_KINDS[kind] for kind in row["role"]))
        without = row["without"] + ("; checked at creation" if row.get("ordered") else "")
        if "without_role" in row:
            without += f"; without the role, {row['without_role']}"
        lines.append(f"| {row['caller']} | {holder} | `{row['service']}` | {'; '.join(ways)} | {without} |")
    lines += ["", "| Not judged | Principal | Why |", "| --- | --- | --- |"]
    for row in data["not_judged"]:
        principal = f"`{row['service']}`" if row["service"] else "(the caller's own identity)"
        lines.append(f"| {row['caller']} | {principal} | {row['why']} |")
    return "\n".join(lines) + "\n\n"


def test_readme_lists_the_callers_catalogue() -> None:
    assert CALLERS_BEGIN in README and CALLERS_END in README, "README's permissions section lacks the callers table"
    start = README.index(CALLERS_BEGIN) + len(CALLERS_BEGIN)
    end = README.index(CALLERS_END)
    if os.environ.get("SAMCHECK_UPDATE_SNAPSHOTS"):
        (ROOT / "README.md").write_text(README[:start] + callers_table() + README[end:])
        return
    assert README[start:end] == callers_table(), "README's callers table differs from schemas/callers.json"


# And the log deliveries (SC8010), generated from their catalogue the same way.
LOG_DELIVERIES_BEGIN = (
    "<!-- log-deliveries: generated from schemas/log_deliveries.json; SAMCHECK_UPDATE_SNAPSHOTS=1 rewrites it -->\n"
)
LOG_DELIVERIES_END = "<!-- /log-deliveries -->\n"


def log_deliveries_table() -> str:
    from samcheck.datafiles import load_json

    lines = [
        "",
        "| Delivery | Holder and property | Role (principal) | Must allow | Without the grant |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in load_json("log_deliveries.json")["deliveries"]:
        holder = f"`{row['type']}` " + " or ".join(f"`{entry['path']}`" for entry in row["logging"])
        if "only_when" in row:
            holder += f" (`{row['only_when']['path']}`: {', '.join(row['only_when']['values'])})"
        trust = ", trust judged" if row["trust"] else ""
        on = '`"*"`' if row["resource"] == "*" else "the log group"
        actions = ", ".join(f"`{action}`" for action in row["required"] or row["actions"])
        must = f"{actions} on {on}" if row["required"] else f"one of {actions} on {on}"
        without = row["without"] + ("; checked at creation" if row["ordered"] else "")
        if "without_role" in row:
            without += f"; without the role, {row['without_role']}"
        lines.append(
            f"| {row['delivery']} | {holder} | `{row['role']}` (`{row['service']}`{trust}) | {must} | {without} |"
        )
    return "\n".join(lines) + "\n\n"


def test_readme_lists_the_log_deliveries() -> None:
    assert LOG_DELIVERIES_BEGIN in README and LOG_DELIVERIES_END in README, "README lacks the log deliveries table"
    start = README.index(LOG_DELIVERIES_BEGIN) + len(LOG_DELIVERIES_BEGIN)
    end = README.index(LOG_DELIVERIES_END)
    if os.environ.get("SAMCHECK_UPDATE_SNAPSHOTS"):
        (ROOT / "README.md").write_text(README[:start] + log_deliveries_table() + README[end:])
        return
    assert README[start:end] == log_deliveries_table(), "README's log deliveries table differs from the catalogue"
