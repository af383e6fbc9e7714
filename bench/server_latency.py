"""Time a warm ``samcheck server`` from ``didChange`` to ``publishDiagnostics`` (debounce set to 0),
and its memory over many edits.

    .venv/bin/python bench/server_latency.py [--edits 50] [--memory-edits 1000]

Scenarios: the bundled example, and a generated template of 200 functions (each with a queue and
an SQS event). Each edit changes one value, so every lint is a real one (the cache never answers).
Reported: median and 95th percentile over the edits, and the resident memory of the server and
its worker after the first 100 and after all memory edits (growth means a leak).
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


async def _edits(client: Client, uri: str, text: str, count: int, version: int) -> tuple[list[float], int]:
    """Edit ``count`` times (one value changes each time); the seconds until each edit's diagnostics."""
    timings = []
    for index in range(count):
        edited = text.replace("Resources:", f"Description: edit {index}\nResources:", 1)
        version += 1
        started = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [types.TextDocumentContentChangeWholeDocument(text=edited)],
            )
        )
        while (await client.published.get()).uri != uri:
            pass
        timings.append(time.perf_counter() - started)
    return timings, version


async def scenario(name: str, path: Path, edits: int, memory_edits: int) -> None:
    client = Client()
    await client.start_io(sys.executable, "-m", "samcheck", "server")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({"samcheck": {"debounceMs": 0}}))
    text = path.read_text()
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, text)))
    while (await client.published.get()).uri != uri:
        pass
    _, version = await _edits(client, uri, text, 5, 1)  # warm: the worker has imported everything
    timings, version = await _edits(client, uri, text, edits, version)
    median = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20)[-1] * 1000
    line = f"| {name} | {median:.0f} ms | {p95:.0f} ms |"
    if memory_edits:
        server_pid = client._server.pid  # type: ignore[union-attr]
        _, version = await _edits(client, uri, text, 100, version)
        early = _rss_kb(server_pid)
        _, version = await _edits(client, uri, text, memory_edits - 100, version)
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
    options = parser.parse_args()
    print("| template | median | 95th percentile | resident memory (server + worker) |")
    print("| --- | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as folder:
        await scenario("bundled example", EXAMPLE, options.edits, options.memory_edits)
        large = Path(folder) / "template.yaml"
        large.write_text(many_functions(200))
        await scenario("200 functions", large, options.edits, 0)


if __name__ == "__main__":
    asyncio.run(main())
