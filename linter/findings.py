"""What a rule reports: a finding at a position, with related locations."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace

from samcheck.fixes import Fix
from samcheck.source_map import Span
from samcheck.template import Related

_LINE_MENTION = re.compile(r"\bline \d+")


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    message: str
    file: str
    span: Span
    resource: str | None = None  # logical ID in the source template
    related: tuple[Related, ...] = ()
    fix: Fix | None = None  # a safe edit that resolves the finding (samcheck --fix)

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.span.line, self.span.column, self.rule, self.message)

    @property
    def fingerprint(self) -> str:
        """Identity that survives unrelated edits: rule, resource and message, never the position."""
        import hashlib  # only SARIF and baselines need it

        message = _LINE_MENTION.sub("line N", self.message)
        text = "\0".join((self.rule, self.resource or "", message))
        return hashlib.sha256(text.encode()).hexdigest()[:32]
