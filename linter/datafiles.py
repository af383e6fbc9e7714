"""Data files shipped in the wheel under ``samcheck/schemas``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

# The package is always installed as files (a wheel, or an editable link tree), so the data
# folder sits beside this module; importlib.resources would cost ~5 ms of start-up for the same.
SCHEMAS = Path(__file__).parent / "schemas"


@cache
def load_json(name: str) -> Any:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
