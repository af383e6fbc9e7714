"""Rules judge every candidate: the easy paths that drop "one of a known set" are ratcheted.

``Value.single`` is None both for an unknown value and for one of several known ones, and a raw
read of ``resource.properties`` skips the resolver (parameters, conditions, Globals, positions).
Rules and analyses read resolved candidates instead (``samcheck.analysis.values``,
``analysis.wiring.reaches``). A remaining use must say why on its own line — ``# one value:`` (a
lookup that needs one value and treats several as unknown) or ``# as written:`` (the form the
user wrote matters: a literal before a fix, an intrinsic, a policy language read by its own
reader) — and their number may only go down.
"""

from __future__ import annotations

import re

from tests.conftest import ROOT

# Reads that bypass the candidates: .single, and a resource's raw properties.
_EASY_PATH = re.compile(r"\.single\b|\.properties\b(?!\s*:)")
_JUSTIFIED = re.compile(r"#\s*(one value|as written):\s*\S")
# The most justified uses allowed; lower it when one goes away, never raise it without a reason.
MOST = 32


def _uses() -> list[tuple[str, int, str]]:
    found = []
    for folder in ("rules", "linter/analysis"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                if _EASY_PATH.search(code) and "def " not in code:
                    found.append((str(path.relative_to(ROOT)), number, line))
    return found


def test_every_single_or_raw_read_says_why() -> None:
    unexplained = [f"{file}:{number}: {line.strip()}" for file, number, line in _uses() if not _JUSTIFIED.search(line)]
    assert not unexplained, "read every candidate, or say why not:\n" + "\n".join(unexplained)


def test_the_justified_reads_only_go_down() -> None:
    assert len(_uses()) <= MOST, f"{len(_uses())} justified .single/raw reads; the ratchet allows {MOST}"
