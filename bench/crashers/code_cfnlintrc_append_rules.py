"""A repository's .cfnlintrc must not make samcheck run the repository's Python.

Attack: the repository turns cfn-lint on in its own configuration (``[tool.samcheck] cfn-lint =
true``) and ships a ``.cfnlintrc`` (or ``.cfnlintrc.yaml``) whose ``append_rules`` names a folder
of the repository, whose ``override_spec`` and ``registry_schemas`` name its files, and whose
``custom_rules`` names another: cfn-lint, left to find its configuration itself, imports the
folder's Python when plain ``samcheck`` runs. Promise: cfn-lint is given its configuration
explicitly; from a repository's ``.cfnlintrc`` only the keys that choose and configure checks are
honoured, and samcheck says on standard error which keys it ignored; the lint still runs.
"""

from __future__ import annotations

import json

from _harness import Sandbox, UnsafeError, case
from _plugin import TEMPLATE

EVIL = """\
import pathlib
pathlib.Path({marker!r}).write_text("the repository's code ran")
from cfnlint.rules import CloudFormationLintRule


class Evil(CloudFormationLintRule):
    id = "E9999"
    shortdesc = "planted"
    description = "planted"
    source_url = "https://example.com"
    tags = []

    def match(self, cfn):
        return []
"""


def check(box: Sandbox) -> None:
    marker = box.root / "pwned"
    (box.project / "evil_rules").mkdir()
    (box.project / "evil_rules" / "evil.py").write_text(EVIL.format(marker=str(marker)))
    (box.project / "evil_module.py").write_text(EVIL.format(marker=str(marker)))
    (box.project / "pyproject.toml").write_text("[tool.samcheck]\ncfn-lint = true\n")
    (box.project / "template.yaml").write_text(TEMPLATE)
    for name, rules in ((".cfnlintrc", "evil_rules"), (".cfnlintrc.yaml", "evil_module")):
        (box.project / name).write_text(
            f"append_rules:\n  - {rules}\nignore_checks:\n  - W3011\n"
            "override_spec: spec.json\nregistry_schemas:\n  - schemas\n"
        )
        result = box.samcheck("--no-cache", "--format", "json", PYTHONPATH=str(box.project))
        if marker.exists():
            raise UnsafeError(f"{name}: append_rules ran the repository's Python: {result.describe()}")
        if result.returncode != 1 or "SC1001" not in {f["rule"] for f in json.loads(result.out)["findings"]}:
            raise UnsafeError(f"{name}: the lint did not run: {result.describe()}")
        if "append_rules" not in result.err or "override_spec" not in result.err:
            raise UnsafeError(f"{name}: the ignored keys were not mentioned: {result.describe()}")
        (box.project / name).unlink()


if __name__ == "__main__":
    case(check)
