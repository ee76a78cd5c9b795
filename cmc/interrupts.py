"""Ctrl-C and SIGTERM, as one interruption.

`timeout`, CI cancellation and `kill` send SIGTERM, which by default ends
the process at once with nothing reported. While a command runs, SIGTERM is
handled as Ctrl-C is: the first of either raises `KeyboardInterrupt` in
this process, so a search stops and reports what it explored (`cmc check`
exits 3). Later signals are ignored: a second Ctrl-C pressed while the
first is being handled must not cut the reports short with a traceback.
Forked workers ignore both; the main process stops them.

`deferred()` holds an interruption back while report files are written, so
each is written whole, and raises it after. Once the `cmc` process has
handled one, it ignores both signals until it ends (`ends_process`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from typing import Any, Iterator

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Interrupts:
    def __init__(self) -> None:
        self.owner: int | None = None
        self.raised = False
        self.deferring = False
        self.pending = False

    def handle(self, number: int, frame: Any) -> None:
        if os.getpid() != self.owner or self.raised:
            return
        if self.deferring:
            self.pending = True
            return
        self.raised = True
        raise KeyboardInterrupt


_state = _Interrupts()
#: Whether the process ends with the command (`ends_process`).
_process_ends = False


def ends_process() -> None:
    """Say that the process ends when the command does: the `cmc` program,
    not a test invoking a command and going on."""
    global _process_ends
    _process_ends = True


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """SIGINT and SIGTERM raise `KeyboardInterrupt`, the first only, while
    the block runs (in the main thread; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in _SIGNALS}
    _state.__init__()
    _state.owner = os.getpid()
    for number in _SIGNALS:
        signal.signal(number, _state.handle)
    try:
        yield
    finally:
        # An interrupted command has reported, yet its process may take a
        # while to end (freeing a large search): a signal repeated then must
        # not turn its exit code into death by that signal.
        ignore = _process_ends and (_state.raised or _state.pending)
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_IGN if ignore else handler)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold an interruption back until the block is done, then raise it."""
    outer = _state.deferring
    _state.deferring = True
    try:
        yield
    finally:
        _state.deferring = outer
    if not outer and _state.pending and not _state.raised:
        _state.pending = False
        _state.raised = True
        raise KeyboardInterrupt

