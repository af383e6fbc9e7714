"""What one-line formats (github, vscode, junit) say of a finding: its message and, since they have
no place for related locations, where those are ("value inherited from Globals.Function.MemorySize
here, template.yaml:23")."""

from __future__ import annotations

from samcheck.findings import Finding


def message_with_context(finding: Finding) -> str:
    message = " ".join(finding.message.split())
    if not finding.related:
        return message
    places = "; ".join(
        f"{' '.join(related.message.split())}, {related.file or finding.file}:{related.span.line}"
        for related in finding.related
    )
    return f"{message} ({places})"
