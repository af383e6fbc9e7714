"""Paths and intrinsic function calls in JSONPath states, as users see them: the exit code and the
finding at the line of the field, and the forms Step Functions accepts never reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from samcheck.analysis.asl_expressions import call_problems, path_problem

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Shape
        States:
          Shape:
            Type: Pass
            Parameters:
              id.$: {value}
            End: true
"""


def lint(tmp_path: Path, value: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "template.yaml").write_text(TEMPLATE.format(value=value))
    command = [sys.executable, "-m", "samcheck", "--no-cache", "--select", "SC6013,SC6014", str(tmp_path)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_a_path_step_functions_refuses_fails_the_run_at_its_line(tmp_path: Path) -> None:
    result = lint(tmp_path, "$$.Execution.StartedTime")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "12:15" in result.stdout and "the Context object's Execution has no StartedTime" in result.stdout


def test_a_call_of_an_unknown_function_names_the_one_meant(tmp_path: Path) -> None:
    result = lint(tmp_path, "States.ArrayLenght($.items)")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "did you mean States.ArrayLength?" in result.stdout


@pytest.mark.parametrize(
    "text",
    ["$", "$$", "$.a.b", "$['a b'].c", "$.items[?(@.price < 10)]", "$..name", "$var.field", "$$.Map.Item.Value"],
)
def test_paths_step_functions_accepts(text: str) -> None:
    assert path_problem(text) is None


@pytest.mark.parametrize(
    ("text", "reference", "problem"),
    [
        ("a.b", False, "starts with $"),
        ("$.a[0", False, "[ in it is not closed"),
        ("$.a]", False, "closes a ["),
        ("$.a.", False, "ends with ."),
        ("$$.Executions.Id", False, "no Executions"),
        ("$.a[*]", True, "one node"),
        ("$['a", False, "not closed"),
    ],
)
def test_paths_step_functions_refuses(text: str, reference: bool, problem: str) -> None:
    assert problem in (path_problem(text, reference) or "")


@pytest.mark.parametrize(
    "text",
    [
        "States.Format('a {} \\'b\\' \\{c\\}', $.x)",
        "States.ArrayLength($.items[?(@.tags[0] == 'a,b')])",
        "States.MathRandom(1, 9, $.seed)",
        "States.JsonMerge($.a, $.b, false)",
        "States.Array()",
    ],
)
def test_calls_step_functions_accepts(text: str) -> None:
    assert call_problems(text) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("States.MathRandom(1)", "takes 2 to 3 arguments, not 1"),
        ("States.UUID(1)", "takes 0 arguments, not 1"),
        ("States.Format()", "takes 1 or more arguments, not 0"),
        ("States.Hash($.a, 'MD5'", "does not parse"),
        ("States.Format('{}', $.a", "',' or ')' was expected at character 24, not the end"),
        ("States.Array($.a) + 1", "follows the call"),
        ("States.Array(States.Nope())", "States.Nope is not an intrinsic function"),
        ("States.Array(a.b)", "an argument was expected"),
    ],
)
def test_calls_step_functions_refuses(text: str, problem: str) -> None:
    assert any(problem in found for found in call_problems(text)), call_problems(text)
