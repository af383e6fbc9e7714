"""Suppressions: comments in a template's text (``# samcheck: ignore[SC3001] reason``) and
``Metadata: {samcheck: {ignore: [...]}}`` entries, one record each.

A comment silences findings on its own line, on the next line when the comment stands alone, or
whose related location (a Globals key, the other resource) is there; ``ignore-file[...]`` the
whole file. Inside a block scalar (``DefinitionString: !Sub |`` and its JSON) a comment would be
text, so a comment on the line that starts the scalar also covers the lines of the scalar.
Every directive on a line counts: a second ``# samcheck:`` ends the first one's reason.
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
# A line that starts a block scalar: a key or a sequence dash, maybe a tag, then `|` or `>` with its
# chomping and indentation indicators, and nothing after but a comment. Its text is indented deeper
# than ``lead`` (the key's column, or the dash's).
_BLOCK_START = re.compile(r"^(?P<lead>\s*(?:-\s+)*)(?:[^\s#-][^#]*?:|-)\s+(?:![^\s#]*\s+)?[|>][1-9+-]{0,2}\s*(?:#.*)?$")


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
    # The lines of the block scalar the comment's line starts, which a comment cannot be on.
    scalar: range = range(0)

    def covers(self, finding: Finding) -> bool:
        if self.file_wide:
            return True
        if self.resource is not None:
            return finding.resource == self.resource
        lines = {finding.span.line} | {r.span.line for r in finding.related if r.file in (None, finding.file)}
        return (
            self.span.line in lines
            or (self.alone and self.span.line + 1 in lines)
            or any(line in self.scalar for line in lines)
        )


def block_scalars(lines: Sequence[str]) -> dict[int, range]:
    """The block scalars of a YAML text: the line that starts each (1-based) -> the lines of its text.
    The text is every line after it up to the first one, not blank, indented no deeper than it."""
    found: dict[int, range] = {}
    start = depth = 0
    last = 0  # the last line of the open scalar's text that is not blank
    for number, line in enumerate(lines, start=1):
        if start:
            stripped = line.lstrip()
            if not stripped:
                continue
            if len(line) - len(stripped) > depth:
                last = number
                continue
            found[start], start = range(start + 1, last + 1), 0
        if ("|" in line or ">" in line) and (opening := _BLOCK_START.match(line)):  # the test first: fast
            start, depth, last = number, len(opening["lead"]), number
    if start:
        found[start] = range(start + 1, last + 1)
    return found


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
    scalars = block_scalars(lines) if directives else {}  # a text without comments needs no walk
    for directive in directives:
        directive.scalar = scalars.get(directive.span.line, range(0))
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
