"""Attack: a repository's ``template.yaml`` is a symlink to a file outside the project (standing for
``~/.bashrc`` or a CI runner's configuration) whose text has a fixable finding, so that ``--fix``
rewrites the file at the far end of the link.

Promise: ``--fix`` writes only inside the project. The file outside stays byte for byte and the
link stays a link; samcheck says in one line that the link leads out (it neither reads nor fixes
it), and the finding stays (exit 1). In the same run, a symlink whose target is inside the project
is fixed (the target rewritten, the link kept), and so is a plain file.
"""

from __future__ import annotations

from _harness import FIXABLE, FIXED, Sandbox, UnsafeError, case


def check(box: Sandbox) -> None:
    victim = box.home / "victim.yaml"
    victim.write_text(FIXABLE)
    (box.project / "template.yaml").symlink_to(victim)
    real = box.project / "stacks" / "real.yaml"
    real.parent.mkdir()
    real.write_text(FIXABLE)
    (box.project / "inside.yaml").symlink_to(real)
    (box.project / "plain.yaml").write_text(FIXABLE)

    result = box.samcheck("--no-cache", "--fix", "template.yaml", "inside.yaml", "plain.yaml")
    if result.returncode is None or "Traceback" in result.err:
        raise UnsafeError(f"--fix crashed or hung:\n{result.describe()}")
    if victim.read_text() != FIXABLE:
        raise UnsafeError(f"--fix rewrote a file outside the project through a symlink:\n{result.describe()}")
    if not (box.project / "template.yaml").is_symlink() or not (box.project / "inside.yaml").is_symlink():
        raise UnsafeError("--fix replaced a symlink with a file")
    # The link is not even read (SC0016 on it); were it read, the fix would be refused on stderr.
    said = [line for line in result.all_lines if "template.yaml" in line and "outside the project" in line]
    if len(said) != 1 or result.returncode != 1:
        raise UnsafeError(f"the link out of the project is not said in one line with exit 1:\n{result.describe()}")
    if FIXED not in real.read_text() or FIXED not in (box.project / "plain.yaml").read_text():
        raise UnsafeError(f"files inside the project were not fixed:\n{result.describe()}")


if __name__ == "__main__":
    case(check)
