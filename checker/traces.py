"""Back-pointers for every visited state, and traces rebuilt from them.

For each distinct state the engine keeps only where it came from: its
parent's number and which successor of the parent it was (5 bytes: 4 and,
as long as no state has more than 256 successors, 1). A trace
is rebuilt as TLC does, by re-executing those steps from an initial state;
the model's successor order is part of its contract, and replay checks it.

The back-pointers are written once and read only to rebuild a trace (a few
reads of a few bytes each), so past `HELD` states they go to a file, as the
levels that spill do: the memory holds the last ones only, and a run of
10^8 states does not hold 500 MB of them. The file has no name (it is
unlinked from the start), so nothing is left behind by a run however it
ends.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from bisect import bisect_right
from typing import Any, Iterator

import numpy as np

from checker.errors import ModelDefinitionError
from checker.frontier import SpillFailed
from checker.result import Step, Trace
from checker.symmetry import compose, inverse

NO_PARENT = 0xFFFFFFFF
#: Type codes of the ordinals' array, narrowest first: it is widened when
#: an ordinal does not fit.
_ORDINAL_CODES = "BHI"
#: Back-pointers held in memory before they are written to the file (5 MiB).
HELD = 1 << 20


class BackPointers:
    """Parent and successor number of each state, indexed by state number.

    A *location* ``(parent, ordinal)`` names a state without storing it: the
    `ordinal`-th successor of state `parent`, or the `ordinal`-th initial
    state when `parent` is NO_PARENT.

    The states from `first` on are in the arrays `parents` and `ordinals`;
    those before it were written, a segment at a time, to a nameless file
    in `directory` (the system's temporary folder if None).
    """

    def __init__(self, directory: str | None = None, held: int | None = None) -> None:
        self.parents = array("I")
        self.ordinals = array(_ORDINAL_CODES[0])
        self.directory, self.held = directory, HELD if held is None else held
        self.first = 0
        # segments written: their first numbers, and (count, ordinals'
        # type code, offset in the file: the parents, then the ordinals)
        self.starts: list[int] = []
        self.segments: list[tuple[int, str, int]] = []
        self.written = 0  # bytes in the file
        self.file: Any = None

    def __len__(self) -> int:
        return self.first + len(self.parents)

    def extend(self, parents: Any, ordinals: Any) -> None:
        """Record new states, numbered in order after those already held
        (lists, or numpy arrays: copied in bulk)."""
        self._append(parents, ordinals)
        if len(self.parents) >= self.held:
            self._write()

    def _append(self, parents: Any, ordinals: Any) -> None:
        if isinstance(parents, np.ndarray):
            self.parents.frombytes(parents.astype(np.uint32).view(np.uint8))
            if not len(ordinals) or int(ordinals.max()) < 1 << 8 * self.ordinals.itemsize:
                self.ordinals.frombytes(ordinals.astype(self.ordinals.typecode).view(np.uint8))
                return
            parents, ordinals = [], ordinals.tolist()  # too wide: see below
        self.parents.extend(parents)
        held = len(self.ordinals)
        try:
            self.ordinals.extend(ordinals)
        except OverflowError:
            del self.ordinals[held:]  # the ordinals that fitted, added one by one
            wider = _ORDINAL_CODES[_ORDINAL_CODES.index(self.ordinals.typecode) + 1]
            self.ordinals = array(wider, self.ordinals)
            self._append([], ordinals)

    def _write(self) -> None:
        """The arrays to the end of the file, and emptied. A file that
        cannot be made or written (a full disk) stops the run, as a level
        that cannot spill does; the arrays are then kept."""
        data = self.parents.tobytes() + self.ordinals.tobytes()
        try:
            if self.file is None:
                self.file = tempfile.TemporaryFile(dir=self.directory)
            if os.pwrite(self.file.fileno(), data, self.written) != len(data):
                raise OSError(28, "No space left on device")
        except OSError as error:
            raise SpillFailed(f"back-pointers in {self.directory or tempfile.gettempdir()}: "
                              f"{error.strerror or error}") from None
        self.starts.append(self.first)
        self.segments.append((len(self.parents), self.ordinals.typecode, self.written))
        self.written += len(data)
        self.first += len(self.parents)
        self.parents = array("I")
        self.ordinals = array(self.ordinals.typecode)

    def location(self, number: int) -> tuple[int, int]:
        if number >= self.first:
            return self.parents[number - self.first], self.ordinals[number - self.first]
        segment = bisect_right(self.starts, number) - 1
        index = number - self.starts[segment]
        count, code, offset = self.segments[segment]
        size = array(code).itemsize
        parent = self._read("I", offset + 4 * index, 1)[0]
        return parent, self._read(code, offset + 4 * count + size * index, 1)[0]

    def _read(self, code: str, offset: int, count: int) -> array:
        values = array(code)
        values.frombytes(os.pread(self.file.fileno(), values.itemsize * count, offset))
        return values

    @property
    def nbytes(self) -> int:
        """Bytes held in memory (those in the file: `written`)."""
        return (self.parents.itemsize * len(self.parents)
                + self.ordinals.itemsize * len(self.ordinals))

    def path(self, parent: int, ordinal: int) -> list[int]:
        """Successor numbers from an initial state to the location."""
        ordinals = [ordinal]
        while parent != NO_PARENT:
            parent, ordinal = self.location(parent)
            ordinals.append(ordinal)
        ordinals.reverse()
        return ordinals

    def parts(self) -> Iterator[tuple[array, array]]:
        """Every back-pointer, (parents, ordinals) a segment at a time: a
        checkpoint writes them so, and `take` reads them back."""
        for count, code, offset in self.segments:
            yield self._read("I", offset, count), self._read(code, offset + 4 * count, count)
        yield self.parents, self.ordinals

    def take(self, part: tuple[array, array]) -> None:
        """Record a part (`parts`) after the back-pointers held."""
        self.extend(*map(np.asarray, part))

    def empty(self) -> "BackPointers":
        """Back-pointers kept as these are, holding none."""
        return BackPointers(self.directory, self.held)

    def __getstate__(self) -> dict[str, Any]:
        """Every back-pointer, the file's read back (a checkpoint writes
        them a part at a time instead: `parts`)."""
        code = max([code for _, code, _ in self.segments] + [self.ordinals.typecode],
                   key=_ORDINAL_CODES.index)
        parents, ordinals = array("I"), array(code)
        for count, segment_code, offset in self.segments:
            parents.extend(self._read("I", offset, count))
            ordinals.extend(self._read(segment_code, offset + 4 * count, count).tolist())
        parents.extend(self.parents)
        ordinals.extend(self.ordinals.tolist())
        return {"parents": parents, "ordinals": ordinals, "held": self.held}

    def __setstate__(self, saved: dict[str, Any]) -> None:
        self.__init__(held=saved.get("held"))
        self.parents, self.ordinals = saved["parents"], saved["ordinals"]


def replay(model: Any, path: list[int], expected_final: Any = None,
           symmetry: Any = None) -> Trace:
    """Re-execute `path` (as from `BackPointers.path`) on the model.

    If `expected_final` is given, the replayed run must end in it; otherwise
    the model's successors are not deterministic, which the engine relies on.

    With `symmetry`, the path was recorded among representatives: step k is
    the path's successor of the k-th representative. The trace returned is
    a real run of the unreduced model: each representative's step is
    renamed back through the permutation that took the concrete state to
    that representative.
    """
    initial = list(model.initial_states())
    state = initial[path[0]]
    steps = [Step(None, state)]
    if symmetry is not None:
        current, to_representative = symmetry.canonical(state)
    else:
        current, to_representative = state, None
    reached = current
    for ordinal in path[1:]:
        successors = list(model.successors(current))
        if ordinal >= len(successors):
            _nondeterministic(model)
        action, reached = successors[ordinal]
        if symmetry is None:
            current = reached
            steps.append(Step(action, reached))
            continue
        back = inverse(to_representative)
        steps.append(Step(model.permute_action(action, back), model.permute(reached, back)))
        current, renaming = symmetry.canonical(reached)
        to_representative = compose(renaming, to_representative)
    if expected_final is not None and expected_final != reached and expected_final != current:
        _nondeterministic(model)
    return Trace(tuple(steps))


def _nondeterministic(model: Any) -> None:
    raise ModelDefinitionError(
        f"model {model.name!r}: replaying a trace gave different successors than "
        "exploration did; successors() must yield steps in a deterministic order "
        "(sort before iterating any set or dict)")
