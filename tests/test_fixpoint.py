"""Which fixes hold: conflicting ones are refused together, with why."""

from __future__ import annotations

from pathlib import Path

from samcheck.findings import Edit, FileResult, Finding, Fix, Severity, Span
from samcheck.fix.fixpoint import fix_until_stable

TEXT = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: orders\n"


def _finding(fix: Fix) -> Finding:
    return Finding(
        "SC3002", "redrive-dlq-type-mismatch", Severity.ERROR, "m", "t.yaml", Span.point(5), "Queue", (), fix
    )


def test_fixes_that_set_one_place_differently_are_both_refused(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEXT)
    where = ("Resources", "Queue", "Properties", "QueueName")
    first = Fix("name it orders.fifo", (Edit(where, "orders.fifo"),))
    second = Fix("name it orders-dlq", (Edit(where, "orders-dlq"),))
    result = FileResult(path, [_finding(first), _finding(second)], TEXT.splitlines(), ("SC3002",))

    def lint(_: str) -> FileResult:
        raise AssertionError("nothing is applied, so nothing is linted")

    stable = fix_until_stable(path, TEXT, result, lint)
    assert stable.text == TEXT and stable.applied == 0
    assert stable.refused == [
        "name it orders.fifo: not applied, it sets Resources.Queue.Properties.QueueName otherwise than "
        "'name it orders-dlq' (neither is)",
        "name it orders-dlq: not applied, it sets Resources.Queue.Properties.QueueName otherwise than "
        "'name it orders.fifo' (neither is)",
    ]
