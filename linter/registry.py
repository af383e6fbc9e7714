"""Rule discovery through the ``samcheck.rules`` entry-point group, and rule selectors.

Each entry point names a list of rule classes; built-in packs register the same way a
third-party pack would. A pack from another distribution than samcheck's is a plugin: its rules
run contained (``samcheck.check.sandbox``), and printing while it loads is not shown.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

from samcheck.decide import selectors
from samcheck.decide.selectors import selected
from samcheck.distributions import EntryPoint, entry_points
from samcheck.rule import Rule

ENTRY_POINT_GROUP = "samcheck.rules"
_DISTRIBUTION = "samcheck"  # its packs are samcheck's own code


# What a rule must look like to be run: ids and slugs end up in reports, selectors and schemas.
_RULE_ID = re.compile(r"SC\d{4}")
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@cache
def _packs() -> tuple[EntryPoint, ...]:
    """The packs' entry points, by name."""
    return tuple(sorted(entry_points(ENTRY_POINT_GROUP), key=lambda point: point.name))


class _Loaded(NamedTuple):
    rules: tuple[type[Rule], ...]
    problems: tuple[str, ...]
    plugins: dict[str, str]  # rule id -> its pack's name, for the rules of third-party packs


@cache
def _load() -> _Loaded:
    """Every pack's rules, and why any pack or rule was left out: one broken plugin never stops
    the others (its problem is told to the user instead)."""
    found: dict[str, type[Rule]] = {}
    problems: list[str] = []
    plugins: dict[str, str] = {}
    for entry_point in _packs():
        plugin = entry_point.dist.name != _DISTRIBUTION
        try:
            with _quiet() if plugin else contextlib.nullcontext():
                rules = list(entry_point.load())
        except Exception as error:  # a plugin's own bug or a missing dependency
            problems.append(f"rule pack {entry_point.name} could not be loaded ({type(error).__name__}: {error})")
            continue
        for rule in rules:
            problem = _invalid(rule, found)
            if problem:
                problems.append(f"rule pack {entry_point.name}: {problem}; it is not run")
                continue
            found[rule.id] = rule
            if plugin:
                plugins[rule.id] = entry_point.name
    return _Loaded(tuple(sorted(found.values(), key=lambda rule: rule.id)), tuple(problems), plugins)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """A plugin importing: what it prints must not land in a report on standard output."""
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def _invalid(rule: object, found: dict[str, type[Rule]]) -> str | None:
    if not (isinstance(rule, type) and issubclass(rule, Rule)):
        return f"{rule!r} is not a samcheck Rule"
    rule_id, name = getattr(rule, "id", None), getattr(rule, "name", None)
    if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id):
        return f"{rule.__name__} has id {rule_id!r}, but rule ids are SC and four digits (SC9101)"
    if not isinstance(name, str) or not _SLUG.fullmatch(name):
        return f"{rule_id} has slug {name!r}, but slugs are lower-case words joined by hyphens"
    if rule_id in found and found[rule_id] is not rule:
        return f"{rule_id} is already {found[rule_id].__module__}.{found[rule_id].__name__}"
    return None


def all_rules() -> tuple[type[Rule], ...]:
    return _load().rules


def plugin_pack(rule: type[Rule]) -> str | None:
    """The name of the third-party pack ``rule`` comes from; None for samcheck's own rules."""
    return _load().plugins.get(rule.id)


def run_wide_rules() -> tuple[type[Rule], ...]:
    """The rules that collect facts from each file and judge them over the whole run."""
    return tuple(rule for rule in all_rules() if rule.collect is not Rule.collect)


def registry_problems() -> tuple[str, ...]:
    """Packs and rules left out, and why (shown on standard error at the start of a run)."""
    return _load().problems


def unknown_selector(selector: str) -> str | None:
    """Why a selector names no registered rule nor cfn-lint's (with the nearest names), or None when
    it names some."""
    from samcheck.check.cfnlint_rules import cfn_lint_rules

    return selectors.unknown_selector(selector, ((rule.id, rule.name) for rule in all_rules()), cfn_lint_rules)


def select_rules(select: list[str], ignore: list[str]) -> list[type[Rule]]:
    rules = [rule for rule in all_rules() if not select or selected(rule.id, rule.name, select)]
    return [rule for rule in rules if not selected(rule.id, rule.name, ignore)]


def find_rule(key: str) -> type[Rule] | None:
    return next((r for r in all_rules() if key.upper() == r.id or key.lower() == r.name), None)


@cache
def pack_fingerprints() -> tuple[str, ...]:
    """What findings depend on besides the template: each rule pack's distribution and version, and
    a digest of its package's source files, since a pack installed from a working tree (editable,
    or found in the current folder) keeps its version while its code changes."""
    parts = []
    for entry_point in _packs():
        dist = entry_point.dist
        part = f"{entry_point.name}:{entry_point.value}={dist.name} {dist.version}"
        parts.append(f"{part} source={_source_digest(entry_point.module)}")
    return tuple(parts)


def _source_digest(module: str) -> str:
    """A digest of every Python file of the pack's top-level package and of its loaded packages
    down to the pack's own, where one lies outside the folders above it (a plain editable install
    maps ``samcheck.rules`` to ``rules/``, beside ``samcheck``'s ``linter/``): relative path, size and
    modification time, which any edit changes (reading and hashing the contents took 12-20 ms a
    process)."""
    import hashlib
    import importlib.util

    names = module.split(".")
    spec = importlib.util.find_spec(names[0])
    folders = list(spec.submodule_search_locations or [] if spec else [])
    for depth in range(2, len(names) + 1):  # loaded already: the pack was, or it has no rules to cache
        for location in getattr(sys.modules.get(".".join(names[:depth])), "__path__", []):
            if not any(os.path.commonpath([location, folder]) == folder for folder in folders):
                folders.append(location)
    return hashlib.sha256("\n".join(map(_folder_digest, folders)).encode()).hexdigest()[:16]


@cache
def _folder_digest(location: str) -> str:
    files = []
    for folder, _, names in os.walk(location):
        for name in names:
            if name.endswith(".py"):
                info = os.stat(os.path.join(folder, name))
                files.append(f"{folder[len(location) :]}/{name}\0{info.st_size}\0{info.st_mtime_ns}")
    return "\n".join(sorted(files))
