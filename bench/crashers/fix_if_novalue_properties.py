"""Attack: a queue whose whole ``Properties`` is ``!If [C, {...}, !Ref AWS::NoValue]`` has a finding
with a fix (SC3001: raise its VisibilityTimeout), and the fix engine, asked to add a key to that
mapping, raised: ``--fix``, ``--diff`` and ``--format sarif`` died with a traceback, and no file of
the run was fixed or reported.

Promise: a fix that cannot be placed safely (here: inside an intrinsic function) is not made and
that file is left as it is; every file is still reported, the others are fixed (or diffed, or
carry their SARIF fixes), and the exit code says findings remain (1), never a traceback.
"""

from __future__ import annotations

import json

from _harness import FIXABLE, FIXED, Sandbox, UnsafeError, case

CONDITIONAL = FIXABLE.replace(
    "Resources:\n", "Conditions:\n  IsProd: !Equals [!Ref AWS::Region, us-east-1]\nResources:\n"
).replace(
    "    Properties:\n      VisibilityTimeout: 20\n",
    "    Properties: !If\n      - IsProd\n      - VisibilityTimeout: 20\n      - !Ref AWS::NoValue\n",
)


def check(box: Sandbox) -> None:
    conditional, plain = box.project / "conditional.yaml", box.project / "plain.yaml"
    files = ("--no-cache", "conditional.yaml", "plain.yaml")

    def write() -> None:
        conditional.write_text(CONDITIONAL)
        plain.write_text(FIXABLE)

    write()
    sarif = box.samcheck("--format", "sarif", *files)
    if sarif.returncode != 1 or "Traceback" in sarif.err:
        raise UnsafeError(f"--format sarif crashed:\n{sarif.describe()}")
    results = json.loads(sarif.out)["runs"][0]["results"]
    reported = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in results}
    fixed = [result for result in results if "fixes" in result]
    if reported != {"conditional.yaml", "plain.yaml"} or len(fixed) != 1:
        raise UnsafeError(f"SARIF lost a file or the other file's fix:\n{sarif.describe()}")

    diff = box.samcheck("--diff", *files)
    if diff.returncode != 1 or "Traceback" in diff.err or "+++ b/plain.yaml" not in diff.out:
        raise UnsafeError(f"--diff crashed or lost the other file's fix:\n{diff.describe()}")
    if "conditional.yaml" in diff.out:
        raise UnsafeError(f"--diff shows an edit inside an intrinsic function:\n{diff.describe()}")

    fix = box.samcheck("--fix", *files)
    if fix.returncode != 1 or "Traceback" in fix.err:
        raise UnsafeError(f"--fix crashed:\n{fix.describe()}")
    if conditional.read_text() != CONDITIONAL or FIXED not in plain.read_text():
        raise UnsafeError(f"--fix changed the conditional file or did not fix the other:\n{fix.describe()}")
    if "conditional.yaml" not in fix.out:
        raise UnsafeError(f"--fix did not report the file it could not fix:\n{fix.describe()}")


if __name__ == "__main__":
    case(check)
