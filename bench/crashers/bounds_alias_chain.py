"""Attack: YAML aliases that make a small file a big template. A 5 KB chain of anchors, each a list
of two aliases of the one before, expanded to 835,000 nodes (below the 1,000,000-node bound): 7 s,
600 MB and a 70 MB cache entry. A 10 KB chain of anchors, each nesting the one before 500 levels
deeper, made a template 5,000 levels deep that the 1,000-level bound (measured on the text) never
saw: it was read, in 470 MB, and passed as clean.

Promise: aliases may add at most 100,000 nodes to a template and never nest it deeper than the
1,000-level bound; beyond either, the file is an SC0001 finding, in little time and memory, and
the cache keeps only that finding.
"""

from __future__ import annotations

from _harness import Sandbox, UnsafeError, cap_memory, case, peak_megabytes

HEAD = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Metadata:
"""


def doubling() -> str:
    lines = ["a0: &a0 [" + ", ".join(["x" * 40] * 100) + "]"]
    lines += [f"a{level}: &a{level} [*a{level - 1}, *a{level - 1}]" for level in range(1, 13)]
    return HEAD + "".join(f"      {line}\n" for line in lines)


def deepening() -> str:
    lines = ["d0: &d0 " + "[" * 500 + "x" + "]" * 500]
    lines += [f"d{level}: &d{level} " + "[" * 500 + f"*d{level - 1}" + "]" * 500 for level in range(1, 10)]
    return HEAD + "".join(f"      {line}\n" for line in lines)


def check(box: Sandbox) -> None:
    for name, text in (("doubling", doubling()), ("deepening", deepening())):
        (box.project / "template.yaml").write_text(text)
        result = box.samcheck("template.yaml", "--format", "json")
        seconds, peak = result.seconds, peak_megabytes()
        entries = sum(path.stat().st_size for path in (box.home / ".cache").rglob("*") if path.is_file())
        said = f"the {name} chain: {seconds:.1f} s, {peak} MB at most, cache {entries:,} bytes"
        if result.returncode != 1 or "SC0001" not in result.out or "SC0000" in result.out:
            raise UnsafeError(f"{said}; expected an SC0001 finding (exit 1):\n{result.describe()}")
        if seconds > 60 or peak > 1024 or entries > 1024 * 1024:
            raise UnsafeError(said)


if __name__ == "__main__":
    cap_memory(3072)
    case(check)
