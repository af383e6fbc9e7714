"""Third-party rule packs: a broken pack, a rule with an id outside SCnnnn, or a rule that yields
something that is not a finding never stops the run or hides the other findings. (Packs that loop,
print or end their process are played in ``bench/crashers/code_plugin_*.py``.)"""

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


# Stands for a crash in C code in samcheck's own checking (a third-party pack that dies is
# contained in a child of its own): the worker process dies on one file.
KILLER = """
import os
import signal

import samcheck.check.checker

checking = samcheck.check.checker.check_file


def check_file(path, *args, **kwargs):
    if "KILLME" in path.read_text():
        os.kill(os.getpid(), signal.SIGKILL)
    return checking(path, *args, **kwargs)


samcheck.check.checker.check_file = check_file
"""


def test_a_worker_that_dies_loses_only_its_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(KILLER)
    bad_timeout = (
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        "    Properties: {Runtime: python3.12, Handler: app.handler, Timeout: 1200}\n"
    )
    for name in ("a.yaml", "c.yaml"):
        (tmp_path / name).write_text(bad_timeout)
    (tmp_path / "b.yaml").write_text("# KILLME\n" + bad_timeout)
    result = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "-j", "2", "--format", "json", "a.yaml", "b.yaml", "c.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        timeout=300,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-1000:]
    rules = {}
    for finding in json.loads(result.stdout)["findings"]:
        rules.setdefault(finding["file"], set()).add(finding["rule"])
    assert rules == {"a.yaml": {"SC1001"}, "b.yaml": {"SC0000"}, "c.yaml": {"SC1001"}}


RUN_WIDE = """
from samcheck.rule import Finding, Rule, Severity, Span


class QueuesInTheRun(Rule):
    id = "SC9301"
    name = "queues-in-the-run"
    severity = Severity.WARNING
    summary = "Counts the queues of every template of a run"
    url = "https://example.com"

    def check(self, context):
        return iter(())

    def collect(self, context):
        return context.file, len(list(context.of_type("AWS::SQS::Queue")))

    def judge(self, collected):
        total = sum(count for _, count in collected)
        message = f"{total} queues in {len(collected)} templates"
        yield Finding(self.id, self.name, self.severity, message, collected[0][0], Span.point())


class BrokenJudge(Rule):
    id = "SC9302"
    name = "broken-judge"
    severity = Severity.WARNING
    summary = "Collects, then fails to judge"
    url = "https://example.com"

    def check(self, context):
        return iter(())

    def collect(self, context):
        return 1

    def judge(self, collected):
        raise RuntimeError("judging failed")


RULES = [QueuesInTheRun, BrokenJudge]
"""


def test_a_plugins_run_wide_rule_judges_every_file_across_processes_and_the_cache(tmp_path: Path) -> None:
    """The engine knows run-wide rules by their collect and judge steps, not by id: a third-party
    one collects in the worker processes, keeps its facts in the cache, and reports once per run; a
    judge that raises is that rule's SC0000, in the first file it collected from."""
    site = tmp_path / "site"
    (site / "runwidepack").mkdir(parents=True)
    (site / "runwidepack" / "__init__.py").write_text(RUN_WIDE)
    info = site / "runwidepack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: runwidepack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[samcheck.rules]\nrunwide = runwidepack:RULES\n")
    queue = "  Q{n}:\n    Type: AWS::SQS::Queue\n    Properties: {{VisibilityTimeout: 60}}\n"
    (tmp_path / "a.yaml").write_text("Resources:\n" + queue.format(n=1))
    (tmp_path / "b.yaml").write_text("Resources:\n" + queue.format(n=1) + queue.format(n=2))
    command = [sys.executable, "-m", "samcheck", "--cache-dir", str(tmp_path / "cache"), "-j", "2"]
    env = {**os.environ, "PYTHONPATH": str(site), "SAMCHECK_CACHE_SECRET": "s" * 32}
    reports = []
    for _ in range(2):  # the second run's facts come from the cache
        result = subprocess.run(
            [*command, "--format", "json", "a.yaml", "b.yaml"], capture_output=True, text=True, cwd=tmp_path, env=env
        )
        assert "Traceback" not in result.stderr, result.stderr[-1000:]
        findings = json.loads(result.stdout)["findings"]
        reports.append(sorted((f["file"], f["rule"], f["message"].split(":")[0]) for f in findings))
    assert list((tmp_path / "cache").glob("??/*.entry"))
    assert (
        reports[0]
        == reports[1]
        == [
            ("a.yaml", "SC0000", "internal error in rule SC9302 broken-judge"),
            ("a.yaml", "SC9301", "3 queues in 2 templates"),
        ]
    )
