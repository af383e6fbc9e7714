"""Attack: a long list in a value the rules resolve (a function's Layers, 300,000 items in 600 KB):
the resolver extended each combination one item at a time, copying it, so a list cost the square of
its length: 55 s for 200,000 items, minutes for more.

Promise: resolving a value takes time linear in its size.
"""

from __future__ import annotations

from _harness import Sandbox, UnsafeError, case

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/key
      Layers: [{layers}]
"""


def check(box: Sandbox) -> None:
    (box.project / "template.yaml").write_text(TEMPLATE.format(layers=",".join(["a"] * 300_000)))
    result = box.samcheck("template.yaml", "--format", "json")
    seconds = result.seconds
    # More than 5 layers (SC1003): the list is read, and judged.
    if result.returncode != 1 or "SC1003" not in result.out or "SC0000" in result.out:
        raise UnsafeError(f"{seconds:.1f} s; expected SC1003 and no internal error (exit 1):\n{result.describe()}")
    if seconds > 60:
        raise UnsafeError(f"resolving a list of 300,000 items took {seconds:.0f} s")


if __name__ == "__main__":
    case(check)
