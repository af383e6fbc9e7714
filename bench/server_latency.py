"""Time a warm ``samcheck server`` from ``didChange`` to ``publishDiagnostics`` (debounce set to 0),
its code actions, and its memory over many edits.

    .venv/bin/python bench/server_latency.py [--edits 50] [--memory-edits 1000] [--sizes 200 1000]
        [--actions 10] [--fix-alls 3]

Scenarios: the bundled example, and generated templates of 200 and 1,000 functions (each with a
queue and an SQS event). Each edit changes one value, so every lint is a real one (the cache never
answers). Reported: median and 95th percentile over the edits; of a code action request at a
diagnostic's position right after an edit (what an editor asks when the cursor lands on it; the
client resolves actions, as VS Code does); of a fix-all (``only: source.fixAll``, resolved until it
has its edit) right after an edit; and the resident memory of the server and its worker after the
first 100 and after all memory edits (growth means a leak).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "example" / "template.yaml"
sys.path.insert(0, str(ROOT / "bench"))
from many_functions import template as many_functions  # noqa: E402


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("samcheck-bench", "1")
        self.published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.published.put_nowait(params)


def _rss_kb(pid: int) -> int:
    """The resident memory of a process and its children (the worker), from /proc."""
    total = 0
    for entry in [Path(f"/proc/{pid}"), *(p for p in Path("/proc").iterdir() if p.name.isdigit())]:
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if entry.name == str(pid) or fields.get("PPid", "").strip() == str(pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total


async def _edits(
    client: Client, uri: str, text: str, count: int, version: int
) -> tuple[list[float], int, list[types.Diagnostic]]:
    """Edit ``count`` times (one value changes each time); the seconds until each edit's diagnostics,
    the last version and its diagnostics."""
    timings = []
    diagnostics: list[types.Diagnostic] = []
    for _ in range(count):
        edited = text.replace("Resources:", f"Description: edit {version}\nResources:", 1)
        version += 1
        started = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [types.TextDocumentContentChangeWholeDocument(text=edited)],
            )
        )
        while (published := await client.published.get()).uri != uri:
            pass
        timings.append(time.perf_counter() - started)
        diagnostics = list(published.diagnostics)
    return timings, version, diagnostics


async def _actions(
    client: Client, uri: str, text: str, count: int, version: int, only: list[str] | None
) -> tuple[list[float], int]:
    """After each of ``count`` edits: the seconds a code action request takes at a fixable
    diagnostic (``only`` as given), resolving each action it returns without an edit when ``only``
    asks for something (a client applying it)."""
    timings = []
    for _ in range(count):
        _, version, diagnostics = await _edits(client, uri, text, 1, version)
        (chosen, *_) = [d for d in diagnostics if isinstance(d.data, dict) and d.data.get("fixable")]
        started = time.perf_counter()
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri), chosen.range, types.CodeActionContext([chosen], only=only)
            )
        )
        for action in actions or []:
            if only and isinstance(action, types.CodeAction) and action.edit is None and action.command is None:
                await client.code_action_resolve_async(action)
        timings.append(time.perf_counter() - started)
    return timings, version


def _cells(timings: list[float]) -> str:
    if not timings:
        return "| |"
    median = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20)[-1] * 1000 if len(timings) > 1 else median
    return f"{median:.0f} ms | {p95:.0f} ms |"


async def scenario(name: str, path: Path, edits: int, memory_edits: int, actions: int, fix_alls: int) -> None:
    client = Client()
    await client.start_io(sys.executable, "-m", "samcheck", "server")
    resolving = types.CodeActionClientCapabilities(
        data_support=True, resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
    )
    capabilities = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(code_action=resolving))
    await client.initialize_async(types.InitializeParams(capabilities=capabilities))
    client.initialized(types.InitializedParams())
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({"samcheck": {"debounceMs": 0}}))
    text = path.read_text()
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, text)))
    while (await client.published.get()).uri != uri:
        pass
    _, version, _ = await _edits(client, uri, text, 5, 1)  # warm: the worker has imported everything
    timings, version, _ = await _edits(client, uri, text, edits, version)
    at_cursor, version = await _actions(client, uri, text, actions, version, None)
    fix_all, version = await _actions(client, uri, text, fix_alls, version, [types.CodeActionKind.SourceFixAll])
    line = f"| {name} | {_cells(timings)} {_cells(at_cursor)} {_cells(fix_all)}"
    if memory_edits:
        server_pid = client._server.pid  # type: ignore[union-attr]
        _, version, _ = await _edits(client, uri, text, 100, version)
        early = _rss_kb(server_pid)
        _, version, _ = await _edits(client, uri, text, memory_edits - 100, version)
        late = _rss_kb(server_pid)
        line += f" {early / 1024:.0f} MB after 100, {late / 1024:.0f} MB after {memory_edits} |"
    else:
        line += " |"
    print(line, flush=True)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--memory-edits", type=int, default=1000)
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 1000])
    parser.add_argument("--actions", type=int, default=10)
    parser.add_argument("--fix-alls", type=int, default=3)
    parser.add_argument("--no-example", action="store_true", help="only the generated templates")
    options = parser.parse_args()
    print(
        "| template | edit: median | edit: 95th percentile | code action: median | code action: 95th percentile "
        "| fix-all: median | fix-all: 95th percentile | resident memory (server + worker) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as folder:
        if not options.no_example:
            await scenario(
                "bundled example", EXAMPLE, options.edits, options.memory_edits, options.actions, options.fix_alls
            )
        for size in options.sizes:
            large = Path(folder) / f"template-{size}.yaml"
            large.write_text(many_functions(size))
            await scenario(f"{size} functions", large, options.edits, 0, options.actions, options.fix_alls)


if __name__ == "__main__":
    asyncio.run(main())
