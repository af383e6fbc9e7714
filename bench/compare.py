"""samcheck against cfn-lint, side by side, on this machine, in one run.

    .venv/bin/python bench/compare.py [--repeat 7] [--corpus-repeat 3]

Scenarios: (a) one small SAM template, cold process; (a') one plain CloudFormation template,
cold; (b) every template of the shared corpus in one process (samcheck with its default --jobs,
no cache); (c) the same with samcheck's cache warm. Each tool runs in a fresh process; the tools
alternate within each repetition so that noise on a shared machine hits both alike, and each
repetition gives one ratio (samcheck's time over the reference's in the same repetition).
Reported: median wall time with its range, the median ratio with its range against the target of
the speed issue, median CPU time (user + system, the process and the children it waited for) and
peak resident memory. The reference of (a) is a bare ``import samtranslator.translator.translator``:
the floor of any cold SAM run that uses the real translator (cfn-lint's time is shown beside it).
The warm runs (c) come after the cold ones; they are paired with cfn-lint's corpus runs of (b).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CORPUS = ROOT.parent / "shared" / "corpus" / "serverless-patterns"


@dataclass
class Sample:
    seconds: float
    cpu_seconds: float
    peak_kb: int


def run(command: list[str], env: dict[str, str]) -> Sample:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    # The child's usage includes the processes it forked and waited for (--jobs workers,
    # the translator child); ru_maxrss is the largest of them.
    return Sample(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def corpus_files(samcheck: str, env: dict[str, str]) -> tuple[list[str], list[str]]:
    """The corpus templates, less those that make cfn-lint abort the whole run.

    cfn-lint 1.58 stops a multi-file run with a traceback on a template with an empty
    Resources, Parameters or Outputs section; samcheck reports those as SC0005, which is how
    they are found here. Both tools get the same remaining list.
    """
    files = sorted(str(p) for p in CORPUS.rglob("template.y*ml"))
    report = subprocess.run(
        [samcheck, "--format", "json", "--fail-level", "never", "--no-cache", "--select", "SC0005", *files],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    crashing = sorted({f["file"] for f in json.loads(report.stdout)["findings"]})
    return [f for f in files if f not in crashing], crashing


def measure(name: str, commands: dict[str, list[str]], repeat: int, env: dict[str, str]) -> dict[str, list[Sample]]:
    samples: dict[str, list[Sample]] = {tool: [] for tool in commands}
    for _ in range(repeat):
        for tool, command in commands.items():
            samples[tool].append(run(command, env))
    print(f"  {name}: done", file=sys.stderr)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per tool for the single-template scenarios")
    parser.add_argument("--corpus-repeat", type=int, default=3, help="runs per tool for the corpus scenarios")
    args = parser.parse_args()
    samcheck, cfn_lint = str(BIN / "samcheck"), str(BIN / "cfn-lint")
    sam_template = str(ROOT / "fixtures" / "example" / "template.yaml")
    plain_template = str(ROOT / "bench" / "plain.yaml")
    cache = Path(tempfile.mkdtemp(prefix="samcheck-bench-cache-"))
    # Both tools run as installed for a user: with bytecode caches (pip compiles cfn-lint's at
    # install time; an editable samcheck writes its own on the warm-up run below).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["SAMCHECK_CACHE_DIR"] = str(cache)
    files, crashing = corpus_files(samcheck, env)
    common = ["--format", "json", "--fail-level", "never"]
    scenarios = {
        "(a) one SAM template, cold": {
            "samcheck": [samcheck, *common, "--no-cache", sam_template],
            "cfn-lint": [cfn_lint, "--format", "json", "--", sam_template],
        },
        "(a') one plain template, cold": {
            "samcheck": [samcheck, *common, "--no-cache", plain_template],
            "cfn-lint": [cfn_lint, "--format", "json", "--", plain_template],
        },
        f"(b) corpus, {len(files)} templates": {
            "samcheck": [samcheck, *common, "--no-cache", *files],
            "cfn-lint": [cfn_lint, "--format", "json", "--", *files],
        },
    }
    translator_import = [str(BIN / "python"), "-c", "import os, samtranslator.translator.translator; os._exit(0)"]
    for commands in scenarios.values():  # warm-up: bytecode, file-system cache
        for command in commands.values():
            run(command[: -len(files)] + files[:5] if len(command) > len(files) else command, env)
    results = {}
    for name, commands in scenarios.items():
        repeat = args.corpus_repeat if name.startswith("(b)") else args.repeat
        if name.startswith("(a)"):  # the floor, measured alongside (a)
            commands = {**commands, "import": translator_import}
        results[name] = measure(name, commands, repeat, env)
    floor = results["(a) one SAM template, cold"].pop("import")
    subprocess.run([samcheck, *common, *files], env=env, stdout=subprocess.DEVNULL, check=False)  # fill the cache
    warm = measure("(c) warm", {"samcheck": [samcheck, *common, *files]}, args.corpus_repeat, env)
    results[f"(c) corpus, {len(files)} templates, warm cache"] = {
        "samcheck": warm["samcheck"],
        "cfn-lint": results[f"(b) corpus, {len(files)} templates"]["cfn-lint"],
    }
    shutil.rmtree(cache, ignore_errors=True)

    cfn_lint_sam = results["(a) one SAM template, cold"]["cfn-lint"]
    rows = [
        ("(a') one plain template, cold", results["(a') one plain template, cold"], "cfn-lint", 0.08),
        (
            "(a) one SAM template, cold",
            {"samcheck": results["(a) one SAM template, cold"]["samcheck"], "import": floor},
            "bare translator import",
            0.80,
        ),
        ("(a) one SAM template, cold", results["(a) one SAM template, cold"], "cfn-lint", None),
        *(
            (name, samples, "cfn-lint", 0.10 if name.startswith("(b)") else None)
            for name, samples in results.items()
            if name.startswith(("(b)", "(c)"))
        ),
        ("(ref) bare translator import", {"samcheck": floor, "cfn-lint": cfn_lint_sam}, "cfn-lint", None),
    ]
    print("| scenario | samcheck | against | its time | ratio | target | CPU samcheck / against | peak MB (same) |")
    print("| --- | ---: | --- | ---: | ---: | --- | ---: | ---: |")
    for name, samples, against, target in rows:
        ours, theirs = samples["samcheck"], next(v for k, v in samples.items() if k != "samcheck")
        ratios = [mine.seconds / other.seconds for mine, other in zip(ours, theirs, strict=False)]
        verdict = (
            "" if target is None else f"<= {target:.2f}: {'met' if statistics.median(ratios) <= target else 'missed'}"
        )
        our_cpu, their_cpu = (statistics.median(s.cpu_seconds for s in side) for side in (ours, theirs))
        our_peak, their_peak = (max(s.peak_kb for s in side) / 1024 for side in (ours, theirs))
        times = (_spread([s.seconds for s in ours], "s"), _spread([s.seconds for s in theirs], "s"))
        print(
            f"| {name} | {times[0]} | {against} | {times[1]} | {_spread(ratios, 'x')} | {verdict}"
            f" | {our_cpu:.2f} s / {their_cpu:.2f} s | {our_peak:.0f} / {their_peak:.0f} |"
        )
    runs = f"runs per tool: {args.repeat} single-template, {args.corpus_repeat} corpus"
    left_out = ", ".join(Path(f).parent.name for f in crashing)
    print(f"\nCorpus: {len(files)} templates; left out for both tools, as they abort cfn-lint: {left_out}.")
    print(f"\n{os.cpu_count()} cores; samcheck with its default --jobs; {runs}.")


def _spread(values: list[float], unit: str) -> str:
    """The median and the range: "0.21 s (0.19-0.30)"."""
    return f"{statistics.median(values):.2f}{' ' if unit == 's' else ''}{unit} ({min(values):.2f}-{max(values):.2f})"


if __name__ == "__main__":
    main()
