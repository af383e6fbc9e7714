"""Which rules lose an error, or do not say which candidate, when a literal becomes one of a known set.

    .venv/bin/python bench/known_set_probe.py [--jobs N] [--output FILE]

Every literal below a resource's Properties in every rule fixture, made one of two candidates by a
parameter's AllowedValues and by an Fn::If on an undecidable condition (tests/test_known_sets.py
says how, and what counts): per rule, how many mutations lost one of its errors, and how many kept
one that holds for one candidate without naming the parameter or condition, with examples
(fixture:path). Then, for each such rule, where ``Value.single`` was asked about a value of several
candidates (and answered None) when the rule ran alone on those mutations: the likely places to port.
The pytest run of the same is the exhaustive test of tests/test_known_sets.py.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from samcheck.api import lint_file  # noqa: E402
from samcheck.cfn.resolver import Value  # noqa: E402
from samcheck.registry import find_rule  # noqa: E402
from tests.test_known_sets import CANDIDATES, MUTATIONS, Outcome, probe, report  # noqa: E402

_RULE_MODULE = re.compile(r"/rules/\w+/sc(\d{4})_\w+\.py$")


def _where(frame: traceback.FrameSummary) -> str:
    path = frame.filename.split("/samcheck/", 1)[-1]
    return f"{path}:{frame.lineno} {frame.name}"


def single_calls(outcomes: list[Outcome]) -> dict[str, Counter[str]]:
    """Rule -> the places that asked ``Value.single`` of several candidates when the rule ran alone on
    the mutations that failed it (the innermost samcheck frame, and the rule's own when that differs)."""
    failing: dict[tuple[str, Any, str], set[str]] = defaultdict(set)
    for outcome in outcomes:
        for rule, _ in outcome.lost | outcome.unnamed:
            failing[outcome.fixture, outcome.path, outcome.mutation].add(rule)
    asked: set[str] = set()
    original = Value.single

    def single(self: Value) -> Any:
        if len(self.candidates) > 1:
            stack = [f for f in traceback.extract_stack()[:-1] if "/samcheck/" in f.filename]
            own = next((f for f in reversed(stack) if _RULE_MODULE.search(f.filename)), None)
            asked.add(_where(stack[-1]) + (f" (from {_where(own)})" if own and own is not stack[-1] else ""))
        return original.fget(self)  # type: ignore[attr-defined]

    templates = {name: (template, fixture_settings) for name, template, fixture_settings in CANDIDATES}
    calls: dict[str, Counter[str]] = defaultdict(Counter)
    Value.single = property(single)  # type: ignore[assignment,method-assign]
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "template.json"
            for (fixture, node, mutation), rules in failing.items():
                template, fixture_settings = templates[fixture]
                path.write_text(json.dumps(MUTATIONS[mutation][0](template, node)), encoding="utf-8")
                for rule in rules:
                    asked.clear()
                    lint_file(path, fixture_settings, [find_rule(rule)])  # type: ignore[list-item]
                    calls[rule].update(asked)
    finally:
        Value.single = original  # type: ignore[method-assign]
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=0, help="processes (default: all cores)")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    arguments = parser.parse_args()
    # No user cache or configuration is read, as in the test suite.
    os.environ["SAMCHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="samcheck-probe-")
    started = time.perf_counter()
    outcomes = probe(arguments.jobs or None)
    seconds = time.perf_counter() - started
    lines = [report(outcomes), "Value.single asked of several candidates by each rule alone on its failing mutations:"]
    lines.append("")
    for rule, places in sorted(single_calls(outcomes).items()):
        lines.append(rule)
        lines += [f"    {count:3}  {place}" for place, count in places.most_common()]
    lines.append(f"\n(probe: {seconds:.0f} s)")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if arguments.output:
        arguments.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
