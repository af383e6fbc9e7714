"""Attack: intrinsic functions whose results are far longer than the template that writes them,
in values the rules read (a function's environment variables and runtime): an ``Fn::Join`` whose
delimiter is a Join whose delimiter is a Join (a 2 KB text for 500 million characters), an
``Fn::Sub`` of variables bound to Subs, sixty nested ``Fn::Base64``. Each took gigabytes, and
MemoryError surfaced as internal errors (SC0000) that lost the rules' other findings.

Promise: the text intrinsic functions build while one template is checked is bounded (64 MB);
a value past that is unknown, as a value known only at deploy time is, and the template's other
findings are reported.
"""

from __future__ import annotations

from _harness import Sandbox, UnsafeError, cap_memory, case, peak_megabytes

ITEMS = "[" + ", ".join(["a"] * 400) + "]"
JOIN = f"!Join [!Join [!Join [xxxxxxxx, {ITEMS}], {ITEMS}], {ITEMS}]"
SUB = "!Sub [{a}, {{a: !Sub [{b}, {{b: !Sub [{c}, {{c: xxxxxxxx}}]}}]}}]".format(
    **{name: '"' + ("${" + name + "}") * 400 + '"' for name in "abc"}
)
BASE64 = "{'Fn::Base64': " * 60 + "x" * 1000 + "}" * 60
TEMPLATE = f"""\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: {BASE64}
      Handler: app.handler
      CodeUri: s3://bucket/key
      MemorySize: 20000
      Environment:
        Variables:
          JOINED: {JOIN}
          SUBSTITUTED: {SUB}
          ENCODED: {BASE64}
"""


def check(box: Sandbox) -> None:
    (box.project / "template.yaml").write_text(TEMPLATE)
    result = box.samcheck("template.yaml", "--format", "json")
    seconds, peak = result.seconds, peak_megabytes()
    said = f"{seconds:.1f} s, {peak} MB at most"
    # MemorySize 20000 is out of range (SC1002): the run reports it whatever the other values are.
    if result.returncode != 1 or "SC1002" not in result.out or "SC0000" in result.out:
        raise UnsafeError(f"{said}; expected SC1002 and no internal error (exit 1):\n{result.describe()}")
    if seconds > 60 or peak > 1024:
        raise UnsafeError(said)


if __name__ == "__main__":
    cap_memory(3072)
    case(check)
