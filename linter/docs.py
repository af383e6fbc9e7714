"""Rule documentation, read from the rule's docstring.

The docstring holds the rationale, then a ``**Anti-pattern**`` and a ``**Best practice**``
section, each with a fenced YAML block. ``samcheck explain``, the README rule table, SARIF's rule
help and the language server's hover are generated from it.
"""

from __future__ import annotations

import inspect
import re
from typing import NamedTuple

from samcheck.rule import Rule

_FENCE = re.compile(r"```(?:yaml)?\n(.*?)```", re.DOTALL)
_ANTI = "**Anti-pattern**"
_BEST = "**Best practice**"


class RuleDoc(NamedTuple):
    rationale: str
    anti_pattern: str | None
    best_practice: str | None


def rule_doc(rule: type[Rule]) -> RuleDoc:
    text = inspect.cleandoc(rule.__doc__ or "")
    rationale, _, rest = text.partition(_ANTI)
    anti_text, _, best_text = rest.partition(_BEST)
    return RuleDoc(rationale.strip(), _code(anti_text), _code(best_text))


def rule_markdown(rule: type[Rule]) -> str:
    """The explain page as Markdown (SARIF help, the language server's hover)."""
    doc = rule_doc(rule)
    parts = (
        f"**{rule.id} {rule.name}**: {rule.summary}",
        doc.rationale,
        f"**Anti-pattern**\n\n```yaml\n{doc.anti_pattern}```" if doc.anti_pattern else "",
        f"**Best practice**\n\n```yaml\n{doc.best_practice}```" if doc.best_practice else "",
        f"[AWS documentation]({rule.url})",
    )
    return "\n\n".join(part for part in parts if part)


def _code(section: str) -> str | None:
    match = _FENCE.search(section)
    return match.group(1).rstrip() + "\n" if match else None


def reflowed(text: str, width: int) -> str:
    """Docstring prose for a terminal: ``code`` shown as `code`, **bold** as plain words, each
    paragraph wrapped to ``width``."""
    import textwrap

    plain = text.replace("``", "`").replace("**", "")
    paragraphs = [" ".join(part.split()) for part in plain.split("\n\n")]
    return "\n\n".join(textwrap.fill(paragraph, width) for paragraph in paragraphs if paragraph)
