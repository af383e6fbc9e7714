"""Attack: someone who can write the cache folder (a CI cache restored from a fork's run) plants
links in it: every shard folder (``00``…``ff``) a link to a folder of the user's, an entry file a
link to a file of the user's, the prune marker a dangling link. Prune followed the shard links
and deleted the old files behind them, new entries were written through them, and marking the
prune created the marker link's target.

Promise: samcheck never follows a link inside its cache folder: nothing outside it is deleted,
written or created, and the run's findings are those of a run without cache.
"""

from __future__ import annotations

import os
import time

from _harness import Sandbox, UnsafeError, case

TEMPLATE = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 1000\n"
OLD = time.time() - 40 * 24 * 3600
ENTRY_NAME = "d" * 62 + ".entry"  # named like an entry, so only the link can protect it


def check(box: Sandbox) -> None:
    cache = box.home / "cache"
    (box.project / "template.yaml").write_text(TEMPLATE)
    expected = box.samcheck("--no-cache", "--format", "json", "template.yaml")
    first = box.samcheck("--cache-dir", str(cache), "--format", "json", "template.yaml")
    if first.returncode != expected.returncode:
        raise UnsafeError(f"a fresh cache changed the result:\n{first.describe()}")
    victim = box.home / "documents"
    victim.mkdir()
    for name in ("thesis.tex", ENTRY_NAME, "notes.tmp"):
        (victim / name).write_text("keep me\n")
        os.utime(victim / name, (OLD, OLD))
    kept = box.home / "kept.txt"
    kept.write_text("keep me\n")
    os.utime(kept, (OLD, OLD))
    for shard in [path for path in cache.iterdir() if path.is_dir()]:
        for entry in shard.iterdir():
            entry.unlink()
        shard.rmdir()
    for number in range(256):
        (cache / f"{number:02x}").symlink_to(victim, target_is_directory=True)
    (cache / "zz").mkdir()
    (cache / "zz" / ENTRY_NAME).symlink_to(kept)
    marker = cache / "last-pruned"
    marker.unlink(missing_ok=True)
    marker.symlink_to(box.home / "created-by-samcheck")
    before = sorted(path.name for path in victim.iterdir())

    again = box.samcheck("--cache-dir", str(cache), "--format", "json", "template.yaml")
    after = sorted(path.name for path in victim.iterdir()) if victim.is_dir() else []
    if after != before:
        raise UnsafeError(f"the folder behind the shard links changed: {before} -> {after}")
    if not kept.is_file() or kept.read_text() != "keep me\n":
        raise UnsafeError("the file behind an entry link was deleted or changed")
    if (box.home / "created-by-samcheck").exists():
        raise UnsafeError("marking the prune created the target of a planted link")
    if (again.returncode, again.out) != (expected.returncode, expected.out):
        raise UnsafeError(f"the run's result changed:\n{again.describe()}\n--- expected\n{expected.describe()}")


case(check)
