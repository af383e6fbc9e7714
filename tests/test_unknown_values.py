"""Unknown stays unknown: a value samcheck cannot know never produces an error.

Property: take a rule fixture, replace one literal that a rule may read (anything below a
resource's ``Properties``) with a value known only at deploy time — a parameter without a
``Default``, an ``Fn::ImportValue``, a nested stack's output — and lint again: no error appears
that the original did not have.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samcheck.api import lint_file
from samcheck.cfn.document import load_document
from samcheck.config import Settings
from samcheck.findings import Severity
from samcheck.registry import all_rules
from tests.conftest import FIXTURES
from tests.test_rule_fixtures import fixture_files, read_expectation

NodePath = tuple[str | int, ...]
UNKNOWNS: dict[str, Any] = {
    "parameter": {"Ref": "SamcheckUnknownParameter"},
    "import": {"Fn::ImportValue": "samcheck-unknown-export"},
    "nested output": {"Fn::GetAtt": ["SamcheckUnknownStack", "Outputs.Value"]},
}
# Values SAM and CloudFormation require to be written out, which no template can leave to deploy
# time: replacing them makes a template that fails for everyone, not a false error.
LITERAL_ONLY = {"Type", "Condition", "DependsOn"}
# The SAM translator is the judge of what it accepts, and it runs with the values CloudFormation would
# give it (placeholders for parameters): an SC0003 that persists is what a deploy would say too.
TRANSLATOR = "SC0003"
# Templates small enough to lint a few hundred times within the suite's time.
MAX_RESOURCES = 30


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


def _literals(template: dict[str, Any]) -> list[NodePath]:
    """Paths of the scalars below every resource's Properties (intrinsic function names excluded)."""
    paths: list[NodePath] = []

    def walk(node: Any, path: NodePath) -> None:
        if isinstance(node, dict):
            if len(node) == 1 and (next(iter(node)) == "Ref" or str(next(iter(node))).startswith("Fn::")):
                return  # already a function: its value is whatever it is
            for key, value in node.items():
                if key not in LITERAL_ONLY:
                    walk(value, (*path, key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*path, index))
        elif isinstance(node, (str, int, float)) and not isinstance(node, bool):
            paths.append(path)

    for logical_id, resource in template["Resources"].items():
        if isinstance(resource, dict) and isinstance(resource.get("Properties"), dict):
            walk(resource["Properties"], ("Resources", logical_id, "Properties"))
    return paths


def _replaced(template: dict[str, Any], path: NodePath, kind: str) -> dict[str, Any]:
    mutated = copy.deepcopy(template)
    node: Any = mutated
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = copy.deepcopy(UNKNOWNS[kind])
    mutated.setdefault("Parameters", {})
    if isinstance(mutated["Parameters"], dict):
        mutated["Parameters"]["SamcheckUnknownParameter"] = {"Type": "String"}
    mutated["Resources"]["SamcheckUnknownStack"] = {
        "Type": "AWS::CloudFormation::Stack",
        "Properties": {"TemplateURL": "https://s3.amazonaws.com/bucket/nested.yaml"},
    }
    return mutated


def _errors(template: dict[str, Any], settings: Settings, folder: Path) -> set[tuple[str, str | None]]:
    path = folder / "template.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    result = lint_file(path, settings, all_rules())
    return {(f.rule, f.resource) for f in result.findings if f.severity is Severity.ERROR and f.rule != TRANSLATOR}


Case = tuple[str, dict[str, Any], Settings, NodePath, str]


@st.composite
def replacements(draw: st.DrawFn) -> Case:
    name, template, fixture_settings = draw(st.sampled_from([t for t in TEMPLATES if _literals(t[1])]))
    path = draw(st.sampled_from(_literals(template)))
    kind = draw(st.sampled_from(sorted(UNKNOWNS)))
    return name, template, fixture_settings, path, kind


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=replacements())
def test_an_unknown_value_never_creates_an_error(case: Case, tmp_path: Path) -> None:
    name, template, fixture_settings, path, kind = case
    before = _errors(template, fixture_settings, tmp_path)
    after = _errors(_replaced(template, path, kind), fixture_settings, tmp_path)
    created = after - before
    assert not created, f"{name}: {'.'.join(map(str, path))} as {kind} created {sorted(created, key=str)}"


def test_the_property_sees_many_fixtures() -> None:
    assert len(TEMPLATES) > 150


def _objects(template: dict[str, Any]) -> list[NodePath]:
    """Paths of the objects and lists below every resource's Properties (not intrinsic functions).

    A SAM resource's properties are the translator's to read (it merges Globals into them, and it
    rejects or drops an Fn::If in several of them, as it would at deploy time): only what it passes
    on as written, a state machine's Definition, is wrapped there."""
    paths: list[NodePath] = []

    def walk(node: Any, path: NodePath) -> None:
        if isinstance(node, dict):
            if len(node) == 1 and (next(iter(node)) == "Ref" or str(next(iter(node))).startswith("Fn::")):
                return
            if len(path) > 3:
                paths.append(path)
            for key, value in node.items():
                if key not in LITERAL_ONLY and key != "Events":
                    walk(value, (*path, key))
        elif isinstance(node, list):
            paths.append(path)
            for index, item in enumerate(node):
                walk(item, (*path, index))

    for logical_id, resource in template["Resources"].items():
        if not (isinstance(resource, dict) and isinstance(resource.get("Properties"), dict)):
            continue
        properties = resource["Properties"]
        base: NodePath = ("Resources", logical_id, "Properties")
        if str(resource.get("Type", "")).startswith("AWS::Serverless::"):
            if isinstance(properties.get("Definition"), dict):
                walk(properties["Definition"], (*base, "Definition"))
        else:
            walk(properties, base)
    return paths


def _both_branches(template: dict[str, Any], path: NodePath) -> dict[str, Any]:
    """The node at ``path`` as ``Fn::If`` on a condition known only at deploy time, same value both ways."""
    mutated = copy.deepcopy(template)
    node: Any = mutated
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = {"Fn::If": ["SamcheckUnknownCondition", node[path[-1]], copy.deepcopy(node[path[-1]])]}
    mutated.setdefault("Parameters", {})["SamcheckUnknownParameter"] = {"Type": "String"}
    conditions = mutated.setdefault("Conditions", {})
    conditions["SamcheckUnknownCondition"] = {"Fn::Equals": [{"Ref": "SamcheckUnknownParameter"}, "yes"]}
    return mutated


@st.composite
def wrappings(draw: st.DrawFn) -> Case:
    candidates = [t for t in TEMPLATES if _objects(t[1]) and not isinstance(t[1].get("Parameters"), list)]
    name, template, fixture_settings = draw(st.sampled_from(candidates))
    return name, template, fixture_settings, draw(st.sampled_from(_objects(template))), "Fn::If"


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=wrappings())
def test_an_if_with_the_same_value_both_ways_changes_no_error(case: Case, tmp_path: Path) -> None:
    """Rules look into Fn::If objects and lists wherever they read a property: an Fn::If whose two
    branches are the value itself neither creates nor hides an error."""
    name, template, fixture_settings, path, _ = case
    before = _errors(template, fixture_settings, tmp_path)
    after = _errors(_both_branches(template, path), fixture_settings, tmp_path)
    where = ".".join(map(str, path))
    assert after == before, f"{name}: {where} in an Fn::If: created {after - before}, hid {before - after}"
