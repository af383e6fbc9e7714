"""What a template's project is when the repository is a stranger's (issue 29): never ``/`` nor the
home folder, never the working directory; a code folder is measured once however it is spelled.
The attacks played as real processes are in ``bench/crashers/project_*.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from samcheck.analysis import artifacts
from samcheck.cfn.local import PROJECT_ROOT_VARIABLE, inside_project, project_root
from tests.conftest import lint


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    (folder / "app").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv(PROJECT_ROOT_VARIABLE, raising=False)
    return folder


def test_outside_a_repository_the_project_is_the_template_folder_wherever_samcheck_runs(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for working in (home, Path("/"), home / "app"):
        monkeypatch.chdir(working)
        assert project_root(home / "app") == (home / "app").resolve()
        assert not inside_project(home / "secret.json", home / "app")
        assert inside_project(home / "app" / "definitions" / "orders.json", home / "app")


def test_a_repository_at_home_or_root_is_no_project(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / ".git").mkdir()  # dotfiles
    assert project_root(home / "app") == (home / "app").resolve()
    assert project_root(home) is None  # a template in the home folder: nothing but itself is read
    assert project_root(Path("/")) is None
    assert not inside_project(home / "app" / "x.json", home)
    monkeypatch.setenv(PROJECT_ROOT_VARIABLE, str(home))  # the user's own choice still holds
    assert project_root(home / "app") == home.resolve()


def test_a_repository_inside_the_home_is_the_project(home: Path) -> None:
    (home / ".git").mkdir()
    (home / "app" / ".git").mkdir()
    (home / "app" / "infra").mkdir()
    assert project_root(home / "app" / "infra") == (home / "app").resolve()


def test_a_code_folder_is_measured_once_however_it_is_spelled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    spellings = ["src", "./src", "src/", "src/.", "src/../src", str(tmp_path / "src")]
    functions = "".join(
        f"  F{index}:\n    Type: AWS::Serverless::Function\n"
        f"    Properties: {{Runtime: python3.13, Handler: app.handler, CodeUri: '{uri}'}}\n"
        for index, uri in enumerate(spellings)
    )
    template = tmp_path / "template.yaml"
    template.write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n" + functions)
    measured: list[Path] = []
    measure = artifacts.measure

    def counting(path: Path, boundary: Path) -> object:
        measured.append(path)
        return measure(path, boundary)

    monkeypatch.setattr(artifacts, "measure", counting)
    result = lint(template)
    assert measured == [(tmp_path / "src").resolve()]
    assert not {finding.rule for finding in result.findings} & {"SC0016", "SC7005", "SC0000"}
