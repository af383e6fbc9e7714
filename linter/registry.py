"""Rule discovery through the ``samcheck.rules`` entry-point group.

Each entry point names a list of rule classes; built-in packs register the same way a
third-party pack would.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

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


def matches(rule: type[Rule], selectors: list[str]) -> bool:
    return selected(rule.id, rule.name, selectors)


def select_rules(select: list[str], ignore: list[str]) -> list[type[Rule]]:
    rules = [rule for rule in all_rules() if not select or matches(rule, select)]
    return [rule for rule in rules if not matches(rule, ignore)]


def find_rule(key: str) -> type[Rule] | None:
    return next((r for r in all_rules() if key.upper() == r.id or key.lower() == r.name), None)
