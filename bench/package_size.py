"""Time the package-size rules on a 1 GB tree of sparse files (issue target: under 2 s).

    .venv/bin/python bench/package_size.py [--files 20000] [--size-gb 1] [--repeat 5]

Builds the tree in a temporary folder (sparse files take no disk space), then lints a template
whose function points at it with only the SC7 rules selected, and prints the median.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from samcheck.api import lint_file
from samcheck.config import Settings
from samcheck.registry import select_rules

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
"""


def build_tree(root: Path, files: int, total_bytes: int) -> None:
    size = total_bytes // files
    for index in range(files):
        folder = root / "src" / f"pkg{index % 200:03d}" / f"mod{index % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"file{index}.bin").open("wb") as stream:
            stream.truncate(size)
    (root / "template.yaml").write_text(TEMPLATE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--size-gb", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rules = select_rules(["SC7"], [])
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        build_tree(root, args.files, int(args.size_gb * 1024**3))
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = lint_file(root / "template.yaml", Settings(), rules)
            timings.append(time.perf_counter() - started)
        findings = ", ".join(sorted({f.rule for f in result.findings})) or "none"
    median = statistics.median(timings)
    print(
        f"{args.files:,} files, {args.size_gb:g} GB: median {median:.3f} s over {args.repeat} runs "
        f"(min {min(timings):.3f}, max {max(timings):.3f}); findings: {findings}"
    )
    print("target: under 2 s", "- met" if median < 2 else "- MISSED")


if __name__ == "__main__":
    main()
