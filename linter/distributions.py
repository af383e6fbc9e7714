"""The installed distributions samcheck asks about: rule packs' entry points, and versions.

Read straight from the ``*.dist-info`` and ``*.egg-info`` folders on the module path, as
``importlib.metadata`` finds them (the first distribution of a name on the path wins), without
importing it: with the ``email``, ``zipfile`` and ``csv`` modules it pulls in, that took ~30 ms of
every start. Distributions inside zip files on the module path are not searched.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from functools import cache, reduce
from typing import Any, NamedTuple

_INFO_SUFFIXES = (".dist-info", ".egg-info")
# importlib.metadata's syntax of an entry point's value: ``module.path:attribute.path [extras]``
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


class Distribution(NamedTuple):
    name: str  # as its metadata spells it
    version: str
    path: str  # its metadata folder (or, for an old egg-info, file)


class EntryPoint(NamedTuple):
    name: str
    value: str
    dist: Distribution

    @property
    def module(self) -> str:
        match = _VALUE.match(self.value)
        return match.group("module") if match else self.value

    def load(self) -> Any:  # whatever the pack names
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"{self.value!r} is not a module or module:attribute")
        attributes = (match.group("attr") or "").split(".")
        return reduce(getattr, filter(None, attributes), importlib.import_module(match.group("module")))


def normalized(name: str) -> str:
    """A distribution name as importlib.metadata compares them (PEP 503, with underscores)."""
    return re.sub(r"[-_.]+", "_", name).lower()


@cache
def _distributions() -> tuple[tuple[str, str], ...]:
    """(normalized name, metadata path) of each distribution on the module path, first one first."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            children = sorted(os.listdir(folder or "."))
        except OSError:  # missing, not a folder, or a zip file
            continue
        for child in children:
            stem, suffix = os.path.splitext(child)
            if suffix.lower() in _INFO_SUFFIXES:
                found.setdefault(normalized(stem.partition("-")[0]), os.path.join(folder or ".", child))
    return tuple(found.items())


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except (OSError, UnicodeDecodeError):  # absent, or not a file
        return ""


@cache
def _distribution(path: str) -> Distribution:
    """Its name and version from the METADATA (or PKG-INFO) headers, which end at the first blank
    line (an old egg-info is a PKG-INFO file itself)."""
    if os.path.isdir(path):
        metadata = _read(os.path.join(path, "METADATA")) or _read(os.path.join(path, "PKG-INFO"))
    else:
        metadata = _read(path)
    headers: dict[str, str] = {}
    for line in metadata.splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        headers.setdefault(key.strip().lower(), value.strip())
    return Distribution(headers.get("name", ""), headers.get("version", ""), path)


def version(name: str) -> str | None:
    """The version of the first distribution called ``name`` on the module path; None if none is."""
    wanted = normalized(name)
    path = next((path for found, path in _distributions() if found == wanted), None)
    return None if path is None else _distribution(path).version


def entry_points(group: str) -> tuple[EntryPoint, ...]:
    """Every distribution's entry points of ``group``, from its ``entry_points.txt`` (an INI file)."""
    points: list[EntryPoint] = []
    for _, path in _distributions():
        section = None
        for line in _read(os.path.join(path, "entry_points.txt")).splitlines():
            line = line.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
            elif section == group and "=" in line:
                name, _, value = line.partition("=")
                points.append(EntryPoint(name.strip(), value.strip(), _distribution(path)))
    return tuple(points)
