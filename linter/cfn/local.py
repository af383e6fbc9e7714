"""Which local files samcheck may read for a template, and how it opens them.

samcheck lints repositories from strangers (CI on a fork's pull request, pre-commit, editors):
every file in one, links and folders included, may be hostile; the command line, the environment
and the user's own configuration are not. So a file is opened only once its path, links followed,
is known to lie inside the project, and only when it is a regular file: a pipe would block the read
forever, a device never end it, and opening some does something.

The project of a template is the repository it is in (the nearest folder above it with ``.git``),
else the template's own folder. A folder that holds the home folder (``/``, ``$HOME`` and any folder
between them) is never a project, not even as a repository (of dotfiles): every secret of the user
would be inside it. Then the project is the template's own folder, and when that folder too holds
the home folder, there is none: only the template itself is read. ``SAMCHECK_PROJECT_ROOT`` names
the root instead.

Inside the project only are read or measured: what a template names (``AWS::Include`` locations,
``DefinitionUri``, nested templates, code folders; SC0016 reports the others), and the template
itself when it is a link or lies in a linked folder of a repository.

Every file a template names is read through ``read_regular``, which notes each read in the
``Reads`` being recorded (``recording``): the path, where its links led and a digest of what was
read, or why nothing could be (a missing file too); ``inside_project`` notes where each path it
judges leads. The cache keeps a result with its reads and serves it only while each path leads
and reads the same.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT_VARIABLE = "SAMCHECK_PROJECT_ROOT"


class NotRegularFileError(OSError):
    """A pipe, device, socket or folder where a file was expected: never opened."""


class OutsideProjectError(OSError):
    """A link on the way to a file leads outside the project: the file is never opened."""


def real(path: Path) -> Path:
    """``path`` with every link followed. Never raises: a loop or a missing target ends the
    following there (``Path.resolve`` raises RuntimeError on a loop before Python 3.13), and a name
    no file can have (a NUL, a lone surrogate, as a template may write) is only made absolute."""
    try:
        return Path(os.path.realpath(path))
    except ValueError:
        return Path(os.path.abspath(path))


def within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or below it (both real)."""
    return path == folder or folder in path.parents


def _holds_home(folder: Path) -> bool:
    """Whether a real folder is ``/``, the home folder or a folder between them."""
    home = os.path.expanduser("~")
    return folder == Path(folder.anchor) or (home != "~" and within(real(Path(home)), folder))


def repository_root(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` (links followed) that holds ``.git`` (found without
    running git)."""
    here = real(folder)
    return next((candidate for candidate in (here, *here.parents) if (candidate / ".git").exists()), None)


def _repository(folder: Path) -> Path | None:
    """The project root a real folder is in by ``SAMCHECK_PROJECT_ROOT`` or a repository; None when
    only the folder's own tree can be the project."""
    configured = os.environ.get(PROJECT_ROOT_VARIABLE)
    if configured:
        return real(Path(configured))
    repository = repository_root(folder)
    return None if repository is None or _holds_home(repository) else repository


def project_root(folder: Path) -> Path | None:
    """The project of a template in ``folder``; None when it has none (only the template is read)."""
    here = real(folder)
    return _repository(here) or (None if _holds_home(here) else here)


def inside_project(path: Path, folder: Path) -> bool:
    """Whether ``path`` (links followed) lies inside the project of a template in ``folder``; where
    it leads is noted in the ``Reads`` being recorded, if any."""
    root = project_root(folder)
    where = real(path)
    reads = _recorded.get()
    if reads is not None:
        reads.note_place(path, where)
    return root is not None and within(where, root)


def link_out_of_project(path: Path) -> Path | None:
    """The link by which a file named to be linted (a template as given or found) leaves the project,
    or None when none does.

    The file itself, when a link, must lead into the project of its folder (with no project, the
    file is no link). A linked folder on the way must lead into the repository it lies in: there a
    stranger may have put it, while the user's own links (outside any repository: ``~/code ->
    /mnt/code``) are followed.
    """
    absolute = path.absolute()
    above = len(absolute.parts) - len(path.parts)  # the working directory's, when path is relative
    for end in range(2, len(absolute.parts)):
        folder = Path(*absolute.parts[:end])
        if folder.is_symlink():
            holder = real(folder.parent)
            repository = _repository(holder)
            if repository is not None and within(holder, repository) and not within(real(folder), repository):
                return Path(*path.parts[: end - above]) if end > above else folder
    if not absolute.is_symlink():
        return None
    root = project_root(absolute.parent)
    return None if root is not None and within(real(absolute), root) else path


@dataclass
class Reads:
    """What was learnt from the disk while it was recorded: the files read, by (path, bytes asked
    for), with where the path's links led and a digest of what was read or the name of the error
    that stopped the read; and where each path judged in or out of the project led."""

    files: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)

    def note_read(self, path: Path, limit: int, outcome: bytes | Exception) -> None:
        self.files.setdefault((str(path), limit), (str(real(path)), _digest(outcome)))

    def note_place(self, path: Path, where: Path) -> None:
        self.places.setdefault(str(path), str(where))

    def add(self, other: Reads) -> None:
        for read, seen in other.files.items():
            self.files.setdefault(read, seen)
        for name, where in other.places.items():
            self.places.setdefault(name, where)

    def unchanged(self) -> bool:
        """Whether every path still leads and reads the same. One whose links lead elsewhere now is
        not read again: it may lead out of the project."""
        if any(str(real(Path(name))) != where for name, where in self.places.items()):
            return False
        for (name, limit), (where, digest) in self.files.items():
            path = Path(name)
            if str(real(path)) != where:
                return False
            try:
                outcome: bytes | Exception = _read_regular(path, limit)
            except (OSError, ValueError) as error:
                outcome = error
            if _digest(outcome) != digest:
                return False
        return True


def _digest(outcome: bytes | Exception) -> str:
    import hashlib  # only a cached run compares what it read: OpenSSL is not loaded otherwise

    if isinstance(outcome, Exception):
        return type(outcome).__name__
    return hashlib.sha256(outcome).hexdigest()


_recorded: ContextVar[Reads | None] = ContextVar("samcheck_reads", default=None)


@contextlib.contextmanager
def recording() -> Iterator[Reads]:
    """Note every ``read_regular`` and ``inside_project`` in this context in the Reads yielded (and
    not in an outer recording: ``note_reads`` adds them there)."""
    reads = Reads()
    token = _recorded.set(reads)
    try:
        yield reads
    finally:
        _recorded.reset(token)


def note_reads(reads: Reads) -> None:
    """Add what was read elsewhere (in a forked child) to the Reads being recorded, if any."""
    outer = _recorded.get()
    if outer is not None:
        outer.add(reads)


def read_regular(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file; NotRegularFileError, unopened, for anything else.
    The open neither waits (for a pipe swapped in since) nor takes a terminal. Noted in the
    ``Reads`` being recorded, if any, whether it succeeds or not."""
    reads = _recorded.get()
    if reads is None:
        return _read_regular(path, limit)
    try:
        raw = _read_regular(path, limit)
    except (OSError, ValueError) as error:  # ValueError: a name no file can have
        reads.note_read(path, limit, error)
        raise
    reads.note_read(path, limit, raw)
    return raw


def _read_regular(path: Path, limit: int) -> bytes:
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegularFileError(f"{path} is not a regular file")
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY), "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise NotRegularFileError(f"{path} is not a regular file")
        return stream.read(limit)


def read_project_file(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a file samcheck reads beside the templates (a configuration, a
    baseline). One in a repository may be a stranger's: when a link leads it out of the project it
    is not opened (OutsideProjectError), since its target could be any file of the user's and
    messages quote what they read; the user's own files outside any repository are read wherever
    their links lead. Only regular files are opened."""
    reader = read_named if repository_root(path.parent) is not None else read_regular
    return reader(path, limit)


def read_named(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a file named to be linted: OutsideProjectError when a link leads
    it outside the project (``link_out_of_project``), as ``read_regular`` otherwise."""
    link = link_out_of_project(path)
    if link is not None:
        raise OutsideProjectError(f"{link} is a link that leads outside the project")
    return read_regular(path, limit)
