"""A rule pack that ends the process must not lose the report.

Attack: an installed third-party rule pack calls ``os._exit(0)`` (or ``sys.exit``, or dies in C)
while checking a file, which would end samcheck with exit code 0 and no output: a CI step passes
with errors in the templates. Promise: a third-party pack that ends its process costs its own
findings on that file (one SC0000 saying the pack ended the process); samcheck's findings are
reported and the exit code is 1.
"""

from __future__ import annotations

import json

from _harness import Sandbox, UnsafeError, case
from _plugin import install_plugin, write_templates

BODIES = {
    "os._exit": "        os._exit(0)",
    "sys.exit": "        sys.exit(0)",
    "SIGKILL": "        os.kill(os.getpid(), 9)",  # as a crash in C code would
}


def check(box: Sandbox) -> None:
    for how, body in BODIES.items():
        name = "exitpack" + how.replace(".", "").replace("_", "")
        env = install_plugin(box, name, body)
        write_templates(box, "a.yaml", "b.yaml")
        for jobs in ("1", "2"):
            result = box.samcheck("--no-cache", "-j", jobs, "--format", "json", "a.yaml", "b.yaml", **env)
            if result.returncode != 1:
                raise UnsafeError(f"{how}, -j {jobs}: exit {result.returncode}: {result.describe()}")
            try:
                findings = json.loads(result.out)["findings"]
            except ValueError:
                raise UnsafeError(f"{how}, -j {jobs}: no JSON report: {result.describe()}") from None
            for file in ("a.yaml", "b.yaml"):
                rules = sorted(finding["rule"] for finding in findings if finding["file"] == file)
                if rules != ["SC0000", "SC1001"]:
                    raise UnsafeError(f"{how}, -j {jobs}: {file} has {rules}: {result.describe()}")
            told = [finding["message"] for finding in findings if finding["rule"] == "SC0000"]
            if not all(name in message and "ended the process" in message for message in told):
                raise UnsafeError(f"{how}, -j {jobs}: SC0000 does not say the pack ended the process: {told}")
        (box.root / "site").rename(box.root / f"site-{name}")  # the next pack alone


if __name__ == "__main__":
    case(check)
