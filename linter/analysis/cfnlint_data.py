"""Data files that ship with cfn-lint, read without importing cfn-lint (which costs ~0.7 s).

Runtime lifecycle dates and reserved environment variable names change as AWS moves them;
cfn-lint keeps them current, so samcheck reads its copies instead of hard-coding them.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def _data_root() -> Path:
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cfn-lint is not installed; samcheck reads its bundled data")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def load(relative: str) -> Any:
    return json.loads((_data_root() / relative).read_text(encoding="utf-8"))


def runtime_lifecycle() -> dict[str, dict[str, str | None]]:
    """Runtime → {deprecated, create-block, update-block (ISO dates or None), successor}."""
    table: dict[str, dict[str, str | None]] = load("AdditionalSpecs/LmbdRuntimeLifecycle.json")
    return table


def reserved_environment_variables() -> frozenset[str]:
    schema = load("schemas/extensions/aws_lambda_function/environment_variable_keys.json")
    return frozenset(schema["propertyNames"]["not"]["enum"])


def resource_schema(type_name: str, region: str) -> dict[str, Any] | None:
    """The CloudFormation resource provider schema of a type in a Region, as cfn-lint ships it
    (kept current with AWS); None for a type the Region does not have."""
    providers: dict[str, str] = load(f"schemas/providers/{region}.json")
    digest = providers.get(type_name)
    if digest is None:
        return None
    schema: dict[str, Any] = load(f"schemas/resources/{digest}.json")
    return schema


def allowed_values(type_name: str, property_name: str, region: str) -> tuple[Any, ...]:
    """The values a top-level property takes (its schema's enum); empty when it has none."""
    try:
        schema = resource_schema(type_name, region) or resource_schema(type_name, "us-east-1")
    except FileNotFoundError:  # a Region cfn-lint does not know
        schema = resource_schema(type_name, "us-east-1")
    prop = (schema or {}).get("properties", {}).get(property_name, {})
    return tuple(prop.get("enum", ()))
