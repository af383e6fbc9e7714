"""What one-line formats (github, vscode, junit) say of a finding: its message and, since they have
no place for related locations, where those are ("value inherited from Globals.Function.MemorySize
here, template.yaml:23"); made ``visible``, so that a line break or a command in a value stays on
the finding's line as an escape."""

from __future__ import annotations

from samcheck.findings import Finding
from samcheck.reporting.visible import visible


def message_with_context(finding: Finding) -> str:
    if not finding.related:
        return visible(finding.message)
    places = "; ".join(
        f"{related.message}, {related.file or finding.file}:{related.span.line}" for related in finding.related
    )
    return visible(f"{finding.message} ({places})")
