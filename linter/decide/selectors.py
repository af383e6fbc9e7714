"""Rule selectors (``SC1001``, the prefix ``SC1``, the slug ``lambda-timeout-range``): what they
match and, when they match nothing, the names that come nearest. A leaf: it knows rules only as
(id, slug) pairs, samcheck's and cfn-lint's (``CFN-E3012``, given lazily: listing them is slow)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable


def selected(rule_id: str, name: str, selectors: list[str]) -> bool:
    """A selector is a rule id, an id prefix (``SC1``, ``CFN-W``) or a slug."""
    return any(rule_id.startswith(s.upper()) or name == s.lower() for s in selectors)


def names_cfn_lint(selector: str) -> bool:
    """cfn-lint's rules are the ones whose ids and slugs samcheck prefixes ``CFN-``/``cfn-``."""
    return selector.upper().startswith("CFN")


def unknown_selector(
    selector: str,
    rules: Iterable[tuple[str, str]],
    cfn_lint_rules: Callable[[], Iterable[tuple[str, str]] | None],
) -> str | None:
    """Why a selector names none of ``rules`` (id, slug), or of ``cfn_lint_rules()`` for a ``CFN``
    selector, with the nearest names; None when it names some, or when cfn-lint's rules cannot be
    listed (None from ``cfn_lint_rules``)."""
    cfn_lint = names_cfn_lint(selector)
    listed = cfn_lint_rules() if cfn_lint else rules
    if listed is None:
        return None
    known = list(listed)
    if any(selected(rule_id, name, [selector]) for rule_id, name in known):
        return None
    # Ids are upper case and slugs lower case: compared in one case, shown as written.
    names = {name.lower(): name for pair in known for name in pair}
    near = [names[name] for name in difflib.get_close_matches(selector.lower(), names, 3)]
    catalogue = "cfn-lint --list-rules" if cfn_lint else "samcheck rules"
    hint = f" (did you mean {', '.join(near)}?)" if near else f" (see `{catalogue}`)"
    return f"'{selector}' names no rule{hint}"
