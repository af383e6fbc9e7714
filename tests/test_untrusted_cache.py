"""Issue 29, the cache: the folder may be pointed into a stranger's repository or restored from a
fork's CI run, so samcheck uses only a folder it made and trusts nothing inside it. The attacks
played as real processes are in ``bench/crashers/cache_*.py``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from samcheck.check.cache import Cache, CacheFolderError, claimed_folder
from samcheck.cli import cli
from tests.test_account_scope import TEMPLATE as ACCOUNT

TEMPLATE = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 1000\n"
SAMCHECK_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by samcheck.\n"
)


def test_a_missing_or_empty_folder_is_tagged_and_kept(tmp_path: Path) -> None:
    for folder in (tmp_path / "new" / "cache", tmp_path / "empty"):
        (tmp_path / "empty").mkdir(exist_ok=True)
        assert claimed_folder(folder) == folder
        assert (folder / "CACHEDIR.TAG").read_text().startswith(SAMCHECK_TAG)
        assert claimed_folder(folder) == folder  # tagged: its own from now on, entries and all
        (folder / "ab").mkdir(exist_ok=True)
        assert claimed_folder(folder) == folder


@pytest.mark.parametrize(
    "plant",
    [
        "a file",
        "another tool's tag",
        "samcheck's tag as a link",
        "samcheck's tag as a folder",
    ],
)
def test_a_folder_samcheck_did_not_make_is_refused(tmp_path: Path, plant: str) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere.tag"
    elsewhere.write_text(SAMCHECK_TAG)
    if plant == "a file":
        (folder / "schema.sql").write_text("create table t (id int);\n")
    elif plant == "another tool's tag":
        (folder / "CACHEDIR.TAG").write_text(SAMCHECK_TAG.replace("samcheck", "cargo"))
    elif plant == "samcheck's tag as a link":
        (folder / "CACHEDIR.TAG").symlink_to(elsewhere)
    else:
        (folder / "CACHEDIR.TAG").mkdir()
    before = sorted(path.name for path in folder.iterdir())
    with pytest.raises(CacheFolderError, match=f"cache folder {folder} is not samcheck's"):
        claimed_folder(folder)
    assert sorted(path.name for path in folder.iterdir()) == before


def test_the_command_line_and_the_environment_are_refused_alike(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    template = str(tmp_path / "template.yaml")
    for arguments, env in (
        (["--cache-dir", str(tmp_path)], {}),
        ([], {"SAMCHECK_CACHE_DIR": str(tmp_path)}),
    ):
        result = CliRunner().invoke(cli, [*arguments, template], env=env)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            f"samcheck: error: cache folder {tmp_path} is not samcheck's: it holds other files and no "
            "CACHEDIR.TAG written by samcheck; give --cache-dir or SAMCHECK_CACHE_DIR a new or empty folder, "
            "or use --no-cache"
        ]
        assert result.stdout == ""
    assert sorted(path.name for path in tmp_path.iterdir()) == ["template.yaml"]


def test_the_default_cache_folder_is_samchecks_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache samcheck kept before tags existed, in the user cache folder, is adopted."""
    from platformdirs import user_cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    default = Path(user_cache_dir("samcheck"))
    (default / "ab").mkdir(parents=True)
    assert claimed_folder(default) == default
    assert (default / "CACHEDIR.TAG").read_text().startswith(SAMCHECK_TAG)


def test_a_folder_that_cannot_be_made_means_no_cache(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    assert claimed_folder(tmp_path / "file" / "cache") is None


def test_a_link_or_a_pipe_under_an_entry_name_is_a_miss_and_never_followed(tmp_path: Path) -> None:
    from samcheck.api import lint_file
    from samcheck.config import Settings
    from samcheck.registry import rule_infos

    folder = claimed_folder(tmp_path / "cache")
    assert folder is not None
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)

    def rules() -> list[str]:
        return [finding.rule for finding in lint_file(template, Settings(), rule_infos(), Cache(folder)).findings]

    expected = rules()
    (entry,) = folder.glob("??/*.entry")
    outside = tmp_path / "signed-entry"
    entry.rename(outside)
    entry.symlink_to(outside)  # a valid entry, but only through a link
    signed = outside.read_bytes()
    assert rules() == expected
    assert not entry.is_symlink() and outside.read_bytes() == signed  # rewritten in place; the target untouched
    entry.unlink()
    os.mkfifo(entry)
    assert rules() == expected  # not blocked on the pipe


def test_the_language_server_checks_without_a_refused_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server cannot exit 2: with account scope it checks the workspace without cache and says
    why once on standard error (the editor's log)."""
    from samcheck.api import Options, job_for
    from samcheck.server import linting

    foreign = tmp_path / "not-a-cache"
    foreign.mkdir()
    (foreign / "db").mkdir()
    monkeypatch.setenv("SAMCHECK_CACHE_DIR", str(foreign))
    linting._cache_folder.cache_clear()
    jobs = []
    for name, amount in (("Orders", 500), ("Billing", 450)):
        path = tmp_path / name / "template.yaml"
        path.parent.mkdir()
        path.write_text(ACCOUNT.format(name=name, amount=amount))
        jobs.append(job_for(path, Options(paths=(str(path),), account_scope=True, jobs=1)))
    try:
        for _ in range(2):
            result = linting._lint(jobs[0], (jobs[1],))
            assert "SC2001" in [finding.rule for finding in result.findings]
    finally:
        linting._cache_folder.cache_clear()
    assert capsys.readouterr().err.count(f"samcheck: cache folder {foreign} is not samcheck's") == 1
    assert sorted(path.name for path in foreign.iterdir()) == ["db"]


def test_entries_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry over the bound is not written (the template is checked again next time)."""
    from samcheck.check import cache as cache_module

    monkeypatch.setattr(cache_module, "MAX_ENTRY_BYTES", 1000)
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    command = ["--cache-dir", str(tmp_path / "cache"), "--format", "json", "-j", "1", str(tmp_path / "template.yaml")]
    runs = [CliRunner().invoke(cli, command) for _ in range(2)]
    assert [run.exit_code for run in runs] == [1, 1]
    assert json.loads(runs[0].stdout) == json.loads(runs[1].stdout)
    assert list((tmp_path / "cache").glob("??/*")) == []
