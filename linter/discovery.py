"""Turn command-line PATH arguments into the template files to lint.

Files are taken as given. Folders are walked (never following symlinks, so a link loop
cannot trap the walk) for ``template.yaml``/``.yml``, ``*.template.yaml``/``.yml``, ``*.template``
and .NET's ``serverless.template``, and any YAML or JSON whose top level looks like a template:
``AWSTemplateFormatVersion``, ``Transform``, or ``Resources`` with AWS types. A JSON file is judged
by its top level whatever its name (``dotnet new`` keeps its configuration in
``.template.config/template.json``). The top level of a YAML document is at the indent of its first
key, so a nested ``Resources`` (the Serverless Framework's ``resources:``) is not taken for one;
what ``exclude`` globs match is left out of the walk,
and with ``force_exclude`` left out of the files named too (pre-commit names every staged file).
A state machine definition or OpenAPI document named on the command line (pre-commit names the
staged ``.asl.json``) is checked through the templates of its project that read it, by path from
their folder; alone it is not a template.
A link that cannot be followed (a loop, a missing target) is still a file to lint: its report says
why it cannot be read. Telling a template by its content needs a read, so a link leading outside
the project (``samcheck.cfn.local``) is taken only when named like a template (and then reported,
never read).
"""

from __future__ import annotations

import glob
import json
import os
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from samcheck.cfn.local import project_root, read_named, real, within

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json")
# Names that are templates whatever their content (AWS Toolkit and .NET use "*.template").
TEMPLATE_NAME_SUFFIXES = (".template",)
DEFAULT_NAMES = ("template.yaml", "template.yml", "template.json")
# Build outputs, dependencies and tool caches hold copies or unrelated YAML.
SKIPPED_FOLDERS = frozenset(
    {".git", ".aws-sam", "node_modules", ".venv", "venv", "__pycache__", ".tox", "cdk.out", ".serverless"}
)
# CloudFormation takes a template of at most 1 MB: its top level is in that much, however large
# the sections before Resources.
_SNIFF_BYTES = 1024 * 1024
_TEMPLATE_KEYS = (b"AWSTemplateFormatVersion", b"Transform", b"Resources")
# The first key of a YAML document: its indent is the top level's (blank, comment, directive and
# document marker lines are skipped).
_FIRST_YAML_KEY = re.compile(rb"^( *)[^\s#%-]", re.MULTILINE)
# Top-level keys of the documents templates read from files: Amazon States Language, OpenAPI.
_DEFINITION_KEYS = (b"StartAt", b"States", b"openapi", b"swagger")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    excluded: list[Path] = field(default_factory=list)  # files named but excluded (force_exclude)
    unread: list[Path] = field(default_factory=list)  # definitions named that no template reads


def _is_named_template(path: Path) -> bool:
    """A name that makes a template whatever the content; never a JSON file's (see above)."""
    name = path.name.lower()
    return not name.endswith(".json") and (
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


def _named_excluded(path: Path, patterns: tuple[str, ...], base: Path) -> bool:
    """Whether a glob names a file given on the command line, by its path from ``base`` or a folder
    on that path (``node_modules`` excludes ``node_modules/pkg/template.yaml``), as in a walk of ``base``."""
    absolute = Path(os.path.abspath(path))
    folder = base.absolute() if absolute.is_relative_to(base.absolute()) else absolute.parent
    return _excluded(absolute, patterns, base, folder)


def _looks_like_template(path: Path) -> bool:
    """A sniff of the first MiB, of a regular file inside the project only."""
    try:
        head = read_named(path, _SNIFF_BYTES)
    except OSError:
        return False
    return looks_like_template(head)


def looks_like_template(head: bytes) -> bool:
    """A top level with AWSTemplateFormatVersion, Transform, or Resources and an AWS type: what
    folder walks (and the language server, for a buffer) take for a template."""
    head = head[:_SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf")
    keys = _top_level_keys(head, _TEMPLATE_KEYS)
    return bool(keys - {b"Resources"}) or (b"Resources" in keys and b"AWS::" in head)


def _is_definition(path: Path) -> bool:
    """Whether a file's top level is a state machine definition's or an OpenAPI document's."""
    try:
        head = read_named(path, _SNIFF_BYTES).removeprefix(b"\xef\xbb\xbf")
    except OSError:
        return False
    if looks_like_template(head):
        return False  # a template (maybe with a state machine inside it), however broken
    keys = _top_level_keys(head, _DEFINITION_KEYS)
    return {b"StartAt", b"States"} <= keys or bool(keys & {b"openapi", b"swagger"})


def _top_level_keys(head: bytes, names: tuple[bytes, ...]) -> set[bytes]:
    if head.lstrip().startswith(b"{"):
        return _json_top_level_keys(head, names)
    return _yaml_top_level_keys(head, names)


def _yaml_top_level_keys(head: bytes, names: tuple[bytes, ...]) -> set[bytes]:
    """The keys among ``names`` at the indent of the document's first key."""
    first = _FIRST_YAML_KEY.search(head)
    if first is None:
        return set()
    alternatives = b"|".join(names)
    top_level = re.compile(rb"^" + first.group(1) + rb"[\"']?(" + alternatives + rb")[\"']?\s*:", re.MULTILINE)
    return {match.group(1) for match in top_level.finditer(head)}


def _json_top_level_keys(head: bytes, names: tuple[bytes, ...]) -> set[bytes]:
    """The keys among ``names`` of a JSON object; any such key, at any level, when it does not
    parse (a template with a syntax error is still one, for SC0001 to report)."""
    try:
        data = json.loads(head)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's stack
        alternatives = b"|".join(names)
        return {match.group(1) for match in re.finditer(rb'"(' + alternatives + rb')"\s*:', head)}
    keys = data.keys() if isinstance(data, dict) else ()
    return {key.encode() for key in keys if key.encode() in names}


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


def _readers(definition: Path, excluded: tuple[str, ...], base: Path) -> list[Path]:
    """The templates of the definition's project (its repository, else the working directory it
    is in, never the home folder) that name it by a path from their folder."""
    folder = real(definition.parent)
    here = real(base)
    project = project_root(folder) or folder
    if project == folder and within(folder, here) and project_root(here) == here:
        project = here  # no repository: templates usually sit above their definitions' folder
    target = real(definition)
    name = re.escape(definition.name.encode())
    mention = re.compile(rb"[\w./\\-]*" + name)  # the path as written, unquoted
    readers = []
    for template in _walk(project, excluded, base):
        try:
            text = read_named(template, _SNIFF_BYTES)
        except OSError:
            continue
        written = (match.group().decode(errors="replace") for match in mention.finditer(text))
        if any(real(template.parent / path) == target for path in written):
            # named from the working directory, as the definition was
            readers.append(Path(os.path.relpath(template, here)) if within(template, here) else template)
    return readers


def discover(
    arguments: list[str],
    cwd: Path | None = None,
    exclude: tuple[str, ...] | None = None,
    extend_exclude: tuple[str, ...] = (),
    force_exclude: bool = False,
) -> Discovery:
    """The templates PATH arguments name. ``exclude`` globs replace the default folders left out of
    a walk (build output, dependencies); ``extend_exclude`` adds to them. A file named on the
    command line is linted whatever they say, unless ``force_exclude``."""
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
        if force_exclude and _named_excluded(path, excluded, base):
            result.excluded.append(path)
            return
        if not _is_named_template(path) and _is_definition(path):
            readers = _readers(path, excluded, base)
            if not readers:
                result.unread.append(path)
            for reader in readers:
                add(reader)
            return
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
