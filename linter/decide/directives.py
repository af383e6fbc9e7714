"""Suppressions: comments in a template's text (``# samcheck: ignore[SC3001] reason``) and
``Metadata: {samcheck: {ignore: [...]}}`` entries, one record each.

A comment silences findings on its own line, on the next line when the comment stands alone, or
whose related location (a Globals key, the other resource) is there; ``ignore-file[...]`` the
whole file. Every directive on a line counts: a second ``# samcheck:`` ends the first one's reason.
A resource's Metadata entry silences findings on that resource (and what SAM generates
from it); the template's top-level Metadata the whole file. ``until=YYYY-MM-DD`` makes a comment
stop working after that day. What became of each suppression (used, expired, judgeable) is
recorded by the verdict (``samcheck.decide.verdict``) for the rules that review suppressions (SC0008, SC0009).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from samcheck.findings import Finding, Span

# Anything that starts like a directive, each one on a line up to the next: every one counts, and
# what _DIRECTIVE does not read is reported (SC0015).
_START = re.compile(r"(?:^|(?<=\s))#\s*samcheck\s*:", re.IGNORECASE)
_DIRECTIVE = re.compile(r"#\s*samcheck:\s*(ignore|ignore-file)\[([^\]]*)\]\s*(.*)$")
_UNTIL = re.compile(r"\buntil=(\S*)")


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
    # Every selector names a rule that ran on the file, so "unused" is a verdict, not a guess.
    judged: bool = False
    # What is wrong with the comment as written (SC0015); a comment with a bad date suppresses nothing.
    problems: tuple[str, ...] = ()
    # A resource's Metadata entry: it covers the findings on that resource, wherever they are.
    resource: str | None = None

    def covers(self, finding: Finding) -> bool:
        if self.file_wide:
            return True
        if self.resource is not None:
            return finding.resource == self.resource
        lines = {finding.span.line} | {r.span.line for r in finding.related if r.file in (None, finding.file)}
        return self.span.line in lines or (self.alone and self.span.line + 1 in lines)


def read_directives(lines: Sequence[str]) -> list[Directive]:
    directives = []
    for number, line in enumerate(lines, start=1):
        openings = list(_START.finditer(line))
        if not openings:
            continue
        alone = line[: openings[0].start()].strip() == ""
        for opening, end in zip(openings, [o.start() for o in openings[1:]] + [len(line)], strict=True):
            start = opening.start()
            text = line[start:end] if end == len(line) else line[start:end].rstrip()
            span = Span(number, start + 1, number, start + len(text) + 1)
            directives.append(_directive(text, opening.end() - start, span, alone))
    return directives


def _directive(text: str, opening: int, span: Span, alone: bool) -> Directive:
    """One directive: ``text`` from its ``#`` to the next directive or the end of the line, whose
    first ``opening`` characters are ``# samcheck:``."""
    match = _DIRECTIVE.match(text)
    if not match:
        word = (text[opening:].split() or [""])[0]
        problem = (
            f"`# samcheck: {word}` needs the rules in brackets, so it suppresses nothing; write "
            f"`# samcheck: {word}[SC1001]`"
            if word.lower().startswith("ignore")
            else f"'{word}' is not a samcheck directive; write `# samcheck: ignore[SC1001]` (one line) "
            "or `ignore-file[SC1001]` (the whole file)"
        )
        return Directive(span, [], False, False, None, "", problems=(problem,))
    kind, selectors, rest = match.groups()
    until = _UNTIL.search(rest)
    until_date, problems = None, []
    if until:
        try:
            until_date = date.fromisoformat(until.group(1)) if len(until.group(1)) == 10 else None
        except ValueError:
            until_date = None
        if until_date is None:
            problems.append(
                f"until={until.group(1)} is not a date (YYYY-MM-DD), so this comment suppresses nothing; "
                "write e.g. until=2027-03-31"
            )
    names = [s.strip() for s in selectors.split(",") if s.strip()]
    if not names:
        problems.append(f"{kind}[] names no rule, so it suppresses nothing; name the rules, e.g. {kind}[SC1001]")
    return Directive(
        span,
        names if not problems else [],
        kind == "ignore-file",
        alone,
        until_date,
        _UNTIL.sub("", rest).strip(),
        problems=tuple(problems),
    )
