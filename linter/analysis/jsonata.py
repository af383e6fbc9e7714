"""What a JSONata state of a state machine evaluates, and what can be told of a JSONata expression
without evaluating it.

In a JSONata state a text is an expression only when it is wholly ``{% … %}``; any other text is
passed on as written. ``expression_of`` says which. ``read`` goes through an expression once, the
way JSONata's tokenizer does (quoted texts, backquoted names, ``/* */`` comments and ``/regex/``
literals are skipped), and gives what is certain without a full JSONata interpreter: brackets and
quotes that are not closed, the ``$states`` fields it reads, the functions it calls, the variables
it reads and those it binds itself (``$x := …``, a function's parameters), and a bare name that
opens it, which Step Functions refuses (it has no context item: the input is ``$states.input``).
The ``$states`` fields and the functions are data (``schemas/asl-expressions.json``, with sources).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

OPENING, CLOSING = "{%", "%}"
_NAME = re.compile(r"[^\W\d]\w*")
# A word after which a / opens a regular expression, not a division.
_OPERATOR_WORDS = frozenset({"and", "or", "in"})
# Names that may open an expression without reading a context item.
_KEYWORDS = frozenset({"true", "false", "null", "and", "or", "in", "function"})
_PAIRS = {"(": ")", "[": "]", "{": "}"}
# What follows a name, matched where it ends (not by slicing: an expression may be long).
_CALLED = re.compile(r"\s*\(")
_BOUND = re.compile(r"\s*:=")
_FIELD = re.compile(r"\s*\.\s*([^\W\d]\w*)")


def expression_of(text: str) -> str | None:
    """The expression a text holds when it is wholly ``{% … %}`` (None: it is passed as written),
    with its characters where they are in the text (``{%`` and what comes before it as blanks)."""
    stripped = text.strip()
    if len(stripped) >= 4 and stripped.startswith(OPENING) and stripped.endswith(CLOSING):
        start = text.index(OPENING) + len(OPENING)
        return " " * start + stripped[2:-2]
    return None


def mentions_expression(text: str) -> bool:
    """Whether a text holds ``{% … %}`` somewhere in it."""
    start = text.find(OPENING)
    return start >= 0 and text.find(CLOSING, start + 2) >= 0


@dataclass
class Reading:
    """What one expression reads, calls and binds, and why it does not parse."""

    problems: list[str] = field(default_factory=list)
    states_fields: list[str] = field(default_factory=list)  # $states.<name>
    calls: list[str] = field(default_factory=list)  # $name(
    variables: list[str] = field(default_factory=list)  # $name, neither called nor bound
    bound: set[str] = field(default_factory=set)  # $name := and function parameters
    bare_start: str | None = None  # a name that opens the expression


def read(expression: str) -> Reading:
    reading = Reading()
    text, at, end = expression, 0, len(expression)
    stack: list[tuple[str, int]] = []
    operand = False  # whether the last token ends an operand (so / divides)
    parameters_at: int | None = None  # depth of the ( that opens a function's parameters
    first = True
    while at < end:
        character = text[at]
        if character.isspace():
            at += 1
            continue
        if character in "\"'`":
            close = _closing_quote(text, at)
            if close is None:
                kind = "backquoted name" if character == "`" else "quoted text"
                reading.problems.append(f"a {kind} opened at character {at + 1} is not closed")
                return reading
            at, operand, first = close + 1, True, False
            continue
        if character == "/" and text.startswith("/*", at):
            close = text.find("*/", at + 2)
            if close < 0:
                reading.problems.append(f"a comment opened at character {at + 1} is not closed")
                return reading
            at = close + 2
            continue
        if character == "/" and not operand:
            close = _closing_slash(text, at)
            if close is None:
                reading.problems.append(f"a regular expression opened at character {at + 1} is not closed")
                return reading
            at = close + 1
            while at < end and text[at].isalpha():
                at += 1
            operand, first = True, False
            continue
        if character in _PAIRS:
            stack.append((character, at))
            at, operand, first = at + 1, False, False
            continue
        if character in ")]}":
            if not stack or _PAIRS[stack[-1][0]] != character:
                opened = f"a {stack[-1][0]} opened at character {stack[-1][1] + 1}" if stack else "nothing"
                reading.problems.append(f"the {character} at character {at + 1} closes {opened}")
                return reading
            stack.pop()
            if parameters_at is not None and len(stack) == parameters_at:
                parameters_at = None
            at, operand = at + 1, True
            continue
        if character == "$":
            name = _NAME.match(text, at + 1)
            if name is None:
                at, operand, first = at + 1 + text.startswith("$", at + 1), True, False
                continue
            at = name.end()
            _read_variable(reading, text, at, name.group(), parameters_at is not None)
            operand, first = True, False
            continue
        word = _NAME.match(text, at)
        if word is not None:
            called = _CALLED.match(text, word.end()) is not None
            if first and word.group() not in _KEYWORDS and not called:
                reading.bare_start = word.group()
            if word.group() in ("function", "λ") and called:
                parameters_at = len(stack)
            operand = word.group() not in _OPERATOR_WORDS
            at, first = word.end(), False
            continue
        operand = character.isdigit() or (character == "." and operand)
        at, first = at + 1, False
    if stack:
        opening, where = stack[-1]
        reading.problems.append(f"the {opening} at character {where + 1} is not closed")
    return reading


def _read_variable(reading: Reading, text: str, after: int, name: str, parameter: bool) -> None:
    if parameter or _BOUND.match(text, after):
        reading.bound.add(name)
    elif name == "states":
        field_name = _FIELD.match(text, after)
        if field_name is not None:
            reading.states_fields.append(field_name.group(1))
    elif _CALLED.match(text, after):
        reading.calls.append(name)
    else:
        reading.variables.append(name)


def _closing_quote(text: str, start: int) -> int | None:
    quote, at = text[start], start + 1
    while at < len(text):
        if text[at] == "\\" and quote != "`":
            at += 2
            continue
        if text[at] == quote:
            return at
        at += 1
    return None


def _closing_slash(text: str, start: int) -> int | None:
    at = start + 1
    while at < len(text):
        if text[at] == "\\":
            at += 2
            continue
        if text[at] == "/":
            return at
        at += 1
    return None


class JsonataNames(NamedTuple):
    states: frozenset[str]  # the fields of $states
    functions: frozenset[str]  # built-in and Step Functions' own
    unavailable: dict[str, str]  # a built-in Step Functions leaves out -> what to call instead


@cache
def jsonata_names() -> JsonataNames:
    from samcheck.datafiles import load_json

    table = load_json("asl-expressions.json")["jsonata"]
    return JsonataNames(
        frozenset(table["states"]),
        frozenset(table["builtins"]) | frozenset(table["stepFunctions"]),
        dict(table["unavailable"]),
    )
