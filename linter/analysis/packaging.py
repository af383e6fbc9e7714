"""Measure local deployment packages on disk: what ``sam build``/``sam package`` would upload.

Sizes come from ``stat``, never from reading files, so a 1 GB tree is measured in well under a
second. Only a package inside the project is measured (``samcheck.cfn.local``: a repository's
``CodeUri`` may name ``~/.aws`` or ``/``), and links in it are followed only while they stay inside
the project (each real folder is visited once, so a link loop ends). A ``.zip``/``.jar`` is read
from its central directory. The compressed size of a folder is estimated from a sample of its files.
"""

from __future__ import annotations

import os
import stat
import time
import zlib
from pathlib import Path
from typing import NamedTuple

from samcheck.cfn.local import read_regular, real, within

# What `sam build` leaves out of a package.
EXCLUDED_FOLDERS = frozenset({".aws-sam", "__pycache__", ".git"})
ARCHIVE_SUFFIXES = (".zip", ".jar")
# Bounds on the walk of a pathological tree (CodeUri: /); past them the sizes are lower bounds,
# which still prove a limit is exceeded.
MAX_FILES = 500_000
WALK_SECONDS = 5.0
_SAMPLE_FILES = 48
_SAMPLE_BYTES = 256 * 1024
_ZIP_ENTRY_OVERHEAD = 100  # bytes of headers per file in a zip archive


class PackageSize(NamedTuple):
    path: Path
    unzipped: int  # bytes
    files: int
    zipped: int  # bytes: exact for an archive, estimated for a folder
    zipped_is_estimate: bool
    complete: bool = True  # False when the walk stopped at MAX_FILES


def _walk(folder: Path, boundary: Path) -> tuple[list[tuple[Path, int]], bool]:
    """(file, size) of every regular file below ``folder``; False if the walk was cut short."""
    files: list[tuple[Path, int]] = []
    seen: set[Path] = set()
    stack = [folder]
    deadline = time.monotonic() + WALK_SECONDS
    while stack:
        if time.monotonic() > deadline:
            return files, False
        current = stack.pop()
        folder = real(current)
        if folder in seen or not within(folder, boundary):
            continue
        seen.add(folder)
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in EXCLUDED_FOLDERS:
                        stack.append(Path(entry.path))
                    continue
                if entry.is_symlink():
                    target = real(Path(entry.path))
                    if not within(target, boundary):
                        continue
                    if target.is_dir():
                        stack.append(Path(entry.path))
                        continue
                info = entry.stat()
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                files.append((Path(entry.path), info.st_size))
                if len(files) >= MAX_FILES:
                    return files, False
    return files, True


def _estimate_zipped(files: list[tuple[Path, int]], unzipped: int) -> int:
    """Deflate the head of a sample of the files and scale each to its size.

    The largest files are always sampled, so most bytes are judged by their own ratio; the files
    left out get the sample's mean ratio, weighted by size.
    """
    if not files:
        return 0
    ordered = sorted(files, key=lambda item: item[1], reverse=True)
    largest, rest = ordered[: _SAMPLE_FILES // 2], ordered[_SAMPLE_FILES // 2 :]
    spread = rest[:: max(1, len(rest) // (_SAMPLE_FILES // 2))]
    estimate = sampled_bytes = 0.0
    for path, size in largest + spread:
        try:
            chunk = read_regular(path, min(size, _SAMPLE_BYTES))
        except OSError:
            continue
        ratio = len(zlib.compress(chunk, 6)) / len(chunk) if chunk else 1.0
        estimate += ratio * size
        sampled_bytes += size
    mean_ratio = estimate / sampled_bytes if sampled_bytes else 1.0
    unsampled = unzipped - sampled_bytes
    return int(estimate + mean_ratio * unsampled) + _ZIP_ENTRY_OVERHEAD * len(files)


def measure(path: Path, boundary: Path) -> PackageSize | None:
    """The size of a local package (folder, archive or single file) inside the project ``boundary``
    (both real); None when it does not exist."""
    try:
        info = path.stat()
    except (OSError, ValueError):  # ValueError: a name no file can have (a NUL), as a template may write
        return None
    if stat.S_ISDIR(info.st_mode):
        files, complete = _walk(path, boundary)
        unzipped = sum(size for _, size in files)
        return PackageSize(path, unzipped, len(files), _estimate_zipped(files, unzipped), True, complete)
    if not stat.S_ISREG(info.st_mode):
        return PackageSize(path, 0, 0, 0, False)  # a device or pipe is no package
    if path.suffix.lower() in ARCHIVE_SUFFIXES:
        import zipfile  # only for a built package (~3 ms at every start otherwise)

        try:
            with zipfile.ZipFile(path) as archive:
                entries = archive.infolist()
        except (OSError, zipfile.BadZipFile):
            return PackageSize(path, info.st_size, 1, info.st_size, False)
        return PackageSize(path, sum(e.file_size for e in entries), len(entries), info.st_size, False)
    return PackageSize(path, info.st_size, 1, info.st_size, False)
