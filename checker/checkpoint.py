"""Checkpoints of a search at level boundaries, and resuming from them.

Between two levels the whole search is a handful of values: the visited
set, the back-pointers, the states outside the bounds already checked, the
counts, the seconds taken, the findings so far and the next level's
states. `Checkpoints` pickles them into DIR/checkpoint.pickle every
`every` seconds, through a temporary file renamed over the old one, so
that a run killed at any moment (even kill -9, mid-write) leaves the last
whole checkpoint. Resumed
from it, the search goes on exactly as the uninterrupted run would have:
the result is the same.

The file is a sequence of pickles: a header (what the check is, the
search's values, the level's size), the parts of the visited set where
partitions hold it (each slice of a region of the shared one, or each
partition's own), a mark, the back-pointers a segment at a time (most of
them are in a file: `traces.BackPointers`), a mark, the level's chunks as
the level holds them (`Frontier.raw`: lists of states, or pickled), and
an end mark, then the sum of every byte before it (`_Summed`). So none of
them is copied whole for a checkpoint: a level
that is on disk because memory is short (or that partitions hold) never
comes into memory whole, and one read back keeps to the level's budgets
(`Frontier.restore`). A file cut short has
no end mark and is refused; one whose sum differs, damaged, too. The checkpoint names the model, its parameters,
mutant and other choices (init, network, partition), its properties (a
spec's invariants by their text) and the check's settings, and is refused
for any other check, saying what differs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import stat
import time
from itertools import chain
from typing import Any, Callable, Iterable, Iterator

from checker.errors import CheckerError
from checker.frontier import Frontier, SpillFailed, WorkDirectory

FILE = "checkpoint.pickle"
#: What a checkpoint's header starts with: the format, to tell a file of
#: another version of cmc (or no checkpoint) from one cut short.
FORMAT = ("cmc checkpoint", 4)
#: What follows the parts of the visited set (`Checkpoints.save`), the
#: back-pointers' parts, and the last chunk of the level.
POINTERS, LEVEL, END = "pointers", "level", "end"
#: The search's values saved (attributes of the engine's search).
SAVED = ("store", "outside", "pointers", "generated", "depth", "action_counts",
         "new_states", "violations", "witnesses", "canonical_seconds", "bound_stops",
         "bound_stop", "seconds_before")


class Checkpoints:
    """Where and how often a search saves itself; `resume` to start from
    the checkpoint already in `directory`, telling `said` (a line for the
    user: the command line's stderr) where it goes on from."""

    def __init__(self, directory: str, every: float = 60.0, resume: bool = False,
                 said: Callable[[str], None] | None = None):
        self.directory, self.every, self.resume, self.said = directory, every, resume, said
        self.path = os.path.join(directory, FILE)
        # A folder that cannot be made is refused before the search, not at
        # its first checkpoint after minutes of work.
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as error:
            raise CheckerError(f"{directory}: cannot keep checkpoints there "
                               f"({error.strerror or error}); give a folder (it is created "
                               f"if missing)") from None
        # nor one that cannot be written (read-only: an archived checkpoint
        # resumed saves into its folder)
        probe = os.path.join(directory, f".cmc-probe-{os.getpid()}")
        try:
            with open(probe, "wb"):
                pass
            os.remove(probe)
        except OSError as error:
            raise CheckerError(f"{directory}: cannot write checkpoints there "
                               f"({error.strerror or error}); give a folder that can be "
                               "written" + (" (copy the checkpoint into one and resume "
                                            "from there)" if resume else "")) from None
        if not resume and os.path.lexists(self.path):
            # another run's checkpoint is not overwritten unasked
            raise CheckerError(f"{directory}: holds a checkpoint already; resume it with "
                               f"--resume {directory}, or give another folder (or delete "
                               f"{self.path})")
        self.last = time.monotonic()
        self.written = 0
        #: where the last checkpoint written holds the search: its depth and
        #: states (None: none written by this run)
        self.saved_at: tuple[int, int] | None = None

    def due(self) -> bool:
        return time.monotonic() - self.last >= self.every

    def save(self, identity: Any, values: dict[str, Any],
             chunks: Iterable[list[Any] | bytes], count: int,
             parts: Iterable[Any] = ()) -> None:
        """Write a checkpoint whole, replacing the last one: the search's
        `values` and its next level, `count` states in `chunks` (each of
        the engine's chunk size but the last), written as they come; the
        visited set (``values["store"]``) takes `parts` (another visited
        set's entries, one after another) when read back, and the
        back-pointers (``values["pointers"]``) are written and read back
        a part at a time (`BackPointers.parts`). One that cannot
        be written (a full disk) stops the run as a full disk does, with
        what it explored reported (`SpillFailed`); the last whole
        checkpoint stays."""
        temporary = self.path + ".partial"
        try:
            os.makedirs(self.directory, exist_ok=True)
            pointers = values["pointers"]
            with open(temporary, "wb") as raw:
                # each a pickle of its own, read back by a load of its own;
                # then the sum of them all
                file = _Summed(raw)
                header = (FORMAT, identity, {**values, "pointers": pointers.empty()}, count)
                for part in chain([header], parts, [POINTERS], pointers.parts(), [LEVEL],
                                  chunks, [END]):
                    pickle.dump(part, file, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(file.sum.digest(), raw, protocol=pickle.HIGHEST_PROTOCOL)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(temporary, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.remove(temporary)
            raise SpillFailed(f"{temporary}: {error.strerror or error}") from None
        self.last = time.monotonic()
        self.written += 1
        self.saved_at = (values["depth"], len(pointers))

    def load(self, identity: Any, size: int,
             directory: WorkDirectory | None = None) -> tuple[dict[str, Any], Frontier]:
        """The values and next level saved by a check with this `identity`:
        the level a `Frontier` of chunks of `size` states, read a chunk at a
        time within its budgets (its spills in `directory`). (A checkpoint is
        a pickle, which runs code as it is read: resume only checkpoints your
        own runs wrote.)"""
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            raise CheckerError(f"{self.directory}: no checkpoint there ({FILE}); give the "
                               "folder a run wrote with --checkpoint") from None
        except OSError as error:
            raise CheckerError(f"{self.path}: cannot read it ({error.strerror or error}); "
                               "give the folder a run wrote with --checkpoint") from None
        if not stat.S_ISREG(found.st_mode):  # (a FIFO would wait for ever)
            raise CheckerError(f"{self.path}: not a file a run wrote; give the folder a run "
                               "wrote with --checkpoint")
        try:
            with open(self.path, "rb") as raw:
                file = _Summed(raw)
                saved, values, count = _header(file)
                if saved != identity:
                    raise CheckerError(
                        f"{self.directory}: the checkpoint is of another check "
                        f"({_difference(saved, identity)}); resume it with the same spec "
                        "and options")
                for part in _until(file, POINTERS):
                    values["store"].take(part)
                for part in _until(file, LEVEL):
                    values["pointers"].take(part)
                frontier = Frontier(size, directory=directory)
                frontier.restore(_until(file, END), count)
                if pickle.load(raw) != file.sum.digest():
                    raise CheckerError(
                        f"{self.path}: the checkpoint is damaged (its bytes are not those "
                        "written: their sum differs); start the run again, or resume an "
                        "undamaged copy")
        except CheckerError:
            raise
        except SpillFailed as error:  # no room to hold the level read back
            raise CheckerError(f"{self.path}: cannot resume: {error}; make room in the "
                               "temporary folder (TMPDIR) or give the run more memory") from None
        except Exception as error:  # whatever the bytes are, they are no checkpoint
            raise CheckerError(f"{self.path}: not a readable checkpoint "
                               f"({type(error).__name__}: {error}); start the run again"
                               ) from None
        if self.said is not None:
            when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(found.st_mtime))
            self.said(f"resuming from the checkpoint in {self.directory}: depth "
                      f"{values['depth']}, {len(values['store']):,} distinct states in "
                      f"{values.get('seconds_before', 0.0):.2f} s, saved at {when}")
        return values, frontier


class _Summed:
    """A file written or read through, its bytes summed on the way: a
    checkpoint ends with the sum of all before it, so that one damaged on
    disk (a byte changed, which may read back as another state) is refused
    rather than resumed into another search."""

    def __init__(self, file: Any):
        self.file, self.sum = file, hashlib.blake2b(digest_size=16)

    def write(self, data: Any) -> int:
        self.sum.update(data)
        return self.file.write(data)

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sum.update(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.file.readline(size)
        self.sum.update(data)
        return data

    def readinto(self, buffer: Any) -> int:
        count = self.file.readinto(buffer)
        self.sum.update(memoryview(buffer)[:count])
        return count


def header(path: str) -> tuple[Any, dict[str, Any], int]:
    """What the checkpoint at `path` is of, its search's values and the
    size of its level, read without the level."""
    with open(path, "rb") as file:
        return _header(file)


def chunks(path: str) -> list[list[Any] | bytes]:
    """The level's chunks in the checkpoint at `path`, as saved."""
    with open(path, "rb") as file:
        _header(file)
        for mark in (POINTERS, LEVEL):
            list(_until(file, mark))
        return list(_until(file, END))


def _header(file: Any) -> tuple[Any, dict[str, Any], int]:
    header = pickle.load(file)
    if not (isinstance(header, tuple) and len(header) == 4 and header[0] == FORMAT):
        raise ValueError("not a checkpoint of this version of cmc")
    _, identity, values, count = header
    if not (isinstance(identity, tuple) and isinstance(values, dict)
            and isinstance(count, int)):
        raise ValueError("not the parts of a checkpoint")
    return identity, values, count


def _until(file: Any, mark: str) -> Iterator[Any]:
    """The pickles that follow, to `mark` (a file without it was cut
    short: `EOFError`)."""
    while True:
        part = pickle.load(file)
        if type(part) is str:
            if part != mark:
                raise ValueError(f"{part!r} where {mark!r} was due")
            return
        yield part


#: What a search's identity holds, in order (`explore.Search._identity`).
_PARTS = ("model", "mutant", "parameters", "settings", "choices", "properties")


def _difference(saved: tuple, identity: tuple) -> str:
    """What differs between the checkpoint's check and this one."""
    if len(saved) != len(identity):
        return "written by another version of cmc"
    for part, then, now in zip(_PARTS, saved, identity):
        if then == now:
            continue
        if part == "settings" and dataclasses.is_dataclass(then):
            fields = [f.name for f in dataclasses.fields(now)
                      if getattr(then, f.name, None) != getattr(now, f.name)]
            return ", ".join(f"{name} {getattr(then, name, None)!r} there, "
                             f"{getattr(now, name)!r} here" for name in fields)
        if part == "properties":
            return "its properties (or a spec's invariants) differ"
        if part == "choices" and isinstance(then, dict):
            if then.get("code") != now.get("code"):
                return "the model's code, or cmc's, changed since"
            return ", ".join(f"{name} {then.get(name)!r} there, {now.get(name)!r} here"
                             for name in dict.fromkeys([*now, *then])
                             if then.get(name) != now.get(name))
        return f"{part} {then!r} there, {now!r} here"
    return "another check"
