"""Run a third-party rule pack's code in a forked child: a time budget, its output captured.

A rule pack someone else wrote (any ``samcheck.rules`` entry point outside samcheck's own
distribution) may loop, print or end the process. Each of its calls on one file (its rules'
``check`` and ``collect``, or its run-wide ``judge``) runs in a child forked for it: standard
output and error go to pipes this process reads and counts but never shows, the result comes back
pickled through a third pipe, and past the budget the child is killed. What went wrong is an
:class:`Outcome` with no value and a reason, which the caller turns into that pack's SC0000; the
run goes on. One fork per pack and file: the pack's rules run one after another in it.

Where ``fork`` is missing (Windows), the pack runs in this process with ``sys.stdout`` and
``sys.stderr`` redirected and ``sys.exit`` caught; a loop there is not stopped.

samcheck's own packs are trusted code and run in process, unforked.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, NoReturn, TypeVar

from samcheck.config import ConfigError

# Per file and pack. Rules take milliseconds on a template (samcheck's own together, under 4 s on
# one of 5,000 functions: bench/many_functions.py); a budget far beyond that stops no working pack.
PLUGIN_SECONDS = 10.0
PLUGIN_SECONDS_VARIABLE = "SAMCHECK_PLUGIN_SECONDS"
_CHUNK = 1 << 16
_EXIT_GRACE = 1.0  # a child that closed its pipes is ending: how long to wait for its exit status
# The first byte on the result pipe: a pickled value; or why there is none (it would not pickle, or
# the call raised: a pack's rules each catch their own exceptions, so that is samcheck's bug).
_RESULT, _UNSENDABLE, _RAISED = b"R", b"U", b"E"
_LENGTH = struct.Struct("!Q")  # then the length of what follows

Value = TypeVar("Value")
_ended: list[int] = []  # children that sent their result and are exiting, not yet waited for


@dataclass(frozen=True)
class Outcome(Generic[Value]):
    value: Value | None  # what the call returned (None when it failed)
    failure: str = ""  # why it failed: "did not finish within 10 s", "ended the process (exit code 0)"…
    timed_out: bool = False  # stopped for time: another run, on a less loaded machine, may finish


def _returned(value: Value, stdout_bytes: int) -> Outcome[Value]:
    """A value is kept only from a pack that kept standard output clean: one that writes there has
    its own idea of reporting, and its findings are not trusted to be all it meant."""
    if stdout_bytes:
        what = f"wrote {stdout_bytes:,} bytes to standard output (not shown: rules report through context.report)"
        return Outcome(None, what)
    return Outcome(value)


def plugin_seconds() -> float:
    """The budget of a pack's call on one file: ``SAMCHECK_PLUGIN_SECONDS`` or the default."""
    text = os.environ.get(PLUGIN_SECONDS_VARIABLE)
    if text is None:
        return PLUGIN_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < 86_400:
        raise ConfigError(f"{PLUGIN_SECONDS_VARIABLE}={text!r}: a number of seconds above 0 is expected")
    return seconds


def run_contained(work: Callable[[], Value], seconds: float) -> Outcome[Value]:
    """``work()`` in a forked child stopped after ``seconds`` (in this process where fork is missing)."""
    if not hasattr(os, "fork"):
        return _in_process(work)
    _reap_ended()
    for stream in (sys.stdout, sys.stderr):  # the child must not inherit and write out their buffers
        if stream is not None:
            stream.flush()
    result_read, result_write = os.pipe()
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    parent = os.getpid()
    from samcheck.interrupts import fork

    pid = fork()
    if pid == 0:
        os.close(result_read)
        os.close(out_read)
        os.close(err_read)
        _child(work, seconds, parent, result_write, out_write, err_write)
    for descriptor in (result_write, out_write, err_write):
        os.close(descriptor)
    try:
        return _collect(pid, seconds, result_read, out_read, err_read)
    except BaseException:  # Ctrl-C: the child ends now
        _reap(pid, 0.0)
        raise
    finally:
        for descriptor in (result_read, out_read, err_read):
            os.close(descriptor)


def _child(work: Callable[[], Value], seconds: float, parent: int, result: int, out: int, err: int) -> NoReturn:
    """In the forked child: run ``work`` with its output on the pipes, send its value, leave at once."""
    import gc
    import pickle
    import signal

    code = 0
    try:
        from samcheck.interrupts import child_started

        child_started(parent)  # Ctrl-C is the parent's to handle, and the child dies with it
        gc.disable()  # a full collection would touch, and so copy, every page shared with the parent
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(int(seconds) + 2)  # ends the child on its own, should the parent not
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        # sys.stdout may not be descriptor 1 (a program embedding samcheck, a test's capture)
        sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
        try:
            value = work()
        except Exception as error:
            tag, body = _RAISED, f"{type(error).__name__}: {error}".encode("utf-8", "replace")
        else:
            sys.stdout.flush()
            sys.stderr.flush()
            try:
                tag, body = _RESULT, pickle.dumps(value)
            except Exception as error:  # a fact or finding that cannot cross processes
                tag, body = _UNSENDABLE, f"{type(error).__name__}: {error}".encode("utf-8", "replace")
        view = memoryview(tag + _LENGTH.pack(len(body)) + body)
        while view:
            view = view[os.write(result, view) :]
    except SystemExit as leaving:  # the pack called sys.exit: that is the process ending
        code = leaving.code if isinstance(leaving.code, int) else 1
    except BaseException:
        code = 70  # EX_SOFTWARE
    finally:
        os._exit(code)  # never the parent's exit handlers or its copies of buffers


def _collect(pid: int, seconds: float, result: int, out: int, err: int) -> Outcome[Value]:
    """Read the child's pipes until its result is in (or it closed the pipe without one), or the
    budget is spent. Output is waited for no longer than the result: a process the pack started
    may hold the output pipes open after the child is gone."""
    import pickle
    import selectors
    import time

    deadline = time.monotonic() + seconds
    received = bytearray()
    written = {out: 0, err: 0}

    def read(key: selectors.SelectorKey) -> None:
        chunk = os.read(key.fd, _CHUNK)
        if not chunk:
            selector.unregister(key.fd)
        elif key.fd == result:
            received.extend(chunk)
            if _complete(received):
                selector.unregister(key.fd)
        else:
            written[key.fd] += len(chunk)

    with selectors.DefaultSelector() as selector:
        for descriptor in (result, out, err):
            selector.register(descriptor, selectors.EVENT_READ)
        while result in selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                _reap(pid, 0.0)
                return Outcome(None, f"did not finish within {seconds:g} s ({PLUGIN_SECONDS_VARIABLE})", True)
            for key, _ in selector.select(left):
                read(key)
        while time.monotonic() < deadline and (ready := selector.select(0)):  # written before the result
            for key, _ in ready:
                read(key)
    if not _complete(received):
        return Outcome(None, f"ended the process ({_status(_reap(pid, _EXIT_GRACE))})")
    _ended.append(pid)  # it is leaving: its exit (unmapping a copy of this process) is not waited for
    tag, body = received[:1], bytes(received[1 + _LENGTH.size :])
    if tag == _UNSENDABLE:
        return Outcome(None, f"returned what cannot be sent between processes ({body.decode('utf-8', 'replace')})")
    if tag == _RAISED:
        return Outcome(None, f"failed ({body.decode('utf-8', 'replace')})")
    return _returned(pickle.loads(body), written[out])


def _complete(received: bytearray) -> bool:
    header = 1 + _LENGTH.size
    return len(received) >= header and len(received) >= header + _LENGTH.unpack_from(received, 1)[0]


def _reap_ended() -> None:
    """Collect the exit status of the children that sent their result, once they are gone."""
    for pid in list(_ended):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _ended.remove(pid)


def _reap(pid: int, grace: float) -> int | None:
    """The child's wait status: after up to ``grace`` seconds for it to exit, it is killed."""
    import signal
    import time

    deadline = time.monotonic() + grace
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            if time.monotonic() >= deadline:
                break
            time.sleep(0.005)
        os.kill(pid, signal.SIGKILL)
        return os.waitpid(pid, 0)[1]
    except (ProcessLookupError, ChildProcessError):  # reaped already
        return None


def _status(status: int | None) -> str:
    import signal

    if status is None:
        return "its exit status is unknown"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"killed by {signal.Signals(number).name}"
        except ValueError:
            return f"killed by signal {number}"
    return f"exit code {os.WEXITSTATUS(status)}"


def _in_process(work: Callable[[], Value]) -> Outcome[Value]:
    import io
    from contextlib import redirect_stderr, redirect_stdout

    out = io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(io.StringIO()):
            value = work()
    except SystemExit as leaving:
        return Outcome(None, f"tried to end the process (sys.exit({leaving.code!r}))")
    return _returned(value, len(out.getvalue()))
