"""Attack: the cache folder is pointed into the repository being linted (``--cache-dir .``, or
``SAMCHECK_CACHE_DIR`` set to the checkout), whose two-letter folders (``db/``, ``ci/``, ``ui/``)
hold files older than a day; the daily prune took them for cache shards and deleted those files.
A repository may even carry its own ``CACHEDIR.TAG`` (cargo's, or a copy of samcheck's).

Promise: samcheck keeps its cache only in a folder it made: a folder that holds anything and has no
samcheck ``CACHEDIR.TAG`` is refused with exit 2 and one line naming it, and even in a folder
tagged as samcheck's only files named like samcheck's own entries are ever deleted.
"""

from __future__ import annotations

import os
import time

from _harness import Sandbox, UnsafeError, case

TEMPLATE = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n"
OLD = time.time() - 40 * 24 * 3600
CARGO_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cargo.\n"
SAMCHECK_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by samcheck.\n"
)


def plant(box: Sandbox) -> dict[str, bytes]:
    """The repository's files, aged 40 days; what each holds."""
    files = {
        "template.yaml": TEMPLATE,
        "db/schema.sql": "create table users (id int);\n",
        "ci/build.sh": "make\n",
        "ui/app.js": "render();\n",
        "ab/" + "c" * 62 + ".txt": "not an entry\n",
    }
    for name, text in files.items():
        path = box.project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        os.utime(path, (OLD, OLD))
    return {name: (box.project / name).read_bytes() for name in files}


def untouched(box: Sandbox, before: dict[str, bytes], how: str) -> None:
    paths = {name: box.project / name for name in before}
    gone = [name for name, path in paths.items() if not path.is_file() or path.read_bytes() != before[name]]
    if gone:
        raise UnsafeError(f"{how}: the repository's files {gone} were deleted or changed")


def check(box: Sandbox) -> None:
    before = plant(box)
    for how, arguments, env in (
        ("--cache-dir .", ["--cache-dir", "."], {}),
        ("SAMCHECK_CACHE_DIR=<checkout>", [], {"SAMCHECK_CACHE_DIR": str(box.project)}),
    ):
        result = box.samcheck(*arguments, "template.yaml", **env)
        untouched(box, before, how)
        lines = result.err.strip().splitlines()
        if result.returncode != 2 or len(lines) != 1 or str(box.project) not in lines[0]:
            raise UnsafeError(f"{how}: not refused with exit 2 and one line naming the folder:\n{result.describe()}")
        if (box.project / "CACHEDIR.TAG").exists():
            raise UnsafeError(f"{how}: a tag was written into the repository")
    # Another tool's tag is not samcheck's.
    (box.project / "CACHEDIR.TAG").write_text(CARGO_TAG)
    result = box.samcheck("--cache-dir", ".", "template.yaml")
    untouched(box, before, "a cargo CACHEDIR.TAG")
    if result.returncode != 2:
        raise UnsafeError(f"a folder tagged by cargo was used as the cache:\n{result.describe()}")
    # A copy of samcheck's own tag is adopted, yet nothing but samcheck's entry files is ever deleted.
    (box.project / "CACHEDIR.TAG").write_text(SAMCHECK_TAG)
    result = box.samcheck("--cache-dir", ".", "template.yaml")
    untouched(box, before, "a planted samcheck CACHEDIR.TAG")
    if result.returncode != 0:
        raise UnsafeError(f"a clean template in a tagged folder did not pass:\n{result.describe()}")


case(check)
