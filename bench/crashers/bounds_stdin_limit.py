"""Attack: a template too large to be deployable (12 MB) given on standard input, as an editor or a
pre-commit hook gives an unsaved buffer (``samcheck - --stdin-filename template.yaml``): files
over 10 MB are refused unread, but standard input skipped that bound and was read and linted whole.

Promise: standard input has the same bound as files: past 10 MB it is an SC0001 finding, and no
more than that is read.
"""

from __future__ import annotations

from _harness import Sandbox, UnsafeError, cap_memory, case, peak_megabytes

HEAD = b"""\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Metadata:
      Notes:
"""


def check(box: Sandbox) -> None:
    line = b"        - " + b"x" * 100 + b"\n"
    text = HEAD + line * (12 * 1024 * 1024 // len(line))
    result = box.samcheck("-", "--stdin-filename", "template.yaml", "--format", "json", stdin=text)
    seconds, peak = result.seconds, peak_megabytes()
    said = f"{seconds:.1f} s, {peak} MB at most"
    if result.returncode != 1 or "SC0001" not in result.out or "10,485,760 bytes" not in result.out:
        raise UnsafeError(f"{said}; expected SC0001 for the size (exit 1):\n{result.describe()}")
    if seconds > 60 or peak > 512:
        raise UnsafeError(said)


if __name__ == "__main__":
    cap_memory(3072)
    case(check)
