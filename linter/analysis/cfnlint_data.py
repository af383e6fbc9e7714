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
