"""``--format junit``: a test suite per template, a failing test case per finding (with the file and
line CI report viewers link to), one passing case for a template without findings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from samcheck.reporting.flat import message_with_context

if TYPE_CHECKING:
    from samcheck.findings import FileResult
    from samcheck.reporting import ReportOptions

# Characters XML 1.0 does not allow at all (a template can carry them into a message, e.g. as
# "\e" in a quoted YAML string); ElementTree would write them and every reader would reject the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(results: Sequence[FileResult], options: ReportOptions) -> str:
    """A test suite per template; a failing test case per finding (with its file and line), or one
    passing case when the template has none."""
    suites = ET.Element("testsuites", name="samcheck")
    total = failures = 0
    for result in results:
        path = _xml(str(result.path))
        suite = ET.SubElement(suites, "testsuite", name=path)
        for finding in result.findings:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=path,
                name=_xml(f"{finding.rule} {finding.name} at line {finding.span.line}"),
                file=_xml(finding.file),
                line=str(finding.span.line),
            )
            failure = ET.SubElement(
                case, "failure", message=_xml(message_with_context(finding)), type=finding.severity.label
            )
            failure.text = _xml(f"{finding.file}:{finding.span.line}:{finding.span.column}: {finding.message}")
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
