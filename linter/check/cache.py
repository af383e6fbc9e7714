"""A cache of parsed documents, SAM expansions and findings, keyed by content.

The key covers everything a cached result depends on: the file's bytes and path, the versions of
samcheck, the SAM translator and cfn-lint (its runtime data), every installed rule pack (its
distribution and version, and a digest of its source files, which changes with any edit),
the region, parameter values, the date runtime rules judge by, limit overrides and the set of
rules. Findings are kept before any verdict (selection, suppression, severity), so what one run
filters out never goes missing from the next. Rules that read the disk
(package sizes) always run again; files the expansion read (a local ``AWS::Include``) are
recorded with their size and modification time and checked on each hit.

Entries are pickles, so each is signed (HMAC-SHA256) with a secret kept outside the cache folder
(``SAMCHECK_CACHE_SECRET``, else a file made once in the user's config folder, readable by its
owner only): an entry planted by someone who can write the cache folder (a shared CI cache) fails
the check and is never unpickled. Without a secret there is no cache. Entries are written
atomically (a temporary file renamed into place), so concurrent runs never see half an entry; an
entry that cannot be read or fails the check is ignored and written again. A hit marks its
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
from typing import Any

from samcheck import __version__
from samcheck.cfn.document import Document
from samcheck.config import Settings
from samcheck.findings import Finding
from samcheck.sam.expand import Expansion

# 2: undecided findings; 3: URL artifacts; 4: Metadata directives; 5: outside references; 6: signed;
# 7: what run-wide rules collect
CACHE_FORMAT = 7
UNUSED_FOR = 30 * 24 * 3600  # seconds after which an entry is deleted
MAX_BYTES = 100 * 1024 * 1024  # beyond this the least recently used entries go
PRUNE_EVERY = 24 * 3600  # seconds between two prunings
_PRUNED_MARKER = "last-pruned"
_ENTRY_SUFFIX = ".entry"
_SIGNATURE_BYTES = 32  # HMAC-SHA256, in front of the pickle


@dataclass
class Entry:
    document: Document
    expansion: Expansion | None
    findings: list[Finding]  # of the rules that do not read the disk, and cfn-lint's: before any verdict
    collected: dict[str, Any]  # by rule id: what the run-wide rules that do not read the disk collected
    inputs: dict[str, tuple[int, int]] = field(default_factory=dict)  # other files read: (size, mtime)

    def still_valid(self) -> bool:
        return all(_size_and_mtime(Path(path)) == seen for path, seen in self.inputs.items())


def _size_and_mtime(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file; a FIFO or device in the cache folder is never opened."""
    import stat

    if not stat.S_ISREG(path.lstat().st_mode):
        raise OSError(f"{path} is not a regular file")
    return path.read_bytes()


def sizes_and_mtimes(paths: list[str]) -> dict[str, tuple[int, int]]:
    return {path: seen for path in paths if (seen := _size_and_mtime(Path(path))) is not None}


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


def secret_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("samcheck")) / "cache-secret"


@cache
def _secret() -> bytes | None:
    """The key entries are signed with; None when there is none and none can be made."""
    configured = os.environ.get("SAMCHECK_CACHE_SECRET")
    if configured:
        return configured.encode("utf-8", "surrogatepass")
    path = secret_file()
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    import secrets

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(secrets.token_hex(32))
    except FileExistsError:  # another run made it first
        pass
    except OSError:
        return None
    try:
        return _read_secret(path)
    except OSError:
        return None


def _read_secret(path: Path) -> bytes | None:
    import stat

    info = path.lstat()
    if not stat.S_ISREG(info.st_mode) or info.st_size < 32:
        return None
    return path.read_bytes().strip()


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def _sign(payload: bytes, secret: bytes) -> bytes:
        import hashlib
        import hmac

        return hmac.digest(secret, payload, hashlib.sha256)

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
        return self.folder / key[:2] / f"{key[2:]}{_ENTRY_SUFFIX}"

    def get(self, key: str) -> Entry | None:
        import hmac
        import pickle

        secret = _secret()
        if secret is None:
            return None
        try:
            stored = _read_regular(self._file(key))
        except OSError:
            return None
        signature, payload = stored[:_SIGNATURE_BYTES], stored[_SIGNATURE_BYTES:]
        if not hmac.compare_digest(signature, self._sign(payload, secret)):
            return None  # planted, truncated or signed with another secret: never unpickled
        try:
            entry = pickle.loads(payload)
        except Exception:  # signed by us but unreadable (a samcheck of another format): rewritten below
            return None
        if not (isinstance(entry, Entry) and entry.still_valid()):
            return None
        with contextlib.suppress(OSError):  # used now: pruning goes by modification time
            os.utime(self._file(key))
        return entry

    def put(self, key: str, entry: Entry) -> None:
        import pickle
        import tempfile

        secret = _secret()
        if secret is None:
            return
        payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        target = self._file(key)
        temporary: str | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=target.parent, delete=False, suffix=".tmp") as stream:
                temporary = stream.name
                stream.write(self._sign(payload, secret))
                stream.write(payload)
            os.replace(temporary, target)
        except OSError:  # a read-only or full cache folder only costs speed
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

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
            stale = now - used > (UNUSED_FOR if path.suffix == _ENTRY_SUFFIX else PRUNE_EVERY)
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
