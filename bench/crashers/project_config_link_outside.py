"""Attack: a repository's configuration files (``.samcheck.yaml``, ``pyproject.toml``,
``samconfig.toml``) and its committed baseline are symlinks to the user's files outside it
(``~/.aws/credentials``, a YAML of secrets), so that samcheck reads them and quotes them in its
configuration errors.

Promise: a configuration file in a repository that links outside the project is never opened: one
line names the link (not its target's content) and the run is exit 2. The user's own configuration
outside any repository is still read through its links (dotfile managers link them).
"""

from __future__ import annotations

from _harness import Result, Sandbox, UnsafeError, case

SECRET = "AKIAEXAMPLESECRET7"
TEMPLATE = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n"


def _refused(name: str, result: Result) -> None:
    if SECRET in result.out + result.err:
        raise UnsafeError(f"{name}: its target's content was echoed:\n{result.describe()}")
    said = [line for line in result.err.splitlines() if name in line and "leads outside the project" in line]
    if result.returncode != 2 or len(said) != 1:
        raise UnsafeError(f"{name}: not refused in one line with exit 2:\n{result.describe()}")


def check(box: Sandbox) -> None:
    secrets = box.home / "secrets.yaml"
    secrets.write_text(f"ignore: [{SECRET}]\nregion: {SECRET}\n")
    (box.project / "template.yaml").write_text(TEMPLATE)
    for name in (".samcheck.yaml", "samconfig.toml"):
        link = box.project / name
        link.symlink_to(secrets)
        result = box.samcheck("--no-cache", "template.yaml")
        link.unlink()
        _refused(name, result)
    link = box.project / "baseline.json"
    link.symlink_to(secrets)
    _refused("baseline.json", box.samcheck("--no-cache", "--baseline", "baseline.json", "template.yaml"))
    # The user's own configuration, outside any repository, read through a dotfile manager's link.
    outside = box.root / "work"
    outside.mkdir()
    (outside / "template.yaml").write_text(TEMPLATE)
    dotfiles = box.home / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "samcheck.yaml").write_text("ignore: [SC0014]\n")
    (outside / ".samcheck.yaml").symlink_to(dotfiles / "samcheck.yaml")
    result = box.samcheck("--no-cache", "--show-settings", "template.yaml", cwd=outside)
    if result.returncode != 0 or "SC0014" not in result.out:
        raise UnsafeError(f"the user's own linked configuration was not read:\n{result.describe()}")


if __name__ == "__main__":
    case(check)
