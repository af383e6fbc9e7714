"""Attack: someone who can write the cache folder copies the signed entry of a clean template over
the entry file of a template with errors. The signature covered only the entry's bytes, not the
key it was stored under, so the copy passed the check: "All checks passed", exit 0.

Promise: an entry is signed together with its key, so an entry moved to another key's file is a
miss: the template is checked again and its errors are reported.
"""

from __future__ import annotations

from pathlib import Path

from _harness import Sandbox, UnsafeError, case

CLEAN = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n"
BROKEN = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 1000\n"


def entries(cache: Path) -> set[Path]:
    return set(cache.glob("??/*.entry"))


def check(box: Sandbox) -> None:
    cache = box.home / "cache"
    (box.project / "clean.yaml").write_text(CLEAN)
    (box.project / "broken.yaml").write_text(BROKEN)
    box.samcheck("--cache-dir", str(cache), "clean.yaml")
    (clean,) = entries(cache)
    expected = box.samcheck("--cache-dir", str(cache), "broken.yaml")
    if expected.returncode != 1:
        raise UnsafeError(f"the broken template did not fail:\n{expected.describe()}")
    (broken,) = entries(cache) - {clean}
    broken.write_bytes(clean.read_bytes())
    replayed = box.samcheck("--cache-dir", str(cache), "broken.yaml")
    if (replayed.returncode, replayed.out) != (expected.returncode, expected.out):
        raise UnsafeError(f"a replayed entry changed the verdict:\n{replayed.describe()}")


case(check)
