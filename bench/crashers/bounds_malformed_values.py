"""Attack: values no deployable template has, where the rules and the reader expect another shape:
``!GetAtt [[Fn, Arn], Arn]`` (a list where a name goes) in a policy and a policy template, an event
whose ``Type`` is a mapping, integers too large for a float (a 5,000-digit hex ``Timeout``, a
4,000-digit ``MemorySize``; Python also refuses to print an integer of more than 4,300 digits, and to
read a decimal one, so a 5,000-digit decimal ``Timeout`` stayed text and is kept here as such), file
names no file can have (a 300-character one, one with a NUL, a lone surrogate) in ``CodeUri``,
``DefinitionUri``, a nested stack and an ``AWS::Include``. Each was an internal error (SC0000) that
lost a rule's findings or the whole file's.

Promise: a malformed value is a finding or unknown, never an internal error, in every report
format.
"""

from __future__ import annotations

import json

from _harness import Sandbox, UnsafeError, case

HEAD = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/key
"""
TEMPLATES = {
    "getatt-statement": HEAD
    + """\
      Policies:
        - Statement:
            - Effect: Allow
              Action: elasticfilesystem:ClientMount
              Resource: !GetAtt [[Worker, Arn], Arn]
""",
    "event-type-mapping": HEAD
    + """\
      Events:
        Get:
          Type: {Fn::Join: [",", [Api]]}
          Properties:
            Path: /
            Method: get
""",
    "hex-timeout": HEAD + "      Timeout: 0x" + "f" * 5000 + "\n",
    "long-timeout": HEAD + "      Timeout: " + "9" * 5000 + "\n",
    "long-memory": HEAD + "      MemorySize: " + "1" * 4000 + "\n",
    "long-parameter": "Parameters:\n  Size:\n    Type: 0x" + "f" * 5000 + "\n" + HEAD,
    "getatt-policy-argument": HEAD
    + """\
      Policies:
        - AWSSecretsManagerGetSecretValuePolicy:
            SecretArn: !GetAtt [[Jobs, Arn], Arn]
""",
    "long-names": HEAD.replace("s3://bucket/key", "a" * 300)
    + f"""\
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: {"b" * 300}.json
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: {"c" * 300}.yaml
""",
    "nul-names": HEAD.replace("s3://bucket/key", '"src\\0"')
    + """\
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform: {Name: AWS::Include, Parameters: {Location: "api\\0.yaml"}}
""",
    "surrogates": HEAD.replace("s3://bucket/key", '"src\\ud800"')
    + """\
      Environment:
        Variables:
          NAME: "\\ud800"
""",
}


def check(box: Sandbox) -> None:
    names = []
    for name, text in TEMPLATES.items():
        (box.project / f"{name}.template.yaml").write_text(text)
        names.append(f"{name}.template.yaml")
    reports = ["--format", "sarif=out/report.sarif", "--format", "github=out/report.github"]
    result = box.samcheck(*names, "--account-scope", "--format", "json", *reports, "--format", "text=out/report.txt")
    if result.returncode not in (0, 1):
        raise UnsafeError(f"expected exit 0 or 1:\n{result.describe()}")
    internal = [finding for finding in json.loads(result.out)["findings"] if finding["rule"] == "SC0000"]
    if internal:
        raise UnsafeError("internal errors:\n" + "\n".join(f"{f['file']}: {f['message']}" for f in internal))
    for report in ("report.sarif", "report.github", "report.txt"):
        if not (box.project / "out" / report).is_file():
            raise UnsafeError(f"{report} was not written:\n{result.describe()}")


if __name__ == "__main__":
    case(check)
