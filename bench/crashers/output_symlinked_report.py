"""Attack: the repository plants a symbolic link where CI writes its report
(``results.sarif -> ~/.bashrc``, ``baseline.json -> ~/.bashrc``) or a linked folder on the way
(``reports -> ~/.bashrc.d``), so that ``--format sarif=results.sarif``, ``--write-baseline`` or
``-o reports/samcheck.txt`` overwrites or creates a file outside it, with content the template
chose ("$(...)" runs when bash reads a double-quoted JSON line).

Promise: samcheck writes no report through a symbolic link that lies in the repository it runs in:
such a target is one line on standard error and exit 2, the link's target untouched; a path outside
the repository is written as given.
"""

from __future__ import annotations

from _harness import Sandbox, UnsafeError, case

TEMPLATE = 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  O:\n    Value: !Ref "x$(touch pwned)"\n'


def check(box: Sandbox) -> None:
    (box.project / "template.yaml").write_text(TEMPLATE)
    victim = box.home / ".bashrc"
    victim.write_text("precious\n")
    sourced = box.home / ".bashrc.d"
    sourced.mkdir()
    (box.project / "results.sarif").symlink_to(victim)
    (box.project / "baseline.json").symlink_to(victim)
    (box.project / "reports").symlink_to(sourced)
    for arguments in (
        ("--format", "sarif=results.sarif"),
        ("--write-baseline", "baseline.json"),
        ("-o", "reports/samcheck.txt"),
        ("--format", f"json={box.project / 'reports' / 'ci' / 'samcheck.json'}"),
    ):
        done = box.samcheck("--no-cache", *arguments, "template.yaml")
        if victim.read_text() != "precious\n" or any(sourced.iterdir()):
            raise UnsafeError(f"{' '.join(arguments)} wrote through a link in the repository\n{done.describe()}")
        lines = done.err.splitlines()
        if done.returncode != 2 or len(lines) != 1 or "cannot write the report" not in lines[0]:
            raise UnsafeError(f"{' '.join(arguments)}: expected exit 2 and one line\n{done.describe()}")
    outside = box.home / "out.sarif"
    done = box.samcheck("--no-cache", "--format", f"sarif={outside}", "template.yaml")
    if done.returncode != 1 or not outside.is_file():
        raise UnsafeError(f"a report outside the repository was not written\n{done.describe()}")


if __name__ == "__main__":
    case(check)
