"""Rule discovery through the ``samcheck.rules`` entry-point group, and rule selectors.

Each entry point names a list of rule classes; built-in packs register the same way a
third-party pack would.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.metadata import Distribution, entry_points
from pathlib import Path

from samcheck.rule import Rule

ENTRY_POINT_GROUP = "samcheck.rules"


class RegistryError(Exception):
    pass


@cache
def all_rules() -> tuple[type[Rule], ...]:
    found: dict[str, type[Rule]] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        for rule in entry_point.load():
            if rule.id in found and found[rule.id] is not rule:
                raise RegistryError(f"rule id {rule.id} registered twice ({entry_point.name})")
            found[rule.id] = rule
    return tuple(sorted(found.values(), key=lambda rule: rule.id))


def selected(rule_id: str, name: str, selectors: list[str]) -> bool:
    """A selector is a rule id, an id prefix (``SC1``, ``CFN-W``) or a slug."""
    return any(rule_id.startswith(s.upper()) or name == s.lower() for s in selectors)


def select_rules(select: list[str], ignore: list[str]) -> list[type[Rule]]:
    rules = [rule for rule in all_rules() if not select or selected(rule.id, rule.name, select)]
    return [rule for rule in rules if not selected(rule.id, rule.name, ignore)]


def find_rule(key: str) -> type[Rule] | None:
    return next((r for r in all_rules() if key.upper() == r.id or key.lower() == r.name), None)


@cache
def pack_fingerprints() -> tuple[str, ...]:
    """What findings depend on besides the template: each rule pack's distribution and version,
    and for a pack installed from a working tree (editable), the digest of its package's source,
    since its version does not change when its code does."""
    parts = []
    for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda point: point.name):
        dist = entry_point.dist
        part = f"{entry_point.name}:{entry_point.value}"
        if dist is not None:
            part += f"={dist.metadata['Name']} {dist.version}"
        if dist is None or _editable(dist):
            part += f" source={_source_digest(entry_point.module.split('.')[0])}"
        parts.append(part)
    return tuple(parts)


def _editable(dist: Distribution) -> bool:
    try:
        direct_url = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        return False
    return bool(direct_url.get("dir_info", {}).get("editable"))


@cache
def _source_digest(package: str) -> str:
    """A digest of every Python file of a top-level package, by relative path and content."""
    import hashlib
    import importlib.util

    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    digest = hashlib.sha256()
    for location in locations:
        root = Path(location)
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
