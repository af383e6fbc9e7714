"""Attack: the report cannot be written: standard output is a full disk (``> /dev/full``), and so
are ``--write-baseline``, ``--format FORMAT=FILE``, the ``--show-settings`` listing and what the
other commands print (``rules``, ``explain``, ``limits``).

Promise: a report samcheck cannot write is one line on standard error, ``samcheck: cannot write the
report: <where>: <reason>``, and exit 2 (never 0 or 1, which would say the report was made, and never
a traceback), whether or not there are findings.
"""

from __future__ import annotations

from _harness import Result, Sandbox, case, expect_one_line

FINDING = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  O:\n    Value: !Ref Nope\n"
CLEAN = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"


def _to_full_disk(box: Sandbox, *arguments: str) -> Result:
    """samcheck run with standard output on /dev/full."""
    with open("/dev/full", "wb") as full:
        return box.samcheck(*arguments, stdout=full)


def check(box: Sandbox) -> None:
    (box.project / "finding.yaml").write_text(FINDING)
    (box.project / "clean.yaml").write_text(CLEAN)
    for template in ("finding.yaml", "clean.yaml"):
        for output_format in ("text", "json", "github"):
            done = _to_full_disk(box, "--no-cache", "--format", output_format, template)
            expect_one_line(f"--format {output_format} {template} > /dev/full", done)
    expect_one_line("--show-settings > /dev/full", _to_full_disk(box, "--no-cache", "--show-settings", "finding.yaml"))
    for command in (("rules",), ("explain", "SC3001"), ("limits",)):
        expect_one_line(f"samcheck {' '.join(command)} > /dev/full", _to_full_disk(box, *command))
    for arguments in (("--write-baseline", "/dev/full"), ("--format", "sarif=/dev/full"), ("-o", "/dev/full")):
        expect_one_line(" ".join(arguments), box.samcheck("--no-cache", *arguments, "finding.yaml"))


if __name__ == "__main__":
    case(check)
