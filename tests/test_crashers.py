"""Every case in ``bench/crashers/`` (a hostile repository, input or plugin, played as a real process
in a temporary folder) leaves samcheck safe: see each script's docstring for the attack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CRASHERS = Path(__file__).resolve().parent.parent / "bench" / "crashers"
CASES = sorted(path for path in CRASHERS.glob("*.py") if not path.name.startswith("_"))


def test_there_are_cases() -> None:
    assert CASES


@pytest.mark.parametrize("case", CASES, ids=[path.stem for path in CASES])
def test_case_stays_safe(case: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(case)], capture_output=True, text=True, timeout=600, cwd=CRASHERS, check=False
    )
    assert done.returncode == 0, f"{case.name}: {done.stderr[-4000:]}{done.stdout[-2000:]}"
