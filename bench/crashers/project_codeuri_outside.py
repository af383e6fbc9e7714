"""Attack: a template's ``CodeUri`` names ``~/.aws`` (through ``..``, an absolute path, a link in the
repository) or ``/`` in many spellings: samcheck listed the folder and opened files in it to
estimate the zipped size, and walked ``/`` for five seconds per spelling.

Promise: a code folder outside the project is never listed or opened (watched with inotify: no
open or read of ``~/.aws`` or anything in it); SC0016 says it is not measured; the run ends fast.
"""

from __future__ import annotations

import ctypes
import os
import struct
from pathlib import Path

from _harness import Sandbox, UnsafeError, case

_IN_ACCESS, _IN_OPEN = 0x1, 0x20


class Watch:
    """The files (and the folder itself) in one folder that any process opens or reads."""

    def __init__(self, folder: Path) -> None:
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.descriptor = self.libc.inotify_init1(os.O_NONBLOCK)
        if (
            self.descriptor < 0
            or self.libc.inotify_add_watch(self.descriptor, bytes(folder), _IN_ACCESS | _IN_OPEN) < 0
        ):
            raise OSError(ctypes.get_errno(), "inotify is not available")

    def touched(self) -> list[str]:
        try:
            data = os.read(self.descriptor, 1 << 16)
        except BlockingIOError:
            return []
        names, offset = [], 0
        while offset < len(data):
            _, mask, _, length = struct.unpack_from("iIII", data, offset)
            name = data[offset + 16 : offset + 16 + length].rstrip(b"\0").decode() or "<the folder>"
            names.append(f"{name} ({'open' if mask & _IN_OPEN else 'read'})")
            offset += 16 + length
        return names


def function(name: str, code_uri: str) -> str:
    return (
        f"  {name}:\n    Type: AWS::Serverless::Function\n"
        f"    Properties: {{Runtime: python3.13, Handler: app.handler, CodeUri: '{code_uri}'}}\n"
    )


def check(box: Sandbox) -> None:
    aws = box.home / ".aws"
    aws.mkdir()
    (aws / "credentials").write_text("[default]\naws_access_key_id = AKIACRASHERSECRET0002\n" * 1000)
    (box.project / "code").symlink_to(aws, target_is_directory=True)
    (box.project / "src").mkdir()
    (box.project / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    outside = ["../home/.aws", "../home/./.aws/", str(aws), "code", "/", "//", "/.", "/usr/..", "/tmp/../"]
    template = "Transform: AWS::Serverless-2016-10-31\nResources:\n" + function("Inside", "src")
    template += "".join(function(f"Out{index}", uri) for index, uri in enumerate(outside))
    (box.project / "template.yaml").write_text(template)
    watch = Watch(aws)
    result = box.samcheck("--format", "json", "template.yaml")
    seconds = result.seconds
    touched = watch.touched()
    if touched:
        raise UnsafeError(f"samcheck opened or read {touched} in the home's .aws folder:\n{result.describe()}")
    said = result.out.count('"SC0016"')
    if result.returncode not in (0, 1) or said != len(outside) or "Traceback" in result.err:
        raise UnsafeError(f"expected {len(outside)} SC0016 findings, got {said}:\n{result.describe()}")
    if seconds > 30:
        raise UnsafeError(f"the run took {seconds:.0f} s: outside folders were walked")


case(check)
