"""Attack (or plain bad luck): the template is saved again while ``--fix`` re-lints its candidate
text (seconds on a large template), and ``--fix`` then replaces it with a text made from the bytes
it read before, losing the edit.

Promise: ``--fix`` replaces a file only if it still has the bytes the fix stage read; otherwise it
says "changed while fixing", leaves the file as saved, and goes on with the other files of the run.
The edit is made to land deterministically: a ``sitecustomize`` on the child's PYTHONPATH wraps
``samcheck.api.lint_file`` (which ``--fix`` uses to lint each candidate, after its read) so that
the first candidate lint saves the file first, as an editor would.
"""

from __future__ import annotations

from _harness import FIXABLE, FIXED, Sandbox, UnsafeError, case

SAVED = FIXABLE.replace("Timeout: 30", "Timeout: 40  # saved while samcheck was fixing")

HOOK = '''\
"""Save the file named by EDITED_DURING_FIX just before --fix lints its first candidate text."""
import os
from pathlib import Path

import samcheck.api

_lint_file = samcheck.api.lint_file
_pending = [Path(os.environ["EDITED_DURING_FIX"])]


def _saving_first(*arguments, **keywords):
    while _pending:
        _pending.pop().write_text(os.environ["EDITED_TEXT"])
    return _lint_file(*arguments, **keywords)


samcheck.api.lint_file = _saving_first
'''


def check(box: Sandbox) -> None:
    hooks = box.root / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(HOOK)
    edited, other = box.project / "template.yaml", box.project / "other.yaml"
    edited.write_text(FIXABLE)
    other.write_text(FIXABLE)

    result = box.samcheck(
        "--no-cache",
        "-j",
        "1",
        "--fix",
        "template.yaml",
        "other.yaml",
        PYTHONPATH=str(hooks),
        EDITED_DURING_FIX=str(edited),
        EDITED_TEXT=SAVED,
    )
    if result.returncode is None or "Traceback" in result.err:
        raise UnsafeError(f"--fix crashed or hung:\n{result.describe()}")
    if edited.read_text() != SAVED:
        raise UnsafeError(f"--fix replaced a file saved while it was fixing it:\n{result.describe()}")
    if not any("template.yaml" in line and "changed while fixing" in line for line in result.err.splitlines()):
        raise UnsafeError(f"the user is not told the file changed while fixing:\n{result.describe()}")
    if FIXED not in other.read_text() or result.returncode != 1:
        raise UnsafeError(f"the other file was not fixed, or the finding left is not exit 1:\n{result.describe()}")


if __name__ == "__main__":
    case(check)
