"""Rule selectors (``SC1001``, the prefix ``SC1``, the slug ``lambda-timeout-range``): what they
match and, when they match nothing, the names that come nearest. A leaf: it knows rules only as
(id, slug) pairs."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def selected(rule_id: str, name: str, selectors: list[str]) -> bool:
    """A selector is a rule id, an id prefix (``SC1``, ``CFN-W``) or a slug."""
    return any(rule_id.startswith(s.upper()) or name == s.lower() for s in selectors)


def unknown_selector(selector: str, rules: Iterable[tuple[str, str]]) -> str | None:
    """Why a selector names none of ``rules`` (id, slug), with the nearest names; None when it names
    some. cfn-lint's rules (``CFN-E3012``) are not listed here: a ``CFN`` selector is taken as theirs."""
    known = list(rules)
    if selector.upper().startswith("CFN") or any(selected(rule_id, name, [selector]) for rule_id, name in known):
        return None
    names = [rule_id for rule_id, _ in known] + [name for _, name in known]
    word = selector.upper() if selector[:2].upper() == "SC" else selector.lower()
    near = difflib.get_close_matches(word, names, 3)
    hint = f" (did you mean {', '.join(near)}?)" if near else " (see `samcheck rules`)"
    return f"'{selector}' names no rule{hint}"
