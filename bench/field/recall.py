"""Recall of samcheck and cfn-lint on failures users reported (bench/field/).

    .venv/bin/python bench/field/recall.py [--markdown | --json] [CASE ...]

Each case is a template whose header comments (for JSON, the ``.meta`` file beside it) give its
source, the error users saw, ``# expect:`` and ``# catch: yes`` (a defect) or ``# catch: no``
(a corrected twin, ``<name>.ok.yaml``). ``# region:`` deploys it to that region for both tools;
``# unrelated: <tool>:<rule> (why)`` names a finding that is not about the defect and is not
counted. Both tools run from this interpreter's folder, each case in a fresh process.

A defect is caught when the tool reports an error or a warning on it (samcheck's info findings
do not count); on a twin, any error or warning is a false alarm. CASE narrows the run to the
files whose names start with it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TEMPLATE_SUFFIXES = (".yaml", ".json")
HEADER_KEYS = ("source", "error", "impact", "class", "region", "expect", "catch", "unrelated")
# What each tool calls a finding that should make its user act.
COUNTED = {"samcheck": {"error", "warning"}, "cfn-lint": {"error", "warning"}}


@dataclass
class Case:
    path: Path
    headers: dict[str, list[str]]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def defect(self) -> bool:
        return self.headers["catch"][0] == "yes"

    @property
    def region(self) -> str | None:
        return self.headers.get("region", [None])[0]

    def unrelated(self, tool: str) -> set[str]:
        pairs = (entry.split()[0].split(":", 1) for entry in self.headers.get("unrelated", []))
        return {rule for owner, rule in pairs if owner == tool}


@dataclass
class Outcome:
    rules: list[str] = field(default_factory=list)  # counted findings, by rule id
    failed: str | None = None  # the tool could not run on the case

    @property
    def flagged(self) -> bool:
        return bool(self.rules)


def read_headers(path: Path) -> dict[str, list[str]]:
    """The ``# key: value`` lines at the top of the case (or of its ``.meta`` file)."""
    source = path.with_suffix(".meta") if path.suffix == ".json" else path
    headers: dict[str, list[str]] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(": ")
        if key in HEADER_KEYS:
            headers.setdefault(key, []).append(value.strip())
    return headers


def cases(prefixes: list[str]) -> list[Case]:
    found = [
        Case(path, read_headers(path))
        for path in sorted(HERE.iterdir())
        if path.suffix in TEMPLATE_SUFFIXES and path.name[:3].isdigit()
    ]
    return [case for case in found if not prefixes or case.name.startswith(tuple(prefixes))]


def run_samcheck(case: Case) -> Outcome:
    command = [str(BIN / "python"), "-m", "samcheck", "--no-cache", "--format", "json"]
    command += ["--fail-level", "never"]
    if case.region:
        command += ["--region", case.region]
    done = subprocess.run([*command, str(case.path)], capture_output=True, text=True, cwd=HERE)
    if done.returncode != 0:
        return Outcome(failed=f"exit {done.returncode}: {done.stderr.strip()[:200]}")
    findings = json.loads(done.stdout)["findings"]
    return Outcome(
        rules=[
            finding["rule"]
            for finding in findings
            if finding["severity"] in COUNTED["samcheck"] and finding["rule"] not in case.unrelated("samcheck")
        ]
    )


def run_cfn_lint(case: Case) -> Outcome:
    command = [str(BIN / "cfn-lint"), "--format", "json"]
    if case.region:
        command += ["--regions", case.region]
    done = subprocess.run([*command, "--", str(case.path)], capture_output=True, text=True, cwd=HERE)
    # cfn-lint exits with a bit mask of what it found (2 error, 4 warning, 8 info), 1 on failure
    if done.returncode & 1 or not done.stdout.strip():
        return Outcome(failed=f"exit {done.returncode}: {done.stderr.strip()[:200]}")
    return Outcome(
        rules=[
            match["Rule"]["Id"]
            for match in json.loads(done.stdout)
            if match["Level"].lower() in COUNTED["cfn-lint"] and match["Rule"]["Id"] not in case.unrelated("cfn-lint")
        ]
    )


TOOLS = {"samcheck": run_samcheck, "cfn-lint": run_cfn_lint}


def measure(selected: list[Case]) -> dict[str, object]:
    rows = []
    for case in selected:
        outcomes = {tool: run(case) for tool, run in TOOLS.items()}
        rows.append(
            {
                "case": case.name,
                "defect": case.defect,
                "class": case.headers["class"][0],
                "source": case.headers["source"][0],
                **{
                    tool: {"flagged": outcome.flagged, "rules": outcome.rules, "failed": outcome.failed}
                    for tool, outcome in outcomes.items()
                },
            }
        )
    defects = [row for row in rows if row["defect"]]
    twins = [row for row in rows if not row["defect"]]
    summary = {
        tool: {
            "caught": sum(row[tool]["flagged"] for row in defects),  # type: ignore[index]
            "defects": len(defects),
            "false_alarms": sum(row[tool]["flagged"] for row in twins),  # type: ignore[index]
            "twins": len(twins),
            "could_not_run": sum(bool(row[tool]["failed"]) for row in rows),  # type: ignore[index]
        }
        for tool in TOOLS
    }
    return {"cases": rows, "summary": summary}


def verdict(row: dict[str, object], tool: str) -> str:
    result = row[tool]
    assert isinstance(result, dict)
    if result["failed"]:
        return "could not run"
    rules = " ".join(sorted(set(result["rules"])))
    if row["defect"]:
        return f"caught ({rules})" if result["flagged"] else "missed"
    return f"false alarm ({rules})" if result["flagged"] else "silent"


def render_text(report: dict[str, object]) -> str:
    lines = [f"{'case':58} {'samcheck':28} cfn-lint"]
    for row in report["cases"]:  # type: ignore[attr-defined]
        lines.append(f"{row['case']:58} {verdict(row, 'samcheck'):28} {verdict(row, 'cfn-lint')}")
    return "\n".join([*lines, "", *summary_lines(report)])


def render_markdown(report: dict[str, object]) -> str:
    lines = ["| case | class | samcheck | cfn-lint |", "| --- | --- | --- | --- |"]
    for row in report["cases"]:  # type: ignore[attr-defined]
        lines.append(f"| {row['case']} | {row['class']} | {verdict(row, 'samcheck')} | {verdict(row, 'cfn-lint')} |")
    return "\n".join([*lines, "", *(f"- {line}" for line in summary_lines(report))])


def summary_lines(report: dict[str, object]) -> list[str]:
    lines = []
    for tool, numbers in report["summary"].items():  # type: ignore[attr-defined]
        recall = numbers["caught"] / numbers["defects"] if numbers["defects"] else 0.0
        lines.append(
            f"{tool}: recall {numbers['caught']}/{numbers['defects']} ({recall:.0%}), "
            f"false alarms on twins {numbers['false_alarms']}/{numbers['twins']}, "
            f"could not run {numbers['could_not_run']}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--markdown", action="store_true", help="a Markdown table")
    output.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("case", nargs="*", help="only the cases whose file names start so")
    arguments = parser.parse_args()
    selected = cases(arguments.case)
    if not selected:
        parser.error("no case matches")
    report = measure(selected)
    if arguments.json:
        print(json.dumps(report, indent=2))
    elif arguments.markdown:
        print(render_markdown(report))
    else:
        print(render_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
