"""A template's text as ``--fix`` and ``--diff`` read and write it: exactly (line breaks kept),
replaced in one step inside its project and only if it still holds what was read, or shown as a
diff ``git apply`` takes."""

from __future__ import annotations

from pathlib import Path


def read_exactly(path: Path) -> str:
    """A template's text with its line breaks as they are (CRLF stays CRLF)."""
    return path.read_bytes().decode("utf-8")


def fix_target(path: Path) -> Path:
    """The file ``--fix`` rewrites for ``path``: itself, or a symlink's target when that is inside
    the project (the repository's files are not trusted: a link may point at the user's files).
    A link leading outside is refused (PermissionError)."""
    from samcheck.cfn.local import link_out_of_project, real

    link = link_out_of_project(path)
    if link is not None:
        raise PermissionError(f"{link} is a link that leads outside the project, to {real(link)}")
    return real(path)


def write_atomically(target: Path, text: str, read: str) -> None:
    """Replace ``target`` (a ``fix_target``) with ``text`` in one step, a temporary file renamed over
    it, keeping its mode, if it still holds ``read``: an edit saved while samcheck was fixing is
    kept and the fix refused (OSError "changed while fixing"). The bytes are compared just before
    the rename, so an edit saved in the microseconds between the two is still lost: no file system
    offers replace-if-unchanged. A file its owner made read-only is refused (OSError), and no
    temporary file is ever left behind."""
    import os
    import tempfile

    from samcheck.interrupts import held

    info = target.stat()
    if not os.access(target, os.W_OK) or not info.st_mode & 0o200:
        raise PermissionError(f"{target} is read-only")
    with held():  # a stop waits until the temporary file is renamed or removed
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".samcheck.tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
            os.chmod(temporary, info.st_mode & 0o7777)
            if target.read_bytes() != read.encode("utf-8"):
                raise OSError("it changed while fixing, so it is left as saved; run --fix again")
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):  # failed before the rename
                os.unlink(temporary)


def unified_diff(path: Path, before: str, after: str) -> str:
    """A diff ``git apply`` and ``patch -p1`` take: ``a/``/``b/`` headers with the path relative to the
    current folder (as written when it is outside it), quoted as git quotes it, and the marker for
    a last line without a line break."""
    import difflib
    import os

    name = path.as_posix() if not path.is_absolute() else Path(os.path.relpath(path)).as_posix()
    if name.startswith("../") or Path(name).is_absolute():
        name = path.as_posix().lstrip("/")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        _git_quoted(f"a/{name}"),
        _git_quoted(f"b/{name}"),
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


_GIT_ESCAPES = {0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f", 0x0D: "r", 0x22: '"', 0x5C: "\\"}


def _git_quoted(name: str) -> str:
    """A path as git writes it in a diff header: as it is, or in double quotes with C escapes when it
    holds a control character, a quote, a backslash or a non-ASCII character. A repository's file
    name with a line break would otherwise start a line of its own (a CI log obeys ``::command::``)."""
    raw = name.encode("utf-8", "surrogateescape")
    if all(0x20 <= byte < 0x7F and byte not in _GIT_ESCAPES for byte in raw):
        return name
    quoted = "".join(
        f"\\{_GIT_ESCAPES[byte]}" if byte in _GIT_ESCAPES else chr(byte) if 0x20 <= byte < 0x7F else f"\\{byte:03o}"
        for byte in raw
    )
    return f'"{quoted}"'
