"""A third-party rule pack for crasher cases: installed into a sandbox folder that goes on PYTHONPATH,
as pip would leave it (a package and a ``*.dist-info`` with its ``samcheck.rules`` entry point)."""

from __future__ import annotations

from pathlib import Path

from _harness import Sandbox

# A plain CloudFormation function (no SAM translator to wait for) with one finding of samcheck's
# own: Timeout 1200 s is over 900 s (SC1001, an error).
TEMPLATE = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: {ZipFile: "x"}
      Timeout: 1200
"""

RULE = """
import os
import sys
import time

from samcheck.rule import Rule, Severity, Span


class PluginRule(Rule):
    id = "SC9401"
    name = "hostile-plugin-rule"
    severity = Severity.WARNING
    summary = "A plugin rule that misbehaves"
    url = "https://example.com"
    needs_template = False

    def check(self, context):
{body}
        yield context.report(Span.point(), "from the plugin")


RULES = [PluginRule]
"""

JUDGE = """

class PluginRunWideRule(Rule):
    id = "SC9402"
    name = "hostile-plugin-run-wide-rule"
    severity = Severity.WARNING
    summary = "A plugin run-wide rule that misbehaves when it judges"
    url = "https://example.com"
    needs_template = False

    def check(self, context):
        return iter(())

    def collect(self, context):
        return context.file

    def judge(self, collected):
{body}
        return iter(())


RULES.append(PluginRunWideRule)
"""


def install_plugin(box: Sandbox, name: str, body: str, judge: str | None = None) -> dict[str, str]:
    """Install pack ``name`` whose rule runs ``body`` (indented 8 spaces) before reporting, and with
    ``judge``, a run-wide rule that runs it when it judges; the environment that makes samcheck see it."""
    site = box.root / "site"
    (site / name).mkdir(parents=True)
    source = RULE.format(body=body) + (JUDGE.format(body=judge) if judge else "")
    (site / name / "__init__.py").write_text(source)
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[samcheck.rules]\n{name} = {name}:RULES\n")
    return {"PYTHONPATH": str(site)}


def write_templates(box: Sandbox, *names: str) -> list[Path]:
    paths = [box.project / name for name in names]
    for path in paths:
        path.write_text(TEMPLATE)
    return paths
