"""Time the Step Functions rules on a generated 1 MB definition (issue target: well under 1 s).

    .venv/bin/python bench/asl_large.py [--repeat 5]

cfn-lint is known to take over an hour on large definitions with intrinsics; this builds a
DefinitionString of about 1 MB (a chain of Task states with retriers and catchers, inside !Sub
with substitutions) and lints it with only the SC6 rules selected.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from samcheck.api import lint_file
from samcheck.config import Settings
from samcheck.registry import select_rules


def definition(target_bytes: int) -> tuple[dict, int]:
    """A chain of Task states whose JSON text (indent 1) stays just under ``target_bytes``."""
    states: dict[str, dict] = {"Failed": {"Type": "Fail", "Error": "StepFailed"}}
    body = {"StartAt": "Step0", "States": states}
    index = 0
    while True:
        batch = {
            f"Step{i}": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "${WorkerArn}", "Payload": {"step": i, "input.$": "$"}},
                "TimeoutSeconds": 60,
                "Retry": [
                    {"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.0}
                ],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
                "Next": f"Step{i + 1}",
            }
            for i in range(index, index + 50)
        }
        states.update(batch)
        states[f"Step{index + 50}"] = {"Type": "Succeed"}
        if len(json.dumps(body, indent=1)) > target_bytes:
            for name in batch:
                del states[name]
            states[f"Step{index}"] = {"Type": "Succeed"}
            del states[f"Step{index + 50}"]
            return body, index
        index += 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--megabytes", type=float, default=1.0)
    args = parser.parse_args()
    body, count = definition(int(args.megabytes * 1024 * 1024) - 30_000)
    text = json.dumps(body, indent=1)
    template = (
        "Resources:\n  Worker:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
        "      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/fn\n      Code: {ZipFile: x}\n"
        "      Timeout: 30\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        "      RoleArn: arn:aws:iam::123456789012:role/sfn\n      DefinitionString: !Sub\n        - |\n"
        + "".join(f"          {line}\n" for line in text.splitlines())
        + "        - WorkerArn: !GetAtt Worker.Arn\n"
    )
    rules = select_rules(["SC6"], [])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.yaml"
        path.write_text(template)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = lint_file(path, Settings(), rules)
            timings.append(time.perf_counter() - started)
    findings = "; ".join(f"{f.rule}: {f.message[:80]}" for f in result.findings) or "none"
    sizes = f"definition {len(text.encode()) / 1e6:.2f} MB, template {len(template) / 1e6:.2f} MB"
    median = statistics.median(timings)
    print(f"{count:,} states, {sizes}")
    print(f"median {median:.3f} s over {args.repeat} runs (min {min(timings):.3f}); findings: {findings}")
    print("target: well under 1 s -", "met" if median < 1 else "MISSED")


if __name__ == "__main__":
    main()
