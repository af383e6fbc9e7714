"""Attack: a state machine definition whose ``${X}`` is written 100,000 times, with a 10 KB
``DefinitionSubstitutions`` value for X: in a ``DefinitionUri`` file, in an inline ``Definition`` and
in a ``DefinitionString``, each substituted as the service does, wrote a gigabyte of text (2 GB at
peak for the file alone).

Promise: a definition that substitution would make longer than a template may be (10 MB) is not
read: no memory exhaustion, and the template's other findings are reported.
"""

from __future__ import annotations

import json

from _harness import Sandbox, UnsafeError, cap_memory, case, peak_megabytes

VALUE = "y" * 10_000
STATES = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
TEMPLATE = f"""\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  FromFile:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: definition.json
      DefinitionSubstitutions: {{X: {VALUE}}}
  Inline:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: {json.dumps({**STATES, "Comment": ["${X}"] * 100_000})}
      DefinitionSubstitutions: {{X: {VALUE}}}
  Text:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/machine
      DefinitionString: {json.dumps(json.dumps({**STATES, "Comment": "${X}" * 100_000}))}
      DefinitionSubstitutions: {{X: {VALUE}}}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/key
      MemorySize: 20000
"""


def check(box: Sandbox) -> None:
    (box.project / "template.yaml").write_text(TEMPLATE)
    (box.project / "definition.json").write_text(json.dumps({**STATES, "Comment": "${X}" * 100_000}))
    result = box.samcheck("template.yaml", "--format", "json")
    seconds, peak = result.seconds, peak_megabytes()
    said = f"{seconds:.1f} s, {peak} MB at most"
    # MemorySize 20000 is out of range (SC1002): the run reports it whatever the definitions are.
    if result.returncode != 1 or "SC1002" not in result.out or "SC0000" in result.out:
        raise UnsafeError(f"{said}; expected SC1002 and no internal error (exit 1):\n{result.describe()}")
    if seconds > 60 or peak > 1024:
        raise UnsafeError(said)


if __name__ == "__main__":
    cap_memory(3072)
    case(check)
