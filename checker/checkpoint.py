"""Checkpoints of a search at level boundaries, and resuming from them.

Between two levels the whole search is a handful of values: the visited
set, the back-pointers, the states outside the bounds already checked, the
counts, the findings so far and the next level's states. `Checkpoints`
pickles them into DIR/checkpoint.pickle every `every` seconds, through a
temporary file renamed over the old one, so that a run killed at any
moment (even kill -9, mid-write) leaves the last whole checkpoint. Resumed
from it, the search goes on exactly as the uninterrupted run would have:
the result is the same. The checkpoint names the model, its parameters,
mutant and other choices (init, network, partition), its properties (a
spec's invariants by their text) and the check's settings, and is refused
for any other check, saying what differs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import stat
import time
from typing import Any, Callable

from checker.errors import CheckerError
from checker.frontier import SpillFailed

FILE = "checkpoint.pickle"
#: The search's values saved (attributes of the engine's search).
SAVED = ("store", "outside", "pointers", "generated", "depth", "action_counts",
         "new_states", "violations", "witnesses", "canonical_seconds", "bound_stops",
         "bound_stop")


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
        if not resume and os.path.lexists(self.path):
            # another run's checkpoint is not overwritten unasked
            raise CheckerError(f"{directory}: holds a checkpoint already; resume it with "
                               f"--resume {directory}, or give another folder (or delete "
                               f"{self.path})")
        self.last = time.monotonic()
        self.written = 0

    def due(self) -> bool:
        return time.monotonic() - self.last >= self.every

    def save(self, identity: Any, values: dict[str, Any], frontier: list[Any]) -> None:
        """Write a checkpoint whole, replacing the last one. One that cannot
        be written (a full disk) stops the run as a full disk does, with
        what it explored reported (`SpillFailed`); the last whole
        checkpoint stays."""
        temporary = self.path + ".partial"
        try:
            os.makedirs(self.directory, exist_ok=True)
            with open(temporary, "wb") as file:
                pickle.dump((identity, values, frontier), file,
                            protocol=pickle.HIGHEST_PROTOCOL)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.remove(temporary)
            raise SpillFailed(f"{temporary}: {error.strerror or error}") from None
        self.last = time.monotonic()
        self.written += 1

    def load(self, identity: Any) -> tuple[dict[str, Any], list[Any]]:
        """The values and frontier saved by a check with this `identity`.
        (A checkpoint is a pickle, which runs code as it is read: resume
        only checkpoints your own runs wrote.)"""
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
            with open(self.path, "rb") as file:
                saved, values, frontier = pickle.load(file)
            if not (isinstance(saved, tuple) and isinstance(values, dict)):
                raise ValueError("not the parts of a checkpoint")
        except Exception as error:  # whatever the bytes are, they are no checkpoint
            raise CheckerError(f"{self.path}: not a readable checkpoint "
                               f"({type(error).__name__}: {error}); start the run again"
                               ) from None
        if saved != identity:
            raise CheckerError(f"{self.directory}: the checkpoint is of another check "
                               f"({_difference(saved, identity)}); resume it with the same "
                               "spec and options")
        if self.said is not None:
            when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(found.st_mtime))
            self.said(f"resuming from the checkpoint in {self.directory}: depth "
                      f"{values['depth']}, {len(values['store']):,} distinct states, saved at "
                      f"{when}")
        return values, frontier


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
                return "the model's code changed since"
            return ", ".join(f"{name} {then.get(name)!r} there, {now.get(name)!r} here"
                             for name in now if then.get(name) != now.get(name))
        return f"{part} {then!r} there, {now!r} here"
    return "another check"
