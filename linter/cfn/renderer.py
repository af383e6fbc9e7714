"""Recognise the input of a text renderer (cookiecutter, Jinja): a file that becomes a template only
once rendered.

Read as YAML or JSON, its ``{% if %}`` lines are syntax errors and its ``{{ var }}`` values odd
mappings, so checking it would report a cascade of problems the rendered template does not have.
Only what no template holds counts: ``{{ cookiecutter.x }}``, a line that is a Jinja statement or
comment, and a value that starts with an unquoted ``{{`` (which YAML reads as a mapping used as a
key, or cannot read). A ``{{`` inside a text is left alone: CloudFormation's dynamic references
(``{{resolve:ssm:name}}``), SSM documents' ``{{ Parameter }}``, prompt templates and JSONata's
``{% $states.input %}`` all write one there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

_COOKIECUTTER = re.compile(r"\{\{-?\s*cookiecutter\.[^}\n]*\}\}")
# Jinja's statements and comments take a line of their own; JSONata's {% %} holds an expression
# ($states.input…), never one of these words.
_STATEMENT = re.compile(
    r"^[ \t]*(\{%-?\s*(?:if|elif|else|endif|for|endfor|set|endset|macro|endmacro|call|endcall|filter|endfilter"
    r"|block|endblock|extends|include|import|from|raw|endraw|with|endwith)\b[^\n]*|\{#[^\n]*)",
    re.MULTILINE,
)
_SHOWN = 60  # characters of a placeholder a message quotes


class Placeholder(NamedTuple):
    """The first sign of a renderer: where it is (1-based) and what it is."""

    line: int
    column: int
    text: str
    renderer: str  # "cookiecutter" or "Jinja"


def placeholder(text: str) -> Placeholder | None:
    """The first cookiecutter variable or Jinja statement line of ``text``, which no template has."""
    found = []
    cookiecutter = _COOKIECUTTER.search(text)
    if cookiecutter is not None:
        found.append(_at(text, cookiecutter.start(), cookiecutter.group(0), "cookiecutter"))
    statement = _STATEMENT.search(text)
    if statement is not None:
        found.append(_at(text, statement.start(1), statement.group(1).strip(), "Jinja"))
    return min(found, default=None)


def unquoted_value(text: str, lines: Iterable[int]) -> Placeholder | None:
    """The first ``{{ … }}`` that starts a value outside quotes on one of ``lines`` (1-based): where
    YAML found a mapping used as a key, or could not read on, this is why. The text is split once
    and each line read once, without a pattern: one line may be a whole minified JSON template."""
    texts = text.splitlines()
    for line in sorted(set(lines)):
        if 1 <= line <= len(texts):
            found = _value_start(texts[line - 1])
            if found is not None:
                return Placeholder(line, found[0] + 1, found[1], "Jinja")
    return None


def _value_start(content: str) -> tuple[int, str] | None:
    """Where a value starting with an unquoted ``{{`` is on a line, and the placeholder shown."""
    start = content.find("{{")
    if start < 0:
        return None
    before = content[:start].rstrip(" \t")
    starts_value = not before or before[-1] in ":-,["
    outside_quotes = content.count('"', 0, start) % 2 == 0 and content.count("'", 0, start) % 2 == 0
    if not starts_value or not outside_quotes or content.startswith("{{resolve:", start):
        return None
    end = content.find("}}", start, start + _SHOWN)
    return start, content[start : end + 2] if end >= 0 else content[start : start + _SHOWN] + "…"


def _at(text: str, offset: int, shown: str, renderer: str) -> Placeholder:
    line = text.count("\n", 0, offset) + 1
    if len(shown) > _SHOWN:
        shown = shown[:_SHOWN] + "…"
    return Placeholder(line, offset - (text.rfind("\n", 0, offset) + 1) + 1, shown, renderer)
