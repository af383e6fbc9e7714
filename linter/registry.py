"""Rule discovery through the ``samcheck.rules`` entry-point group, and rule selectors.

Each entry point names a list of rule classes; built-in packs register the same way a
third-party pack would. A pack from another distribution than samcheck's is a plugin: its rules
run contained (``samcheck.check.sandbox``), and printing while it loads is not shown.

A run knows each rule first by its :class:`RuleInfo`, and imports the rule (with the analyses it
uses) only when a template can need it (``RuleInfo.applies_to``). For samcheck's own packs the
infos come from ``rules/index.json``, written from the rule classes (``rule_index``; a test keeps
it current), so that a run imports none of the rules a template has no resources for; a
third-party pack is imported whole.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator, Set
from functools import cache
from typing import Any, NamedTuple

from samcheck.decide import selectors
from samcheck.decide.selectors import selected
from samcheck.distributions import EntryPoint, entry_points
from samcheck.rule import Rule

ENTRY_POINT_GROUP = "samcheck.rules"
_DISTRIBUTION = "samcheck"  # its packs are samcheck's own code
INDEX = "index.json"  # in the package samcheck.rules


# What a rule must look like to be run: ids and slugs end up in reports, selectors and schemas.
_RULE_ID = re.compile(r"SC\d{4}")
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class RuleInfo(NamedTuple):
    """What a run knows of a rule before importing it: enough to select it, to know the stage that
    runs it, and whether a template can need it."""

    id: str
    name: str
    pack: str  # its entry point's name
    target: str  # "module:Class"
    needs_template: bool
    reads_disk: bool
    reviews_suppressions: bool
    run_wide: bool  # it collects facts from each file and judges them over the run
    resource_types: frozenset[str]
    plugin: bool  # from a third-party pack

    def applies_to(self, types: Set[str]) -> bool:
        """Whether a template with resources of these types can need the rule."""
        return not self.resource_types or not self.resource_types.isdisjoint(types)


def _info(rule: type[Rule], pack: str, plugin: bool) -> RuleInfo:
    return RuleInfo(
        rule.id,
        rule.name,
        pack,
        f"{rule.__module__}:{rule.__qualname__}",
        rule.needs_template,
        rule.reads_disk,
        rule.reviews_suppressions,
        rule.collect is not Rule.collect,
        frozenset(rule.resource_types),
        plugin,
    )


@cache
def _packs() -> tuple[EntryPoint, ...]:
    """The packs' entry points, by name."""
    return tuple(sorted(entry_points(ENTRY_POINT_GROUP), key=lambda point: point.name))


class _Loaded(NamedTuple):
    rules: tuple[RuleInfo, ...]
    problems: tuple[str, ...]


_classes: dict[str, type[Rule]] = {}  # by rule id: the rules imported so far


@cache
def _load() -> _Loaded:
    """Every pack's rules, and why any pack or rule was left out: one broken plugin never stops
    the others (its problem is told to the user instead)."""
    found: dict[str, RuleInfo] = {}
    problems: list[str] = []
    indexed = _index()
    for entry_point in _packs():
        plugin = entry_point.dist.name != _DISTRIBUTION
        if not plugin and entry_point.name in indexed:
            found |= {info.id: info for info in indexed[entry_point.name]}
            continue
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
            found[rule.id] = _info(rule, entry_point.name, plugin)
            _classes[rule.id] = rule
    return _Loaded(tuple(sorted(found.values(), key=lambda info: info.id)), tuple(problems))


@cache
def _index() -> dict[str, tuple[RuleInfo, ...]]:
    """samcheck's own packs, by entry point name, as ``rules/index.json`` lists them; none where it is
    missing (sources copied without it): the packs are then imported whole, as a plugin's."""
    import json
    from pathlib import Path

    import samcheck.rules

    try:
        written = json.loads((Path(samcheck.rules.__file__).parent / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        pack: tuple(
            RuleInfo(**{**row, "resource_types": frozenset(row["resource_types"])}, pack=pack, plugin=False)
            for row in rows
        )
        for pack, rows in written["packs"].items()
    }


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """A plugin importing: what it prints must not land in a report on standard output."""
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def _invalid(rule: object, found: dict[str, RuleInfo]) -> str | None:
    if not (isinstance(rule, type) and issubclass(rule, Rule)):
        return f"{rule!r} is not a samcheck Rule"
    rule_id, name = getattr(rule, "id", None), getattr(rule, "name", None)
    if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id):
        return f"{rule.__name__} has id {rule_id!r}, but rule ids are SC and four digits (SC9101)"
    if not isinstance(name, str) or not _SLUG.fullmatch(name):
        return f"{rule_id} has slug {name!r}, but slugs are lower-case words joined by hyphens"
    if rule_id in found and found[rule_id].target != f"{rule.__module__}:{rule.__qualname__}":
        return f"{rule_id} is already {found[rule_id].target.replace(':', '.')}"
    return None


def rule_infos() -> tuple[RuleInfo, ...]:
    """Every registered rule, by id, none imported."""
    return _load().rules


def rule_class(info: RuleInfo) -> type[Rule]:
    """The rule itself, imported now if it was not yet."""
    if info.id not in _classes:
        import importlib

        module, _, name = info.target.partition(":")
        _classes[info.id] = getattr(importlib.import_module(module), name)
    return _classes[info.id]


def all_rules() -> tuple[type[Rule], ...]:
    """Every registered rule, imported (their documentation, ``samcheck rules``)."""
    return tuple(rule_class(info) for info in rule_infos())


@cache
def known_rules() -> tuple[tuple[str, str], ...]:
    """(id, slug) of every registered rule: what selectors may name."""
    return tuple((info.id, info.name) for info in rule_infos())


def plugin_pack(rule_id: str) -> str | None:
    """The name of the third-party pack a rule comes from; None for samcheck's own rules."""
    info = find_info(rule_id)
    return info.pack if info is not None and info.plugin else None


def run_wide_rules() -> tuple[RuleInfo, ...]:
    """The rules that collect facts from each file and judge them over the whole run."""
    return tuple(info for info in rule_infos() if info.run_wide)


def registry_problems() -> tuple[str, ...]:
    """Packs and rules left out, and why (shown on standard error at the start of a run)."""
    return _load().problems


def unknown_selector(selector: str) -> str | None:
    """Why a selector names no registered rule nor cfn-lint's (with the nearest names), or None when
    it names some."""
    from samcheck.check.cfnlint_rules import cfn_lint_rules

    return selectors.unknown_selector(selector, known_rules(), cfn_lint_rules)


def select_rules(select: list[str], ignore: list[str]) -> list[RuleInfo]:
    rules = [info for info in rule_infos() if not select or selected(info.id, info.name, select)]
    return [info for info in rules if not selected(info.id, info.name, ignore)]


def find_info(key: str) -> RuleInfo | None:
    """The rule a key names: its id or its slug."""
    return next((info for info in rule_infos() if key.upper() == info.id or key.lower() == info.name), None)


def find_rule(key: str) -> type[Rule] | None:
    info = find_info(key)
    return rule_class(info) if info is not None else None


def rule_index() -> dict[str, Any]:
    """``rules/index.json`` as samcheck's own rule classes say it should be (imports them all)."""
    packs: dict[str, list[dict[str, Any]]] = {}
    for entry_point in _packs():
        if entry_point.dist.name != _DISTRIBUTION:
            continue
        rows = [_info(rule, entry_point.name, False)._asdict() for rule in entry_point.load()]
        for row in rows:
            del row["pack"], row["plugin"]
            row["resource_types"] = sorted(row["resource_types"])
        packs[entry_point.name] = sorted(rows, key=lambda row: row["id"])
    return {
        "about": "samcheck's own rules as a run knows them before importing them (samcheck.registry); written "
        "from the rule classes: SAMCHECK_UPDATE_SNAPSHOTS=1 pytest tests/test_rule_index.py rewrites it",
        "packs": packs,
    }


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
