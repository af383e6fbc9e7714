"""``--format junit``: a test suite per template, a failing test case per finding (with the file and
line CI report viewers link to), one passing case for a template without findings.

File names and messages are made ``visible``: XML 1.0 cannot hold most control characters at all
(every reader would reject the file), and the report may be printed to a CI log that obeys commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from samcheck.reporting.flat import message_with_context
from samcheck.reporting.visible import visible

if TYPE_CHECKING:
    from samcheck.findings import FileResult
    from samcheck.reporting import ReportOptions


def render(results: Sequence[FileResult], options: ReportOptions) -> str:
    """A test suite per template; a failing test case per finding (with its file and line), or one
    passing case when the template has none."""
    suites = ET.Element("testsuites", name="samcheck")
    total = failures = 0
    for result in results:
        path = visible(str(result.path))
        suite = ET.SubElement(suites, "testsuite", name=path)
        for finding in result.findings:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=path,
                name=f"{finding.rule} {finding.name} at line {finding.span.line}",
                file=visible(finding.file),
                line=str(finding.span.line),
            )
            failure = ET.SubElement(case, "failure", message=message_with_context(finding), type=finding.severity.label)
            failure.text = visible(f"{finding.file}:{finding.span.line}:{finding.span.column}: {finding.message}")
        if not result.findings:
            ET.SubElement(suite, "testcase", classname=path, name=f"samcheck ({len(result.rules)} rules)")
        cases = max(1, len(result.findings))
        suite.set("tests", str(cases))
        suite.set("failures", str(len(result.findings)))
        total += cases
        failures += len(result.findings)
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
