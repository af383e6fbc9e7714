"""Attack: the report cannot be written: standard output is a full disk (``> /dev/full``), and so
are ``--write-baseline``, ``--format FORMAT=FILE``, the ``--show-settings`` listing and what the
other commands print (``rules``, ``explain``, ``limits``).

Promise: a report samcheck cannot write is one line on standard error, ``samcheck: cannot write the
report: <where>: <reason>``, and exit 2 (never 0 or 1, which would say the report was made, and never
a traceback), whether or not there are findings.
"""

from __future__ import annotations

import subprocess
import sys

from _harness import Sandbox, UnsafeError, case

FINDING = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  O:\n    Value: !Ref Nope\n"
CLEAN = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"


def _to_full_disk(box: Sandbox, *arguments: str) -> tuple[int, str]:
    """samcheck run with standard output on /dev/full: its exit code and standard error."""
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "samcheck", *arguments],
            cwd=box.project,
            env=box.env(),
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    return done.returncode, done.stderr.decode("utf-8", "replace")


def _expect_one_line(what: str, code: int, err: str) -> None:
    lines = err.splitlines()
    if code != 2 or len(lines) != 1 or not lines[0].startswith("samcheck: cannot write the report: "):
        raise UnsafeError(f"{what}: expected exit 2 and one line on standard error, got exit {code}:\n{err[-3000:]}")


def check(box: Sandbox) -> None:
    (box.project / "finding.yaml").write_text(FINDING)
    (box.project / "clean.yaml").write_text(CLEAN)
    for template in ("finding.yaml", "clean.yaml"):
        for output_format in ("text", "json", "github"):
            code, err = _to_full_disk(box, "--no-cache", "--format", output_format, template)
            _expect_one_line(f"--format {output_format} {template} > /dev/full", code, err)
    code, err = _to_full_disk(box, "--no-cache", "--show-settings", "finding.yaml")
    _expect_one_line("--show-settings > /dev/full", code, err)
    for command in (("rules",), ("explain", "SC3001"), ("limits",)):
        code, err = _to_full_disk(box, *command)
        _expect_one_line(f"samcheck {' '.join(command)} > /dev/full", code, err)
    for arguments in (("--write-baseline", "/dev/full"), ("--format", "sarif=/dev/full"), ("-o", "/dev/full")):
        done = box.samcheck("--no-cache", *arguments, "finding.yaml")
        _expect_one_line(" ".join(arguments), done.returncode or 0, done.err)


if __name__ == "__main__":
    case(check)
