"""The data tables and schemas that ship in the wheel are themselves valid."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import jsonschema
import pytest

from samcheck.datafiles import load_json
from tests.conftest import ROOT

SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schemas_are_valid_json_schemas(path: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_limits_table_validates_and_has_sources() -> None:
    table = load_json("limits.json")
    validator = jsonschema.Draft202012Validator(
        load_json("limits.schema.json"), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(table)
    assert "lambda-timeout-max" in table["limits"]


def test_regional_limits_name_real_regions() -> None:
    """A per-Region row names Regions botocore knows: a typo would silently never apply."""
    from samcheck.analysis.botocore_data import regions

    known, _ = regions()
    named = {region for entry in load_json("limits.json")["limits"].values() for region in entry.get("regions", {})}
    assert named and named <= set(known), sorted(named - set(known))


def test_rules_repeat_no_limit_values() -> None:
    """Limits are data: no rule's code holds a number that the limits table holds."""
    entries = load_json("limits.json")["limits"].values()
    values = {
        value for entry in entries for value in (entry["value"], *entry.get("regions", {}).values()) if value >= 100
    }
    for module in (ROOT / "rules").rglob("*.py"):
        numbers = {
            node.value
            for node in ast.walk(ast.parse(module.read_text()))
            if isinstance(node, ast.Constant)
            and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool)
        }
        assert not numbers & values, f"{module.name} repeats {sorted(numbers & values)}; read them from the table"


def test_asl_field_table_matches_the_state_types() -> None:
    """The per-type field table names exactly the state types the ASL schema knows, and every field
    of one query language belongs to some state type (a typo there would silently allow nothing)."""
    fields = load_json("asl-fields.json")
    types = load_json("asl.schema.json")["$defs"]["state"]["properties"]["Type"]["enum"]
    assert sorted(fields["states"]) == sorted(types)
    every = {field for own in fields["states"].values() for field in own}
    for language, own in fields["queryLanguageOnly"].items():
        assert set(own) <= every, (language, sorted(set(own) - every))
    assert fields["sources"] and fields["checked"]


def test_service_constraints_rows_resolve_and_have_sources() -> None:
    from samcheck.analysis import service_constraints
    from samcheck.registry import find_rule

    table = load_json("service_constraints.json")
    assert table["source"] and table["checked"]
    for row in table["rows"]:
        if "owned_by" in row:
            assert find_rule(row["owned_by"]) is not None, row
        elif "constraints" in row:
            assert row["source"].startswith("https://"), row
    for type_name in {row["type"] for row in table["rows"]}:
        service_constraints.constraints(type_name)  # each member path leads to a shape of its model


def test_property_combinations_rows_have_sources_and_conditions() -> None:
    """Each combination row says where the service's rule comes from and when it was checked, and
    reads as conditions the rule understands; an owned row names a registered rule."""
    from samcheck.analysis import combinations
    from samcheck.registry import find_rule

    table = load_json("property_combinations.json")
    assert table["source"] and table["checked"]
    known = {"property", "present", "in", "not_in", "not_matching", "default", "source"}
    for row in table["rows"]:
        if "owned_by" in row:
            assert find_rule(row["owned_by"]) is not None, row
            continue
        assert row["source"].startswith("https://") and row["checked"], row
        assert len(row["when"]) >= 2 and all(set(condition) <= known for condition in row["when"]), row
    for type_name in {row["type"] for row in table["rows"]}:
        combinations.combinations(type_name)  # every row parses


def test_reference_kinds_rows_have_sources_and_described_kinds() -> None:
    from samcheck.registry import find_rule

    table = load_json("reference_kinds.json")
    rows = table["returns"] + table["takes"] + table["sam"]
    assert len(table["takes"]) + len(table["sam"]) >= 40
    for row in rows:
        assert row["source"].startswith("https://docs.aws.amazon.com/") and row["checked"], row
        if "references_owned_by" in row:
            assert find_rule(row["references_owned_by"]) is not None, row
    given = {kind for row in table["returns"] for kind in [row.get("Ref"), *row["GetAtt"].values()] if kind}
    taken = {kind for row in table["takes"] + table["sam"] for kind in row["takes"]}
    assert given | taken <= set(table["kinds"])  # every kind has the words messages say it with


def test_physical_names_rows_have_sources_and_known_forms() -> None:
    """Every row cites a page; every property that names a resource has a reference_kinds row (which
    says whether it takes the name, the ARN or the URL), or it could never be judged."""
    table = load_json("physical_names.json")
    for row in table["names"] + table["named_by"]:
        assert row["source"].startswith("https://docs.aws.amazon.com/"), row
    named_types = {row["type"] for row in table["names"]}
    kinds = load_json("reference_kinds.json")["takes"]
    for row in table["named_by"]:
        assert row["names"] in named_types, row
        assert any(r["type"] == row["type"] and r["property"] == row["property"] for r in kinds), row
