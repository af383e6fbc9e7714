"""Third-party rule packs: a broken pack, a rule with an id outside SCnnnn, or a rule that yields
something that is not a finding never stops the run or hides the other findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PACKS = {
    "brokenpack": "raise ImportError('a dependency is missing')\n",
    "oddpack": '''
from samcheck.rule import Rule, Severity, Span


class OddId(Rule):
    id = "ACME1"
    name = "odd-id"
    severity = Severity.ERROR
    summary = "An id outside SCnnnn"
    url = "https://example.com"
    needs_template = False

    def check(self, context):
        yield context.report(Span.point(), "never shown")


class Malformed(Rule):
    """Yields text instead of a finding."""

    id = "SC9101"
    name = "malformed-finding"
    severity = Severity.ERROR
    summary = "Yields something that is not a finding"
    url = "https://example.com"
    needs_template = False

    def check(self, context):
        yield context.report(Span.point(), "first, fine")
        yield "not a finding"


class Fine(Rule):
    id = "SC9102"
    name = "fine-plugin-rule"
    severity = Severity.WARNING
    summary = "Works"
    url = "https://example.com"
    needs_template = False

    def check(self, context):
        yield context.report(Span.point(), "from a plugin that works")


RULES = [OddId, Malformed, Fine]
''',
}


def _install(site: Path) -> None:
    for name, source in PACKS.items():
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text(source)
        info = site / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[samcheck.rules]\n{name} = {name}:RULES\n")


def test_broken_and_odd_plugins_are_reported_and_the_rest_runs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _install(site)
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties: {VisibilityTimeout: -1}\n")
    result = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "--format", "json", str(template)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    assert "Traceback" not in result.stderr
    assert "rule pack brokenpack could not be loaded (ImportError: a dependency is missing)" in result.stderr
    assert "OddId has id 'ACME1', but rule ids are SC and four digits" in result.stderr
    findings = {(f["rule"], f["message"].split(":")[0]) for f in json.loads(result.stdout)["findings"]}
    assert ("SC9102", "from a plugin that works") in findings
    assert ("SC0000", "internal error in rule SC9101 malformed-finding") in findings  # its findings are lost
    assert any(rule == "SC3008" for rule, _ in findings)  # samcheck's own rules still ran
    assert not any(rule in ("ACME1", "SC9101") for rule, _ in findings)
