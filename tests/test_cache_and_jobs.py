"""The cache and parallel runs change speed, never results."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from samcheck.api import lint_file
from samcheck.check.cache import Cache, claimed_folder
from samcheck.cli import cli
from samcheck.config import Settings
from samcheck.registry import rule_infos
from tests.conftest import FIXTURES, needs_corpus

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Timeout: {timeout}
"""


def new_cache(folder: Path) -> Cache:
    claimed = claimed_folder(folder)
    assert claimed is not None
    return Cache(claimed)


def findings(path: Path, cache: Cache | None) -> list[tuple[str, int, str]]:
    result = lint_file(path, Settings(), rule_infos(), cache)
    return [(f.rule, f.span.line, f.message) for f in result.findings]


def test_hits_return_what_a_fresh_run_returns(tmp_path: Path) -> None:
    cache = new_cache(tmp_path / "cache")
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(timeout=1000))
    fresh = findings(template, None)
    assert findings(template, cache) == fresh  # miss, written
    assert len(list((tmp_path / "cache").rglob("*.entry"))) == 1
    assert findings(template, cache) == fresh  # hit
    template.write_text(TEMPLATE.format(timeout=30))
    assert not any(rule == "SC1001" for rule, _, _ in findings(template, cache))  # content changed


def test_disk_rules_are_never_served_from_the_cache(tmp_path: Path) -> None:
    cache = new_cache(tmp_path / "cache")
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(timeout=30))
    assert "SC7005" in {rule for rule, _, _ in findings(template, cache)}
    (tmp_path / "src").mkdir()
    assert "SC7005" not in {rule for rule, _, _ in findings(template, cache)}


def test_included_files_invalidate_entries(tmp_path: Path) -> None:
    cache = new_cache(tmp_path / "cache")
    (tmp_path / "api.yaml").write_text("swagger: '2.0'\ninfo: {title: a, version: '1'}\npaths: {}\n")
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n"
        "    Properties:\n      StageName: prod\n      DefinitionBody:\n        Fn::Transform:\n"
        "          Name: AWS::Include\n          Parameters: {Location: api.yaml}\n"
    )
    assert findings(template, cache) == []
    (tmp_path / "api.yaml").write_text("swagger: [\n")  # now unreadable: a placeholder is used
    key_files = list((tmp_path / "cache").rglob("*.entry"))
    assert len(key_files) == 1
    assert [(rule, line) for rule, line, _ in findings(template, cache)] == [("SC0017", 10)]  # not the old entry
    assert len(list((tmp_path / "cache").rglob("*.entry"))) == 1  # rewritten in place


STATE_MACHINE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/sm.asl.json
      Policies: []
"""
ASL_FINE = '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}\n'
ASL_BROKEN = '{"StartAt": "Nope", "States": {"Done": {"Type": "Succeed"}}}\n'  # same size as ASL_FINE


def warm_run(template: Path) -> set[tuple[str, str, int]]:
    """(rule, file, line) of each finding of a CLI run with a cache beside the template."""
    cache = ["--cache-dir", str(template.parent / "cache"), "--format", "json", "-j", "1"]
    result = CliRunner().invoke(cli, [*cache, str(template)])
    assert result.exit_code in (0, 1), result.output
    found = json.loads(result.stdout)["findings"]
    return {(f["rule"], Path(f["file"]).name, f["line"]) for f in found}


def rewrite_keeping_size_and_mtime(path: Path, text: str) -> None:
    """An edit that size and modification time cannot see (both within the same tick)."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_an_edited_state_machine_definition_is_checked_again(tmp_path: Path) -> None:
    (tmp_path / "statemachine").mkdir()
    definition = tmp_path / "statemachine" / "sm.asl.json"
    definition.write_text(ASL_FINE)
    template = tmp_path / "template.yaml"
    template.write_text(STATE_MACHINE)
    assert warm_run(template) == set()
    definition.write_text(ASL_BROKEN)
    assert warm_run(template) == {("SC6001", "sm.asl.json", 1)}
    rewrite_keeping_size_and_mtime(definition, ASL_FINE)
    assert warm_run(template) == set()


def test_a_state_machine_definition_that_appears_later_is_checked(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(STATE_MACHINE)
    assert {rule for rule, _, _ in warm_run(template)} == {"SC7005"}  # the definition is missing
    (tmp_path / "statemachine").mkdir()
    (tmp_path / "statemachine" / "sm.asl.json").write_text(ASL_BROKEN)
    assert warm_run(template) == {("SC6001", "sm.asl.json", 1)}


def test_a_definition_that_a_link_now_leads_elsewhere_is_checked_again(tmp_path: Path) -> None:
    (tmp_path / "definitions").mkdir()
    (tmp_path / "definitions" / "fine.json").write_text(ASL_FINE)
    (tmp_path / "definitions" / "broken.json").write_text(ASL_BROKEN)
    (tmp_path / "statemachine").symlink_to("definitions")
    (tmp_path / "definitions" / "sm.asl.json").symlink_to("fine.json")
    template = tmp_path / "template.yaml"
    template.write_text(STATE_MACHINE)
    assert warm_run(template) == set()
    (tmp_path / "definitions" / "sm.asl.json").unlink()
    (tmp_path / "definitions" / "sm.asl.json").symlink_to("broken.json")
    assert {rule for rule, _, _ in warm_run(template)} == {"SC6001"}


def test_a_definition_whose_link_now_stays_in_the_project_is_read(tmp_path: Path) -> None:
    """Where a path's links lead is part of what a result depends on, read or not."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    for folder in (project / ".git", project / "definitions", elsewhere):
        folder.mkdir(parents=True)
    (project / "definitions" / "sm.asl.json").write_text(ASL_BROKEN)
    (elsewhere / "sm.asl.json").write_text(ASL_BROKEN)
    (project / "statemachine").symlink_to(elsewhere)
    template = project / "template.yaml"
    template.write_text(STATE_MACHINE)
    assert {rule for rule, _, _ in warm_run(template)} == {"SC0016"}  # outside: never read
    (project / "statemachine").unlink()
    (project / "statemachine").symlink_to("definitions")
    assert {rule for rule, _, _ in warm_run(template)} == {"SC6001"}


FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:f"
INCLUDED_API = """\
swagger: '2.0'
info: {{title: a, version: '1'}}
paths:
  /items:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: {method}
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations
"""


def test_an_included_api_body_edited_within_one_tick_is_checked_again(tmp_path: Path) -> None:
    body = tmp_path / "api.yaml"
    body.write_text(INCLUDED_API.format(method="'GET'", arn=FUNCTION_ARN))
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n"
        "    Properties:\n      StageName: prod\n      DefinitionBody:\n        Fn::Transform:\n"
        "          Name: AWS::Include\n          Parameters: {Location: api.yaml}\n"
    )
    assert {rule for rule, _, _ in warm_run(template)} == {"SC4007"}
    rewrite_keeping_size_and_mtime(body, INCLUDED_API.format(method="POST ", arn=FUNCTION_ARN))
    assert warm_run(template) == set()


NESTED = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      ReservedConcurrentExecutions: {reserved}
"""


def test_an_edited_nested_template_is_read_again(tmp_path: Path) -> None:
    """Nested templates are read by the budget rules, which read the disk and always run again."""
    (tmp_path / "src").mkdir()
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "src").mkdir()
    nested = tmp_path / "nested" / "child.yaml"
    nested.write_text(NESTED.format(reserved=500))
    template = tmp_path / "template.yaml"
    template.write_text(
        NESTED.format(reserved=300)
        + "  Child:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: nested/child.yaml\n"
    )
    assert warm_run(template) == set()
    rewrite_keeping_size_and_mtime(nested, NESTED.format(reserved=700))
    assert {rule for rule, _, _ in warm_run(template)} == {"SC2001"}


def test_corrupt_entries_are_ignored_and_rewritten(tmp_path: Path) -> None:
    cache = new_cache(tmp_path / "cache")
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(timeout=1000))
    expected = findings(template, cache)
    (entry,) = (tmp_path / "cache").rglob("*.entry")
    entry.write_bytes(b"\x80\x04garbage")
    assert findings(template, cache) == expected
    assert entry.read_bytes() != b"\x80\x04garbage"


def test_unwritable_cache_costs_only_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(timeout=1000))
    assert claimed_folder(blocker / "cache") is None

    def run(*cache: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, [*cache, "--format", "json", "-j", "1", str(template)])
        return result.exit_code, result.stdout

    assert run("--cache-dir", str(blocker / "cache")) == run("--no-cache")


def test_parallel_output_is_identical_and_ordered(tmp_path: Path) -> None:
    folders = []
    for index in range(6):
        folder = tmp_path / f"app{index}"
        folder.mkdir()
        (folder / "template.yaml").write_text(TEMPLATE.format(timeout=1000 + index))
        folders.append(str(folder))
    example = str(FIXTURES / "example" / "template.yaml")
    outputs = []
    for jobs in ("1", "2", "4"):
        result = CliRunner().invoke(cli, ["--format", "json", "--no-cache", "-j", jobs, *folders, example])
        assert result.exit_code == 1, result.output
        outputs.append(json.loads(result.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    files = [f["file"] for f in outputs[0]["findings"]]
    assert files == sorted(files, key=[*[str(Path(f) / "template.yaml") for f in folders], example].index)


CHILD_SCRIPT = """\
import json, os, signal, sys
from pathlib import Path

from samcheck.sam import expand, translator_process
from samcheck.cfn.document import load_document

template, plain = Path(sys.argv[1]), Path(sys.argv[2])
translator_process.start_for([template])
assert translator_process._child is None, "forked without being enabled (only the console script enables it)"
translator_process.enable()
translator_process.start_for([plain])
assert translator_process._child is None, "forked for a template without the transform"
data = load_document(template).data
translator_process.start_for([plain, template])
assert translator_process._child is not None, "no child forked"
by_child = expand.expand(data, {}, "eu-west-1", template.parent)
parent_imported = "samtranslator.translator.translator" in sys.modules
# A child that dies is replaced by translating here.
os.kill(translator_process._child.pid, signal.SIGKILL)
here = expand.expand(data, {}, "eu-west-1", template.parent)
assert translator_process._child is None
# This process has imported the translator now: no head start left to win.
translator_process.start_for([template])
assert translator_process._child is None, "forked although the translator is imported here"
print(json.dumps({"parent_imported": parent_imported, "same": by_child == here, "resources": sorted(here.resources)}))
"""


def test_translator_child_expands_what_this_process_would(tmp_path: Path) -> None:
    """The child forked at start-up gives the same expansion and only where it can help; when it
    dies, nothing is lost."""
    import subprocess
    import sys

    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(timeout=30) + "      Events:\n        Api:\n          Type: HttpApi\n")
    plain = tmp_path / "plain.yaml"
    plain.write_text("Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n")
    script = tmp_path / "child.py"
    script.write_text(CHILD_SCRIPT)
    command = [sys.executable, str(script), str(template), str(plain)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome == {
        "parent_imported": False,
        "same": True,
        "resources": [
            "Fn",
            "FnApiPermission",
            "FnRole",
            "ServerlessHttpApi",
            "ServerlessHttpApiApiGatewayDefaultStage",
        ],
    }


def test_pruning_drops_unused_and_least_recently_used_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from samcheck.check import cache as cache_module

    cache = new_cache(tmp_path)
    now = 1_800_000_000.0
    day = 24 * 3600

    def entry(shard: str, suffix: str, age_days: float, size: int) -> Path:
        path = tmp_path / shard / f"{'0' * 62}{suffix}"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x" * size)
        os.utime(path, (now - age_days * day, now - age_days * day))
        return path

    fresh = entry("aa", ".entry", 1, 40)
    older = entry("ab", ".entry", 5, 40)
    entry("ac", ".entry", 20, 40)  # within 30 days, but the least recently used
    entry("ad", ".entry", 31, 10)  # unused for 31 days
    entry("ae", ".0123456789abcdef.tmp", 2, 10)  # a write that crashed two days ago
    writing_now = entry("af", ".0123456789abcdef.tmp", 0.01, 10)
    monkeypatch.setattr(cache_module, "MAX_BYTES", 100)
    assert cache.prune(now) == 3
    assert set(tmp_path.glob("??/*")) == {fresh, older, writing_now}
    # Not again within a day; then the 40-day entry goes, and the temporary file nobody finished.
    entry("b0", ".entry", 40, 1)
    assert cache.prune(now + day / 2) == 0
    assert cache.prune(now + day + 1) == 2
    assert set(tmp_path.glob("??/*")) == {fresh, older}


def test_hits_mark_entries_as_used(tmp_path: Path) -> None:
    import os

    cache = new_cache(tmp_path / "cache")
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(timeout=3))
    findings(template, cache)
    (stored,) = (tmp_path / "cache").glob("??/*.entry")
    os.utime(stored, (1_000_000_000, 1_000_000_000))
    findings(template, cache)
    assert stored.stat().st_mtime > 1_000_000_000


def test_a_filtered_run_does_not_filter_the_next_one(tmp_path: Path) -> None:
    """The cache keeps findings before any verdict: what --ignore drops (here a cfn-lint check, which
    the rule set in the key does not name) comes back in the next run without it."""
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      Delay: 1\n")
    cache = ["--cache-dir", str(tmp_path / "cache"), "--with-cfn-lint", "--format", "json", "-j", "1"]

    def rules(*options: str) -> list[str]:
        result = CliRunner().invoke(cli, [*cache, *options, str(template)])
        return sorted(finding["rule"] for finding in json.loads(result.stdout)["findings"])

    unfiltered = rules()
    assert "CFN-E3002" in unfiltered  # no such property: cfn-lint's alone
    assert "CFN-E3002" not in rules("--ignore", "CFN-E3002")
    assert rules() == unfiltered
    # and a severity override or suppression never sticks either
    assert rules("--select", "SC3008") == [f for f in unfiltered if f == "SC3008"]
    assert rules() == unfiltered


PACK_RULE = '''\
from samcheck.rule import Rule, Severity, Span


class Marker(Rule):
    """Reports one finding per template, to show which version of this code ran."""

    id = "SC9901"
    name = "marker"
    severity = Severity.WARNING
    summary = "marker"
    url = "https://example.com"
    needs_template = False

    def check(self, context):
        yield context.report(Span.point(), "{message}")


RULES = [Marker]
'''


def _install_pack(site: Path, message: str, version: str, editable: bool) -> None:
    """A third-party rule pack as pip leaves it: a package and its dist-info with an entry point."""
    (site / "markerpack").mkdir(parents=True, exist_ok=True)
    (site / "markerpack" / "__init__.py").write_text(PACK_RULE.replace("{message}", message))
    for old in site.glob("markerpack-*.dist-info"):
        for file in old.iterdir():
            file.unlink()
        old.rmdir()
    info = site / f"markerpack-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: markerpack\nVersion: {version}\n")
    (info / "entry_points.txt").write_text("[samcheck.rules]\nmarker = markerpack:RULES\n")
    if editable:
        url = {"url": f"file://{site}", "dir_info": {"editable": True}}
        (info / "direct_url.json").write_text(json.dumps(url))


@pytest.mark.parametrize("editable", [True, False], ids=["working-tree", "released"])
def test_changed_rule_packs_invalidate_cached_findings(tmp_path: Path, editable: bool) -> None:
    """After a rule pack changes, a run with a warm cache reports what the new code finds, whether
    it is installed from a working tree (same version, new source) or released (a new version)."""
    import os
    import subprocess
    import sys

    site = tmp_path / "site"
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n")
    environment = {**os.environ, "PYTHONPATH": str(site)}
    command = [sys.executable, "-m", "samcheck", "--cache-dir", str(tmp_path / "cache"), "--format", "json"]

    def messages() -> list[str]:
        result = subprocess.run([*command, str(template)], capture_output=True, text=True, env=environment, check=False)
        return [f["message"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "SC9901"]

    _install_pack(site, "first", "1.0", editable)
    assert messages() == ["first"]
    assert messages() == ["first"]  # served from the cache
    _install_pack(site, "second", "1.0" if editable else "1.1", editable)
    assert messages() == ["second"]


STATES_RULE = """\
from samcheck.analysis.statemachines import state_machines
from samcheck.rule import Rule, Severity, Span


class States(Rule):
    \"\"\"Names the states of each state machine.\"\"\"

    id = "SC9902"
    name = "states"
    severity = Severity.WARNING
    summary = "states"
    url = "https://example.com"

    def check(self, context):
        for machine in state_machines(context.template):
            yield context.report(Span.point(), ",".join(sorted(machine.definition["States"])))


RULES = [States]
"""


def test_files_a_rule_pack_reads_in_its_child_invalidate_entries(tmp_path: Path) -> None:
    """A third-party pack runs in a forked child: what it reads there counts as read."""
    import subprocess
    import sys

    site = tmp_path / "site"
    (site / "statespack").mkdir(parents=True)
    (site / "statespack" / "__init__.py").write_text(STATES_RULE)
    (site / "statespack-1.0.dist-info").mkdir()
    (site / "statespack-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: statespack\nVersion: 1.0\n"
    )
    (site / "statespack-1.0.dist-info" / "entry_points.txt").write_text("[samcheck.rules]\nstates = statespack:RULES\n")
    (tmp_path / "statemachine").mkdir()
    definition = tmp_path / "statemachine" / "sm.asl.json"
    definition.write_text(ASL_FINE)
    template = tmp_path / "template.yaml"
    template.write_text(STATE_MACHINE)
    command = [sys.executable, "-m", "samcheck", "--cache-dir", str(tmp_path / "cache"), "--format", "json"]
    command += ["--select", "SC9902", str(template)]  # samcheck's own rules do not read the definition first

    def messages() -> list[str]:
        environment = {**os.environ, "PYTHONPATH": str(site)}
        result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
        return [f["message"] for f in json.loads(result.stdout)["findings"]]

    assert messages() == ["Done"]
    definition.write_text('{"StartAt": "Last", "States": {"Last": {"Type": "Succeed"}}}\n')
    assert messages() == ["Last"]


def test_a_planted_entry_is_never_unpickled(tmp_path: Path) -> None:
    """Anyone who can write the cache folder (a CI cache shared between jobs) could plant a pickle
    that runs code; entries are signed with a secret kept elsewhere, so it is ignored and rewritten."""
    import os
    import pickle

    cache = new_cache(tmp_path / "cache")
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(timeout=1000))
    expected = findings(template, cache)
    (entry,) = (tmp_path / "cache").rglob("*.entry")
    canary = tmp_path / "planted-code-ran"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return os.system, (f"touch {canary}",)

    payload = pickle.dumps(Exploit())
    for planted in (payload, bytes(32) + payload, entry.read_bytes()[:32] + payload):
        entry.write_bytes(planted)
        assert findings(template, cache) == expected
        assert not canary.exists()
    assert findings(template, cache) == expected  # rewritten, signed: a hit again


def test_entries_signed_with_another_secret_are_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    from samcheck.check import cache as cache_module

    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(timeout=1000))
    expected = findings(template, new_cache(tmp_path / "cache"))
    unpickled: list[bytes] = []
    monkeypatch.setattr(pickle, "loads", lambda data: unpickled.append(data))
    monkeypatch.setenv("SAMCHECK_CACHE_SECRET", "another machine's secret")
    cache_module._secret.cache_clear()
    try:
        assert findings(template, new_cache(tmp_path / "cache")) == expected
        assert unpickled == []
    finally:
        cache_module._secret.cache_clear()


def test_the_secret_file_is_private_and_outside_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import stat

    from samcheck.check import cache as cache_module

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("SAMCHECK_CACHE_SECRET", raising=False)
    cache_module._secret.cache_clear()
    try:
        template = tmp_path / "template.yaml"
        template.write_text(TEMPLATE.format(timeout=1000))
        findings(template, new_cache(tmp_path / "cache"))
        secret = cache_module.secret_file()
        assert secret.is_relative_to(tmp_path / "config") and not secret.is_relative_to(tmp_path / "cache")
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and len(secret.read_text()) == 64
        # A home where no secret can be made: no cache, the same findings.
        blocked = tmp_path / "blocked"
        blocked.write_text("")
        monkeypatch.setenv("XDG_CONFIG_HOME", str(blocked))
        cache_module._secret.cache_clear()
        assert findings(template, Cache(tmp_path / "other-cache")) == findings(template, None)
        assert not (tmp_path / "other-cache").exists()
    finally:
        cache_module._secret.cache_clear()


@pytest.mark.parametrize("fault", ["read-only", "full"])
def test_a_cache_folder_that_refuses_writes_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    """Faults are injected (tests run as root, for whom chmod does not bite): the write fails
    half-way, and no temporary file is left behind."""
    import errno
    import os

    failure = OSError(errno.EROFS if fault == "read-only" else errno.ENOSPC, fault)

    def refuse(*_: object, **__: object) -> None:
        raise failure

    monkeypatch.setattr(os, "replace", refuse)
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(timeout=1000))
    cache = new_cache(tmp_path / "cache")
    assert findings(template, cache) == findings(template, None)
    assert findings(template, cache) == findings(template, None)
    assert [path.name for path in (tmp_path / "cache").rglob("*") if path.is_file()] == ["CACHEDIR.TAG"]


@pytest.mark.slow
@needs_corpus
def test_two_runs_sharing_one_cache_agree_with_a_serial_run_without_cache(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import CORPUS

    templates = sorted(str(path) for path in CORPUS.rglob("template.y*ml"))[:80]
    samcheck = [str(Path(sys.executable).parent / "samcheck"), "--format", "json", "--fail-level", "never"]
    samcheck += ["--as-of", "2026-11-30"]
    shared = ["--cache-dir", str(tmp_path / "shared"), "-j", "2"]
    runs = [subprocess.Popen([*samcheck, *shared, *templates], stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate()[0] for run in runs]
    serial = subprocess.run([*samcheck, "--no-cache", "-j", "1", *templates], stdout=subprocess.PIPE, check=True)
    expected = json.loads(serial.stdout)["findings"]
    assert expected and all(json.loads(output)["findings"] == expected for output in outputs)
    warm = subprocess.run([*samcheck, *shared, *templates], stdout=subprocess.PIPE, check=True)
    assert json.loads(warm.stdout)["findings"] == expected
