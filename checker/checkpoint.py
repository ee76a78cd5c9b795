"""Checkpoints of a search at level boundaries, and resuming from them.

Between two levels the whole search is a handful of values: the visited
set, the back-pointers, the states outside the bounds already checked, the
counts, the findings so far and the next level's states. `Checkpoints`
pickles them into DIR/checkpoint.pickle every `every` seconds, through a
temporary file renamed over the old one, so that a run killed at any
moment (even kill -9, mid-write) leaves the last whole checkpoint. Resumed
from it, the search goes on exactly as the uninterrupted run would have:
the result is the same. The checkpoint names the model, its parameters and
the check's settings, and is refused for any other check.
"""

from __future__ import annotations

import os
import pickle
import time
from typing import Any

from checker.errors import CheckerError

FILE = "checkpoint.pickle"
#: The search's values saved (attributes of the engine's search).
SAVED = ("store", "outside", "pointers", "generated", "depth", "action_counts",
         "new_states", "violations", "witnesses", "canonical_seconds", "bound_stops",
         "bound_stop")


class Checkpoints:
    """Where and how often a search saves itself; `resume` to start from
    the checkpoint already in `directory`."""

    def __init__(self, directory: str, every: float = 60.0, resume: bool = False):
        self.directory, self.every, self.resume = directory, every, resume
        self.path = os.path.join(directory, FILE)
        # A folder that cannot be made is refused before the search, not at
        # its first checkpoint after minutes of work.
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as error:
            raise CheckerError(f"{directory}: cannot keep checkpoints there "
                               f"({error.strerror or error}); give a folder (it is created "
                               f"if missing)") from None
        self.last = time.monotonic()
        self.written = 0

    def due(self) -> bool:
        return time.monotonic() - self.last >= self.every

    def save(self, identity: Any, values: dict[str, Any], frontier: list[Any]) -> None:
        """Write a checkpoint whole, replacing the last one."""
        os.makedirs(self.directory, exist_ok=True)
        temporary = self.path + ".partial"
        with open(temporary, "wb") as file:
            pickle.dump((identity, values, frontier), file, protocol=pickle.HIGHEST_PROTOCOL)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)
        self.last = time.monotonic()
        self.written += 1

    def load(self, identity: Any) -> tuple[dict[str, Any], list[Any]]:
        """The values and frontier saved by a check with this `identity`."""
        try:
            with open(self.path, "rb") as file:
                saved, values, frontier = pickle.load(file)
        except FileNotFoundError:
            raise CheckerError(f"{self.directory}: no checkpoint there ({FILE}); give the "
                               "folder a run wrote with --checkpoint") from None
        except (pickle.UnpicklingError, EOFError, ValueError, AttributeError,
                ImportError) as error:
            raise CheckerError(f"{self.path}: not a readable checkpoint ({error}); "
                               "start the run again") from None
        if saved != identity:
            raise CheckerError(f"{self.directory}: the checkpoint is of another check "
                               f"({_describe(saved)}); resume it with the same spec and "
                               "options")
        return values, frontier


def _describe(identity: Any) -> str:
    name, mutant, params, _ = identity
    return f"model {name!r}{f' (mutant {mutant})' if mutant else ''} with {dict(params)}"
