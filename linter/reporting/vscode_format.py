"""``--format vscode``: one line per finding for a VS Code problem matcher.

``path:line:column:endLine:endColumn: severity: message (related places) [SC3001 sqs-visibility-timeout]``.
The matcher's regular expression (``PROBLEM_MATCHER``) is what ``samcheck vscode-task`` writes into
tasks.json; the tests
apply it to real output.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from samcheck.reporting.flat import message_with_context
from samcheck.reporting.visible import visible

if TYPE_CHECKING:
    from samcheck.findings import FileResult
    from samcheck.reporting import ReportOptions

# The file is matched lazily, so a Windows drive letter or a colon in the message cannot confuse it.
LINE_PATTERN = r"^(.+?):(\d+):(\d+):(\d+):(\d+): (error|warning|info): (.*) \[(SC\d{4}|CFN-[EWI]\d{4}) ([a-z0-9-]+)\]$"
PROBLEM_MATCHER: dict[str, Any] = {
    "owner": "samcheck",
    "source": "samcheck",
    "fileLocation": ["autoDetect", "${workspaceFolder}"],
    "pattern": {
        "regexp": LINE_PATTERN,
        "file": 1,
        "line": 2,
        "column": 3,
        "endLine": 4,
        "endColumn": 5,
        "severity": 6,
        "message": 7,
        "code": 8,
    },
}


def render(results: Sequence[FileResult], options: ReportOptions) -> str:
    lines = [
        f"{visible(f.file)}:{f.span.line}:{f.span.column}:{f.span.end_line}:{f.span.end_column}: {f.severity.label}: "
        f"{message_with_context(f)} [{f.rule} {f.name}]"
        for result in results
        for f in result.findings
    ]
    return "\n".join(lines) + ("\n" if lines else "")


def tasks_json() -> str:
    """A ready .vscode/tasks.json running samcheck on the workspace with the problem matcher."""
    task = {
        "version": "2.0.0",
        "tasks": [
            {
                "label": "samcheck",
                "type": "shell",
                "command": "samcheck",
                "args": ["--format", "vscode", "${workspaceFolder}"],
                "problemMatcher": PROBLEM_MATCHER,
                "group": "test",
                "presentation": {"reveal": "never", "panel": "dedicated"},
            }
        ],
    }
    return json.dumps(task, indent=2)
