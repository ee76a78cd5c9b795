"""Work done on copies of this process: fork, compute, stream values back.

The engine shares a large breadth-first level between processes. A forked
child starts from a copy-on-write snapshot of the parent's memory (the
visited set, the back-pointers, the level itself), so nothing is sent to
it; only its results come back, pickled through a pipe as it produces
them, so that pickling and unpickling overlap with the work. A pool
started once (`multiprocessing`, `concurrent.futures`) could not see the
visited set grow from level to level, so a child is forked per level
instead. Fork exists on POSIX systems only; elsewhere the engine uses one
process.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import pickle
import select
import signal
import struct
import time
from typing import Any, Callable, Iterator

AVAILABLE = hasattr(os, "fork")

_HEADER = struct.Struct("<Q")  # the length of the pickled value that follows
_PIPE_BYTES = 1 << 20  # room for a few values while the parent is busy


class WorkerFailed(Exception):
    """The child raised, or died, before producing all its values; `died`
    says which."""

    def __init__(self, message: str, died: bool):
        super().__init__(message)
        self.died = died


class Overdue(Exception):
    """The child had not finished by the deadline (it may be stopped or
    stuck)."""


def private_memory() -> int:
    """Bytes of memory this process holds of its own, shared with no other
    (on Linux; 0 where the system does not tell)."""
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
            return 1024 * sum(int(line.split()[1]) for line in rollup
                              if line.startswith(("Private_Clean:", "Private_Dirty:")))
    except OSError:
        return 0


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Tickets:
    """The numbers 0, 1, 2, ..., each handed out once, to whichever process
    asks next (this one or a child forked after it was made)."""

    def __init__(self) -> None:
        # The fork context's lock is an anonymous semaphore: no helper
        # process tracks it, whatever the default start method.
        self._next = multiprocessing.get_context("fork").Value("q", 0)

    def take(self) -> int:
        with self._next.get_lock():
            number = self._next.value
            self._next.value = number + 1
        return number


class Child:
    """The values of `work(*args)`, a generator, run in a forked copy of
    this process."""

    def __init__(self, work: Callable[..., Iterator[Any]], *args: Any):
        read, write = os.pipe()
        if hasattr(fcntl, "F_SETPIPE_SZ"):
            try:
                fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
            except OSError:  # above the system's limit: the default will do
                pass
        pid = os.fork()
        if pid == 0:
            os.close(read)
            _run_child(write, work, args)  # never returns
        os.close(write)
        os.set_blocking(read, False)
        self._pid: int | None = pid
        self._read: int | None = read
        self._buffer = bytearray()
        self._outcome: Any = None  # _END once all values are in, or _Raised

    def ready(self) -> list[Any]:
        """The values produced since the last call, without waiting."""
        while self._read is not None:
            try:
                data = os.read(self._read, _PIPE_BYTES)
            except BlockingIOError:
                break
            if not data:
                self._close()
                break
            self._buffer += data
        return self._values()

    def rest(self, deadline: float | None = None) -> list[Any]:
        """The values not yet taken, waiting for the child to finish (until
        `deadline`, a `time.monotonic()` value, if given: then `Overdue`);
        `WorkerFailed` if it did not finish."""
        while self._read is not None:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select([self._read], [], [], timeout)
            if not readable:
                raise Overdue()
            try:
                data = os.read(self._read, _PIPE_BYTES)
            except BlockingIOError:
                continue
            if not data:
                self._close()
                break
            self._buffer += data
        values = self._values()
        if self._outcome is not _END:
            if isinstance(self._outcome, _Raised):
                raise WorkerFailed(self._outcome.message, died=False)
            raise WorkerFailed("the worker process died", died=True)
        return values

    def cancel(self) -> None:
        """Stop the child if it still runs and let it go."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._close()

    def _values(self) -> list[Any]:
        """Unpickle the whole values received; note the end or a failure."""
        values, buffer, at = [], self._buffer, 0
        while len(buffer) - at >= _HEADER.size:
            (size,) = _HEADER.unpack_from(buffer, at)
            if len(buffer) - at - _HEADER.size < size:
                break
            at += _HEADER.size
            value = pickle.loads(memoryview(buffer)[at:at + size])
            at += size
            if isinstance(value, (_End, _Raised)):
                self._outcome = _END if isinstance(value, _End) else value
            else:
                values.append(value)
        del buffer[:at]
        return values

    def _close(self) -> None:
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._pid is not None:
            # A child that has sent everything may still be exiting: it is
            # reaped later rather than waited for now.
            _exited.append(self._pid)
            self._pid = None
        _reap_exited()


class _End:
    """Sent after the last value."""


class _Raised:
    def __init__(self, message: str):
        self.message = message


_END = _End()
_exited: list[int] = []


def wait_for_exited() -> None:
    """Wait for the children let go (they are exiting or were stopped)."""
    while _exited:
        try:
            os.waitpid(_exited.pop(), 0)
        except ChildProcessError:
            pass


def _reap_exited() -> None:
    for pid in list(_exited):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _exited.remove(pid)


def _run_child(write: int, work: Callable[..., Iterator[Any]], args: tuple) -> None:
    # Ctrl-C reaches the whole process group: the parent handles it and
    # stops this child, which must not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with os.fdopen(write, "wb") as pipe:
            def send(value: Any) -> None:
                data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                pipe.write(_HEADER.pack(len(data)))
                pipe.write(data)
                pipe.flush()
            try:
                for value in work(*args):
                    send(value)
                send(_End())
            except BaseException as error:  # reported to the parent, which decides
                send(_Raised(f"{type(error).__name__}: {error}"))
    finally:
        # Leave at once: no atexit handlers, no flushing of the parent's
        # buffered output a second time.
        os._exit(0)
