"""A cache of parsed documents, SAM expansions and findings, keyed by content.

The key covers everything a cached result depends on: the file's bytes and path, the versions of
samcheck, the SAM translator and cfn-lint (its runtime data), every installed rule pack (its
distribution and version, and a digest of its source files, which changes with any edit),
the region, parameter values, the date runtime rules judge by, limit overrides and the set of
rules. Findings are kept before any policy (selection, suppression, severity), so what one run
filters out never goes missing from the next. Rules that read the disk
(package sizes) always run again; files the expansion read (a local ``AWS::Include``) are
recorded with their size and modification time and checked on each hit.

Entries are written atomically (a temporary file renamed into place), so concurrent runs never
see half an entry; an entry that cannot be read is ignored and written again. A hit marks its
entry as used; at most once a day a run deletes entries unused for 30 days and then the least
recently used ones beyond 100 MB (a corpus of 500 templates takes about 11 MB).
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from samcheck import __version__
from samcheck.cfn.document import Document
from samcheck.config import Settings
from samcheck.findings import Finding
from samcheck.sam.expand import Expansion

CACHE_FORMAT = 5  # 2: policy-free findings; 3: URL artifacts; 4: Metadata directives; 5: outside references
UNUSED_FOR = 30 * 24 * 3600  # seconds after which an entry is deleted
MAX_BYTES = 100 * 1024 * 1024  # beyond this the least recently used entries go
PRUNE_EVERY = 24 * 3600  # seconds between two prunings
_PRUNED_MARKER = "last-pruned"


@dataclass
class Entry:
    document: Document
    expansion: Expansion | None
    findings: list[Finding]  # of the rules that do not read the disk, and cfn-lint's: before any policy
    inputs: dict[str, tuple[int, int]] = field(default_factory=dict)  # other files read: (size, mtime)

    def still_valid(self) -> bool:
        return all(_signature(Path(path)) == signature for path, signature in self.inputs.items())


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def signatures(paths: list[str]) -> dict[str, tuple[int, int]]:
    return {path: signature for path in paths if (signature := _signature(Path(path))) is not None}


@cache
def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    from samcheck.registry import pack_fingerprints

    parts = [f"samcheck={__version__}", f"format={CACHE_FORMAT}"]
    for package in ("aws-sam-translator", "cfn-lint"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=?")
    return ";".join([*parts, *pack_fingerprints()])


def default_cache_dir() -> Path:
    configured = os.environ.get("SAMCHECK_CACHE_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("samcheck"))


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, path: Path, raw: bytes, settings: Settings, rule_ids: list[str]) -> str:
        import hashlib

        from samcheck.cfn.local import project_root

        digest = hashlib.sha256()
        for part in (
            _versions(),
            str(path),
            settings.effective_region,
            repr(sorted(settings.parameter_overrides)),
            settings.today.isoformat(),
            repr(sorted(settings.limits)),
            f"cfn-lint={settings.with_cfn_lint}",
            f"account-scope={settings.account_scope}",
            f"project={project_root(path.parent)}",  # which local files may be read
            ",".join(sorted(rule_ids)),
        ):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        digest.update(raw)
        return digest.hexdigest()

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key[2:]}.pickle"

    def get(self, key: str) -> Entry | None:
        import pickle

        try:
            with self._file(key).open("rb") as stream:
                entry = pickle.load(stream)
        except FileNotFoundError:
            return None
        except Exception:  # a truncated or foreign file: ignore it, it is rewritten below
            return None
        if not (isinstance(entry, Entry) and entry.still_valid()):
            return None
        with contextlib.suppress(OSError):  # used now: pruning goes by modification time
            os.utime(self._file(key))
        return entry

    def put(self, key: str, entry: Entry) -> None:
        import pickle
        import tempfile

        target = self._file(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=target.parent, delete=False, suffix=".tmp") as stream:
                pickle.dump(entry, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(stream.name, target)
        except OSError:
            return  # a read-only or full cache folder only costs speed

    def prune(self, now: float | None = None) -> int:
        """Delete stale entries if the last pruning is a day old; the number deleted."""
        now = time.time() if now is None else now
        marker = self.folder / _PRUNED_MARKER
        try:
            if now - marker.stat().st_mtime < PRUNE_EVERY:
                return 0
        except FileNotFoundError:
            pass
        except OSError:
            return 0
        entries = []
        for path in self.folder.glob("??/*"):
            with contextlib.suppress(OSError):
                info = path.stat()
                entries.append((info.st_mtime, info.st_size, path))
        entries.sort(reverse=True)  # most recently used first
        kept_bytes, deleted = 0, 0
        for used, size, path in entries:
            # Temporary files younger than the cutoff may belong to a run writing right now.
            stale = now - used > (UNUSED_FOR if path.suffix == ".pickle" else PRUNE_EVERY)
            if stale or kept_bytes + size > MAX_BYTES:
                with contextlib.suppress(OSError):
                    path.unlink()
                    deleted += 1
            else:
                kept_bytes += size
        with contextlib.suppress(OSError):
            marker.touch()
            os.utime(marker, (now, now))
        return deleted
