"""The rule fixtures as data, and what the property tests change in them.

The property tests (tests/test_unknown_values.py, tests/test_known_sets.py) take a fixture, replace
one value a rule may read with something else (a value known only at deploy time, one of a known
set), lint again and compare the errors before and after.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from samcheck.api import lint_file
from samcheck.cfn.document import load_document
from samcheck.config import Settings
from samcheck.findings import Finding, Severity
from samcheck.registry import rule_infos
from tests.conftest import FIXTURES
from tests.test_rule_fixtures import fixture_files, read_expectation

NodePath = tuple[str | int, ...]
Error = tuple[str, str | None]  # (rule, resource)
# Values SAM and CloudFormation require to be written out, which no template can leave to deploy
# time: replacing them makes a template that fails for everyone, not a false error.
LITERAL_ONLY = {"Type", "Condition", "DependsOn"}
# The SAM translator is the judge of what it accepts, and it runs with the values CloudFormation would
# give it (placeholders for parameters): an SC0003 that persists is what a deploy would say too.
TRANSLATOR = "SC0003"
# Templates small enough to lint a few hundred times within the suite's time.
MAX_RESOURCES = 30
# A parameter without a Default, and a condition on it that cannot be decided before deploying.
UNKNOWN_PARAMETER = "SamcheckUnknownParameter"
UNDECIDABLE_CONDITION = "SamcheckUnknownCondition"


def _templates() -> list[tuple[str, dict[str, Any], Settings]]:
    """Fixtures that need no files beside them, as data, with their settings (Region, as-of)."""
    found = []
    for path in fixture_files():
        expectation = read_expectation(path)
        if expectation.files or expectation.faults or expectation.settings.parameter_overrides:
            continue
        data = load_document(path).data
        resources = data.get("Resources") if isinstance(data, dict) else None
        if isinstance(data, dict) and isinstance(resources, dict) and len(resources) <= MAX_RESOURCES:
            found.append((str(path.relative_to(FIXTURES)), data, expectation.settings))
    return found


TEMPLATES = _templates()


def is_function(node: Any) -> bool:
    """A ``Ref`` or an ``Fn::`` intrinsic."""
    if not (isinstance(node, dict) and len(node) == 1):
        return False
    key = str(next(iter(node)))
    return key == "Ref" or key.startswith("Fn::")


def literals(template: dict[str, Any], booleans: bool = False) -> list[NodePath]:
    """Paths of the scalars below every resource's Properties (intrinsic function names excluded);
    booleans too when asked."""
    paths: list[NodePath] = []

    def walk(node: Any, path: NodePath) -> None:
        if isinstance(node, dict):
            if is_function(node):
                return  # already a function: its value is whatever it is
            for key, value in node.items():
                if key not in LITERAL_ONLY:
                    walk(value, (*path, key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*path, index))
        elif isinstance(node, bool):
            if booleans:
                paths.append(path)
        elif isinstance(node, (str, int, float)):
            paths.append(path)

    for logical_id, resource in template["Resources"].items():
        if isinstance(resource, dict) and isinstance(resource.get("Properties"), dict):
            walk(resource["Properties"], ("Resources", logical_id, "Properties"))
    return paths


def value_at(template: dict[str, Any], path: NodePath) -> Any:
    node: Any = template
    for step in path:
        node = node[step]
    return node


def replaced(template: dict[str, Any], path: NodePath, value: Any) -> dict[str, Any]:
    """A copy of ``template`` with the node at ``path`` replaced by ``value``."""
    mutated = copy.deepcopy(template)
    value_at(mutated, path[:-1])[path[-1]] = copy.deepcopy(value)
    return mutated


def add_parameter(template: dict[str, Any], name: str, definition: dict[str, Any]) -> None:
    """Declare a parameter (a template whose Parameters is not an object keeps it as it is)."""
    template.setdefault("Parameters", {})
    if isinstance(template["Parameters"], dict):
        template["Parameters"][name] = definition


def add_undecidable_condition(template: dict[str, Any]) -> None:
    """Declare UNDECIDABLE_CONDITION: it compares a parameter without a Default."""
    add_parameter(template, UNKNOWN_PARAMETER, {"Type": "String"})
    conditions = template.setdefault("Conditions", {})
    conditions[UNDECIDABLE_CONDITION] = {"Fn::Equals": [{"Ref": UNKNOWN_PARAMETER}, "yes"]}


def findings(template: dict[str, Any], settings: Settings, folder: Path) -> list[Finding]:
    """Every finding of every rule on ``template``, linted as ``folder``/template.json."""
    path = folder / "template.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    return lint_file(path, settings, rule_infos()).findings


def errors(found: list[Finding]) -> set[Error]:
    """The errors of ``found`` by (rule, resource), the translator's excluded."""
    return {(f.rule, f.resource) for f in found if f.severity is Severity.ERROR and f.rule != TRANSLATOR}


def refused(before: list[Finding], after: list[Finding]) -> bool:
    """The SAM translator fails on the changed template where it did not on the original."""
    translator = {(f.resource, f.message) for f in before if f.rule == TRANSLATOR}
    return any(f.rule == TRANSLATOR and (f.resource, f.message) not in translator for f in after)


def lint_errors(template: dict[str, Any], settings: Settings, folder: Path) -> set[Error]:
    return errors(findings(template, settings, folder))
