"""Data files shipped in the wheel as the package ``samcheck.schemas`` (``schemas/``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import samcheck.schemas

# Found through their own package, the files are where every install puts them: a wheel, the strict
# editable link tree, or a plain editable install (whose import hook maps the package to schemas/).
# The package is always files on disk; importlib.resources would cost ~5 ms of start-up for the same.
SCHEMAS = Path(samcheck.schemas.__file__).parent


@cache
def load_json(name: str) -> Any:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
