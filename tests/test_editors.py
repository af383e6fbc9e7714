"""Real editors attached to ``samcheck server``: Neovim's built-in LSP client, headless."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SQS_CONSUMER as TEMPLATE

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("nvim") is None and not os.environ.get("SAMCHECK_REQUIRE_EDITORS"),
        reason="Neovim is not installed (.ci/run installs it and sets SAMCHECK_REQUIRE_EDITORS)",
    ),
]
SCRIPT = Path(__file__).parent / "editors" / "neovim_diagnostics.lua"


def test_neovim_receives_the_diagnostics(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    out = tmp_path / "diagnostics.json"
    environment = {
        **os.environ,
        "SAMCHECK_PYTHON": sys.executable,
        "SAMCHECK_NVIM_FILE": str(template),
        "SAMCHECK_NVIM_OUT": str(out),
    }
    nvim = shutil.which("nvim") or "nvim"
    subprocess.run(
        [nvim, "--headless", "--clean", "-c", f"luafile {SCRIPT}"],
        env=environment,
        cwd=tmp_path,
        timeout=120,
        check=True,
        capture_output=True,
    )
    received = json.loads(out.read_text())
    assert received["received"], received
    by_code = {item["code"]: item for item in received["diagnostics"]}
    queue = by_code["SC3001"]
    assert (queue["lnum"], queue["col"]) == (14, 8) and queue["source"] == "samcheck"
    assert queue["severity"] == 1 and queue["related"] >= 1
    assert "VisibilityTimeout 10 s" in queue["message"]
