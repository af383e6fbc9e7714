"""Import the SAM translator in a forked child while samcheck starts up.

Importing aws-sam-translator (with pydantic and its models; boto3, botocore and jsonschema are
deferred: ``deferred_imports``) takes ~0.2 s, more than everything else a one-template run does
together. When a run will lint in this process and a template declares the transform,
:func:`start_for` forks a child at once; it imports the translator on the second core while this
process reads its configuration and parses the template (and imports the rules while it waits:
``checker``), and then runs the translations: :func:`call` sends a function (by name) and its
arguments, the child sends back the result, both pickled over a pipe.

Without fork (Windows), from another process than the one that started the child (a
``--jobs`` worker), or when the child is gone, :func:`call` returns None and the caller runs
the function itself: nothing is lost, only the head start.
"""

from __future__ import annotations

import os
import signal
import struct
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple, NoReturn, ParamSpec, TypeVar

from samcheck.sam.deferred_imports import TRANSLATOR

_HEADER = struct.Struct("!Q")
_SNIFF_BYTES = 1 << 20
Arguments = ParamSpec("Arguments")
Result = TypeVar("Result")


class _Child(NamedTuple):
    owner: int  # the process that forked it; only that one may talk to it
    pid: int
    requests: int  # pipe descriptors
    answers: int


_child: _Child | None = None
_enabled = False


def enable() -> None:
    """Allow :func:`start_for` in this process. The console entry point calls it: a head start
    pays off in a fresh process, while in a long-lived one (a test session, a program that
    imports samcheck) the child would keep a copy of module state that later changes."""
    global _enabled
    _enabled = True


def start_for(templates: Sequence[Path]) -> None:
    """Fork the child if enabled, one of the templates declares the SAM transform and this
    process has not imported the translator yet (once per process; never where fork is missing)."""
    global _child
    if not _enabled or _child is not None or not hasattr(os, "fork") or TRANSLATOR in sys.modules:
        return
    if not any(_declares_sam(path) for path in templates):
        return
    request_read, request_write = os.pipe()
    answer_read, answer_write = os.pipe()
    parent = os.getpid()
    from samcheck.interrupts import fork

    pid = fork()
    if pid == 0:  # the child: serve until the parent closes its end, then leave at once
        os.close(request_write)
        os.close(answer_read)
        _serve(request_read, answer_write, parent)
    os.close(request_read)
    os.close(answer_write)
    _child = _Child(os.getpid(), pid, request_write, answer_read)


def running() -> bool:
    """Whether this process has a child to translate for it (a translation will wait on it)."""
    return _child is not None and _child.owner == os.getpid()


def call(function: Callable[Arguments, Result], *args: Arguments.args, **kwargs: Arguments.kwargs) -> Result | None:
    """``function(*args, **kwargs)`` run by the child, or None when there is no usable child.

    The function must be importable by name (a module-level function)."""
    if _child is None or not running():
        return None
    import pickle

    try:
        _send(_child.requests, pickle.dumps((function, args, kwargs)))
        result: Result = pickle.loads(_receive(_child.answers))
    except Exception:  # the child died, or something would not pickle: run it here instead
        stop()
        return None
    return result


def stop() -> None:
    """End the child at once: it holds nothing that needs a clean exit."""
    global _child
    if _child is None or _child.owner != os.getpid():
        return
    child, _child = _child, None
    os.close(child.requests)
    os.close(child.answers)
    try:
        os.kill(child.pid, signal.SIGKILL)
        os.waitpid(child.pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _serve(requests: int, answers: int, parent: int) -> NoReturn:
    from samcheck.interrupts import child_started
    from samcheck.sam.deferred_imports import import_translator

    try:
        # The parent owns the terminal: the child never writes to it, leaves Ctrl-C to it, and
        # dies with it.
        child_started(parent)
        null = os.open(os.devnull, os.O_RDWR)
        for descriptor in (0, 1, 2):
            os.dup2(null, descriptor)
        import gc
        import pickle

        # The head start this child is for. Everything the import makes lives as long as the child:
        # collecting meanwhile is wasted (~40 ms of ~350), and later collections can skip it.
        gc.disable()
        import_translator()
        gc.freeze()
        gc.enable()
        while True:
            function, args, kwargs = pickle.loads(_receive(requests))
            _send(answers, pickle.dumps(function(*args, **kwargs)))
    finally:
        os._exit(0)  # never run the parent's exit handlers or flush its copies of the parent's buffers


def _declares_sam(path: Path) -> bool:
    """A cheap look at the bytes (samcheck.sam.declares_sam needs the parsed template, which comes
    later: importing and parsing first would spend the head start)."""
    from samcheck.cfn.local import read_named

    try:  # never a file outside the project, nor a pipe (its read would block forever)
        return b"AWS::Serverless-2016-10-31" in read_named(path, _SNIFF_BYTES)
    except OSError:
        return False


def _send(descriptor: int, payload: bytes) -> None:
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        data = data[os.write(descriptor, data) :]


def _receive(descriptor: int) -> bytes:
    (size,) = _HEADER.unpack(_read_exactly(descriptor, _HEADER.size))
    return _read_exactly(descriptor, size)


def _read_exactly(descriptor: int, size: int) -> bytes:
    chunks = []
    while size:
        chunk = os.read(descriptor, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
