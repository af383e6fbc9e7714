"""JSONata expressions in state machines, as users see them: the exit code and the finding at the
line of the field for what Step Functions refuses, and the JSONata it accepts never reported
(regular expressions, comments, quoted brackets, functions bound in the expression)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from samcheck.analysis.jsonata import read

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        QueryLanguage: JSONata
        StartAt: Shape
        States:
          Shape:
            Type: Pass
            Assign:
              total: "{{% $states.input.total %}}"
            Output:
              value: {value}
            End: true
"""


def lint(tmp_path: Path, value: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "template.yaml").write_text(TEMPLATE.format(value=json.dumps(value)))
    command = [sys.executable, "-m", "samcheck", "--no-cache", "--select", "SC6017", str(tmp_path)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{% $states.input.items[0 %}", "the [ at character 23 is not closed"),
        ("{% 'it\\'s' & $total) %}", "closes nothing"),
        ('{% "unterminated %}', "a quoted text opened at character 4 is not closed"),
        ("{% $match($total, /[a-z %}", "a regular expression opened"),
        ("{% order.total %}", "opens with order, a reference at the top level"),
        ("{% $states.inputs %}", "did you mean input?"),
        ("{% $sum($states.input.lines) + $lenght($total) %}", "did you mean $length?"),
        ("{% $eval($states.input.code) %}", "call $parse"),
    ],
)
def test_an_expression_step_functions_refuses_fails_the_run_at_its_line(
    tmp_path: Path, value: str, message: str
) -> None:
    result = lint(tmp_path, value)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "15:15" in result.stdout and message in result.stdout, result.stdout


def test_text_around_an_expression_and_an_unassigned_variable_are_warnings(tmp_path: Path) -> None:
    around = lint(tmp_path, "Total: {% $total %}")
    assert around.returncode == 0 and "warning" in around.stdout and "passed as written" in around.stdout
    unassigned = lint(tmp_path, "{% $totl %}")
    assert unassigned.returncode == 0 and "no state of this machine assigns totl; " in unassigned.stdout
    assert "did you mean $total?" in unassigned.stdout


@pytest.mark.parametrize(
    "value",
    [
        "{% $states.input.items[price > 10 and sku in ['a]', 'b(']].{'sku': sku} %}",
        "{% $map($states.input.codes[$match($, /^[a-z(]+$/i)], $uppercase) %}",
        "{% $total / 2 + $count($states.input.items) / 3 %}",
        "{% /* a ( comment */ $states.context.Execution.Id %}",
        "{% ($twice := function($n) { $n * 2 }; $twice($total)) %}",
        "{% $reduce($states.input.items, λ($acc, $item) { $acc + $item.price }, 0) %}",
        "{% $states.input.`odd [name` %}",
        "{% true %}",
        "{% [1, 2, 3] %}",
        "{% {'a': $total} %}",
        "{% $partition($range(1, 10, 1), 3) & $hash('x', 'SHA-256') & $uuid() & $random(7) %}",
        "{% $parse('{\"a\": 1}') %}",
        "costs 5% more, see {% in the docs",
        "$states.input.total",
    ],
)
def test_jsonata_step_functions_accepts_is_not_reported(tmp_path: Path, value: str) -> None:
    result = lint(tmp_path, value)
    assert result.returncode == 0 and "SC6017" not in result.stdout, result.stdout


def test_a_function_bound_in_the_expression_is_neither_a_call_nor_a_variable_of_the_machine() -> None:
    reading = read(" $f := function($a, $b) { $a + $b }; $f(1, 2) ")
    assert reading.bound == {"f", "a", "b"} and not reading.problems and reading.bare_start is None
