"""Issue 29, bounds: every input source has the file's bound, and what a template may amplify (aliases,
nesting, text built by intrinsic functions) is bounded, each a finding or an unknown value, never
memory exhaustion. The cases that need a real process are ``bench/crashers/bounds_*.py``."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from samcheck.cfn.document import MAX_FILE_BYTES, MAX_PATH_STEPS, parse_document
from samcheck.cfn.renderer import unquoted_value
from samcheck.cfn.resolver import Resolver
from samcheck.findings import Span
from tests.test_server import _open

SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "samcheck", "server"],
    server_env={**os.environ, "SAMCHECK_CACHE_DIR": str(Path(tempfile.mkdtemp(prefix="samcheck-bounds-")))},
)


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[types.WorkspaceFolder(tmp_path.as_uri(), "project")],
        )
    )
    lsp_client.workspace_folder = tmp_path  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def parse(text: str) -> tuple[str, Span]:
    """The one problem reading ``text`` gives: its message and where."""
    document = parse_document(Path("template.yaml"), text.encode())
    assert document.data is None
    (problem,) = document.problems
    return problem.message, problem.span


def test_every_source_has_the_file_bound() -> None:
    # parse_document reads what standard input, an editor or a fix gives, not only files
    message, span = parse("Resources: {}\n" + "#" * MAX_FILE_BYTES)
    assert f"larger than {MAX_FILE_BYTES:,} bytes" in message and span == Span.point()


def test_nodes_nested_deep_many_times_are_refused_where_the_bound_is_passed() -> None:
    item = "[" * 900 + "]" * 900
    message, span = parse("Resources:\n  Deep: [" + ", ".join([item] * 30) + "]\n")
    assert f"add up to more than {MAX_PATH_STEPS:,}" in message
    assert span.line == 2 and span.column > 9 * 1800  # the item that passes it, not the top of the file


def test_the_same_bound_holds_where_the_text_is_not_measured_before_composing() -> None:
    # Lines short and brackets few enough that nesting cannot pass MAX_DEPTH: the reader counts the
    # steps as it builds (200 levels of keys, then flow lists of a hundred items to a line).
    depth = 200
    keys = "".join(f"{' ' * level}l{level}:\n" for level in range(depth))
    line = ",".join(["a"] * 99) + ","
    text = "Resources:\n " + keys.replace("\n", "\n ", depth - 1) + " " * (depth + 1) + "["
    text += ("\n" + " " * (depth + 2)).join([line] * 800) + "a]\n"
    assert len(text) < 1_000_000 and max(map(len, text.splitlines())) < 450
    message, span = parse(text)
    assert f"add up to more than {MAX_PATH_STEPS:,}" in message and span.line > depth + 400


def test_aliases_may_add_a_bounded_number_of_nodes_and_no_depth() -> None:
    lines = ["a0: &a0 [" + ", ".join(["x"] * 100) + "]"]
    lines += [f"a{level}: &a{level} [*a{level - 1}, *a{level - 1}]" for level in range(1, 12)]
    message, span = parse("\n".join(lines) + "\n")
    assert "aliases add more than 100,000 nodes" in message and span.line > 2
    lines = ["d0: &d0 " + "[" * 400 + "x" + "]" * 400]
    lines += [f"d{level}: &d{level} " + "[" * 400 + f"*d{level - 1}" + "]" * 400 for level in range(1, 3)]
    message, span = parse("\n".join(lines) + "\n")
    assert "nest more than 1,000 levels deep" in message and "aliases" in message and span.line == 2


def test_text_built_by_intrinsics_is_bounded_and_then_unknown() -> None:
    items = ["a"] * 400
    join = {"Fn::Join": [{"Fn::Join": [{"Fn::Join": ["xxxxxxxx", items]}, items]}, items]}
    sub = {
        "Fn::Sub": ["${a}" * 400, {"a": {"Fn::Sub": ["${b}" * 400, {"b": {"Fn::Sub": ["${c}" * 400, {"c": "xx"}]}}]}}]
    }
    base64: object = "x" * 1000
    for _ in range(60):
        base64 = {"Fn::Base64": base64}
    split = {"Fn::Split": [",", {"Fn::Join": [",", {"Fn::Split": ["-", {"Fn::Join": ["-", ["a"] * 600_000]}]}]}]}
    for node, function in ((join, "Fn::Join"), (sub, "Fn::Sub"), (base64, "Fn::Base64"), (split, "Fn::Split")):
        resolver = Resolver({}, {}, "us-east-1")
        value = resolver.resolve(node)
        assert not value.known and value.unknown_because.startswith(f"{function} builds more text"), function
        assert resolver.resolve({"Fn::Join": ["-", ["a", "b"]]}).single == "a-b"  # what fits is still computed


def test_huge_integers_stay_text() -> None:
    document = parse_document(Path("t.yaml"), b"A: 0x" + b"f" * 5000 + b"\nB: " + b"9" * 4000 + b"\nC: 0x1f\n")
    assert document.data is not None
    assert document.data["A"] == "0x" + "f" * 5000 and document.data["B"] == "9" * 4000 and document.data["C"] == 31


def test_a_line_is_searched_for_a_renderers_placeholder_once() -> None:
    """Each key that is a mapping is where a {{ var }} value may be: 100,000 of them on the one line of
    a 2 MB minified file are one read of that line, not 100,000 reads of the whole text."""
    text = '{"Metadata": {"a": 1, ' + '{"k": [1]}: 1, ' * 100_000 + '"b": "{{ x }}"}}'
    started = time.monotonic()
    assert unquoted_value(text, [1] * 100_000) is None
    assert time.monotonic() - started < 1


@pytest.mark.slow
@pytest.mark.asyncio
async def test_an_editor_buffer_has_the_file_bound(client: LanguageClient) -> None:
    path = client.workspace_folder / "template.yaml"  # type: ignore[attr-defined]
    text = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n" + "#" * MAX_FILE_BYTES + "\n"
    diagnostics = await _open(client, path, text)
    assert [str(diagnostic.code) for diagnostic in diagnostics] == ["SC0001"]
    assert f"larger than {MAX_FILE_BYTES:,} bytes" in diagnostics[0].message
    assert diagnostics[0].severity == types.DiagnosticSeverity.Error
