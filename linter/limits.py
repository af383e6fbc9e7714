"""The limits table: every number a rule compares against, with its source.

Rules ask for a limit by name; a configuration may override a value (an account whose
concurrency quota was raised), never the source. Where AWS's default differs by Region, the row
lists those Regions (``regions``) and the Region a template is deployed to picks the value. The
table is validated against ``limits.schema.json`` in the test suite.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from samcheck.datafiles import load_json


class Limit(NamedTuple):
    name: str
    value: float
    unit: str
    description: str
    source: str
    region: str | None = None  # set when the value is the Region's own, not the general default


class Limits:
    def __init__(self, overrides: Mapping[str, float] | None = None, region: str | None = None) -> None:
        self._table: dict[str, dict[str, object]] = load_json("limits.json")["limits"]
        unknown = set(overrides or {}) - set(self._table)
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        self._overrides = dict(overrides or {})
        self._region = region

    @staticmethod
    def names() -> list[str]:
        return sorted(load_json("limits.json")["limits"])

    def __getitem__(self, name: str) -> float:
        if name in self._overrides:
            return self._overrides[name]
        regional = self._regional(name)
        if regional is not None:
            return regional
        value = self._table[name]["value"]
        assert isinstance(value, (int, float))
        return value

    def _regional(self, name: str) -> float | None:
        regions = self._table[name].get("regions")
        if self._region is None or not isinstance(regions, dict):
            return None
        value = regions.get(self._region)
        return value if isinstance(value, (int, float)) else None

    def problems(self) -> list[str]:
        """What makes these values (the table with the overrides) impossible for an account: budgets
        computed from them would be negative."""
        account, unreserved = self["concurrent-executions"], self["unreserved-minimum"]
        if account < unreserved:
            return [
                f"limits: concurrent-executions = {account:g} is below unreserved-minimum = {unreserved:g}, "
                "so every concurrency budget would be negative; give the account's quota (Lambda lets a "
                f"function reserve concurrency only above {unreserved:g})"
            ]
        return []

    def describe(self, name: str) -> Limit:
        entry = self._table[name]
        regional = name not in self._overrides and self._regional(name) is not None
        return Limit(
            name,
            self[name],
            str(entry["unit"]),
            str(entry["description"]),
            str(entry["source"]),
            self._region if regional else None,
        )
