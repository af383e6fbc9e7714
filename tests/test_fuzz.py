"""Fuzzing: mutated real templates never crash samcheck, in any output format or under --fix.

Mutations are structure-aware (keys deleted, duplicated and swapped; scalars replaced by other
types, huge or non-finite numbers; malformed intrinsics; swapped resource types; random ``Events``
and ``Globals``) and byte-level (truncation, tabs, invalid UTF-8, a BOM, CRLF, NUL). Each mutant is
linted once with every report format at once, diffed, then fixed twice: no traceback, every report
valid, exit 0 or 1, bounded time, --diff writes nothing and the second --fix changes nothing.
Inputs that once crashed or exhausted memory (hostile templates past the reader's and the
resolver's bounds, malformed values) are kept in ``fixtures/fuzz/`` and run the same way.
"""

from __future__ import annotations

import copy
import io
import json
import math
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samcheck.cfn.document import load_document
from samcheck.cli import cli
from samcheck.datafiles import load_json
from tests.conftest import CORPUS, FIXTURES, needs_corpus

pytestmark = pytest.mark.slow
CORPUS_SAMPLE = sorted(CORPUS.glob("*/template.yaml"))[::25] if CORPUS.is_dir() else []
KEPT = sorted((FIXTURES / "fuzz").glob("*.*"))
SECONDS_PER_RUN = 60  # far above any mutant's time; a hang fails here instead of stalling CI
REPORTS = {"sarif": "report.sarif", "text": "report.txt", "github": "report.github", "vscode": "report.vscode"}
REPORTS |= {"junit": "report.xml"}

RESOURCE_TYPES = [
    "AWS::Serverless::Function", "AWS::Serverless::Api", "AWS::Serverless::HttpApi",
    "AWS::Serverless::StateMachine", "AWS::Serverless::SimpleTable", "AWS::Serverless::LayerVersion",
    "AWS::Lambda::Function", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::S3::Bucket",
    "AWS::Lambda::EventSourceMapping", "AWS::ApiGateway::RestApi", "AWS::StepFunctions::StateMachine",
    "AWS::Events::Rule", "AWS::DynamoDB::Table", "AWS::CloudFormation::Stack", "Custom::Thing", "AWS::Nope::Nothing",
]  # fmt: skip
EVENT_TYPES = [
    "Api", "HttpApi", "SQS", "SNS", "S3", "Kinesis", "DynamoDB", "Schedule", "ScheduleV2", "EventBridgeRule",
    "CloudWatchEvent", "MSK", "MQ", "SelfManagedKafka", "DocumentDB", "IoTRule", "Cognito", "Unknown",
]  # fmt: skip
ODD_VALUES: list[Any] = [
    None, [], {}, "", "text", 0, -1, 3, 10**30, 1.5, math.inf, -math.inf, math.nan, True, "900", "${Missing}",
    [None], {"Ref": 7}, {"Ref": ["a", "b"]}, {"Fn::GetAtt": "NoDot"}, {"Fn::GetAtt": [1, 2, 3]},
    {"Fn::If": ["C"]}, {"Fn::If": "C"}, {"Fn::Sub": [1]}, {"Fn::Sub": ["${A}", "vars"]}, {"Fn::Join": [","]},
    {"Fn::FindInMap": ["M"]}, {"Fn::Select": ["x", []]}, {"Fn::Split": None}, {"Fn::ImportValue": {}},
    {"Fn::Transform": {"Name": "AWS::Include"}}, {"Condition": []}, {"Fn::Nope": 1}, {"Ref": "AWS::NoValue"},
    {"Fn::GetAtt": [["Fn", "Arn"], "Arn"]}, {"Fn::GetAtt": [{"a": 1}, "Arn"]}, {"Fn::Select": [1e300, ["a"]]},
    {"Fn::Join": ["", [{"Fn::Join": ["x" * 50, ["a"] * 50]}] * 50]}, "a" * 300, "src\x00", 16**300,
]  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _mutate(data: dict[str, Any], draw: Any) -> dict[str, Any]:
    """Up to four structural mutations of a parsed template, in place."""
    for _ in range(draw(st.integers(1, 4))):
        paths = [path for path in _paths(data) if path]
        action = draw(
            st.sampled_from(["delete", "odd", "swap", "duplicate", "resource-type", "events", "globals", "rename"])
        )
        try:
            if action == "resource-type":
                resources = data.get("Resources")
                if isinstance(resources, dict) and resources:
                    logical_id = draw(st.sampled_from(sorted(map(str, resources))))
                    if isinstance(resources[logical_id], dict):
                        resources[logical_id]["Type"] = draw(st.sampled_from(RESOURCE_TYPES))
                continue
            if action == "events":
                resources = data.get("Resources")
                if isinstance(resources, dict) and resources:
                    resource = resources[draw(st.sampled_from(sorted(map(str, resources))))]
                    properties = resource.setdefault("Properties", {}) if isinstance(resource, dict) else None
                    if isinstance(properties, dict):
                        event = {"Type": draw(st.sampled_from(EVENT_TYPES)), "Properties": _odd_mapping(draw)}
                        properties.setdefault("Events", {})
                        if isinstance(properties["Events"], dict):
                            properties["Events"][f"Fuzz{len(properties['Events'])}"] = event
                continue
            if action == "globals":
                section = draw(st.sampled_from(["Function", "Api", "HttpApi", "StateMachine", "SimpleTable", "Nope"]))
                data.setdefault("Globals", {})
                if isinstance(data["Globals"], dict):
                    data["Globals"][section] = _odd_mapping(draw)
                continue
            if not paths:
                continue
            path = draw(st.sampled_from(paths))
            parent, last = _at(data, path[:-1]), path[-1]
            if action == "delete":
                del parent[last]
            elif action == "odd":
                parent[last] = _odd(draw)
            elif action == "duplicate" and isinstance(parent, dict):
                parent[f"{last}Copy"] = parent[last]  # the same object twice: shared nodes
            elif action == "rename" and isinstance(parent, dict):
                parent[draw(st.sampled_from(["Type", "Properties", "Ref", "Fn::If", "Events", "1", "", "a.b"]))] = (
                    parent.pop(last)
                )
            elif action == "swap":
                other = draw(st.sampled_from(paths))
                if path[: len(other)] == other or other[: len(path)] == path:
                    continue  # a node swapped with its own ancestor would contain itself
                holder = _at(data, other[:-1])
                parent[last], holder[other[-1]] = holder[other[-1]], parent[last]
        except (KeyError, IndexError, TypeError):
            continue
    return data


def _odd(draw: Any) -> Any:
    """A copy: mutations that follow must never change the list every example draws from."""
    return copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))


def _odd_mapping(draw: Any) -> dict[str, Any]:
    keys = ["Queue", "Stream", "Topic", "Bucket", "Path", "Method", "Schedule", "BatchSize", "Timeout", "Runtime"]
    chosen = draw(st.lists(st.sampled_from(keys), max_size=4, unique=True))
    return {key: _odd(draw) for key in chosen}


def _yaml(data: Any) -> str:
    from ruamel.yaml import YAML

    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, stream)
    return stream.getvalue()


def _bytes_mutation(raw: bytes, draw: Any) -> bytes:
    action = draw(st.sampled_from(["truncate", "tabs", "invalid-utf8", "bom", "crlf", "nul", "duplicate-line"]))
    position = draw(st.integers(0, max(0, len(raw) - 1)))
    if action == "truncate":
        return raw[:position]
    if action == "tabs":
        return raw.replace(b"  ", b"\t", draw(st.integers(1, 5)))
    if action == "invalid-utf8":
        return raw[:position] + b"\xff\xfe\xc3" + raw[position:]
    if action == "bom":
        return b"\xef\xbb\xbf" + raw
    if action == "crlf":
        return raw.replace(b"\n", b"\r\n")
    if action == "nul":
        return raw[:position] + b"\x00" + raw[position:]
    lines = raw.splitlines(keepends=True)  # a duplicated key, most of the time
    if not lines:
        return raw
    index = draw(st.integers(0, len(lines) - 1))
    return b"".join([*lines[: index + 1], lines[index], *lines[index + 1 :]])


def _run(*args: str) -> tuple[int, str]:
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--no-cache", "-j", "1", *args])
    assert time.monotonic() - started < SECONDS_PER_RUN
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), (result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


def check_mutant(path: Path) -> None:
    """Every report at once, --diff, then --fix twice."""
    formats = [f"--format={name}={path.parent / file}" for name, file in REPORTS.items()]
    _, stdout = _run("--format", "json", *formats, str(path))
    document = json.loads(stdout)
    jsonschema.validate(document, load_json("findings.schema.json"))
    jsonschema.Draft4Validator(load_json("sarif-schema-2.1.0.json")).validate(
        json.loads((path.parent / REPORTS["sarif"]).read_text())
    )
    ElementTree.parse(path.parent / REPORTS["junit"])
    internal = [finding for finding in document["findings"] if finding["rule"] == "SC0000"]
    assert not internal, internal
    before = path.read_bytes()
    _run("--diff", str(path))
    assert path.read_bytes() == before, "--diff changed the file"
    _run("--fix", str(path))
    once = path.read_bytes()
    _run("--fix", str(path))
    assert path.read_bytes() == once, "a second --fix changed the file"


@needs_corpus
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_corpus_templates_never_crash(data: st.DataObject, tmp_path_factory: pytest.TempPathFactory) -> None:
    source = data.draw(st.sampled_from(CORPUS_SAMPLE))
    template = load_document(source).data
    assert template is not None
    mutated = _mutate(template, data.draw)
    as_json = data.draw(st.booleans())
    # JSON keeps non-finite numbers as Infinity and NaN (as json and JSON5 read them).
    raw = (json.dumps(mutated, default=str, indent=1) if as_json else _yaml(mutated)).encode()
    if data.draw(st.booleans()):
        raw = _bytes_mutation(raw, data.draw)
    path = tmp_path_factory.mktemp("mutant") / ("template.json" if as_json else "template.yaml")
    path.write_bytes(raw)
    check_mutant(path)


@pytest.mark.parametrize("kept", KEPT, ids=[path.name for path in KEPT])
def test_inputs_that_once_crashed_stay_fixed(kept: Path, tmp_path: Path) -> None:
    path = tmp_path / ("template" + kept.suffix)
    path.write_bytes(kept.read_bytes())
    check_mutant(path)
