"""``python -m samcheck`` run in a repository must not import the repository's modules.

Attack: ``python -m`` puts the current folder first on the module path, and in CI or pre-commit
that folder is the repository being linted: a ``networkx.py``, ``jsonschema.py`` or ``click.py``
at its top stands in for the library samcheck imports, and runs; a ``*.dist-info`` folder there
registers a rule pack of the repository's. Promise: samcheck's
``__main__`` takes the current folder off the module path before importing anything else, so a
repository's files are read as templates and configuration only; the ``samcheck`` command (and
``python -P``) never put it there.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from _harness import Sandbox, UnsafeError, case

EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "example" / "template.yaml"
LIBRARIES = ("click", "networkx", "jsonschema", "platformdirs", "samtranslator", "boto3", "botocore", "cfnlint")


def check(box: Sandbox) -> None:
    shutil.copy(EXAMPLE, box.project / "template.yaml")
    marker = box.root / "imported"
    for name in LIBRARIES:
        (box.project / f"{name}.py").write_text(
            f"import pathlib\nwith pathlib.Path({str(marker)!r}).open('a') as f:\n    f.write({name!r} + ' ')\n"
        )
    info = box.project / "plantedpack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: plantedpack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[samcheck.rules]\nplanted = plantedpack:RULES\n")
    (box.project / "plantedpack.py").write_text(
        f"import pathlib\nwith pathlib.Path({str(marker)!r}).open('a') as f:\n    f.write('plantedpack ')\nRULES = []\n"
    )
    result = box.samcheck("--no-cache", "--with-cfn-lint", "--format", "json")
    if marker.exists():
        raise UnsafeError(f"the repository's {marker.read_text().strip()} ran in place of the libraries")
    if result.returncode != 1 or not json.loads(result.out)["findings"]:
        raise UnsafeError(f"the lint did not run: {result.describe()}")


if __name__ == "__main__":
    case(check)
