"""What ``--fix`` and ``--diff`` apply to one file: the safe fixes, to a fixpoint, keeping only
those that bring no new error.

A fix is judged by linting the text it leaves, as the template (so that relative paths still
resolve): one that makes an error appear that was not there before is not applied, and the
user is told which error it would bring. An error is known by its fingerprint (as baselines know
it), the identity that survives edits elsewhere in the file: an error that only moved is not new.
Fixes that fixed something can reveal findings with fixes of their own, so the rounds repeat until
nothing changes (at most ``MAX_ROUNDS``), and a second ``--fix`` finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from samcheck.findings import FileResult, Finding, Fix, NodePath, Severity
from samcheck.fix.edits import FixError, apply_fixes, merged_edits

MAX_ROUNDS = 3

Lint = Callable[[str], FileResult]  # a candidate text of the file, linted as that file


class Stable(NamedTuple):
    text: str  # the file's text with every fix that holds
    applied: int  # how many fixes that is
    refused: list[str]  # why the others were not applied, for the user


def fix_until_stable(
    path: Path, before: str, result: FileResult, lint: Lint, only: frozenset[str] | None = None
) -> Stable:
    """The text of ``path`` (now ``before``, reported as ``result``) with its safe fixes applied:
    every one, or those of the findings whose fingerprints are in ``only`` (an editor's quick fix)."""
    text, applied = before, 0
    refused: dict[str, str] = {}  # fix description -> why, the first time it is refused
    baseline = _errors(result)
    for _ in range(MAX_ROUNDS):
        fixes = [
            finding.fix
            for finding in result.findings
            if finding.fix is not None and (only is None or finding.fingerprint in only)
        ]
        for fix, other, place in _conflicts(fixes):
            refused.setdefault(
                fix.description,
                f"{fix.description}: not applied, it sets {'.'.join(map(str, place))} otherwise than "
                f"'{other.description}' (neither is)",
            )
        fixes = [fix for fix in fixes if fix.description not in refused]
        if not fixes:
            break
        candidate, candidate_result = _attempt(path, text, fixes, lint)
        if candidate is not None and candidate_result is not None and not _new_errors(candidate_result, baseline):
            text, result, applied = candidate, candidate_result, applied + len(fixes)
            continue
        progressed = False
        for fix in fixes:  # one at a time: keep each that brings no new error
            candidate, candidate_result = _attempt(path, text, [fix], lint)
            if candidate is None or candidate_result is None:
                continue
            new = _new_errors(candidate_result, baseline)
            if new:
                refused.setdefault(fix.description, f"{fix.description}: not applied, it would bring {_describe(new)}")
                continue
            text, result, applied, progressed = candidate, candidate_result, applied + 1, True
        if not progressed:
            break
    return Stable(text, applied, list(refused.values()))


def _conflicts(fixes: list[Fix]) -> list[tuple[Fix, Fix, NodePath]]:
    """Pairs of fixes that set one place to different values (larger numbers merge: not a conflict).
    Edits are grouped by place first, so thousands of fixes at different places cost nothing."""
    by_place: dict[NodePath, list[tuple[Fix, Any]]] = {}
    for fix in fixes:
        for edit in fix.edits:
            by_place.setdefault(edit.path, []).append((fix, edit.value))
    found = []
    for place, setters in by_place.items():
        for index, (fix, value) in enumerate(setters):
            for other, rival in setters[index + 1 :]:
                numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (value, rival))
                if other is not fix and value != rival and not numbers:
                    found += [(fix, other, place), (other, fix, place)]
    return found


def _attempt(path: Path, text: str, fixes: list[Fix], lint: Lint) -> tuple[str | None, FileResult | None]:
    try:
        candidate = apply_fixes(path, text, merged_edits(fixes))
    except FixError:
        return None, None
    if candidate == text:
        return None, None
    return candidate, lint(candidate)


def _errors(result: FileResult) -> set[str]:
    return {finding.fingerprint for finding in result.findings if finding.severity is Severity.ERROR}


def _new_errors(result: FileResult, baseline: set[str]) -> dict[str, Finding]:
    """The errors of ``result`` not in ``baseline``, by fingerprint."""
    return {
        finding.fingerprint: finding
        for finding in result.findings
        if finding.severity is Severity.ERROR and finding.fingerprint not in baseline
    }


def _describe(new: dict[str, Finding]) -> str:
    shown = sorted(new.values(), key=lambda finding: (finding.rule, finding.message))[:2]
    more = f" and {len(new) - 2} more" if len(new) > 2 else ""
    return "; ".join(f"{finding.rule} {finding.message}" for finding in shown) + more
