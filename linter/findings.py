"""What samcheck reports: findings at positions, the fixes they carry, and the result per file.

A leaf: it imports nothing else of samcheck, so reporters, the cache and plugins can use it
without loading the template model, the SAM translator or the rules.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

PathKey = str | int
# Where a node sits in a document: keys and indexes from the root, e.g.
# ("Resources", "Fn", "Properties", "Timeout").
NodePath = tuple[PathKey, ...]


def property_name(path: NodePath) -> str:
    """A property path as messages write it: ``VpcConfig.SubnetIds``, ``Layers[2]``."""
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)[1:]


def shortened(value: Any, most: int = 60) -> str:
    """A value in a message, cut at ``most`` characters: a mapping, a list or a text may be long."""
    text = str(value)
    return text if len(text) <= most else text[: most - 3] + "..."


_LINE_MENTION = re.compile(r"\bline \d+")


class Span(NamedTuple):
    """A range in a file: 1-based lines and columns, the end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int = 1, column: int = 1) -> Span:
        return cls(line, column, line, column)

    def cover(self, other: Span) -> Span:
        """The span from the start of ``self`` to the end of ``other``."""
        return Span(self.line, self.column, other.end_line, other.end_column)


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


class Related(NamedTuple):
    """Another place that explains a finding: a Globals key, the other resource of a pair."""

    message: str
    span: Span
    file: str | None = None  # None: the same file as the finding


class Edit(NamedTuple):
    """Set a value at a path of the source document."""

    path: NodePath
    value: Any  # a number, a boolean or a string


class LineReplacement(NamedTuple):
    """The smallest run of whole lines a fix changes: old lines start..end (1-based, end exclusive)."""

    start: int
    end: int
    text: str


class Fix(NamedTuple):
    description: str
    edits: tuple[Edit, ...]
    # The lines the fix changes, as SARIF describes a fix; filled in by the fix stage when asked for.
    replacement: LineReplacement | None = None


class Finding(NamedTuple):
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
        return self._replace(severity=severity)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.span.line, self.span.column, self.rule, self.message)

    @property
    def fingerprint(self) -> str:
        """Identity that survives unrelated edits: rule, resource and message, never the position."""
        import hashlib  # only SARIF and baselines need it

        message = _LINE_MENTION.sub("line N", self.message)
        text = "\0".join((self.rule, self.resource or "", message))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass
class FileResult:
    """One linted file: its findings and what reporters need to show them."""

    path: Path
    findings: list[Finding]
    lines: list[str] = field(default_factory=list)  # the source, for reporters that show the line
    rules: tuple[str, ...] = ()  # ids of the rules that ran on the file (JUnit reports the passes too)
    read: tuple[str, ...] = ()  # the other files its result was computed from, as real paths (the editor watches them)


class Summary(NamedTuple):
    files: int
    errors: int
    warnings: int
    info: int
    fixable: int = 0  # findings with a safe fix (--fix)

    @classmethod
    def of(cls, results: Sequence[FileResult]) -> Summary:
        counts = dict.fromkeys(Severity, 0)
        fixable = 0
        for result in results:
            for finding in result.findings:
                counts[finding.severity] += 1
                fixable += finding.fix is not None
        return cls(len(results), counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO], fixable)


@dataclass(frozen=True)
class RuleCount:
    rule: str
    name: str
    count: int
    fixable: int  # of them, with a safe fix (--fix)


def rule_counts(results: Sequence[FileResult]) -> list[RuleCount]:
    """The findings counted per rule (``--statistics``), most first, then by rule id."""
    counts: dict[tuple[str, str], list[int]] = {}
    for result in results:
        for finding in result.findings:
            entry = counts.setdefault((finding.rule, finding.name), [0, 0])
            entry[0] += 1
            entry[1] += finding.fix is not None
    ordered = sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
    return [RuleCount(rule, name, count, fixable) for (rule, name), (count, fixable) in ordered]


def sorted_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Findings in report order, each once."""
    return sorted(set(findings), key=lambda finding: finding.sort_key)


# samcheck's own failure on a file (a rule or the engine raised): rule SC0000 internal-error.
INTERNAL_ERROR = "SC0000"


def internal_error(file: str, message: str) -> Finding:
    return Finding(INTERNAL_ERROR, "internal-error", Severity.ERROR, message, file, Span.point())


def rule_failure(rule_id: str, rule_name: str, file: str, error: Exception) -> Finding:
    """The SC0000 finding for a rule that raised: what and where, so that it can be reported."""
    import traceback

    where = traceback.extract_tb(error.__traceback__)[-1]
    message = (
        f"internal error in rule {rule_id} {rule_name}: {type(error).__name__}: {error} "
        f"({Path(where.filename).name}:{where.lineno}); the rule's other findings on this file are lost, "
        "please report it"
    )
    return internal_error(file, message)
