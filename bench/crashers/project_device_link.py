"""Attack: a repository's templates are links to ``/proc/kmsg`` (a regular file whose read waits for
kernel messages: forever), ``/dev/zero`` (a read never ends), a named pipe outside the repository,
or are named pipes themselves; a ``data.yaml`` link to ``/proc/kmsg`` is sniffed by the folder walk.
samcheck hung.

Promise: such files are never opened: each named template is a finding (SC0016 for a link leading
outside the project, SC0001 for a pipe inside it), a run ends in seconds, the good file is reported.
"""

from __future__ import annotations

import json
import os

from _harness import Sandbox, UnsafeError, case

GOOD = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Timeout: 1000}\n"


def check(box: Sandbox) -> None:
    os.mkfifo(box.root / "outside-pipe")
    links = {"kmsg": "/proc/kmsg", "zero": "/dev/zero", "pipe": str(box.root / "outside-pipe")}
    for folder, target in links.items():
        (box.project / folder).mkdir()
        (box.project / folder / "template.yaml").symlink_to(target)
    (box.project / "fifo").mkdir()
    os.mkfifo(box.project / "fifo" / "template.yaml")
    (box.project / "sniffed").mkdir()
    (box.project / "sniffed" / "data.yaml").symlink_to("/proc/kmsg")
    (box.project / "good").mkdir()
    (box.project / "good" / "template.yaml").write_text(GOOD)
    expected = {f"{folder}/template.yaml": "SC0016" for folder in links} | {
        "fifo/template.yaml": "SC0001",
        "good/template.yaml": "SC1001",
    }
    for paths in (["."], sorted(expected)):
        result = box.samcheck("--format", "json", *paths, seconds=60)
        if result.returncode is None:
            raise UnsafeError(f"{paths}: samcheck hung:\n{result.describe()}")
        found = {(f["file"], f["rule"]) for f in json.loads(result.out or "{}").get("findings", [])}
        missing = [pair for pair in expected.items() if pair not in found]
        if result.returncode != 1 or missing:
            raise UnsafeError(f"{paths}: missing {missing}:\n{result.describe()}")


case(check)
