"""Every real-world template of the shared corpus lints without a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from samcheck.cfn.document import load_document
from samcheck.datafiles import load_json
from samcheck.discovery import discover
from tests.conftest import CORPUS, needs_corpus

pytestmark = [
    pytest.mark.slow,
    needs_corpus,
]


# Rules about the Resources section itself (empty, too many resources) may point at its key.
SECTION_RULES = {"SC0005", "SC0007"}


def _on_resources_line(finding: dict[str, object]) -> bool:
    source_map = load_document(Path(str(finding["file"]))).source_map
    span = source_map.keys.get(("Resources",))
    return span is not None and finding["line"] == span.line


def test_whole_corpus_lints_cleanly() -> None:
    expected = len(discover([str(CORPUS)]).files)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "samcheck", "--format", "json", "--fail-level", "info", str(CORPUS)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    elapsed = time.perf_counter() - started
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    document = json.loads(result.stdout)
    jsonschema.validate(document, load_json("findings.schema.json"))
    assert document["summary"]["files"] == expected > 400
    internal = [f for f in document["findings"] if f["rule"] == "SC0000"]
    assert not internal, internal[:3]
    on_section = [f for f in document["findings"] if f["rule"] not in SECTION_RULES and _on_resources_line(f)]
    assert not on_section, on_section[:3]
    print(f"\ncorpus: {expected} templates in {elapsed:.1f} s, summary {document['summary']}")
