"""A level of the search: its states as objects up to a budget, then as
pickled chunks in memory up to a budget of bytes, then on disk.

A level's states are held until they are expanded, and the next level is
built meanwhile. Held as objects, a state costs what it does not share with
other states and the model's tables: its own tuple and, as a rule, its
network (100 to 700 bytes in the bundled models); past a few hundred
thousand states a level, that is most of a run's memory. Pickled `size`
states at a time (the engine's chunk), a state takes a few tens of bytes
(the pickle of a chunk writes each object once, and neighbouring states
share most of their parts).

Pickling is not free, though: a state read back shares no part with the
model's memo tables and interned records, so they fill with equal copies
and look-ups compare values where they compared identities (with every
state pickled, Paxos 3×2×3 took 1.4 times the CPU and 1.2 times the peak
memory). So a level keeps its first `whole` states as objects, and pickles
only the chunks past them: a run whose levels fit that budget runs exactly
as with lists, a larger one trades some speed for memory.

Past `MEMORY` bytes of pickled chunks, a level goes on disk (it *spills*):
its further chunks are appended to a file of the run's work directory
(`WorkDirectory`) and read back in order, a chunk at a time, when the level
is expanded; the file is removed once read. So a level's memory is bounded
whatever its size; what grows with the run is the visited set (11 to 23
bytes a state; the back-pointers, 5, go to a file too: `traces`). A level
that spills costs a write and a read of a few tens of bytes a state, which
the system's page cache mostly absorbs.

States that cannot be pickled (a model's own types may refuse) are kept as
they are, a chunk at a time: the search does not depend on pickling.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import shutil
import tempfile
from collections import deque
from itertools import chain, count
from typing import Any, BinaryIO, Iterable, Iterator

#: States of a level kept as objects before the next chunks are pickled.
WHOLE = 1 << 18
#: Bytes of pickled chunks a level keeps in memory before it spills to disk.
MEMORY = 1 << 25


class SpillFailed(Exception):
    """A level could not be written to disk or read back (a full disk, a
    temporary folder that cannot be made): the run stops, as at a bound."""


class WorkDirectory:
    """The run's folder for levels that spill to disk: made when the first
    level spills (in the system's temporary folder, or `parent`), removed
    with everything in it by `close`."""

    def __init__(self, parent: str | None = None) -> None:
        self.parent = parent
        self.path: str | None = None
        self.numbers = count()
        #: From `spill_all` on, levels keep nothing in memory.
        self.everything = False

    def file(self) -> str:
        """A new file's path in the folder (named by process too: forked
        partitions share the folder, which this process removes)."""
        return os.path.join(self.folder(), f"level-{os.getpid()}-{next(self.numbers)}")

    def folder(self) -> str:
        """The folder's path; made if it is not there yet."""
        if self.path is None:
            try:
                self.path = work_folder("levels", self.parent)
            except OSError as error:
                raise SpillFailed(f"cannot make a folder in {error.filename or self.parent}: "
                                  f"{error.strerror}") from None
        return self.path

    def close(self) -> None:
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            self.path = None


def work_folder(kind: str, parent: str | None = None) -> str:
    """A new folder for this process's work files of `kind` (levels,
    partitions' exchanges), ``cmc-KIND-PID-...`` in `parent` or the system's
    temporary folder, once the folders of that kind left by processes no
    longer running are removed: a run killed with kill -9 cannot remove its
    own, and in /dev/shm they would hold memory until the machine
    restarts."""
    prefix = f"cmc-{kind}-"
    _sweep(parent if parent is not None else tempfile.gettempdir(), prefix)
    return tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent)


def _sweep(base: str, prefix: str) -> None:
    """Remove the folders ``PREFIX`` + ``PID-...`` in `base` whose process is
    gone (only where a process can be asked whether it runs: POSIX)."""
    if os.name != "posix":
        return
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        owner, dash, _ = name[len(prefix):].partition("-")
        if name.startswith(prefix) and dash and owner.isdigit() and not _running(int(owner)):
            shutil.rmtree(os.path.join(base, name), ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # (signal 0: only asks)
    except ProcessLookupError:
        return False
    except OSError:  # another user's, or not to be asked: left alone
        return True
    try:  # a killed process not yet reaped (a zombie) is gone too (Linux)
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


class Frontier:
    """States in order, appended and then read once, `size` at a time; the
    chunks past the first `whole` states are pickled, and those past
    `memory` bytes of them written to a file of `directory`."""

    __slots__ = ("size", "whole", "memory", "directory", "chunks", "pending", "count",
                 "held", "written", "path", "writer", "reader", "reading")

    def __init__(self, size: int, states: list[Any] = (), whole: int | None = None,
                 directory: WorkDirectory | None = None, memory: int | None = None) -> None:
        self.size = size
        self.whole = WHOLE if whole is None else whole
        self.memory = MEMORY if memory is None else memory
        self.directory = directory
        if directory is not None and directory.everything:
            self.whole = self.memory = 0
        # each chunk as a list of states, pickled (bytes), or on disk (the
        # length of its pickle, the next one in the level's file)
        self.chunks: deque[list[Any] | bytes | int] = deque()
        self.pending: list[Any] = []  # the last chunk, until it is whole
        self.count = 0
        self.held = 0  # bytes of the pickled chunks in memory
        self.written = 0  # bytes of the chunks in the level's file
        self.path: str | None = None  # the level's file, once it spills
        self.writer: BinaryIO | None = None
        self.reader: BinaryIO | None = None
        self.reading = False  # once `take` began
        self.extend(states)

    def __len__(self) -> int:
        return self.count

    def extend(self, states: list[Any]) -> None:
        pending = self.pending
        pending += states
        size = self.size
        placed = self.count - len(pending) + len(states)  # states in whole chunks so far
        self.count += len(states)
        if len(pending) >= size:
            full = len(pending) - len(pending) % size
            for low in range(0, full, size):
                chunk = pending[low:low + size]
                self._place(chunk if placed < self.whole else pack(chunk))
                placed += size
            del pending[:full]

    def place(self, states: list[Any]) -> None:
        """Append `states` as a chunk of its own, whatever its size (not
        with `extend`)."""
        self._place(states if self.count < self.whole else pack(states))
        self.count += len(states)

    def _place(self, chunk: list[Any] | bytes) -> None:
        if type(chunk) is bytes:
            if self.held + len(chunk) > self.memory and self.directory is not None:
                self._write(chunk)
                return
            self.held += len(chunk)
        self.chunks.append(chunk)

    def _write(self, chunk: bytes) -> None:
        if self.writer is None:
            if self.path is None:
                self.path = self.directory.file()
        try:
            if self.writer is None:
                self.writer = open(self.path, "ab")
            self.writer.write(chunk)
        except OSError as error:
            raise SpillFailed(f"cannot write {self.path}: {error.strerror}") from None
        self.written += len(chunk)
        self.chunks.append(len(chunk))

    def spill(self) -> None:
        """Write the chunks held in memory to disk (objects pickled first)
        and keep nothing in memory from now on: when the run is short of
        memory. A level already being read is left as it is."""
        if self.directory is None or self.reading:
            return
        self.whole = self.memory = 0
        if all(type(chunk) is int for chunk in self.chunks):
            return
        self.writer = self._close(self.writer)
        held, path = self.chunks, self.path
        self.chunks, self.held, self.written, self.path = deque(), 0, 0, None
        # in order, those already on disk read back and written again
        for chunk in _read(held, path):
            self._place(pack(chunk) if type(chunk) is list else chunk)
        if path is not None:
            os.unlink(path)

    def pop_tail(self, n: int) -> list[Any]:
        """The last `n` states, in order, taken out of a level not read yet
        (states given away, or past where the level is cut); those of a
        chunk they split stay, as objects."""
        taken: list[list[Any]] = []  # from the end
        self.count -= n
        while n > 0:
            pending = bool(self.pending)
            states = self.pending if pending else self._last()
            cut = max(0, len(states) - n)
            kept, states = states[:cut], states[cut:]
            if pending:
                self.pending = kept
            elif kept:
                self.chunks.append(kept)
            taken.append(states)
            n -= len(states)
        return list(chain.from_iterable(reversed(taken)))

    def _last(self) -> list[Any]:
        """The last chunk, removed: read back from the end of the level's
        file if it is there (and cut from it)."""
        chunk = self.chunks.pop()
        if type(chunk) is int:
            self.written -= chunk
            try:
                if self.writer is not None:
                    self.writer.flush()
                with open(self.path, "r+b") as file:
                    file.seek(self.written)
                    chunk = file.read(chunk)
                    file.truncate(self.written)
            except OSError as error:
                raise SpillFailed(f"cannot read {self.path}: {error.strerror}") from None
        elif type(chunk) is bytes:
            self.held -= len(chunk)
        return unpack(chunk)

    def take(self) -> Iterator[list[Any]]:
        """The states, `size` at a time (the last chunk may be shorter), in
        order; each chunk is let go once read, so that a level's memory is
        freed as it is expanded (and its file removed once read)."""
        chunks = self.chunks
        self.writer = self._close(self.writer)
        self.reading = True
        while chunks:
            chunk = chunks.popleft()
            if type(chunk) is int:
                if self.reader is None:
                    self.reader = open(self.path, "rb")
                chunk = self.reader.read(chunk)
            else:
                self.held -= len(chunk) if type(chunk) is bytes else 0
            yield unpack(chunk)
        self.discard()
        if self.pending:
            pending, self.pending = self.pending, []
            yield pending

    def states(self) -> list[Any]:
        """All the states, without consuming them."""
        every: list[Any] = []
        if self.writer is not None:
            self.writer.flush()
        for chunk in _read(self.chunks, self.path):
            every += unpack(chunk)
        return every + self.pending

    def close(self) -> None:
        """Write what the level's file buffers, and close it (before a
        fork: the copy in the other process would write it again); a later
        chunk opens it again."""
        self.writer = self._close(self.writer)

    def raw(self) -> Iterator[list[Any] | bytes]:
        """The chunks as they are held (lists of states, or pickled), in
        order, without consuming the level: those on disk read back one at a
        time (a checkpoint writes them so, never the whole level in memory),
        and the last states, not yet a whole chunk, as a list."""
        if self.writer is not None:
            self.writer.flush()
        yield from _read(self.chunks, self.path)
        if self.pending:
            yield self.pending

    def restore(self, chunks: Iterable[list[Any] | bytes], count: int) -> None:
        """Hold the `count` states of `chunks` (as `raw` gave them: each
        chunk of `size` states but the last), appended as they are, within
        this level's budgets (past them on disk): a level read back from a
        checkpoint a chunk at a time."""
        for chunk in chunks:
            self._place(chunk)
        self.count += count

    def at(self, position: int) -> Any:
        """The state at `position`, without consuming the level: read a
        chunk at a time up to it."""
        if self.writer is not None:
            self.writer.flush()
        for chunk in _read(self.chunks, self.path):
            states = unpack(chunk)
            if position < len(states):
                return states[position]
            position -= len(states)
        return self.pending[position]

    def discard(self) -> None:
        """Remove the level's file, if it has one (also for a level not
        read to its end)."""
        self.writer = self._close(self.writer)
        self.reader = self._close(self.reader)
        if self.path is not None:
            os.unlink(self.path)
            self.path = None

    @staticmethod
    def _close(file: BinaryIO | None) -> None:
        if file is not None:
            try:
                file.close()  # a writer's buffered chunks are written here
            except OSError as error:
                raise SpillFailed(f"cannot write {file.name}: {error.strerror}") from None

    @property
    def pickled(self) -> int:
        """The chunks held pickled, in memory or on disk."""
        return sum(type(chunk) is not list for chunk in self.chunks)

    @property
    def on_disk(self) -> int:
        """The chunks on disk."""
        return sum(type(chunk) is int for chunk in self.chunks)


def _read(chunks: Iterable[list[Any] | bytes | int], path: str | None
          ) -> Iterator[list[Any] | bytes]:
    """`chunks` in order, those on disk read back from `path` (pickled)."""
    if path is None:
        yield from chunks
        return
    with open(path, "rb") as file:
        for chunk in chunks:
            yield file.read(chunk) if type(chunk) is int else chunk


def pack(states: list[Any]) -> bytes | list[Any]:
    """`states` pickled together, or themselves if they cannot be."""
    try:
        return pickle.dumps(states, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return states


def unpack(chunk: bytes | list[Any]) -> list[Any]:
    return pickle.loads(chunk) if type(chunk) is bytes else chunk


def release_memory() -> None:
    """Hand the memory freed by a spill back to the system, so that the
    resident memory measured next shows it (glibc keeps freed small blocks
    otherwise); nothing where there is no glibc."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass
