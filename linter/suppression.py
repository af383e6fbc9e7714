"""Suppressing findings: template metadata and inline comments.

``Metadata: {samcheck: {ignore: [SC1001, lambda-memory-range]}}`` on a resource silences those
rules for findings on that resource, including findings on what SAM generates from it and on
values it inherits from ``Globals``; the same under the template's top-level ``Metadata``
silences them for the whole file.

A comment ``# samcheck: ignore[SC3001] reason`` silences findings on its own line, on the next
line when the comment stands alone, or whose related location (a Globals key, the other
resource) is there; ``# samcheck: ignore-file[SC1006]`` the whole file. ``until=YYYY-MM-DD``
makes a suppression stop working after that day. Expired and unused suppressions are findings
of their own (SC0009, SC0008).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from samcheck.findings import Finding
from samcheck.registry import selected
from samcheck.source_map import Span

_DIRECTIVE = re.compile(r"(?:^|\s)#\s*samcheck:\s*(ignore|ignore-file)\[([^\]]*)\]\s*(.*)$")
_UNTIL = re.compile(r"\buntil=(\d{4}-\d{2}-\d{2})\b")


def matches(finding: Finding, selectors: list[str]) -> bool:
    return selected(finding.rule, finding.name, selectors)


def _ignored(metadata: Any) -> list[str]:
    section = metadata.get("samcheck") if isinstance(metadata, dict) else None
    entries = section.get("ignore") if isinstance(section, dict) else None
    return [str(entry) for entry in entries] if isinstance(entries, list) else []


def apply_metadata_suppressions(findings: list[Finding], source: dict[str, Any] | None) -> list[Finding]:
    if not source:
        return findings
    file_wide = _ignored(source.get("Metadata"))
    resources = source.get("Resources")
    resources = resources if isinstance(resources, dict) else {}
    kept = []
    for finding in findings:
        selectors = list(file_wide)
        resource = resources.get(finding.resource) if finding.resource else None
        if isinstance(resource, dict):
            selectors += _ignored(resource.get("Metadata"))
        if not matches(finding, selectors):
            kept.append(finding)
    return kept


@dataclass
class Directive:
    """One ``# samcheck: ignore[...]`` comment and what became of it."""

    span: Span
    selectors: list[str]
    file_wide: bool
    alone: bool  # the comment is the whole line, so it speaks for the next line
    until: date | None
    reason: str
    used: int = 0
    expired: bool = False
    judged_rules: set[str] = field(default_factory=set)  # rule ids that ran, to tell unused from unjudged

    def covers(self, finding: Finding) -> bool:
        if self.file_wide:
            return True
        lines = {finding.span.line} | {r.span.line for r in finding.related if r.file in (None, finding.file)}
        return self.span.line in lines or (self.alone and self.span.line + 1 in lines)


def read_directives(text: str) -> list[Directive]:
    directives = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _DIRECTIVE.search(line)
        if not match:
            continue
        kind, selectors, rest = match.groups()
        until = _UNTIL.search(rest)
        try:
            until_date = date.fromisoformat(until.group(1)) if until else None
        except ValueError:
            until_date = None
        column = match.start() + (1 if match.group(0)[0].isspace() else 0) + 1
        directives.append(
            Directive(
                Span(number, column, number, len(line) + 1),
                [s.strip() for s in selectors.split(",") if s.strip()],
                kind == "ignore-file",
                line[: match.start()].strip() == "",
                until_date,
                _UNTIL.sub("", rest).strip(),
            )
        )
    return directives


def apply_comment_suppressions(
    findings: list[Finding], directives: list[Directive], today: date, rules_ran: set[str]
) -> list[Finding]:
    """The findings no live directive covers; each directive records whether it was used."""
    for directive in directives:
        directive.expired = directive.until is not None and directive.until < today
        directive.judged_rules = rules_ran
    kept = []
    for finding in findings:
        covering = [d for d in directives if not d.expired and matches(finding, d.selectors) and d.covers(finding)]
        for directive in covering:
            directive.used += 1
        if not covering:
            kept.append(finding)
    return kept
