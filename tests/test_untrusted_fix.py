"""--fix and --diff on templates from strangers: what cannot be played as a real process cheaply
(the attacks that need one are in ``bench/crashers/fix_*.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from samcheck.api import lint_file
from samcheck.config import Settings
from samcheck.findings import FileResult
from samcheck.fix.files import read_exactly
from samcheck.fix.fixpoint import fix_until_stable
from samcheck.registry import all_rules

FUNCTIONS = 1000


def many_functions(count: int) -> str:
    """``count`` functions, each reading its own queue whose VisibilityTimeout (10 s) is below the
    function's Timeout (a fixable SC3001), with descriptions long enough that the expanded template
    is over CloudFormation's 1 MB body quota (an SC0007 error whose byte count every edit changes)."""
    lines = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for index in range(count):
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
            f"      Description: {'x' * 300}",
            "      Events:",
            "        Jobs:",
            "          Type: SQS",
            "          Properties:",
            f"            Queue: !GetAtt Queue{index}.Arn",
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_fixes_of_a_template_over_the_body_quota_are_checked_together(tmp_path: Path) -> None:
    """The body-size error stays one error while the fixes change the byte count: every fix is
    applied after linting one candidate (it was refused, then each fix linted alone: minutes)."""
    path = tmp_path / "template.yaml"
    path.write_text(many_functions(FUNCTIONS))
    settings, rules = Settings(), all_rules()
    result = lint_file(path, settings, rules)
    assert any(f.rule == "SC0007" and "expanded template" in f.message for f in result.findings)
    linted: list[str] = []

    def lint(text: str) -> FileResult:
        linted.append(text)
        assert len(linted) <= 2, "each fix is linted alone"
        return lint_file(path, settings, rules, source=text.encode())

    stable = fix_until_stable(path, read_exactly(path), result, lint)
    assert stable.refused == [] and stable.applied == FUNCTIONS
    assert len(linted) == 1 and stable.text.count("VisibilityTimeout: 360") == FUNCTIONS
