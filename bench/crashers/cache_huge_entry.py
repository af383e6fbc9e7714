"""Attack: an entry file of 3 GB (sparse: it takes no disk) planted in the cache folder was read
whole, twice over in memory, before its signature was checked; and a template of a few hundred
bytes whose YAML aliases repeat one list (8 aliases of 8 aliases, six deep) wrote a 22 MB entry.

Promise: an entry is never larger than 16 MB: a bigger entry file is neither read nor written
(its size is checked on the open file before reading), and the findings are those of a run
without cache.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

from _harness import Sandbox, UnsafeError, case

LIMIT = 16 * 1024 * 1024  # the bound the README promises
PLANTED = 3 * 1024**3
TEMPLATE = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 1000\n"


def alias_chain(depth: int = 6, width: int = 8) -> str:
    lines = ["Resources:", "  Queue:", "    Type: AWS::SQS::Queue", "Metadata:"]
    lines.append("  l0: &l0 [" + ", ".join(f"item{index}" for index in range(width)) + "]")
    for level in range(1, depth):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def peak_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kilobytes on Linux


def largest(cache: Path) -> int:
    return max((path.stat().st_size for path in cache.glob("??/*")), default=0)


def check(box: Sandbox) -> None:
    cache = box.home / "cache"
    (box.project / "template.yaml").write_text(TEMPLATE)
    expected = box.samcheck("--no-cache", "template.yaml")
    box.samcheck("--cache-dir", str(cache), "template.yaml")
    (entry,) = cache.glob("??/*.entry")
    os.truncate(entry, PLANTED)
    planted = box.samcheck("--cache-dir", str(cache), "template.yaml")
    if peak_megabytes() > 1024:
        raise UnsafeError(f"a planted {PLANTED:,}-byte entry was read: peak memory {peak_megabytes():,.0f} MB")
    if (planted.returncode, planted.out) != (expected.returncode, expected.out):
        raise UnsafeError(f"a planted huge entry changed the result:\n{planted.describe()}")
    if entry.stat().st_size > LIMIT:
        raise UnsafeError("the planted entry was not replaced by a real one")

    (box.project / "aliases.yaml").write_text(alias_chain())
    expected = box.samcheck("--no-cache", "aliases.yaml")
    chained = box.samcheck("--cache-dir", str(cache), "aliases.yaml")
    if largest(cache) > LIMIT:
        raise UnsafeError(f"a {len(alias_chain())}-byte template wrote a {largest(cache):,}-byte entry")
    if (chained.returncode, chained.out) != (expected.returncode, expected.out):
        raise UnsafeError(f"the cache changed the result:\n{chained.describe()}")


case(check)
