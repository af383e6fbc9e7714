from __future__ import annotations

import os
from pathlib import Path

import pytest

from samcheck.api import lint_file
from samcheck.config import Settings
from samcheck.findings import FileResult
from samcheck.registry import rule_infos

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "serverless-patterns"
# Tests that read the shared corpus beside the repository skip when a fresh clone has none; CI
# requires it (as SAMCHECK_REQUIRE_EDITORS requires the editors), so there they fail instead.
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir() and not os.environ.get("SAMCHECK_REQUIRE_CORPUS"),
    reason="the shared corpus is not beside the repository (../shared/corpus; CI sets SAMCHECK_REQUIRE_CORPUS)",
)


def lint(path: Path, **settings: object) -> FileResult:
    """Lint one file with every registered rule."""
    return lint_file(path, Settings(**settings), rule_infos())  # type: ignore[arg-type]


@pytest.fixture
def write_template(tmp_path: Path):
    def write(text: str, name: str = "template.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or write the user's real cache, nor its secret."""
    monkeypatch.setenv("SAMCHECK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "config"))


# A function reading a queue whose visibility timeout (10 s) is shorter than its Timeout (60 s):
# SC3001, with a fix. The server, editor and interrupt tests share it.
SQS_CONSUMER = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 10
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      Timeout: 60
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
"""
