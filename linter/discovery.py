"""Turn command-line PATH arguments into the template files to lint.

Files are taken as given. Folders are walked (never following symlinks, so a link loop
cannot trap the walk) for ``template.yaml``/``template.yml``/``template.json``,
``*.template.*``, ``*.template`` and .NET's ``serverless.template``, and any YAML or JSON whose
top level has ``Resources`` with AWS types; what ``exclude`` globs match is left out of the walk.
A link that cannot be followed (a loop, a missing target) is still a file to lint: its report says
why it cannot be read. Telling a template by its content needs a read, so a link leading outside
the project (``samcheck.cfn.local``) is taken only when named like a template (and then reported,
never read).
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from samcheck.cfn.local import read_named, real

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json")
# Names that are templates whatever their content (AWS Toolkit and .NET use "*.template").
TEMPLATE_NAME_SUFFIXES = (".template",)
DEFAULT_NAMES = ("template.yaml", "template.yml", "template.json")
# Build outputs, dependencies and tool caches hold copies or unrelated YAML.
SKIPPED_FOLDERS = frozenset(
    {".git", ".aws-sam", "node_modules", ".venv", "venv", "__pycache__", ".tox", "cdk.out", ".serverless"}
)
_SNIFF_BYTES = 64 * 1024
_TOP_LEVEL_RESOURCES = re.compile(rb'^(Resources\s*:|\s*\{?\s*"Resources"\s*:)', re.MULTILINE)


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _is_named_template(path: Path) -> bool:
    name = path.name.lower()
    return (
        name in DEFAULT_NAMES
        or (".template." in name and name.endswith(TEMPLATE_SUFFIXES))
        or name.endswith(TEMPLATE_NAME_SUFFIXES)
    )


def _excluded(path: Path, patterns: tuple[str, ...], base: Path, folder: Path) -> bool:
    """Whether a glob names the path relative to ``base`` (the working directory), or one of the
    names below the ``folder`` being walked (a folder given on the command line is never excluded)."""
    if not patterns:
        return False
    try:
        relative = path.absolute().relative_to(base.absolute()).as_posix()
    except ValueError:
        relative = path.as_posix()
    candidates = [relative, *path.relative_to(folder).parts]
    return any(fnmatch(candidate, pattern.rstrip("/")) for candidate in candidates for pattern in patterns)


def _looks_like_template(path: Path) -> bool:
    """A cheap sniff of the first 64 KiB, of a regular file inside the project only."""
    try:
        head = read_named(path, _SNIFF_BYTES)
    except OSError:
        return False
    return looks_like_template(head)


def looks_like_template(head: bytes) -> bool:
    """A top-level Resources key and an AWS type: what folder walks (and the language server, for
    a buffer) take for a template."""
    return bool(_TOP_LEVEL_RESOURCES.search(head[:_SNIFF_BYTES])) and b"AWS::" in head[:_SNIFF_BYTES]


def is_template(path: Path, head: bytes) -> bool:
    """Whether a file with this name and these first bytes is a template."""
    return path.suffix.lower() in (*TEMPLATE_SUFFIXES, *TEMPLATE_NAME_SUFFIXES) and (
        _is_named_template(path) or looks_like_template(head)
    )


def _is_file(path: Path) -> bool:
    """Whether there is a file to lint: anything but a folder, a link included even when it cannot
    be followed."""
    return not path.is_dir() and (path.is_symlink() or path.exists())


def _walk(folder: Path, excluded: tuple[str, ...], base: Path) -> list[Path]:
    found = []
    for root, folders, files in os.walk(folder, onerror=None, followlinks=False):
        folders[:] = sorted(name for name in folders if not _excluded(Path(root, name), excluded, base, folder))
        for name in sorted(files):
            path = Path(root, name)
            suffixes = TEMPLATE_SUFFIXES + TEMPLATE_NAME_SUFFIXES
            if not name.lower().endswith(suffixes) or _excluded(path, excluded, base, folder):
                continue
            if _is_named_template(path) or _looks_like_template(path):
                found.append(path)
    return found


def discover(
    arguments: list[str],
    cwd: Path | None = None,
    exclude: tuple[str, ...] | None = None,
    extend_exclude: tuple[str, ...] = (),
) -> Discovery:
    """The templates PATH arguments name. ``exclude`` globs replace the default folders left out of
    a walk (build output, dependencies); ``extend_exclude`` adds to them. A file named on the
    command line is linted whatever they say."""
    result = Discovery()
    base = cwd or Path.cwd()
    excluded = (tuple(SKIPPED_FOLDERS) if exclude is None else exclude) + extend_exclude
    if not arguments:
        # Named as if given on the command line: reports read the same with or without a PATH.
        defaults = [Path(name) if cwd is None else base / name for name in DEFAULT_NAMES if _is_file(base / name)]
        result.files = defaults[:1]
        return result
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = real(path)  # one file reached through links or globs is linted once
        if key not in seen:
            seen.add(key)
            result.files.append(path)

    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            for found in _walk(path, excluded, base):
                add(found)
        elif _is_file(path):
            add(path)
        elif glob.has_magic(argument):
            matches = sorted(glob.glob(argument, recursive=True))
            for match in matches:
                if Path(match).is_file():
                    add(Path(match))
            if not matches:
                result.missing.append(argument)
        else:
            result.missing.append(argument)
    return result
