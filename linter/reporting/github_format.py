"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff (paths
relative to the repository root, as GitHub resolves them).

Each finding is one ``::error``/``::warning``/``::notice`` line; its file and message come from the
repository, so they are made ``visible`` (no line break, no control or bidi character, no command
marker) and then escaped as the runner unescapes them (actions/runner ``ActionCommand.cs``): no
value can end the command or start another one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from samcheck.findings import Severity
from samcheck.reporting.flat import message_with_context
from samcheck.reporting.paths import repository_path
from samcheck.reporting.visible import visible

if TYPE_CHECKING:
    from samcheck.findings import FileResult
    from samcheck.reporting import ReportOptions

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part: %, CR and LF must be escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: Sequence[FileResult], options: ReportOptions) -> str:
    lines = []
    for result in results:
        for finding in result.findings:
            span = finding.span
            properties = ",".join(
                f"{key}={escape_property(str(value))}"
                for key, value in (
                    ("file", visible(repository_path(finding.file) or finding.file)),
                    ("line", span.line),
                    ("col", span.column),
                    ("endLine", span.end_line),
                    ("endColumn", span.end_column),
                    ("title", f"{finding.rule} {finding.name}"),
                )
            )
            lines.append(f"::{_COMMAND[finding.severity]} {properties}::{escape_data(message_with_context(finding))}")
    return "\n".join(lines) + ("\n" if lines else "")
