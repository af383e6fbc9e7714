"""Repository text made safe to print in a line-based report (text, github, vscode, junit).

Every value a report quotes (a message, a file name, a source line) comes from the repository being
linted, which may be a stranger's. Printed as it is, a line break would start a line of its own, ESC
would drive the terminal, a bidi override would make the line read other than it is, and a CI log
would obey a workflow command in it (GitHub runs ``::add-mask::x`` opening a line, and ``##[error]``
anywhere in one). ``visible`` shows each such character as its Python escape (``\\n``, ``\\x1b``,
``\\u202e``) and writes a ``:`` or ``#`` of a command marker as ``\\x3a`` or ``\\x23``, so the value
still reads as it is and acts as nothing. Backslashes are left as they are: a Windows path stays a path.

JSON and SARIF keep the real value: their encoder escapes every control and non-ASCII character,
and ``inert_json`` writes the ``#`` of a command marker inside a string as ``\u0023``, which a JSON
reader reads back as ``#`` and a CI log does not obey.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that act rather than read: controls (C0, DEL, C1), format characters (bidi overrides
# and isolates, zero-width and invisible marks), line and paragraph separators, lone surrogates, and
# unassigned code points (whatever a later Unicode makes of them; U+FFFE and U+FFFF are not XML).
_ACTING = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")
# GitHub's runner (and Azure Pipelines, "##vso[") obey "##[command]" anywhere in a line ...
_COMMAND_ANYWHERE = re.compile(r"(?<=#)#(?=(?:vso)?\[)", re.IGNORECASE)
# ... and "::command::" opening one, after any white space.
_COMMAND_OPENING = re.compile(r"^(\s*):(?=:)")


def visible(text: str) -> str:
    """``text`` with its acting characters escaped and its CI command markers broken; the same for
    text it has already made (so a line built of visible values may be made visible again)."""
    shown = _NOT_PRINTABLE_ASCII.sub(_escaped, text)
    shown = _COMMAND_ANYWHERE.sub(r"\\x23", shown)
    return _COMMAND_OPENING.sub(r"\1\\x3a", shown)


def _escaped(match: re.Match[str]) -> str:
    character = match.group()
    if unicodedata.category(character) not in _ACTING:
        return character
    return character.encode("unicode_escape").decode("ascii")


def inert_json(text: str) -> str:
    """JSON text (ASCII, as ``json.dumps`` writes by default) that a CI log obeys nothing in: a
    marker can only be in a string, where ``\u0023`` is ``#``; no line opens with ``::``."""
    return _COMMAND_ANYWHERE.sub(r"\\u0023", text)
