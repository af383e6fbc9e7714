"""Attack: standard output is closed (``>&-``), or its reader went away before samcheck wrote (a
pipe whose other end is closed, as ``| head`` leaves it).

Promise: samcheck says once on standard error that it cannot write the report and exits 2; no
traceback, and no "Exception ignored ... BrokenPipeError" from Python at exit. Standard input closed
(``samcheck - <&-``) is one line and exit 2 too.
"""

from __future__ import annotations

import os

from _harness import Sandbox, case, expect_one_line

FINDING = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  O:\n    Value: !Ref Nope\n"


def check(box: Sandbox) -> None:
    (box.project / "template.yaml").write_text(FINDING)
    for output_format in ("text", "sarif"):
        done = box.samcheck("--no-cache", "--format", output_format, closed=(1,))
        expect_one_line(f"--format {output_format} >&-", done)
        reader, writer = os.pipe()
        os.close(reader)  # the reader is gone before samcheck writes a byte
        try:
            done = box.samcheck("--no-cache", "--format", output_format, stdout=writer)
        finally:
            os.close(writer)
        expect_one_line(f"--format {output_format} to a pipe nobody reads", done)
    closed_input = box.samcheck("--no-cache", "-", closed=(0,))
    expect_one_line("samcheck - <&-", closed_input, "samcheck: error: standard input is closed")


if __name__ == "__main__":
    case(check)
