"""Attack: a repository holds ``template.yaml -> template.yaml`` (a link loop) and a dangling link;
a walk of the folder ended in a traceback and no report for any file, naming the loop argument was
"no such file".

Promise: a link that cannot be followed is an SC0001 finding for that file with the OS's reason,
never a traceback, in any output format; the other files are still checked and reported (exit 1).
"""

from __future__ import annotations

import json

from _harness import Sandbox, UnsafeError, case

GOOD = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Timeout: 1000}\n"


def check(box: Sandbox) -> None:
    (box.project / "template.yaml").symlink_to("template.yaml")
    (box.project / "other.template.yaml").symlink_to("nowhere.yaml")
    (box.project / "good").mkdir()
    (box.project / "good" / "template.yaml").write_text(GOOD)
    for paths in (["."], ["template.yaml", "good"], []):
        result = box.samcheck("--format", "json", *paths)
        if result.returncode != 1 or "Traceback" in result.err:
            raise UnsafeError(f"{paths}: expected findings (exit 1):\n{result.describe()}")
        rules = {(f["file"], f["rule"]): f["message"] for f in json.loads(result.out)["findings"]}
        loop = rules.get(("template.yaml", "SC0001"), "")
        if "symbolic links" not in loop:
            raise UnsafeError(f"{paths}: the loop is not an SC0001 finding with its reason:\n{result.describe()}")
        if paths and ("good/template.yaml", "SC1001") not in rules:
            raise UnsafeError(f"{paths}: the good file was not reported:\n{result.describe()}")
    for output_format in ("text", "sarif", "github", "junit"):
        result = box.samcheck("--format", output_format, ".")
        if result.returncode != 1 or "Traceback" in result.err or "symbolic links" not in result.out:
            raise UnsafeError(f"--format {output_format}: no report of the loop:\n{result.describe()}")


case(check)
