"""A rule pack whose rule loops forever must not hang the run.

Attack: an installed third-party rule pack (a buggy one, or one a template drives into a loop)
never returns from ``check``, or from a run-wide rule's ``judge``. Promise: a third-party pack's
rules run with a time budget per file (``SAMCHECK_PLUGIN_SECONDS``, default 10 s) and its run-wide
judging with one per run; past it the pack is stopped, the file gets one SC0000 naming the pack,
and every other finding and file is still reported, with --jobs 1 and with a pool. A pack stopped
for time is not remembered by the cache: the next run tries it again.
"""

from __future__ import annotations

import json

from _harness import Sandbox, UnsafeError, case
from _plugin import install_plugin, write_templates

LOOP = "        while True:\n            pass"
# Loops only while the marker file is there: the same pack (and cache key) that finishes later.
LOOP_WHILE_MARKED = "        while os.path.exists(os.environ['LOOP_MARKER']):\n            pass"


def check(box: Sandbox) -> None:
    write_templates(box, "a.yaml", "b.yaml")
    # the judge's SC0000 is in the first file it collected from
    _loops(box, "looppack", LOOP, None, {"a.yaml": ["SC0000", "SC1001"], "b.yaml": ["SC0000", "SC1001"]})
    both = ["SC0000", "SC1001", "SC9401"], ["SC1001", "SC9401"]
    _loops(box, "judgepack", "        pass", LOOP, {"a.yaml": both[0], "b.yaml": both[1]})
    _not_cached(box)


def _loops(box: Sandbox, name: str, body: str, judge: str | None, expected: dict[str, list[str]]) -> None:
    env = install_plugin(box, name, body, judge)
    for jobs in ("1", "2"):
        result = box.samcheck(
            "--no-cache",
            "-j",
            jobs,
            "--format",
            "json",
            "a.yaml",
            "b.yaml",
            seconds=60,
            SAMCHECK_PLUGIN_SECONDS="2",
            **env,
        )
        if result.returncode != 1:
            raise UnsafeError(f"{name}, -j {jobs}: a looping plugin did not end in findings: {result.describe()}")
        findings = json.loads(result.out)["findings"]
        rules = {file: sorted(f["rule"] for f in findings if f["file"] == file) for file in expected}
        if rules != expected:
            raise UnsafeError(f"{name}, -j {jobs}: {rules}: {result.describe()}")
        stopped = [finding["message"] for finding in findings if finding["rule"] == "SC0000"]
        if not all(f"{name} did not finish within 2 s" in message for message in stopped):
            raise UnsafeError(f"{name}, -j {jobs}: SC0000 does not say which pack ran out of time: {stopped}")
    (box.root / "site").rename(box.root / f"site-{name}")


def _not_cached(box: Sandbox) -> None:
    marker = box.root / "loop"
    marker.touch()
    env = install_plugin(box, "slowpack", LOOP_WHILE_MARKED)
    cached = ("--cache-dir", str(box.root / "cache"), "--format", "json", "a.yaml")
    secret = {"SAMCHECK_CACHE_SECRET": "s" * 32, "LOOP_MARKER": str(marker), **env}
    first = box.samcheck(*cached, seconds=60, SAMCHECK_PLUGIN_SECONDS="2", **secret)
    marker.unlink()
    second = box.samcheck(*cached, seconds=60, **secret)
    rules = [sorted(f["rule"] for f in json.loads(run.out)["findings"]) for run in (first, second)]
    if rules != [["SC0000", "SC1001"], ["SC1001", "SC9401"]]:
        raise UnsafeError(f"the cache kept a pack stopped for time: {rules}: {second.describe()}")


if __name__ == "__main__":
    case(check)
