"""Attack: standard output is closed (``>&-``), or its reader went away before samcheck wrote (a
pipe whose other end is closed, as ``| head`` leaves it).

Promise: samcheck says once on standard error that it cannot write the report and exits 2; no
traceback, and no "Exception ignored ... BrokenPipeError" from Python at exit. Standard input closed
(``samcheck - <&-``) is one line and exit 2 too.
"""

from __future__ import annotations

import os
import subprocess
import sys

from _harness import Sandbox, UnsafeError, case

FINDING = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  O:\n    Value: !Ref Nope\n"


def _run(box: Sandbox, stdout: int | None, closed: bool, *arguments: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "samcheck", *arguments],
        cwd=box.project,
        env=box.env(),
        stdout=stdout,
        stderr=subprocess.PIPE,
        preexec_fn=(lambda: os.close(1)) if closed else None,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stderr.decode("utf-8", "replace")


def _expect_one_line(what: str, code: int, err: str) -> None:
    lines = err.splitlines()
    if code != 2 or len(lines) != 1 or not lines[0].startswith("samcheck: cannot write the report: "):
        raise UnsafeError(f"{what}: expected exit 2 and one line on standard error, got exit {code}:\n{err[-3000:]}")


def check(box: Sandbox) -> None:
    (box.project / "template.yaml").write_text(FINDING)
    for output_format in ("text", "sarif"):
        code, err = _run(box, None, True, "--no-cache", "--format", output_format)
        _expect_one_line(f"--format {output_format} >&-", code, err)
        reader, writer = os.pipe()
        os.close(reader)  # the reader is gone before samcheck writes a byte
        try:
            code, err = _run(box, writer, False, "--no-cache", "--format", output_format)
        finally:
            os.close(writer)
        _expect_one_line(f"--format {output_format} to a pipe nobody reads", code, err)
    done = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "-"],
        cwd=box.project,
        env=box.env(),
        stdin=None,
        capture_output=True,
        preexec_fn=lambda: os.close(0),
        timeout=120,
        check=False,
    )
    lines = done.stderr.decode("utf-8", "replace").splitlines()
    if done.returncode != 2 or len(lines) != 1 or "standard input is closed" not in lines[0]:
        raise UnsafeError(f"samcheck - <&-: expected exit 2 and one line, got exit {done.returncode}:\n{lines}")


if __name__ == "__main__":
    case(check)
