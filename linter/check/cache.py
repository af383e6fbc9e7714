"""A cache of parsed documents, SAM expansions and findings, keyed by content.

The key covers everything a cached result depends on: the file's bytes and path, the versions of
samcheck, the SAM translator and cfn-lint (its runtime data), every installed rule pack (its
distribution and version, and a digest of its source files, which changes with any edit),
the region, parameter values, the date runtime rules judge by, limit overrides and the set of
rules. Findings are kept before any verdict (selection, suppression, severity), so what one run
filters out never goes missing from the next. Rules that read the disk (package sizes, nested
templates' budgets) always run again. Every other file a result was computed from (an
``AWS::Include``, a state machine's ``DefinitionUri``, whatever a rule reads through
``samcheck.cfn.local``) is recorded as it is read (``Reads``), with where its links led and a digest
of its bytes, or why it could not be read (a file missing then is recorded too), and so is where
each path judged in or out of the project leads: a hit holds only while each leads and reads the
same, so an edit within one modification-time tick, a file that appears and a link that now leads
elsewhere all make it a miss. A digest costs one read of each such file (at most MAX_FILE_BYTES,
as when it was first read) on each hit.

The cache folder may be reachable by others (a CI cache restored from a fork's run) and may be
pointed into a repository, so samcheck trusts nothing in it. It keeps the cache only in a folder
it made (``claimed_folder``: one with samcheck's ``CACHEDIR.TAG``, which backup tools also skip;
a missing or empty folder, or the default user cache folder, is tagged; any other folder is
refused). Inside it, no link is ever followed: shard folders and entries are opened relative to
their folder with ``O_NOFOLLOW``. Entries are pickles, so each is signed (HMAC-SHA256) together
with its key, with a secret kept outside the cache folder (``SAMCHECK_CACHE_SECRET``, else a file
made once in the user's config folder, readable by its owner only): an entry planted there, or
copied from another key's file, fails the check and is never unpickled. Without a secret there
is no cache. An entry's size is bounded (``MAX_ENTRY_BYTES``), checked on the open file before
reading. Entries are written atomically (a temporary file renamed into place), so concurrent runs
never see half an entry; an entry that cannot be read or fails the check is ignored and written
again. A hit marks its entry as used; at most once a day a run deletes entries unused for 30
days and then the least recently used ones beyond 100 MB, and nothing but samcheck's own entry
and temporary files in its shard folders is ever deleted.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from samcheck import __version__
from samcheck.cfn.document import Document
from samcheck.cfn.local import Reads
from samcheck.config import Settings
from samcheck.findings import Finding
from samcheck.sam.expand import Expansion

# 2: undecided findings; 3: URL artifacts; 4: Metadata directives; 5: outside references; 6: signed;
# 7: what run-wide rules collect; 8: signed with the key, in a tagged folder; 9: every file read, by digest;
# 11: the parsed AWS::Include files
CACHE_FORMAT = 11
UNUSED_FOR = 30 * 24 * 3600  # seconds after which an entry is deleted
MAX_BYTES = 100 * 1024 * 1024  # beyond this the least recently used entries go
PRUNE_EVERY = 24 * 3600  # seconds between two prunings
# An entry takes about 11 times its template's bytes, and CloudFormation takes templates up to 1 MB:
# a deployable template's entry fits. A bigger file was planted or comes from YAML aliases that
# repeat a list (a few hundred bytes can make 20 MB): checking such a template again is cheaper
# than reading or keeping it.
MAX_ENTRY_BYTES = 16 * 1024 * 1024
_SIGNATURE_BYTES = 32  # HMAC-SHA256 of the key and the pickle, in front of the pickle
_PRUNED_MARKER = "last-pruned"
_ENTRY_SUFFIX = ".entry"
_TAG_NAME = "CACHEDIR.TAG"
_TAG_LINES = (  # https://bford.info/cachedir/: the first line marks a cache, the second makes it samcheck's
    b"Signature: 8a477f597d28d172789f06886806bc55",
    b"# This file is a cache directory tag created by samcheck.",
)
_TAG_BEING_WRITTEN = re.compile(r"CACHEDIR\.TAG\.[0-9a-f]{16}\.tmp")
_TAG = b"\n".join([*_TAG_LINES, b"# For information about cache directory tags, see https://bford.info/cachedir/\n"])
_SHARD_NAME = re.compile(r"[0-9a-f]{2}")
_OWN_FILE_NAME = re.compile(r"[0-9a-f]{62}(\.entry|\.[0-9a-f]{16}\.tmp)")  # an entry, or one being written
# Everything in the folder is opened relative to its open parent, never through a link; a FIFO
# planted under one of samcheck's names is opened without waiting for a writer, then refused.
# Where files cannot be opened so (Windows: no dir_fd, no O_NOFOLLOW) there is no cache.
_NOFOLLOW, _DIRECTORY, _NONBLOCK = (getattr(os, f"O_{flag}", 0) for flag in ("NOFOLLOW", "DIRECTORY", "NONBLOCK"))
_SUPPORTED = bool(_NOFOLLOW) and {os.open, os.link, os.unlink} <= os.supports_dir_fd and os.scandir in os.supports_fd
_FOLDER_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW
_READ_FLAGS = os.O_RDONLY | _NOFOLLOW | _NONBLOCK
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | _NONBLOCK


@dataclass
class Entry:
    document: Document
    expansion: Expansion | None
    findings: list[Finding]  # of the rules that do not read the disk, and cfn-lint's: before any verdict
    collected: dict[str, Any]  # by rule id: what the run-wide rules that do not read the disk collected
    reads: Reads  # every file besides the template the rest was computed from


@cache
def _versions() -> str:
    from samcheck.distributions import version
    from samcheck.registry import pack_fingerprints

    parts = [f"samcheck={__version__}", f"format={CACHE_FORMAT}"]
    parts += [f"{package}={version(package) or '?'}" for package in ("aws-sam-translator", "cfn-lint")]
    return ";".join([*parts, *pack_fingerprints()])


def default_cache_dir() -> Path:
    configured = os.environ.get("SAMCHECK_CACHE_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("samcheck"))


class CacheFolderError(Exception):
    """A folder holding something else than samcheck's cache: it is never used, nor pruned."""


def claimed_folder(folder: Path) -> Path | None:
    """``folder``, ready to hold the cache: one samcheck tagged, or tagged now when it is missing,
    empty or the default user cache folder (samcheck's own, perhaps from before tags). None when it
    cannot be made or tagged (a read-only home: no cache costs only speed); any other folder raises
    CacheFolderError."""
    if not _SUPPORTED:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        root = os.open(folder, os.O_RDONLY | _DIRECTORY)  # the folder itself may be a link: it was chosen
    except OSError:
        return None
    try:
        if not _tagged(root):
            _tag(root, folder)
        return folder
    except OSError:
        return None
    finally:
        os.close(root)


def _tag(root: int, folder: Path) -> None:
    """Tag the folder: the tag appears whole (linked from a file written beside it), so that a run
    starting at the same instant sees either no tag or samcheck's."""
    import secrets

    with os.scandir(root) as listing:
        occupied = any(not _TAG_BEING_WRITTEN.fullmatch(entry.name) for entry in listing)
    if _tagged(root):  # by a run that started at the same time
        return
    if occupied and not _is_default(folder):
        raise CacheFolderError(
            f"cache folder {folder.absolute()} is not samcheck's: it holds other files and no CACHEDIR.TAG "
            "written by samcheck; give --cache-dir or SAMCHECK_CACHE_DIR a new or empty folder, or use --no-cache"
        )
    written = f"{_TAG_NAME}.{secrets.token_hex(8)}.tmp"
    descriptor = os.open(written, _CREATE_FLAGS | os.O_EXCL, 0o644, dir_fd=root)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(_TAG)
        try:
            os.link(written, _TAG_NAME, src_dir_fd=root, dst_dir_fd=root, follow_symlinks=False)
        except FileExistsError:
            if not _tagged(root):  # not by a run that started at the same time
                raise
    finally:
        os.unlink(written, dir_fd=root)


def _tagged(root: int) -> bool:
    try:
        with _regular_file(root, _TAG_NAME) as (descriptor, _):
            return tuple(os.read(descriptor, len(_TAG)).split(b"\n")[: len(_TAG_LINES)]) == _TAG_LINES
    except OSError:
        return False


@contextlib.contextmanager
def _regular_file(folder: int, name: str) -> Iterator[tuple[int, int]]:
    """``name`` in the open ``folder``, open for reading, and its size; OSError for a link, a
    folder, a FIFO or a device (never read, never waited on)."""
    descriptor = os.open(name, _READ_FLAGS, dir_fd=folder)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{name} is not a regular file")
        yield descriptor, info.st_size
    finally:
        os.close(descriptor)


def _is_default(folder: Path) -> bool:
    from platformdirs import user_cache_dir

    return folder.resolve() == Path(user_cache_dir("samcheck")).resolve()


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
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode) or info.st_size < 32:
        return None
    return path.read_bytes().strip()


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder  # made by claimed_folder

    @staticmethod
    def _sign(key: str, payload: bytes | memoryview, secret: bytes) -> bytes:
        """The key is signed with the payload: an entry copied to another key's file is a miss."""
        import hashlib
        import hmac

        signature = hmac.new(secret, key.encode("ascii"), hashlib.sha256)  # a key is 64 hex digits
        signature.update(payload)
        return signature.digest()

    def key(self, path: Path, raw: bytes, settings: Settings, rule_ids: list[str]) -> str:
        import hashlib

        from samcheck.cfn.local import project_root
        from samcheck.check.cfnlint_bridge import cfn_lint_settings

        digest = hashlib.sha256()
        for part in (
            _versions(),
            str(path),
            settings.effective_region,
            repr(sorted(settings.parameter_overrides)),
            settings.today.isoformat(),
            repr(sorted(settings.limits)),
            f"cfn-lint={settings.with_cfn_lint and cfn_lint_settings().options}",  # and its .cfnlintrc
            f"account-scope={settings.account_scope}",
            f"project={project_root(path.parent)}",  # which local files may be read
            ",".join(sorted(rule_ids)),
        ):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        digest.update(raw)
        return digest.hexdigest()

    @contextlib.contextmanager
    def _shard(self, key: str, make: bool = False) -> Iterator[int]:
        """The folder ``key``'s entry is in, open; a link planted in its place fails to open."""
        root = os.open(self.folder, os.O_RDONLY | _DIRECTORY)
        try:
            if make:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(key[:2], 0o700, dir_fd=root)
            shard = os.open(key[:2], _FOLDER_FLAGS, dir_fd=root)
        finally:
            os.close(root)
        try:
            yield shard
        finally:
            os.close(shard)

    def get(self, key: str) -> Entry | None:
        secret = _secret()
        if secret is None:
            return None
        try:
            with self._shard(key) as shard, _regular_file(shard, _entry_name(key)) as (descriptor, size):
                if size > MAX_ENTRY_BYTES:
                    return None  # planted: never read
                with open(descriptor, "rb", closefd=False) as stream:
                    entry = self._verified(key, stream.read(size + 1), secret)  # bounded if it grows meanwhile
                if entry is not None:
                    with contextlib.suppress(OSError):  # used now: pruning goes by modification time
                        os.utime(descriptor)
                return entry
        except OSError:
            return None

    def _verified(self, key: str, stored: bytes, secret: bytes) -> Entry | None:
        import hmac
        import pickle

        signature, payload = stored[:_SIGNATURE_BYTES], memoryview(stored)[_SIGNATURE_BYTES:]
        if not hmac.compare_digest(signature, self._sign(key, payload, secret)):
            return None  # planted, moved from another key, truncated or signed with another secret: never unpickled
        try:
            entry = pickle.loads(payload)
        except Exception:  # signed by us but unreadable (a samcheck of another format): rewritten below
            return None
        return entry if isinstance(entry, Entry) and entry.reads.unchanged() else None

    def put(self, key: str, entry: Entry) -> None:
        import pickle
        import secrets

        secret = _secret()
        if secret is None:
            return
        payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        if _SIGNATURE_BYTES + len(payload) > MAX_ENTRY_BYTES:
            return
        name = _entry_name(key)
        temporary = f"{key[2:]}.{secrets.token_hex(8)}.tmp"
        try:
            with self._shard(key, make=True) as shard:
                descriptor = os.open(temporary, _CREATE_FLAGS | os.O_EXCL, 0o600, dir_fd=shard)
                try:
                    with os.fdopen(descriptor, "wb") as stream:
                        stream.write(self._sign(key, payload, secret))
                        stream.write(payload)
                    os.replace(temporary, name, src_dir_fd=shard, dst_dir_fd=shard)
                except OSError:
                    with contextlib.suppress(OSError):
                        os.unlink(temporary, dir_fd=shard)
                    raise
        except OSError:  # a read-only or full cache folder only costs speed
            pass

    def prune(self, now: float | None = None) -> int:
        """Delete stale entries if the last pruning is a day old; the number deleted. Only regular
        files named like samcheck's entries, in real shard folders, are ever deleted."""
        now = time.time() if now is None else now
        with contextlib.ExitStack() as opened:
            try:
                root = os.open(self.folder, os.O_RDONLY | _DIRECTORY)
            except OSError:
                return 0
            opened.callback(os.close, root)
            try:
                if now - os.stat(_PRUNED_MARKER, dir_fd=root, follow_symlinks=False).st_mtime < PRUNE_EVERY:
                    return 0
            except FileNotFoundError:
                pass
            except OSError:
                return 0
            entries = sorted(_own_files(root, opened), reverse=True)  # most recently used first
            kept_bytes, deleted = 0, 0
            for used, size, shard, name in entries:
                # Temporary files younger than the cutoff may belong to a run writing right now.
                stale = now - used > (UNUSED_FOR if name.endswith(_ENTRY_SUFFIX) else PRUNE_EVERY)
                if stale or kept_bytes + size > MAX_BYTES:
                    with contextlib.suppress(OSError):
                        os.unlink(name, dir_fd=shard)
                        deleted += 1
                else:
                    kept_bytes += size
            with contextlib.suppress(OSError):
                marker = os.open(_PRUNED_MARKER, _CREATE_FLAGS, 0o644, dir_fd=root)
                try:
                    os.utime(marker, (now, now))
                finally:
                    os.close(marker)
            return deleted


def _entry_name(key: str) -> str:
    return f"{key[2:]}{_ENTRY_SUFFIX}"


def _own_files(root: int, opened: contextlib.ExitStack) -> Iterator[tuple[float, int, int, str]]:
    """(modification time, size, open shard folder, name) of each regular file named like an entry or
    a temporary file of samcheck's, in each real shard folder; the folders stay open in ``opened``."""
    with os.scandir(root) as shards:
        names = [item.name for item in shards if _SHARD_NAME.fullmatch(item.name)]
    for shard_name in names:
        try:
            shard = os.open(shard_name, _FOLDER_FLAGS, dir_fd=root)
        except OSError:  # a link, a file: not a shard
            continue
        opened.callback(os.close, shard)
        with os.scandir(shard) as files:
            for item in files:
                if not _OWN_FILE_NAME.fullmatch(item.name):
                    continue
                try:
                    info = item.stat(follow_symlinks=False)
                except OSError:  # deleted meanwhile
                    continue
                if stat.S_ISREG(info.st_mode):
                    yield info.st_mtime, info.st_size, shard, item.name
