"""bench/field/ keeps working: every case says where it comes from and what a linter should say,
and recall.py measures both tools on a case it is given."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

FIELD = ROOT / "bench" / "field"
CASES = sorted(path for path in FIELD.iterdir() if path.name[:3].isdigit() and path.suffix in (".yaml", ".json"))


def headers(case):
    text = (case.with_suffix(".meta") if case.suffix == ".json" else case).read_text(encoding="utf-8")
    lines = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def test_there_are_enough_cases_and_twins():
    twins = [case for case in CASES if ".ok." in case.name]
    assert len(CASES) - len(twins) >= 60
    assert len(twins) >= 20


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_has_source_expect_and_catch(case):
    found = headers(case)
    assert found.get("source", "").startswith("http"), "no # source: URL"
    assert found.get("expect"), "no # expect:"
    assert found.get("class"), "no # class:"
    assert found.get("catch") == ("no" if ".ok." in case.name else "yes")
    if ".ok." in case.name:
        defect = case.with_name(case.name.replace(".ok.", "."))
        assert defect.exists(), "a twin without its defect"


def test_recall_reports_each_tool_on_the_cases_given():
    done = subprocess.run(
        [sys.executable, str(FIELD / "recall.py"), "--json", "019-log-retention-730"],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    rows = {row["case"]: row for row in report["cases"]}
    assert set(rows) == {"019-log-retention-730.yaml", "019-log-retention-730.ok.yaml"}
    defect, twin = rows["019-log-retention-730.yaml"], rows["019-log-retention-730.ok.yaml"]
    assert defect["samcheck"] == {"flagged": True, "rules": ["SC1017"], "failed": None}
    assert twin["samcheck"] == {"flagged": False, "rules": [], "failed": None}
    assert twin["cfn-lint"]["failed"] is None and not twin["cfn-lint"]["flagged"]
    assert report["summary"]["samcheck"] == {
        "caught": 1,
        "defects": 1,
        "false_alarms": 0,
        "twins": 1,
        "could_not_run": 0,
    }
    assert set(report["summary"]) == {"samcheck", "cfn-lint"}
