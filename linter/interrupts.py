"""Stopping: Ctrl-C and SIGTERM end a run at once and cleanly, and no child outlives samcheck.

Both signals raise :class:`Stopped` in the main thread (not KeyboardInterrupt, which click would
turn into "Aborted!" and exit 1), so ``finally`` blocks run (a fix being written removes its
temporary file), the worker pool is torn down, and the exit code is the shell's convention,
128 + the signal's number: 130 for Ctrl-C, 143 for SIGTERM. Every child samcheck forks leaves
both signals to its parent and asks the kernel to kill it when the parent dies (Linux), so even
SIGKILL of the parent leaves no worker behind.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_STOPPING = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """Ctrl-C or SIGTERM; a BaseException so that no ``except Exception`` (a rule's containment,
    the translator's) swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.exit_code = 128 + signum


_owner: int | None = None  # the process that handles the signals


def _stop(signum: int, frame: FrameType | None) -> None:
    # A child forked a moment ago inherits this handler until child_started replaces it; Ctrl-C
    # reaches the whole process group, and the child must not unwind on its own.
    if os.getpid() == _owner:
        raise Stopped(signum)


def handle_stops() -> None:
    """Turn Ctrl-C and SIGTERM into :class:`Stopped` (the console entry point calls this)."""
    global _owner
    _owner = os.getpid()
    for signum in _STOPPING:
        signal.signal(signum, _stop)


@contextmanager
def held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while the block runs (a file being replaced: a stop between
    creating a temporary file and removing it would leave it behind; a fork: a stop raised in the
    handlers Python runs around it is printed and lost); they are delivered at its end."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def fork() -> int:
    """``os.fork()`` with the stops held back: one raised in the handlers Python runs around a fork
    would be printed and lost."""
    with held():
        return os.fork()


def child_started(parent: int) -> None:
    """In a freshly forked child: ignore the signals the parent handles (it stops its children
    itself), and die with the parent even if it is killed outright."""
    for signum in _STOPPING:
        signal.signal(signum, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # forked while the parent held them back
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's shutdown is all there is
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
