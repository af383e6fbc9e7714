"""Time the permissions rules (SC8xxx) on one generated template: N functions, each with its own role
of four statements (2,000 statements at 500), an SQS mapping, a dead-letter topic, and one bucket
notification per ten functions with its permission.

    .venv/bin/python bench/permissions_scale.py [--functions 500] [--repeat 3]

Each run is a fresh ``samcheck`` process without cache. Two runs are compared: the permissions
rules alone (``--select SC8``) and the file read with no rule beyond parsing (``--select SC0001``);
their difference is the evaluator's own cost. Reported: median wall time and peak resident memory.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _process import run_samcheck


def template(functions: int) -> str:
    lines = ["Resources:"]
    for index in range(functions):
        lines += [
            f"  Queue{index}:",
            "    Type: AWS::SQS::Queue",
            f"  Failed{index}:",
            "    Type: AWS::SNS::Topic",
            f"  Role{index}:",
            "    Type: AWS::IAM::Role",
            "    Properties:",
            "      AssumeRolePolicyDocument:",
            "        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]",
            "      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            "      Policies:",
            "        - PolicyName: work",
            "          PolicyDocument:",
            "            Statement:",
            "              - {Effect: Allow, Action: ['sqs:Receive*', sqs:DeleteMessage], "
            f"Resource: !GetAtt Queue{index}.Arn}}",
            f"              - {{Effect: Allow, Action: sqs:GetQueueAttributes, Resource: !GetAtt Queue{index}.Arn}}",
            f"              - {{Effect: Allow, Action: sns:Publish, Resource: !Ref Failed{index}}}",
            "              - {Effect: Deny, NotAction: ['sqs:*', 'sns:*', 'logs:*'], Resource: '*'}",
            f"  Worker{index}:",
            "    Type: AWS::Lambda::Function",
            "    Properties:",
            "      Runtime: python3.12",
            "      Handler: index.handler",
            f"      Role: !GetAtt Role{index}.Arn",
            '      Code: {ZipFile: "def handler(event, context): pass"}',
            f"      DeadLetterConfig: {{TargetArn: !Ref Failed{index}}}",
            f"  Mapping{index}:",
            "    Type: AWS::Lambda::EventSourceMapping",
            f"    Properties: {{FunctionName: !Ref Worker{index}, EventSourceArn: !GetAtt Queue{index}.Arn}}",
        ]
        if index % 10 == 0:
            lines += [
                f"  Invoke{index}:",
                "    Type: AWS::Lambda::Permission",
                f"    Properties: {{FunctionName: !Ref Worker{index}, Action: lambda:InvokeFunction, "
                "Principal: s3.amazonaws.com}",
                f"  Bucket{index}:",
                "    Type: AWS::S3::Bucket",
                f"    DependsOn: Invoke{index}",
                "    Properties:",
                "      NotificationConfiguration:",
                "        LambdaConfigurations:",
                f"          - {{Event: 's3:ObjectCreated:*', Function: !GetAtt Worker{index}.Arn}}",
            ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.yaml"
        path.write_text(template(options.functions))
        read = [run_samcheck("--select", "SC0001", str(path)) for _ in range(options.repeat)]
        rules = [run_samcheck("--select", "SC8", str(path)) for _ in range(options.repeat)]
    read_s = statistics.median(seconds for seconds, _ in read)
    rules_s = statistics.median(seconds for seconds, _ in rules)
    print("| functions | statements | read only s | SC8xxx s | evaluator s | peak MB (read / SC8xxx) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {options.functions} | {4 * options.functions} | {read_s:.2f} | {rules_s:.2f} | {rules_s - read_s:.2f} | "
        f"{max(peak for _, peak in read) / 1024:.0f} / {max(peak for _, peak in rules) / 1024:.0f} |"
    )


if __name__ == "__main__":
    main()
