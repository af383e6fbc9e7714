"""``--format junit``: one test case per template and rule; failures carry the findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from samcheck.findings import Finding

if TYPE_CHECKING:
    from samcheck.engine import FileResult


def render_junit(results: Sequence[FileResult]) -> str:
    from samcheck.registry import all_rules

    names = {rule.id: rule.name for rule in all_rules()}
    suites = ET.Element("testsuites", name="samcheck")
    total = failures = 0
    for result in results:
        by_rule: dict[str, list[Finding]] = defaultdict(list)
        for finding in result.findings:
            by_rule[finding.rule].append(finding)
        rule_ids = sorted(set(result.rules) | set(by_rule))
        suite = ET.SubElement(suites, "testsuite", name=str(result.path), tests=str(len(rule_ids)))
        failed = 0
        for rule_id in rule_ids:
            case = ET.SubElement(
                suite, "testcase", classname=str(result.path), name=f"{rule_id} {names.get(rule_id, '')}".strip()
            )
            findings = by_rule.get(rule_id)
            if findings:
                failed += 1
                worst = max(f.severity for f in findings)
                failure = ET.SubElement(case, "failure", message=findings[0].message, type=worst.label)
                failure.text = "\n".join(
                    f"{f.file}:{f.span.line}:{f.span.column}: {f.severity.label}: {f.message}" for f in findings
                )
        suite.set("failures", str(failed))
        total += len(rule_ids)
        failures += failed
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
