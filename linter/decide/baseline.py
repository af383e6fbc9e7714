"""Adopting samcheck on an existing project: a baseline of known findings.

``--write-baseline FILE`` records every current finding; ``--baseline FILE`` then reports only
findings that are not in it. A finding is matched by its fingerprint (rule, resource and
message; never its line, so edits elsewhere do not break the match) and by its file, relative to
the baseline file. Counts matter: a second identical finding in a file is new.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from samcheck.cfn.local import real
from samcheck.config import ConfigError, read_bytes
from samcheck.output import write_report

if TYPE_CHECKING:
    from samcheck.findings import FileResult

BASELINE_VERSION = 1


def _key(file: str, baseline: Path) -> str:
    return Path(os.path.relpath(real(Path(file)), real(baseline).parent)).as_posix()


def write_baseline(path: Path, results: Sequence[FileResult]) -> int:
    """Record every finding in ``path``; how many (ReportWriteError when the file cannot be written)."""
    entries = [
        {
            "file": _key(f.file, path),
            "rule": f.rule,
            "resource": f.resource,
            "fingerprint": f.fingerprint,
            "message": f.message,
        }
        for result in results
        for f in result.findings
    ]
    document = {"version": BASELINE_VERSION, "tool": "samcheck", "findings": entries}
    write_report(json.dumps(document, indent=2), path)
    return len(entries)


class Baselined(NamedTuple):
    results: list[FileResult]  # without the findings the baseline knows
    hidden: int  # findings it knew
    stale: int  # its entries for the files linted that match no finding now (fixed since)


def apply_baseline(path: Path, results: Sequence[FileResult]) -> Baselined:
    """The results without the findings the baseline already knows, and how many it hid; an entry
    is counted stale only when its rule ran on its file now (not for a file or rule left out of this
    run by its paths or --select)."""
    raw = read_bytes(path)
    try:
        document = json.loads(raw.decode("utf-8"))
        known = Counter((entry["file"], entry["fingerprint"]) for entry in document["findings"])
        rule_of = {(entry["file"], entry["fingerprint"]): entry.get("rule") for entry in document["findings"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{path}: not a samcheck baseline ({error})") from None
    filtered = []
    for result in results:
        kept = []
        for finding in result.findings:
            key = (_key(finding.file, path), finding.fingerprint)
            if known[key] > 0:
                known[key] -= 1
            else:
                kept.append(finding)
        filtered.append(replace(result, findings=kept))
    ran: dict[str, set[str]] = {}  # the rules that ran, per file linted
    for result in results:
        for file in {str(result.path), *(finding.file for finding in result.findings)}:
            ran.setdefault(_key(file, path), set()).update(result.rules)
    hidden = sum(len(result.findings) for result in results) - sum(len(result.findings) for result in filtered)
    stale = sum(count for key, count in known.items() if rule_of[key] in ran.get(key[0], ()))
    return Baselined(filtered, hidden, stale)
