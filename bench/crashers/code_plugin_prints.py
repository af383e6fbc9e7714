"""A rule pack that writes to standard output must not corrupt the report.

Attack: an installed third-party rule pack prints (``print``, or a write to descriptor 1 from C or
``os.write``) and writes to standard error while checking, which with ``--format json`` would
break the document a CI step parses, and on a terminal would put bytes derived from a template
there. Promise: a third-party pack's output is captured and never shown; a pack that writes to
standard output loses its findings on that file to one SC0000 that counts the bytes without
quoting them; the JSON report stays valid and the other findings stay.
"""

from __future__ import annotations

import json

from _harness import Sandbox, UnsafeError, case
from _plugin import install_plugin, write_templates

BODY = """\
        print('{"findings": "PLUGIN-OUTPUT"}')
        sys.stdout.flush()
        os.write(1, b"PLUGIN-OUTPUT raw\\n")
        print("PLUGIN-OUTPUT on stderr \\x1b]0;title\\x07", file=sys.stderr)"""


def check(box: Sandbox) -> None:
    env = install_plugin(box, "printpack", BODY)
    write_templates(box, "a.yaml", "b.yaml")
    for jobs in ("1", "2"):
        result = box.samcheck("--no-cache", "-j", jobs, "--format", "json", "a.yaml", "b.yaml", **env)
        if "PLUGIN-OUTPUT" in result.out or "PLUGIN-OUTPUT" in result.err:
            raise UnsafeError(f"-j {jobs}: the plugin's output reached samcheck's own: {result.describe()}")
        try:
            findings = json.loads(result.out)["findings"]
        except ValueError:
            raise UnsafeError(f"-j {jobs}: the JSON report is not JSON: {result.describe()}") from None
        if result.returncode != 1:
            raise UnsafeError(f"-j {jobs}: {result.describe()}")
        for file in ("a.yaml", "b.yaml"):
            rules = sorted(finding["rule"] for finding in findings if finding["file"] == file)
            if rules != ["SC0000", "SC1001"]:
                raise UnsafeError(f"-j {jobs}: {file} has {rules}: {result.describe()}")
        told = [finding["message"] for finding in findings if finding["rule"] == "SC0000"]
        if not all("printpack" in message and "standard output" in message for message in told):
            raise UnsafeError(f"-j {jobs}: SC0000 does not say the pack wrote to standard output: {told}")


if __name__ == "__main__":
    case(check)
