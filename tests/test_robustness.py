"""Hostile input ends in a finding or a usage error, in bounded time, never in a traceback."""

from __future__ import annotations

import json
import os
import random
import socket
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from samcheck.cli import cli
from samcheck.datafiles import load_json
from tests.conftest import FIXTURES


def lint_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["--format", "json", "--no-cache", "-j", "1", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    document = json.loads(result.stdout)
    jsonschema.validate(document, load_json("findings.schema.json"))
    return result.exit_code, document


def rules_of(document: dict[str, Any]) -> set[str]:
    return {finding["rule"] for finding in document["findings"]}


def test_hostile_files_are_findings_and_the_others_are_still_checked(tmp_path: Path) -> None:
    hostile = {
        "bomb.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"a{i}: &a{i} [{', '.join(['*a' + (str(i - 1) if i > 1 else '')] * 9)}]\n" for i in range(1, 9)),
        "deep.yaml": "Resources: " + "[" * 3000 + "]" * 3000 + "\n",
        "long-line.yaml": "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: "
        + "q" * 2_000_000
        + "}\n",
        "garbage.yaml": None,
        "latin1.yaml": None,
        "loop.yaml": "Conditions:\n  A: !Condition B\n  B: !Condition A\nResources:\n  F:\n"
        "    Type: AWS::Lambda::Function\n    Properties: {Timeout: !If [A, 1000, 2000]}\n",
    }
    for name, text in hostile.items():
        if text is not None:
            (tmp_path / name).write_text(text)
    (tmp_path / "garbage.yaml").write_bytes(random.Random(7).randbytes(4096))
    (tmp_path / "latin1.yaml").write_bytes("Resources:\n  Caf\xe9: {Type: AWS::SNS::Topic}\n".encode("latin-1"))
    with (tmp_path / "huge.yaml").open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)
    os.mkfifo(tmp_path / "pipe.yaml")
    good = tmp_path / "good" / "template.yaml"
    good.parent.mkdir()
    good.write_text("Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Timeout: 1000}\n")
    paths = [str(tmp_path / name) for name in [*hostile, "huge.yaml", "pipe.yaml"]] + [str(good)]
    started = time.perf_counter()
    code, document = lint_json(*paths)
    assert time.perf_counter() - started < 30
    assert code == 1
    by_file = {}
    for finding in document["findings"]:
        by_file.setdefault(Path(finding["file"]).name, set()).add(finding["rule"])
    for name in ("bomb.yaml", "deep.yaml", "garbage.yaml", "latin1.yaml", "huge.yaml", "pipe.yaml"):
        assert by_file.get(name) == {"SC0001"}, (name, by_file.get(name))
    assert "SC1001" in by_file["template.yaml"]  # the good file is still checked
    assert document["summary"]["files"] == len(paths)


def test_code_uri_pointing_at_devices_and_outside(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Zero:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: a.h, CodeUri: /dev/zero}\n"
        "  Up:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: a.h, CodeUri: ../../../../../../proc/self}\n"
    )
    started = time.perf_counter()
    code, document = lint_json(str(template))
    assert time.perf_counter() - started < 20
    assert code in (0, 1)
    assert not any(f["message"].startswith("samcheck failed") for f in document["findings"])


def test_no_network_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("samcheck tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    code, document = lint_json(str(FIXTURES))
    assert code == 1 and document["summary"]["files"] > 50
    assert not any("network" in finding["message"] for finding in document["findings"])


def test_a_translator_that_takes_too_long_is_stopped_and_the_rest_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The translator's time grows with the square of the API events; samcheck stops it."""
    from samcheck.api import lint_file
    from samcheck.config import Settings
    from samcheck.registry import rule_infos
    from samcheck.sam import translate

    events = "".join(
        f"        E{index}:\n          Type: Api\n          Properties: {{Path: /p{index}, Method: get}}\n"
        for index in range(120)
    )
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: a.h\n      InlineCode: x\n      Events:\n" + events + "  Plain:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties: {Runtime: python3.12, Handler: a.h, Role: r, Code: {ZipFile: x}, Timeout: 1000}\n"
    )
    assert "SC0003" not in {finding.rule for finding in lint_file(template, Settings(), rule_infos()).findings}
    monkeypatch.setattr(translate, "TRANSLATE_SECONDS", 0.01)
    started = time.perf_counter()
    result = lint_file(template, Settings(), rule_infos())
    assert time.perf_counter() - started < 20
    by_rule = {finding.rule: finding for finding in result.findings}
    assert by_rule["SC0003"].severity.label == "warning" and "stopped after 0.01 s" in by_rule["SC0003"].message
    assert by_rule["SC0003"].span.line == 1  # at the Transform line
    assert by_rule["SC1001"].resource == "Plain"  # the plain resources are still checked


def test_the_time_limit_leaves_a_timer_someone_else_set_alone() -> None:
    import signal

    from samcheck.sam.translate import _time_limit

    previous = signal.signal(signal.SIGALRM, lambda signum, frame: None)
    signal.setitimer(signal.ITIMER_REAL, 100)
    try:
        with _time_limit(0.001):
            time.sleep(0.05)  # would be interrupted if samcheck had replaced the timer
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 90
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
