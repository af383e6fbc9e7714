"""Every caller of the catalogue ``schemas/callers.json`` is kept by fixtures: a template that leaves
out the grant it needs (a trigger) and one that gives it (a near miss), in YAML and in JSON.

A fixture says which callers it is about with ``# caller: <the row's caller>`` headers (in the
``.expect`` sidecar for JSON); which rule judges it and whether it must fire is its ``# expect:``,
checked by test_rule_fixtures.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from samcheck.analysis.graph import resource_graph
from samcheck.cfn.document import load_document
from samcheck.config import Settings
from samcheck.datafiles import load_json
from samcheck.model.build import build_template
from tests.test_rule_fixtures import RULE_FIXTURES, fixture_files, read_expectation

ROWS = load_json("callers.json")["callers"]
PERMISSION_RULES = ("SC8001", "SC8002", "SC8004", "SC8005", "SC8009")


def _headers(path: Path) -> str:
    sidecar = path.with_suffix(".expect")
    return (sidecar if sidecar.exists() else path).read_text(errors="replace")


def _by_caller() -> dict[str, set[tuple[str, bool, Path]]]:
    """Each caller named by a fixture: (the fixture's format, whether it is a near miss, its path)."""
    found: dict[str, set[tuple[str, bool, Path]]] = defaultdict(set)
    for path in fixture_files():
        if path.parent.name not in PERMISSION_RULES:
            continue
        for line in _headers(path).splitlines():
            key, _, value = line.lstrip("# ").partition(":")
            if line.startswith("#") and key == "caller":
                kind = "json" if path.suffix == ".json" else "yaml"
                found[value.strip()].add((kind, read_expectation(path).near_miss, path))
    return found


def test_caller_names_are_unique() -> None:
    names = [row["caller"] for row in ROWS]
    assert len(names) == len(set(names)), "a fixture's '# caller:' header must name one row"


def test_fixtures_name_only_callers_of_the_catalogue() -> None:
    assert set(_by_caller()) <= {row["caller"] for row in ROWS}


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["caller"])
def test_every_caller_has_a_trigger_and_a_near_miss(row: dict[str, object]) -> None:
    kept = {(kind, near_miss) for kind, near_miss, _ in _by_caller()[str(row["caller"])]}
    wanted = {(kind, near_miss) for kind in ("yaml", "json") for near_miss in (False, True)}
    missing = [f"{kind} {'near miss' if near_miss else 'trigger'}" for kind, near_miss in sorted(wanted - kept)]
    assert not missing, f"no fixture under {RULE_FIXTURES.name}/SC800x has '# caller: {row['caller']}' as a {missing}"


def test_every_caller_fixture_is_a_template() -> None:
    """A near miss that cannot be read passes without judging anything."""
    for path in sorted({path for kept in _by_caller().values() for _, _, path in kept}):
        assert build_template(load_document(path), Settings()) is not None, path.name


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["caller"])
def test_the_graph_draws_every_caller(row: dict[str, object]) -> None:
    """``samcheck graph`` shows each caller's delivery as an event edge through a holder of its type."""
    triggers = [path for kind, near_miss, path in _by_caller()[str(row["caller"])] if kind == "yaml" and not near_miss]
    for path in triggers:
        template = build_template(load_document(path), Settings())
        assert template is not None
        edges = resource_graph(template).edges("event_source")
        drawn = [edge for edge in edges if template.resources[edge.via].type == row["type"]]
        assert any(_names(edge.path, str(row["target"])) for edge in drawn), path.name


def _names(path: tuple[object, ...], target: str) -> bool:
    """Whether a property path is one the row's target names ("[]": any list item, "{}": any key)."""
    steps = target.split(".")
    if len(path) != len(steps):
        return False
    return all(step in ("[]", "{}") or step == at for step, at in zip(steps, path, strict=True))
