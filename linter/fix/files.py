"""A template's text as ``--fix`` and ``--diff`` read and write it: exactly (line breaks kept),
replaced in one step, or shown as a diff ``git apply`` takes."""

from __future__ import annotations

from pathlib import Path


def read_exactly(path: Path) -> str:
    """A template's text with its line breaks as they are (CRLF stays CRLF)."""
    return path.read_bytes().decode("utf-8")


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step (a temporary file renamed over it), keeping its mode. A symlink
    is followed: its target is what gets fixed, and the link stays a link. A file its owner made
    read-only is refused (OSError), and no temporary file is ever left behind."""
    import os
    import tempfile

    target = path.resolve()
    info = target.stat()
    if not os.access(target, os.W_OK) or not info.st_mode & 0o200:
        raise PermissionError(f"{path} is read-only")
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".samcheck.tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, info.st_mode & 0o7777)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):  # failed (or interrupted) before the rename
            os.unlink(temporary)


def unified_diff(path: Path, before: str, after: str) -> str:
    """A diff ``git apply`` and ``patch -p1`` take: ``a/``/``b/`` headers with the path relative to the
    current folder (as written when it is outside it), and the marker for a last line without a
    line break."""
    import difflib
    import os

    name = path.as_posix() if not path.is_absolute() else Path(os.path.relpath(path)).as_posix()
    if name.startswith("../") or Path(name).is_absolute():
        name = path.as_posix().lstrip("/")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
