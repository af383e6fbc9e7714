"""Data files shipped in the wheel under ``samcheck/schemas``."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_json(name: str) -> Any:
    return json.loads(resources.files("samcheck.schemas").joinpath(name).read_text(encoding="utf-8"))
