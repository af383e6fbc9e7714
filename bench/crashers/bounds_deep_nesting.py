"""Attack: an 800 KB template of lists nested 990 levels deep, over and over (each under the 1,000-level
bound), so that every node's position in the file is a path of hundreds of steps: reading it took
1.9 GB and 19 s, and the cache entry written for it 400 MB.

Promise: what a template costs to read is bounded by its positions' total depth, not only by its
size and nesting: such a file is an SC0001 finding in seconds and little memory.
"""

from __future__ import annotations

from _harness import Sandbox, UnsafeError, cap_memory, case, peak_megabytes

DEPTH = 990
HEAD = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Metadata:
      Deep: [{items}]
"""


def check(box: Sandbox) -> None:
    item = "[" * DEPTH + "]" * DEPTH
    (box.project / "template.yaml").write_text(HEAD.format(items=", ".join([item] * (800_000 // len(item)))))
    result = box.samcheck("template.yaml", "--format", "json")
    seconds, peak = result.seconds, peak_megabytes()
    if result.returncode != 1 or "SC0001" not in result.out or "SC0000" in result.out:
        raise UnsafeError(f"expected one SC0001 finding (exit 1):\n{result.describe()}")
    if seconds > 60 or peak > 1024:
        raise UnsafeError(f"reading took {seconds:.0f} s and {peak} MB")
    entries = sum(path.stat().st_size for path in (box.home / ".cache").rglob("*") if path.is_file())
    if entries > 1024 * 1024:
        raise UnsafeError(f"the cache grew by {entries:,} bytes for an unreadable template")


if __name__ == "__main__":
    cap_memory(3072)
    case(check)
