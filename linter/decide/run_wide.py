"""Run-wide rules: what some rules see only over every template of a run (one account's
concurrency budgets, with ``--account-scope``).

Each such rule collected its facts from every file when the file was checked (``Rule.collect``);
here it judges them all at once (``Rule.judge``), and each finding joins the findings of the file
it names. These findings are undecided like every other: the verdict then applies selection,
suppressions and severity overrides to them, with the settings of the file they are in. The
engine names no rule: any rule that collects is judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from samcheck.check.checker import plugin_failure, validate
from samcheck.check.sandbox import plugin_seconds, run_contained
from samcheck.findings import Finding, rule_failure, sorted_findings
from samcheck.registry import find_rule, plugin_pack
from samcheck.rule import Rule

if TYPE_CHECKING:
    from samcheck.check.checker import CheckedFile


def add_run_wide_findings(checked: Sequence[CheckedFile]) -> list[CheckedFile]:
    """The files with the findings of the run-wide rules that collected facts from any of them."""
    collected: dict[str, list[tuple[str, Any]]] = defaultdict(list)  # rule id -> (file, facts), in run order
    for file in checked:
        for rule_id, facts in file.collected.items():
            collected[rule_id].append((str(file.result.path), facts))
    files = {str(file.result.path) for file in checked}
    extra: dict[str, list[Finding]] = defaultdict(list)
    for rule_id, facts in collected.items():
        rule_class = find_rule(rule_id)
        assert rule_class is not None, f"{rule_id} collected facts but is not registered"
        pack = plugin_pack(rule_id)
        if pack is None:
            found = _judge(rule_class(), facts, files)
        else:  # a third-party pack's judge runs contained, as its checks did
            outcome = run_contained(partial(_judge, rule_class(), facts, files), plugin_seconds())
            failure = plugin_failure(pack, outcome, facts[0][0], f"judging {rule_id} over the run")
            found = [failure] if outcome.value is None else outcome.value
        for finding in found:
            extra[finding.file].append(finding)
    if not extra:
        return list(checked)
    return [
        file._replace(result=replace(file.result, findings=sorted_findings(file.result.findings + extra[path])))
        if (path := str(file.result.path)) in extra
        else file
        for file in checked
    ]


def _judge(rule: Rule, facts: Sequence[tuple[str, Any]], files: set[str]) -> list[Finding]:
    """The rule's findings over every file's facts; a broken run-wide rule fails itself (SC0000),
    in the first file it collected from, not the run."""
    try:
        found = list(rule.judge([each for _, each in facts]))
        for finding in found:
            validate(finding, rule)
            if finding.file not in files:
                raise ValueError(f"the rule reported in {finding.file}, which this run does not lint")
    except Exception as error:
        return [rule_failure(rule.id, rule.name, facts[0][0], error)]
    return found
