"""Attack: a repository file whose name carries a line break and a CI workflow command
(``x\\n::warning::pwned.yaml``) or a terminal escape, with a fixable finding, so that the lines
``--fix`` and ``--diff`` print on standard error ("fixed 1 finding(s) in …", "not fixing …: it links
to …") start a line GitHub's runner obeys or drive the user's terminal.

Promise: every line ``--fix`` and ``--diff`` print about a file shows the repository's names and
messages as escapes, and a diff header quotes a name as git does (``git apply`` reads it back): no
line opens with ``::``, and no control character reaches the output from a name.
"""

from __future__ import annotations

from _harness import FIXABLE, Sandbox, UnsafeError, case

NAMES = ("x\n::warning::pwned.yaml", "bell\x07\x1b[31mred.yaml")


def check(box: Sandbox) -> None:
    outside = box.home / "linked\n::error::outside.yaml"
    outside.write_text(FIXABLE)
    (box.project / "link.yaml").symlink_to(outside)
    for mode in ("--fix", "--diff"):
        for name in NAMES:
            (box.project / name).write_text(FIXABLE)
        result = box.samcheck("--no-cache", mode, *NAMES, "link.yaml")
        if result.returncode not in (0, 1) or "Traceback" in result.err:
            raise UnsafeError(f"{mode} crashed:\n{result.describe()}")
        printed = result.err + (result.out if mode == "--diff" else "")
        if any(line.lstrip().startswith("::") for line in printed.splitlines()):
            raise UnsafeError(f"{mode} printed a line a CI runner obeys:\n{result.describe()}")
        if any(ord(character) < 32 and character != "\n" for character in printed):
            raise UnsafeError(f"{mode} printed a control character:\n{result.describe()}")


if __name__ == "__main__":
    case(check)
