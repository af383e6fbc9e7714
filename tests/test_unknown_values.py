"""Unknown stays unknown: a value samcheck cannot know never produces an error.

Property: take a rule fixture, replace one literal that a rule may read (anything below a
resource's ``Properties``) with a value known only at deploy time — a parameter without a
``Default``, an ``Fn::ImportValue``, a nested stack's output — and lint again: no error appears
that the original did not have.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samcheck.config import Settings
from tests.mutations import (
    LITERAL_ONLY,
    TEMPLATES,
    UNDECIDABLE_CONDITION,
    UNKNOWN_PARAMETER,
    NodePath,
    add_parameter,
    add_undecidable_condition,
    is_function,
    lint_errors,
    literals,
    replaced,
    value_at,
)

REPOSITORY_LOCATION = "SC0012"
UNKNOWNS: dict[str, Any] = {
    "parameter": {"Ref": UNKNOWN_PARAMETER},
    "import": {"Fn::ImportValue": "samcheck-unknown-export"},
    "nested output": {"Fn::GetAtt": ["SamcheckUnknownStack", "Outputs.Value"]},
}


def _replaced(template: dict[str, Any], path: NodePath, kind: str) -> dict[str, Any]:
    mutated = replaced(template, path, UNKNOWNS[kind])
    add_parameter(mutated, UNKNOWN_PARAMETER, {"Type": "String"})
    mutated["Resources"]["SamcheckUnknownStack"] = {
        "Type": "AWS::CloudFormation::Stack",
        "Properties": {"TemplateURL": "https://s3.amazonaws.com/bucket/nested.yaml"},
    }
    return mutated


Case = tuple[str, dict[str, Any], Settings, NodePath, str]


@st.composite
def replacements(draw: st.DrawFn) -> Case:
    name, template, fixture_settings = draw(st.sampled_from([t for t in TEMPLATES if literals(t[1])]))
    path = draw(st.sampled_from(literals(template)))
    kind = draw(st.sampled_from(sorted(UNKNOWNS)))
    return name, template, fixture_settings, path, kind


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=replacements())
def test_an_unknown_value_never_creates_an_error(case: Case, tmp_path: Path) -> None:
    name, template, fixture_settings, path, kind = case
    before = lint_errors(template, fixture_settings, tmp_path)
    after = lint_errors(_replaced(template, path, kind), fixture_settings, tmp_path)
    created = after - before
    if kind != "parameter":
        # SC0012 says what the SAM translator refuses before any deploy value exists: an
        # ApplicationId or SemanticVersion it cannot resolve (only Ref to a parameter, FindInMap, Sub)
        created -= {error for error in created if error[0] == REPOSITORY_LOCATION}
    assert not created, f"{name}: {'.'.join(map(str, path))} as {kind} created {sorted(created, key=str)}"


def test_the_property_sees_many_fixtures() -> None:
    assert len(TEMPLATES) > 150


def _objects(template: dict[str, Any]) -> list[NodePath]:
    """Paths of the objects and lists below every resource's Properties (not intrinsic functions).

    A SAM resource's properties are the translator's to read (it merges Globals into them, and it
    rejects or drops an Fn::If in several of them, as it would at deploy time): only what it passes
    on as written, a state machine's Definition, is wrapped there. So is a bucket's
    NotificationConfiguration in a SAM template: the translator merges S3 events into it and writes
    its lists beside an Fn::If there, an object CloudFormation refuses (not judged by samcheck yet)."""
    paths: list[NodePath] = []

    def walk(node: Any, path: NodePath) -> None:
        if isinstance(node, dict):
            if is_function(node):
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
        elif "Transform" in template and resource.get("Type") == "AWS::S3::Bucket":
            for key, value in properties.items():
                if key != "NotificationConfiguration":
                    walk(value, (*base, key))
        else:
            walk(properties, base)
    return paths


def _both_branches(template: dict[str, Any], path: NodePath) -> dict[str, Any]:
    """The node at ``path`` as ``Fn::If`` on a condition known only at deploy time, same value both ways."""
    value = value_at(template, path)
    mutated = replaced(template, path, {"Fn::If": [UNDECIDABLE_CONDITION, value, value]})
    add_undecidable_condition(mutated)
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
    before = lint_errors(template, fixture_settings, tmp_path)
    after = lint_errors(_both_branches(template, path), fixture_settings, tmp_path)
    where = ".".join(map(str, path))
    assert after == before, f"{name}: {where} in an Fn::If: created {after - before}, hid {before - after}"
