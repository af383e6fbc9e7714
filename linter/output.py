"""Where a finished report goes: standard output or a file the command line names.

A report that cannot be written (a full disk, a closed standard output, a reader gone from a pipe,
a folder that refuses the file) is ``ReportWriteError``, which the run turns into one line on
standard error and exit code 2: never a traceback, and never the exit code of a report that was
made. So is a report file whose way goes through a symbolic link lying in the repository samcheck
runs in: the repository may be a stranger's, and its link could point at any file the user can
write (``results.sarif -> ~/.bashrc``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click


class ReportWriteError(Exception):
    """Where a report could not be written, and why ("standard output: No space left on device")."""


def write_report(text: str, target: str | Path | None, color: bool = False) -> None:
    """Write ``text`` to the file ``target``, or to standard output when it is None (with ANSI
    colour codes kept only when ``color``)."""
    if target is None:
        _to_standard_output(text, color)
        return
    refuse_repository_links(Path(target))
    try:
        # What UTF-8 cannot hold (a lone surrogate from a template) is written as a \\u escape.
        with open(target, "w", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(text if text.endswith("\n") else text + "\n")
    except OSError as error:
        raise ReportWriteError(f"{target}: {error.strerror or error}") from None


def refuse_repository_links(target: Path) -> None:
    """ReportWriteError when the way to ``target``, followed as the system follows it, goes through a
    symbolic link that lies in the repository (a link above it, or outside it, is the user's)."""
    from samcheck.reporting.paths import source_root

    root = source_root()
    folder = Path(target.absolute().anchor)
    for part in target.absolute().parts[1:]:
        path = folder / part
        if path.is_symlink() and (folder == root or root in folder.parents):
            raise ReportWriteError(
                f"{target}: {path} is a symbolic link in the repository; no report is written through one"
            )
        folder = Path(os.path.realpath(path))  # where the system is now: a link above the repository followed


def _to_standard_output(text: str, color: bool) -> None:
    if sys.stdout is None:  # Python's way of saying samcheck was started with it closed (>&-)
        raise ReportWriteError("standard output is closed")
    try:
        # click drops ANSI codes on a stream that is not a terminal unless told the colour is wanted.
        click.echo(text, nl=not text.endswith("\n"), color=color or None)
    except OSError as error:  # a full disk, or the reader gone (BrokenPipeError)
        discard_standard_output()
        raise ReportWriteError(f"standard output: {error.strerror or error}") from None


def discard_standard_output() -> None:
    """Point standard output at the null device: what is still buffered for it would fail again when
    it is flushed at exit, as a second error or Python's "Exception ignored" message."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        with contextlib.suppress(OSError, ValueError):  # a stream with no descriptor (a test's, an IDE's)
            os.dup2(null, sys.stdout.fileno())
    finally:
        os.close(null)


def hold_standard_descriptors() -> None:
    """Give each standard descriptor (0, 1, 2) that is closed the null device, so that no file
    samcheck opens takes its number and receives what a child process writes to it; Python has
    already set the stream itself to None, which ``write_report`` reports as closed."""
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # the lowest free number: this one
