"""Time one template with N function/queue pairs, in JSON and in SARIF (issue target: 10 s at 5,000,
SARIF within 2x of JSON).

    .venv/bin/python bench/many_functions.py [--sizes 250 2000 5000] [--repeat 1]

Each function has an SQS event on its own queue, and a queue visibility timeout shorter than the
function's timeout (so every pair has a finding with a fix, which SARIF carries). Each run is a
fresh ``samcheck`` process without cache; reported: wall time, and the peak resident memory of the
process and the children it waited for.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _process import run_samcheck


def template(pairs: int) -> str:
    lines = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for index in range(pairs):
        lines += [
            f"  Queue{index}:",
            "    Type: AWS::SQS::Queue",
            "    Properties:",
            "      VisibilityTimeout: 10",
            f"  Worker{index}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            "      Runtime: python3.12",
            "      Handler: app.handler",
            '      InlineCode: "def handler(event, context): pass"',
            "      Timeout: 60",
            "      Events:",
            "        Jobs:",
            "          Type: SQS",
            "          Properties:",
            f"            Queue: !GetAtt Queue{index}.Arn",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 2000, 5000])
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    print("| pairs | JSON s | SARIF s | SARIF/JSON | peak MB |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for pairs in options.sizes:
            path = Path(folder) / f"template-{pairs}.yaml"
            path.write_text(template(pairs))
            json_runs = [run_samcheck("--format", "json", str(path)) for _ in range(options.repeat)]
            sarif_runs = [run_samcheck("--format", "sarif", str(path)) for _ in range(options.repeat)]
            json_s = statistics.median(seconds for seconds, _ in json_runs)
            sarif_s = statistics.median(seconds for seconds, _ in sarif_runs)
            peak_mb = max(peak for _, peak in json_runs + sarif_runs) / 1024
            print(f"| {pairs} | {json_s:.1f} | {sarif_s:.1f} | {sarif_s / json_s:.2f} | {peak_mb:.0f} |", flush=True)


if __name__ == "__main__":
    main()
