"""``--format junit``: one test case per template and rule; failures carry the findings."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from samcheck.findings import Finding

if TYPE_CHECKING:
    from samcheck.findings import FileResult
    from samcheck.reporting import ReportOptions

# Characters XML 1.0 does not allow at all (a template can carry them into a message, e.g. as
# "\e" in a quoted YAML string); ElementTree would write them and every reader would reject the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(results: Sequence[FileResult], options: ReportOptions) -> str:
    from samcheck.registry import all_rules

    names = {rule.id: rule.name for rule in all_rules()}
    suites = ET.Element("testsuites", name="samcheck")
    total = failures = 0
    for result in results:
        by_rule: dict[str, list[Finding]] = defaultdict(list)
        for finding in result.findings:
            by_rule[finding.rule].append(finding)
        rule_ids = sorted(set(result.rules) | set(by_rule))
        path = _xml(str(result.path))
        suite = ET.SubElement(suites, "testsuite", name=path, tests=str(len(rule_ids)))
        failed = 0
        for rule_id in rule_ids:
            case = ET.SubElement(suite, "testcase", classname=path, name=f"{rule_id} {names.get(rule_id, '')}".strip())
            findings = by_rule.get(rule_id)
            if findings:
                failed += 1
                worst = max(f.severity for f in findings)
                failure = ET.SubElement(case, "failure", message=_xml(findings[0].message), type=worst.label)
                lines = (f"{f.file}:{f.span.line}:{f.span.column}: {f.severity.label}: {f.message}" for f in findings)
                failure.text = _xml("\n".join(lines))
        suite.set("failures", str(failed))
        total += len(rule_ids)
        failures += failed
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
