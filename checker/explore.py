"""Breadth-first exploration: every reachable state, level by level.

`check(model, config)` is the engine's one entry point. It knows nothing
about protocols: it asks the model for initial states and successors, keeps
fingerprints (`fingerprints`; or the states themselves, with
`config.exact`) and back-pointers (`traces`), checks the selected
properties, and returns a `Result`.

Order of events, fixed so that results are identical from run to run and
counterexamples are shortest: levels are expanded in the order their states
were discovered, successors in the model's order; a state is checked when it
is first generated, so the first violation found is at the smallest depth,
and among those the first in generation order.

A state outside the model's bounds (its state constraint) is checked against
the properties when it is generated, but neither stored nor expanded, as
TLC does; met again, it is not checked again (a cache of fingerprints).

With `config.max_depth`, the steps out of the last level are generated and
checked too (transition properties, states outside the bounds): the run is
complete when none of them leads to a new state, and is otherwise stopped
by the bound.

Running out of memory stops the search like a bound does (`stopped_by`
"memory"): what was explored is reported. So does passing
`config.memory_limit` ("memory_limit"), looked at before each chunk.
Levels are held as `frontier.Frontier`s: objects up to a budget of states,
pickled past it, on disk past a budget of bytes (and all of them once the
memory limit is passed: only if that is not enough does the run stop).

With `config.workers` > 1, the search runs, from its first large level
on, in that many processes that each own a part of the states
(`partitioned`, which says why the result is the one-process result).
"""

from __future__ import annotations

import dataclasses
import gc
import random
import resource
import sys
import time
from collections import Counter
from itertools import chain, compress, repeat
from typing import Any, Callable, Iterator

import numpy as np

from checker import checkpoint, partitioned, workers
from checker.checkpoint import Checkpoints
from checker.errors import (CheckerError, ModelDefinitionError, raised_in_model, shortened,
                            where_in_model)
from checker.expressions import ExpressionProperty
from checker.frontier import Frontier, SpillFailed, WorkDirectory, release_memory
from checker.fingerprints import (ExactStore, Fingerprints, FingerprintStore,
                                  collision_probability)
from checker.model import Model, has_bounds, has_view
from checker.progress import Reporter, Silent
from checker.record_types import RecordTypes
from checker.properties import (ASSERTION, BOUND_STOP, DEADLOCK, Property, default_properties,
                                reason_of)
from checker.result import (HOLDS, INCOMPLETE, SETTLED, VIOLATED, CheckConfig, Finding,
                            Result, Stats)
from checker.symmetry import Symmetry
from checker.traces import NO_PARENT, BackPointers, replay

#: Parent states expanded between two batched look-ups in the visited set
#: (and between two looks at the clock).
CHUNK = 1024
#: The smallest level from which the search is partitioned between processes.
FORK_MIN = 2 * CHUNK
#: With auto workers, how much faster per state the processes must expand
#: a level than one process, to go on sharing the search: a model whose
#: states are cheap to expand and whose caches every process must fill
#: again can run slower in several processes than in one, and a busy
#: machine slows any of them. They are timed on their second level (the
#: first pays for the fork: pages copied on first write) against one
#: process's pace on the level before, and then watched (`_still_pays`).
#: On the quiet 2-core machine the trial gave 1.47 on Paxos 3x2x3 (1.4
#: over the whole run) and 1.53 on Raft 3 servers (1.7-1.9); on a machine
#: with one CPU taken by another process, under 1.
PAYS = 1.3
#: Once they paid, the workers go on unless, two levels in a row, they
#: gain less than this on a level (`Partitions.gain`: the CPU time the
#: processes spent on the work one process would do too, generating and
#: checking, over the level's wall time). Quiet, 2 processes: 1.5-1.75 on
#: Raft 3 servers, 1.3-1.67 on Paxos 3x2x3 (its whole runs gain 1.75 and
#: 1.4); with one CPU taken by another process, 0.9-1.1 on both.
KEEPS = 1.1
#: The ordinal of a finding's location ``(number, ITSELF)`` that names the
#: state numbered `number` itself, not one of its successors: where a run
#: ends (a deadlock, a bound stop). Its place in the trace is looked up
#: when the finding is settled, by the process that holds the back-pointers.
ITSELF = None
#: States whose hash is compared before and after expansion, to catch a
#: successor function that mutates its input. (Python's `hash` will do here:
#: a state is compared with itself, not with other states.)
MUTATION_CHECKS = 256


def select_properties(model: Model, names: tuple[str, ...] | None) -> tuple[Property, ...]:
    """The model's properties named in `names` (when None, its default
    ones: every property but the scenario witnesses)."""
    if names is None:
        return default_properties(model.properties.values())
    unknown = [name for name in names if name not in model.properties]
    if unknown:
        raise CheckerError(f"model {model.name!r} has no property {unknown[0]!r}; "
                           f"it has {', '.join(model.properties)}")
    return tuple(model.properties[name] for name in names)


def check(model: Model, config: CheckConfig = CheckConfig(),
          reporter: Reporter | None = None,
          checkpoints: "Checkpoints | None" = None, owners: Any = None) -> Result:
    """Explore `model` breadth-first under `config` and return the result;
    with `checkpoints`, save the search between levels now and then (in one
    process), or resume it from the last checkpoint. `owners` starts the
    partitions of a search shared by `config.workers` (default: forked
    processes, `partitioned.Partitions`; `ray_search.Owners`: Ray actors)."""
    temporal = [p.name for p in select_properties(model, config.properties) if p.temporal]
    if temporal and checkpoints is not None:
        raise CheckerError(
            f"temporal properties ({', '.join(temporal)}) are checked on the whole state "
            "graph at once, which a checkpoint does not hold; check them without "
            "--checkpoint/--resume")
    if temporal:
        # The safety part runs partitioned with workers; the graph of the
        # temporal part is built in one process (its report says so).
        from checker import liveness  # it runs this check for the safety part
        return liveness.check(model, config, reporter, owners)
    # States are tuples and frozensets, which make no reference cycles, yet
    # the cyclic collector would rescan every live frontier state over and
    # over (a third to a half of a long run): it is paused for the search.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if checkpoints is not None:
            config = dataclasses.replace(config, workers=1)  # the frontier is held here
        return _Search(model, config, reporter or Silent(), checkpoints, owners).run()
    finally:
        if collecting:
            gc.enable()


class _Found:
    """The first occurrence of a property's violation (or witness) within
    the chunk being expanded; `order` sorts occurrences by generation."""

    __slots__ = ("order", "location", "state", "reason")

    def __init__(self, order: tuple[int, int], location: tuple[int, int],
                 state: Any, reason: str | None):
        self.order, self.location, self.state, self.reason = order, location, state, reason


class _Batch:
    """Successors generated from a chunk of states, in generation order:
    after `_generate`, the first occurrence of each state not visited before
    the chunk (and within the bounds)."""

    __slots__ = ("fingerprints", "states", "parents", "ordinals", "step_numbers",
                 "action_types", "generated", "counts", "bound_stops", "outside")

    def __init__(self) -> None:
        self.generated = 0
        self.counts: list[int] = []  # steps of each source state, in order
        # the numbers of the source states that are bound stops
        self.bound_stops: list[int] = []
        self.action_types: list[type] = []
        self.step_numbers: Any = []
        self.fingerprints: list[int] = []
        self.states: list[Any] = []
        self.parents: list[int] = []
        self.ordinals: list[int] = []
        # states outside the bounds first met here, to be checked once their
        # owners say they were met first (`_Search.outside_owned`):
        # (fingerprints, states, parents, ordinals)
        self.outside: tuple | None = None


class _Search:
    def __init__(self, model: Model, config: CheckConfig, reporter: Reporter,
                 checkpoints: "Checkpoints | None" = None, owners: Any = None):
        self.model = model
        self.owners = owners or partitioned.Partitions
        self.checkpoints = checkpoints
        self.config = config
        self.reporter = reporter
        self.properties = select_properties(model, config.properties)
        if config.exact:
            self.fingerprint, self.fingerprints_of = _itself, list
            self.store, self.outside = ExactStore(), ExactStore()
        else:
            fingerprints = Fingerprints(config.fp_seed)
            self.fingerprint, self.fingerprints_of = fingerprints, fingerprints.of_all
            self.store = FingerprintStore()
            # States met outside the bounds, so that each is checked once: a
            # cache (in the peak memory, not in store_bytes, which counts
            # what the search must keep: the visited set and back-pointers).
            self.outside = FingerprintStore()
        # With a view (`Model.view`), states within the bounds are one by
        # their views; one outside is itself (`_fresh_by_view`).
        self.viewed = has_view(model)
        self.state_keys = self.fingerprints_of
        if self.viewed:
            self.fingerprint, self.fingerprints_of = _Viewed(model, self.fingerprints_of,
                                                             config.exact).pair()
        # In a partition (`partitioned`), a state outside the bounds is
        # checked once the owner of its fingerprint says it was met there
        # first: every process meets states the others met before.
        self.outside_owned = False
        self.pointers = BackPointers()
        self.directory = WorkDirectory()  # where levels spill to disk
        self.levels: tuple[Frontier, ...] = ()  # the level expanded and the next one
        self.generated = 0
        self.depth = 0
        self.action_counts: Counter[type] = Counter()
        self.new_states: Counter[type] = Counter()  # distinct states first met, by action
        self.stopped_by: str | None = None
        self.violations: dict[str, Finding] = {}
        self.witnesses: dict[str, Finding] = {}
        self.bounded = has_bounds(model)
        self.action_kinds: set[type] = set(model.actions)  # and subclasses met
        self.symmetry = Symmetry(model, config.symmetry) if config.symmetry else None
        if self.symmetry is not None and self.symmetry.order == 1:
            self.symmetry = None  # every element stands alone: nothing to reduce
        self.canonical_seconds = 0.0
        self.workers = config.workers if workers.AVAILABLE else 1
        self.processes_used = 1  # the most that expanded one level together
        self.workers_lost = 0  # worker processes that died (their work was redone here)
        self.worker_memory = 0  # the most a worker process held of its own
        self.partitions: partitioned.Partitions | None = None
        # seconds per state of the last level of at least FORK_MIN states
        # that one process expanded, and the trial of auto workers (`PAYS`):
        # "measuring" that pace, "warming" and "trying" the partitions'
        # first two levels, then "watching" them if they paid
        self.pace: float | None = None
        self.short_levels = 0  # levels in a row where the watched partitions did not pay
        self.auto = "measuring" if config.auto_workers and owners is None else None
        self.one_process_from: int | None = None
        self.partition_store_bytes = 0  # the visited sets of the other partitions
        self.soundness = _SoundnessGuard(model, self.symmetry, self.properties,
                                         config.exact) if self.symmetry else None
        self.record_types = RecordTypes(model.name)
        if self.symmetry is not None:
            self.soundness.refuse_expressions_telling_apart()
        if config.deadlock:
            self.properties += (DEADLOCK,)
        self.bound_stops = 0
        self.bound_stop: Finding | None = None
        self._activate()

    def _activate(self, shown: set[str] = frozenset()) -> None:
        """Bind the predicates still to be checked (a property found once is
        not checked again), `shown` too if given."""
        done = self.violations.keys() | self.witnesses.keys() | shown

        def bound(kind: str) -> list[tuple[Property, Callable[..., Any]]]:
            return [(p, getattr(self.model, p.name)) for p in self.properties
                    if p.kind == kind and p.name not in done]

        self.invariants = bound("invariant")
        self.transitions = bound("transition")
        self.reachables = bound("reachable")
        self.deadlocks = DEADLOCK in self.properties and DEADLOCK.name not in done
        self.asserting = ASSERTION.name not in done
        self.seeking_bound_stop = self.bound_stop is None and BOUND_STOP.name not in done

    # -- the search ------------------------------------------------------------

    def run(self) -> Result:
        started = time.monotonic()
        deadline = (started + self.config.time_limit
                    if self.config.time_limit is not None else None)
        try:
            frontier = (self._resumed() if self.checkpoints and self.checkpoints.resume
                        else self._initial_level())
            while frontier and not self._stopping() and not self._over_memory_limit():
                if self.checkpoints is not None and self.checkpoints.due():
                    self.checkpoints.save(self._identity(), {
                        name: getattr(self, name) for name in checkpoint.SAVED}, frontier)
                if self.config.max_depth is not None and self.depth >= self.config.max_depth:
                    # Expanding further would go past the bound: the run is
                    # complete only if no unexplored state lies beyond it.
                    if (self._expand(frontier, deadline, probe_only=True)
                            and self.stopped_by is None):  # (or every property is settled)
                        self.stopped_by = "max_depth"
                    break
                frontier = self._expand(frontier, deadline)
        except partitioned.Failed as failure:
            # The run starts again in this process, where an error in the
            # model is reported as one process reports it.
            self._close_partitions()
            again = _Search(self.model, dataclasses.replace(self.config, workers=1),
                            self.reporter).run()
            return dataclasses.replace(again, stats=dataclasses.replace(
                again.stats, workers=self.processes_used, workers_lost=int(failure.died),
                worker_memory_bytes=self.worker_memory))
        except KeyboardInterrupt:
            self.stopped_by = "interrupted"
        except SpillFailed:
            self.stopped_by = "disk"  # what was explored is reported
        except MemoryError:
            # What the search holds beyond the visited set and back-pointers
            # goes, so that the result can still be built and reported.
            frontier = []
            self._close_partitions()
            self.outside = type(self.outside)()
            if isinstance(self.fingerprint, Fingerprints):
                self.fingerprint.forget()
            gc.collect()
            self.stopped_by = "memory"
        finally:
            self._close_partitions()
            self.levels = ()
            self.directory.close()
        seconds = time.monotonic() - started
        self.reporter.finish(self.depth, len(self.pointers), self.generated)
        return self._result(seconds)

    def _identity(self) -> tuple:
        """What a checkpoint must match to be resumed by this search: the
        model, its parameters, mutant and other choices, its properties
        (a spec's expressions by their text) and the check's settings."""
        return (self.model.name, getattr(self.model, "mutant", None),
                tuple(sorted(self.model.parameters().items())),
                dataclasses.replace(self.config, workers=1, auto_workers=False,
                                    time_limit=None, memory_limit=None),
                self.model.choices(),
                tuple((p.name, p.kind, p.doc) for p in self.model.properties.values()))

    def _resumed(self) -> Frontier:
        """The search as the last checkpoint left it; its next level."""
        values, frontier = self.checkpoints.load(self._identity())
        frontier.directory = self.directory
        for name, value in values.items():
            setattr(self, name, value)
        self._activate()
        if self.soundness is not None:  # it sampled the first states already
            self.soundness.states_left = self.soundness.steps_left = 0
        return frontier

    def _close_partitions(self) -> None:
        if self.partitions is not None:
            self.partitions.close()
            self.partitions = None

    def _over_memory_limit(self) -> bool:
        """Whether the run holds more memory than `config.memory_limit`
        allows (this process's resident memory, and what each partition
        process holds of its own): if so, the levels held go to disk, and
        from then on every level (`Frontier.spill`); if that is not enough,
        the run stops, as at a bound."""
        limit = self.config.memory_limit
        if limit is None:
            return False
        if self._memory_held() <= limit:
            return False
        if not self.directory.everything:
            self.directory.everything = True
            if self.partitions is not None:
                self.partitions.spill()
            for level in self.levels:
                level.spill()
            release_memory()
            if self._memory_held() <= limit:
                return False
        self.stopped_by = "memory_limit"
        return True

    def _memory_held(self) -> int:
        held = workers.resident_memory()
        if self.partitions is not None:
            held += self.partitions.memory()
        return held

    def _stopping(self) -> bool:
        return self.stopped_by is not None or (
            bool(self.violations) and not self.config.keep_going)

    def _initial_level(self) -> Frontier:
        """The initial states, treated as the successors of no state."""
        found: dict[str, _Found] = {}
        try:
            initial = [(None, state) for state in self.model.initial_states()]
        except MemoryError:
            raise
        except (Exception, SystemExit) as error:
            raise raised_in_model(self.model.name, "initial_states()", error) from None
        if not initial:
            raise ModelDefinitionError(f"model {self.model.name!r}: initial_states() gave no "
                                       "state, so there is nothing to check; return at least "
                                       "one")
        batch = self._generate([initial], NO_PARENT, [None], found)
        self.generated += batch.generated
        level = self._admit_new(batch, found)
        self._settle(found)
        self.reporter.update(0, len(self.pointers), self.generated, len(level))
        return Frontier(CHUNK, level, directory=self.directory)

    def _expand(self, frontier: Frontier, deadline: float | None,
                probe_only: bool = False) -> Frontier | list[Any]:
        """Expand one level; return the next one. When `probe_only` (the
        level at the depth bound), check its steps but store nothing: return
        one new state if there is one."""
        first = len(self.pointers) - len(frontier)
        if self.partitions is not None or self._worth_partitioning(frontier):
            return self._expand_partitioned(frontier, first, deadline, probe_only)
        if probe_only:
            # Every step is generated and checked as on any level, to the
            # level's end, though a new state beyond the bound already makes
            # the run incomplete: a later state's deadlock or step may break
            # a property within the bound.
            beyond: list[Any] = []
            for low, chunk in zip(range(first, first + len(frontier), CHUNK), frontier.take()):
                found: dict[str, _Found] = {}
                batch = self._steps_of(chunk, low, found)
                self.generated += batch.generated
                self.bound_stops += len(batch.bound_stops)
                self.action_counts.update(batch.action_types)
                beyond = beyond or self._admit_new(batch, found, probe_only=True)
                self._settle(found)
                if self._stopping():
                    break
            return beyond
        next_level = Frontier(CHUNK, directory=self.directory)
        self.levels = (frontier, next_level)
        started = time.monotonic()
        for low, chunk in zip(range(first, first + len(frontier), CHUNK), frontier.take()):
            if self._stopping():
                break
            if deadline is not None and time.monotonic() > deadline:
                self.stopped_by = "time_limit"
                break
            if self._over_memory_limit():
                break
            next_level.extend(self._expand_chunk(chunk, low, len(next_level)))
        if next_level:
            self.depth += 1
        if len(frontier) >= FORK_MIN and not self._stopping():
            self.pace = (time.monotonic() - started) / len(frontier)
        return next_level

    def _expand_chunk(self, chunk: list[Any], first: int, level_size: int) -> list[Any]:
        """Expand the states `chunk` (numbered from `first`): store, check and
        return the new states they lead to, in order."""
        found: dict[str, _Found] = {}
        batch = self._steps_of(chunk, first, found)
        self.generated += batch.generated
        self.bound_stops += len(batch.bound_stops)
        self.action_counts.update(batch.action_types)
        new = self._admit_new(batch, found)
        self._settle(found)
        self.reporter.update(self.depth + 1, len(self.pointers), self.generated,
                             level_size + len(new))
        return new

    def _steps_of(self, chunk: list[Any], first: int, found: dict[str, _Found]) -> "_Batch":
        """The successors of `chunk`, generated and checked (`_generate`)."""
        watched = chunk[:max(0, MUTATION_CHECKS - first)]
        try:
            hashes = list(map(hash, watched))
        except TypeError as error:  # a dict or a list: mutable, so no state
            raise _unusable(self.model, error) from None
        try:
            step_lists = [steps if type(steps) is list else list(steps)
                          for steps in map(self.model.successors, chunk)]
        except MemoryError:
            raise
        except AssertionError:
            step_lists = self._asserting(chunk, first, found)
        except (Exception, SystemExit) as error:
            raise raised_in_model(self.model.name, "successors()", error) from None
        if len(step_lists) < len(chunk):  # map() ends at a StopIteration it meets
            raise _stopped(self.model, "successors()")
        if watched and list(map(hash, watched)) != hashes:
            raise ModelDefinitionError(
                f"model {self.model.name!r}: successors() changed the state it "
                "was given; build new states instead of mutating (use tuples "
                "and frozensets, or dataclasses.replace on frozen dataclasses)")
        batch = self._generate(step_lists, first, chunk, found)
        if not all(step_lists):
            self._ends(chunk, [k for k, steps in enumerate(step_lists)
                               if not steps and steps is not _FAILED_ASSERTION],
                       first, batch, found)
        return batch

    def _asserting(self, chunk: list[Any], first: int, found: dict[str, _Found]) -> list:
        """The successors of `chunk`, some of whose states' raise
        `AssertionError`: each such state fails `ASSERTION` (the first in
        the chunk is its finding, unless one was found before) and has no
        step (a step failing its assert is none, as in TLC)."""
        step_lists: list = []
        for k, state in enumerate(chunk):
            try:
                steps = self.model.successors(state)
                step_lists.append(steps if type(steps) is list else list(steps))
            except MemoryError:
                raise
            except AssertionError as error:
                step_lists.append(_FAILED_ASSERTION)
                if self.asserting:
                    told = (str(error) or "assert failed").splitlines()[0]  # one line
                    _first(found, ASSERTION.name, (-1, k), (first + k, ITSELF), state,
                           f"a step from here fails its assertion: {told}"
                           f"{where_in_model(error)}")
            except (Exception, SystemExit) as error:
                raise raised_in_model(self.model.name, "successors()", error) from None
        return step_lists

    def _ends(self, chunk: list[Any], ending: list[int], first: int, batch: "_Batch",
              found: dict[str, _Found]) -> None:
        """The states ``chunk[k]`` for k in `ending` (numbered from `first`)
        end their runs: each is a bound stop if the model names the bound
        that ran out, else a deadlock, unless an action is enabled there
        whose steps change nothing (`Model.stutters`: TLC sees a step from
        the state to itself). Both come before the steps of the
        chunk in the order of findings: they are met when their states
        are expanded, a level before those steps' states."""
        for k in ending:
            reason = self.model.bound_reason(chunk[k])
            if reason is not None:
                batch.bound_stops.append(first + k)
                if self.seeking_bound_stop:
                    _first(found, BOUND_STOP.name, (-1, k), (first + k, ITSELF), chunk[k],
                           reason)
            elif self.deadlocks and not self.model.stutters(chunk[k]):
                _first(found, DEADLOCK.name, (-1, k), (first + k, ITSELF), chunk[k],
                       "no action is enabled and no bound explains why")

    # -- partitions ----------------------------------------------------------------
    #
    # Past the first large level, the search runs in `workers` processes that
    # each own a part of the states (`partitioned`), with the one-process result.

    def _worth_partitioning(self, frontier: Frontier) -> bool:
        return (self.workers > 1 and len(frontier) >= FORK_MIN
                and self.config.max_states is None  # the bound is counted in order
                and not (self.soundness is not None and self.soundness.pending)
                # auto workers are tried once one process's pace is known
                and not (self.auto == "measuring" and self.pace is None))

    def _expand_partitioned(self, frontier: Any, first: int, deadline: float | None,
                            probe_only: bool) -> Any:
        if self.partitions is None:
            self.partitions = self.owners(self, frontier.states(), first, self.workers)
            self.processes_used = self.workers
            if self.auto == "measuring":
                self.auto = "warming"  # the first level pays for the fork: not measured
        started = time.monotonic()
        level = self.partitions.level(deadline, probe_only)
        if level and not probe_only:
            self.depth += 1
            pace = (time.monotonic() - started) / len(frontier)
            paying = True
            if self.auto == "warming":
                self.auto = "trying"
            elif self.auto == "trying" and not self._stopping():
                paying = self._decide(pace)
            elif (self.auto == "watching" and len(frontier) >= FORK_MIN
                  and not self._stopping()):
                # two levels in a row, so that one slow level does not decide
                gain = self.partitions.gain
                self.short_levels = 0 if self._still_pays(gain) else self.short_levels + 1
                paying = self.short_levels < 2
            if not paying:  # one process goes on
                self.auto, self.workers = None, 1
                return self._fold()
        return level

    def _fold(self) -> Frontier:
        """Go on in this process alone, with the level the partitions hold."""
        level = self.partitions.fold()
        self.partitions = None
        self.one_process_from = self.depth
        return Frontier(CHUNK, level, directory=self.directory)

    def _decide(self, shared: float) -> bool:
        """After the trial of auto workers (their pace `shared`, seconds a
        state): whether they were `PAYS` times as fast as one process the
        level before; if so they go on, watched (`_still_pays`)."""
        if shared * PAYS > self.pace:
            return False
        self.auto = "watching"
        return True

    def _still_pays(self, gain: float) -> bool:
        """Whether the workers, which gained `gain` on a level (the work one
        process would do, measured in CPU time, over the level's wall time:
        `Partitions.gain`), are still worth `KEEPS`. Measured on each level
        itself: the states of a deep level may be cheaper to expand (the
        model's caches warm up) and the cost of sharing them is not."""
        return gain >= KEEPS

    def _generate(self, step_lists: list[list[tuple[Any, Any]]], first: int,
                  sources: list[Any], found: dict[str, _Found]) -> "_Batch":
        """The successors of a chunk of states (numbered from `first`;
        `step_lists[k]` are the steps of ``sources[k]``), in order, with
        steps and out-of-bounds successors checked on the way. Bulk
        operations throughout, since this handles every successor."""
        batch = _Batch()
        counts = list(map(len, step_lists))
        steps = list(chain.from_iterable(step_lists))
        batch.generated = len(steps)
        batch.counts = counts
        if not steps:
            return batch
        try:
            actions, next_states = zip(*steps)
        except (TypeError, ValueError):
            bad = next(step for step in steps if type(step) is not tuple or len(step) != 2)
            raise ModelDefinitionError(
                f"model {self.model.name!r}: successors() yielded {shortened(bad)}; yield "
                "(action, next state) pairs") from None
        numbers = range(first, first + len(counts)) if first != NO_PARENT else [first]
        parents = list(chain.from_iterable(map(repeat, numbers, counts)))
        ordinals = list(chain.from_iterable(map(range, counts)))
        # Findings are ordered by (step number in this batch, 0 for the step,
        # 1 for the state it reaches): the order in which TLC meets them.
        step_numbers: Any = range(len(steps))
        if first != NO_PARENT:
            batch.action_types = list(map(type, actions))
            if not self.action_kinds.issuperset(batch.action_types):
                self._new_action_kinds(batch.action_types)
            if self.transitions:
                step_sources = list(chain.from_iterable(map(repeat, sources, counts)))
                for prop, predicate in self.transitions:
                    outcomes = self._evaluate(prop, predicate, step_sources, actions,
                                              next_states)
                    _first_failure(found, prop, outcomes, next_states, parents, ordinals,
                                   step_numbers, 0)
        if self.symmetry is not None and self.soundness.pending:
            for steps_of, parent in zip(step_lists, numbers):
                self.soundness.check_steps(sources[parent - first], steps_of, parent)
        try:
            fingerprints = self.fingerprints_of(next_states)
            # Most successors are states already visited, which are within
            # the bounds and were checked when first met, or meet again a
            # state met earlier in the chunk: only the first of each other
            # state goes on. (A partition's visited set holds the states
            # it sent to their owners too: `partitioned`.)
            if self.viewed and self.bounded:
                fresh, every_inside = self._fresh_by_view(next_states, fingerprints)
            else:
                fresh, every_inside = self.store.add_new(fingerprints, record=False), None
        except TypeError as error:
            raise _unusable(self.model, error) from None
        self.record_types.check_states(next_states, fingerprints, self.store.looked_up)
        every = (fingerprints, parents, every_inside, next_states)  # each step's, for `_cut_off`
        if len(fresh) < len(fingerprints):
            next_states = list(map(next_states.__getitem__, fresh))
            fingerprints = list(map(fingerprints.__getitem__, fresh))
            parents = list(map(parents.__getitem__, fresh))
            ordinals = list(map(ordinals.__getitem__, fresh))
            step_numbers = fresh  # those of the whole chunk are its positions
        if self.bounded:
            inside = (self._inside(next_states) if every_inside is None
                      else list(map(every_inside.__getitem__, fresh)))
            if not all(inside):
                # Checked once each: a state met again outside the bounds
                # gives the same answers as when it was first met.
                outside = [k for k, is_inside in enumerate(inside) if not is_inside]
                if first != NO_PARENT:
                    self._cut_off(outside, fingerprints, next_states, every, counts, first,
                                  batch, found)
                # (in a partition, recorded by their owners: `partitioned`)
                keys = (fingerprints if every_inside is None  # (with a view: the states')
                        else dict(zip(outside, self.state_keys([next_states[k]
                                                                for k in outside]))))
                first_met = [outside[k] for k in self.outside.add_new(
                    [keys[k] for k in outside], record=not self.outside_owned)]
                met = ([next_states[k] for k in first_met], [parents[k] for k in first_met],
                       [ordinals[k] for k in first_met])
                if self.outside_owned:
                    batch.outside = ([keys[k] for k in first_met],) + met
                else:
                    self._check_states(*met, [step_numbers[k] for k in first_met], found)
                next_states = list(compress(next_states, inside))
                fingerprints = list(compress(fingerprints, inside))
                parents = list(compress(parents, inside))
                ordinals = list(compress(ordinals, inside))
                step_numbers = list(compress(step_numbers, inside))
        batch.fingerprints = fingerprints
        batch.states = list(next_states)
        batch.parents = parents
        batch.ordinals = ordinals
        batch.step_numbers = step_numbers
        return batch

    def _cut_off(self, outside: list[int], fingerprints: list[int], next_states: Any,
                 every: tuple, counts: list[int], first: int,
                 batch: "_Batch", found: dict[str, _Found]) -> None:
        """Count as bound stops the states of the chunk (numbered from
        `first`, with `counts` steps each) all of whose steps lead outside
        the bounds: those listed in `outside` (positions among the first
        occurrences of the states not visited; `every` holds the
        fingerprint and parent of every step, since a step that meets a
        state again, visited or met earlier in the chunk, is a step too,
        and with a view whether each is within the bounds, and its state)."""
        every_fingerprints, every_parents, every_inside, every_state = every
        if every_inside is None:
            beyond = {fingerprints[k]: next_states[k] for k in outside}
            leaving = list(map(beyond.__contains__, every_fingerprints))  # at C speed
        else:  # (a state outside may share its view with one inside)
            leaving = [not is_inside for is_inside in every_inside]
        cut = Counter(compress(every_parents, leaving))
        for parent, number in cut.items():
            if number == counts[parent - first]:
                batch.bound_stops.append(parent)
                if self.seeking_bound_stop:
                    state = next(state for state, source, leaves in zip(
                        every_state, every_parents, leaving) if source == parent and leaves)
                    reason = self.model.bound_reason(state) or (
                        "every step from here leaves the bounds (within_bounds)")
                    _first(found, BOUND_STOP.name, (-1, parent - first), (parent, ITSELF),
                           None, reason)

    def _inside(self, states: Any) -> list[bool]:
        try:
            inside = list(map(self.model.within_bounds, states))
        except (Exception, SystemExit) as error:
            raise raised_in_model(self.model.name, "within_bounds()", error) from None
        if len(inside) < len(states):
            raise _stopped(self.model, "within_bounds()")
        if None in inside:
            raise ModelDefinitionError(
                f"model {self.model.name!r}: within_bounds() returned None; return True "
                "or False: is a return missing?")
        return inside

    def _fresh_by_view(self, states: Any, fingerprints: Any) -> tuple[list[int], list[bool]]:
        """With a view and bounds: the positions of the first step to each
        view within the bounds not visited, and of the first step to each
        state outside them (as TLC, which fingerprints only the states within
        its state constraint: one outside is one with no other state, and
        checked); and whether each step stays within the bounds."""
        inside = self._inside(states)
        unseen = set(map(fingerprints.__getitem__, self.store.add_new(fingerprints,
                                                                      record=False)))
        fresh, met = [], set()
        for k, (fingerprint, state, is_inside) in enumerate(zip(fingerprints, states, inside)):
            key = (True, fingerprint) if is_inside else (False, state)
            if key not in met and (fingerprint in unseen or not is_inside):
                met.add(key)
                fresh.append(k)
        return fresh, inside

    def _admit_new(self, batch: "_Batch", found: dict[str, _Found],
                   probe_only: bool = False) -> list[Any]:
        """The states of `batch` seen for the first time, in generation
        order: checked, and stored unless the state bound forbids it."""
        if self.symmetry is not None:
            self._canonicalize(batch)
        room = (self.config.max_states - len(self.pointers)
                if self.config.max_states is not None else None)
        states, parents, ordinals = batch.states, batch.parents, batch.ordinals
        step_numbers = batch.step_numbers
        if self.symmetry is None:
            # `_generate` left in the batch only states never seen, each once
            admitted = len(states) if room is None else min(room, len(states))
            if probe_only:
                return states[:1]
            self.store.add_all(batch.fingerprints[:admitted])
            if admitted < len(states):
                self.stopped_by = "max_states"
            new, new_parents, new_ordinals = (states[:admitted], parents[:admitted],
                                              ordinals[:admitted])
            step_numbers = step_numbers[:admitted]
        else:
            positions = self.store.add_new(batch.fingerprints, limit=room,
                                           record=not probe_only)
            if probe_only:
                return [states[position] for position in positions[:1]]
            if room is not None and len(positions) == room and len(
                    self.store.add_new(batch.fingerprints, record=False)):
                self.stopped_by = "max_states"
            new = list(map(states.__getitem__, positions))
            self.soundness.check_states(new, list(map(batch.fingerprints.__getitem__, positions)))
            new_parents = list(map(parents.__getitem__, positions))
            new_ordinals = list(map(ordinals.__getitem__, positions))
            step_numbers = list(map(step_numbers.__getitem__, positions))
        if batch.action_types:  # not the initial states
            self.new_states.update(map(batch.action_types.__getitem__, step_numbers))
        self._check_states(new, new_parents, new_ordinals, step_numbers, found)
        self.pointers.extend(new_parents, new_ordinals)
        return new

    def _canonicalize(self, batch: "_Batch") -> None:
        """Replace each state of `batch` (none of them in the visited set) by
        its representative. A state equal to a representative met earlier
        in the batch is its own representative: it is not canonicalized
        again."""
        started = time.perf_counter()
        states, fingerprints = batch.states, batch.fingerprints
        representative, fingerprint_of = self.symmetry.representative, self.fingerprint
        # fingerprint of a state met in this batch -> (its representative,
        # the representative's fingerprint); a representative maps to itself
        met: dict[int, tuple[Any, int]] = {}
        try:
            for position, fingerprint in enumerate(fingerprints):
                known = met.get(fingerprint)
                if known is None:
                    state = representative(states[position])
                    canonical = fingerprint_of(state)
                    known = met[fingerprint] = met.setdefault(canonical, (state, canonical))
                states[position], fingerprints[position] = known
        except MemoryError:
            raise
        except (Exception, SystemExit) as error:  # the model's permute() or signatures()
            raise raised_in_model(self.model.name, "permute() or signatures()", error) from None
        self.canonical_seconds += time.perf_counter() - started

    # -- properties -------------------------------------------------------------

    def _check_states(self, states: list[Any], parents: list[int], ordinals: list[int],
                      step_numbers: list[int], found: dict[str, _Found]) -> None:
        """Check the invariants and reachability properties on `states`
        (reached by the given steps), recording the first failure (or
        witness) of each."""
        for prop, outcomes, reached in self._outcomes(states):
            k = next(k for k, outcome in enumerate(outcomes) if bool(outcome) is reached)
            _first(found, prop.name, (step_numbers[k], 1), (parents[k], ordinals[k]),
                   states[k], None if reached else reason_of(outcomes[k]))

    def _outcomes(self, states: list[Any]) -> Iterator[tuple[Property, list[Any], bool]]:
        """Each invariant that some of `states` fail, and each reachability
        property that some reach (`reached`), with its outcome on every
        state: one property over all of them at a time, the predicate
        mapped at C speed, and only a failure looked at closely."""
        for prop, predicate in self.invariants:
            outcomes = self._evaluate(prop, predicate, states)
            if not all(outcomes):
                self._no_answer(prop, outcomes)
                yield prop, outcomes, False
        for prop, predicate in self.reachables:
            outcomes = self._evaluate(prop, predicate, states)
            self._no_answer(prop, outcomes)
            if any(outcomes):
                yield prop, outcomes, True

    def _no_answer(self, prop: Property, outcomes: list[Any]) -> None:
        """A property answers True, False or `Fails`: None is a forgotten
        `return`, which would read as a failure (or as never reached)."""
        if None in outcomes:
            raise ModelDefinitionError(
                f"model {self.model.name!r}: property {prop.name!r} returned None; "
                "return True or False (or Fails(reason)): is a return missing?")

    def _new_action_kinds(self, kinds: list[type]) -> None:
        """Steps of a type not among the model's `actions` (a subclass of
        one counts as it): refused, since reports and fairness name steps
        by those types; a model that declares none takes any."""
        for kind in set(kinds) - self.action_kinds:
            if self.model.actions and not any(issubclass(kind, declared)
                                              for declared in self.model.actions):
                raise ModelDefinitionError(
                    f"model {self.model.name!r}: successors() yielded an action of type "
                    f"{kind.__name__}, which is not among the model's actions "
                    f"({', '.join(a.__name__ for a in self.model.actions)}); add it to "
                    "`actions`, or yield one of those")
            self.action_kinds.add(kind)

    def _evaluate(self, prop: Property, predicate: Callable[..., Any],
                  *arguments: Any) -> list[Any]:
        try:
            outcomes = list(map(predicate, *arguments))
        except (Exception, SystemExit) as error:
            self._raised(prop, error)
        if len(outcomes) < len(arguments[0]):  # map() ends at a StopIteration it meets
            raise _stopped(self.model, f"property {prop.name!r}")
        return outcomes

    def _raised(self, prop: Property | None, error: Exception) -> None:
        if prop is None or isinstance(error, (CheckerError, MemoryError)):
            raise error  # a spec's expression names its own mistake
        raise raised_in_model(self.model.name, f"property {prop.name!r}", error) from None

    def _settle(self, found: dict[str, _Found]) -> None:
        """Turn a chunk's first occurrences into findings with traces."""
        if not found:
            return
        kinds = {p.name: p for p in self.properties + (BOUND_STOP, ASSERTION)}
        for name, occurrence in sorted(found.items(), key=lambda item: item[1].order):
            if name in self.violations:  # found in an earlier chunk: that one is shortest
                continue
            prop = kinds[name]
            number, ordinal = occurrence.location
            location = (self.pointers.location(number) if ordinal is ITSELF
                        else occurrence.location)
            trace = replay(self.model, self.pointers.path(*location), occurrence.state,
                           self.symmetry)
            reason = occurrence.reason
            if self.symmetry is not None and prop.kind in ("invariant", "transition",
                                                           "reachable"):
                reason = self._reason_on(prop, trace)  # names as in the real run
            finding = Finding(prop, trace, reason)
            if prop is BOUND_STOP:
                self.bound_stop = self.bound_stop or finding
            elif prop.kind == "reachable":
                self.witnesses[name] = finding
            else:
                self.violations[name] = finding
        self._activate()
        if (self.config.stop_when_settled and self.properties and not self.unsettled()
                and not self._stopping()):  # (a violation stops a run as it did)
            self.stopped_by = SETTLED

    def unsettled(self) -> list[str]:
        """The properties not settled yet: neither violated nor witnessed."""
        return [p.name for p in self.properties
                if p.name not in self.violations and p.name not in self.witnesses]

    def _reason_on(self, prop: Property, trace: Any) -> str | None:
        """Why `prop` fails (or is reached) at the end of `trace`, a real
        run renamed back from representatives. The answer there must be
        the representative's: where it is not, the property tells renamed
        elements apart, which `_SoundnessGuard` samples for and the reduction
        relies on, so the run is refused rather than reported with a trace
        that ends in a state that does not show it."""
        predicate = getattr(self.model, prop.name)
        if prop.kind == "transition":
            before, after = trace.steps[-2], trace.steps[-1]
            outcome = predicate(before.state, after.action, after.state)
        else:
            outcome = predicate(trace.final)
        if bool(outcome) is not (prop.kind == "reachable"):
            _SoundnessGuard.refuse(self.model, self.symmetry.groups, f"property {prop.name!r} "
                                   f"({prop.title})", "gives one answer on a representative "
                                   "state and another on the real state it stands for")
        return reason_of(outcome)

    # -- the result -------------------------------------------------------------

    def _per_action(self, counts: Counter) -> dict[str, int]:
        """Counts by action name, every action of the model listed."""
        named = {kind.__name__: 0 for kind in self.model.actions}
        named.update({kind.__name__: n for kind, n in sorted(
            counts.items(), key=lambda item: item[0].__name__)})
        return named

    def _result(self, seconds: float) -> Result:
        # the model's assertions are listed only when one fails, as deadlocks
        checked = self.properties + (
            (ASSERTION,) if ASSERTION.name in self.violations else ())
        violations = [self.violations[p.name] for p in checked if p.name in self.violations]
        exhausted = self.stopped_by is None and not (
            self.violations and not self.config.keep_going)
        if exhausted:
            violations += [Finding(p, None, "no reachable state satisfies it")
                           for p in self.properties
                           if p.kind == "reachable" and p.name not in self.witnesses]
        if violations:
            verdict = VIOLATED
        elif self.stopped_by not in (None, SETTLED):
            verdict = INCOMPLETE
        else:
            verdict = HOLDS
        distinct = len(self.pointers)
        stats = Stats(
            distinct_states=distinct,
            generated_states=self.generated,
            depth=self.depth,
            seconds=seconds,
            peak_memory_bytes=_peak_memory(),
            store_bytes=self.store.nbytes + self.partition_store_bytes + self.pointers.nbytes,
            actions=self._per_action(self.action_counts),
            new_states=self._per_action(self.new_states),
            collision_probability=(0.0 if self.config.exact
                                   else collision_probability(distinct, self.generated)),
            symmetry=tuple(self.config.symmetry),
            canonical_seconds=self.canonical_seconds,
            workers=self.processes_used,
            workers_lost=self.workers_lost,
            one_process_from=self.one_process_from,
            worker_memory_bytes=self.worker_memory,
            fp_seed=self.config.fp_seed,
            exact=self.config.exact,
            bound_stops=self.bound_stops,
            model_stats=dict(self.model.run_stats()),
        )
        witnesses = tuple(self.witnesses[p.name] for p in self.properties
                          if p.name in self.witnesses)
        # The deadlock check is listed only when it fails, so that the
        # reports of a run without deadlock read as before.
        listed = tuple(p for p in checked if p is not DEADLOCK or p.name in self.violations)
        return Result(verdict=verdict, stats=stats, properties=listed,
                      violations=tuple(violations), witnesses=witnesses,
                      stopped_by=self.stopped_by, bound_stop=self.bound_stop)


def _stops_search(model: Model, name: str) -> bool:
    """Whether a finding of property `name` ends a search that does not
    keep going: a violation does, a witness or a bound stop does not."""
    if name in (DEADLOCK.name, ASSERTION.name):
        return True
    return name in model.properties and model.properties[name].kind != "reachable"


class _NoSteps(list):
    """The steps of a state whose successors failed an assertion: none (a
    list of its own, so that the state is not taken for a deadlock)."""


_FAILED_ASSERTION = _NoSteps()


def _itself(state: Any) -> Any:
    return state


class _Viewed:
    """Fingerprints of states' views (`Model.view`) in place of the states'
    (the views themselves in an exact run), with a model's mistakes in its
    view named as such."""

    def __init__(self, model: Model, fingerprints_of: Callable[[list[Any]], Any],
                 exact: bool) -> None:
        self.model, self.fingerprints_of, self.exact = model, fingerprints_of, exact

    def pair(self) -> tuple[Callable[[Any], Any], Callable[[list[Any]], Any]]:
        return (lambda state: self.of_all([state])[0]), self.of_all

    def of_all(self, states: Any) -> Any:
        try:
            views = list(map(self.model.view, states))
        except MemoryError:
            raise
        except (Exception, SystemExit) as error:
            raise raised_in_model(self.model.name, "view()", error) from None
        if len(views) < len(states):  # map() ends at a StopIteration it meets
            raise _stopped(self.model, "view()")
        try:
            if self.exact:
                set(views)  # (an exact store holds them)
            return self.fingerprints_of(views)
        except TypeError as error:
            bad = next((view for view in views if not _fingerprintable(view)), views[0])
            raise ModelDefinitionError(
                f"model {self.model.name!r}: view() gave {shortened(bad)}, which cannot be "
                f"fingerprinted ({error}); return the state with what the view leaves out "
                "replaced by a fixed value (state._replace(counter=0))") from None


def _fingerprintable(value: Any) -> bool:
    try:
        hash(value)
        Fingerprints().encode(value)
    except TypeError:
        return False
    return True


def _first_failure(found: dict[str, _Found], prop: Property, outcomes: list[Any],
                   states: Any, parents: list[int], ordinals: list[int],
                   step_numbers: Any, kind: int) -> None:
    """Record the first falsy outcome, if any, as a finding of `prop`."""
    if all(outcomes):
        return
    k = next(k for k, outcome in enumerate(outcomes) if not outcome)
    _first(found, prop.name, (step_numbers[k], kind), (parents[k], ordinals[k]),
           states[k], reason_of(outcomes[k]))


def _first(found: dict[str, _Found], name: str, order: tuple[int, int],
           location: tuple[int, int], state: Any, reason: str | None) -> None:
    if name not in found or order < found[name].order:
        found[name] = _Found(order, location, state, reason)


def _unusable(model: Model, error: TypeError) -> ModelDefinitionError:
    return ModelDefinitionError(
        f"model {model.name!r}: a state is not hashable or cannot be fingerprinted "
        f"({error}); build states from tuples, frozensets, named tuples and frozen "
        "dataclasses of ints, strings, bools and None")


def _stopped(model: Model, call: str) -> ModelDefinitionError:
    return ModelDefinitionError(
        f"model {model.name!r}: {call} raised StopIteration (a next() on an empty iterator), "
        "which would silently end the engine's loop over the states; give next() a default "
        "or catch it")


def _peak_memory() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class _SoundnessGuard:
    """Refuses symmetry that the model does not have.

    On the first states explored it checks that renaming commutes with the
    successor function (the successors of the image are the images of the
    successors), for each generator of the group. On those states, and on
    one state in `SPREAD` after them (chosen by fingerprint, so that they
    lie at every depth, the same whatever the processes), it checks that
    every selected property and the state constraint give the same answer
    on the state and on its images under the generators and `DRAWN`
    renamings drawn from the fingerprint (a property may tell elements
    apart only in deep states, or only under a renaming that is no
    generator: swaps of neighbours in a representative, which lists its
    elements in order, may all agree).
    It samples: a spec's expressions are refused before the run where they
    read elements by position (`refuse_expressions_telling_apart`), and a
    counterexample is checked on the real run it reports (`_reason_on`).
    """

    SAMPLE = 300
    SPREAD = 64
    DRAWN = 8

    def __init__(self, model: Model, symmetry: Symmetry, properties: tuple[Property, ...],
                 exact: bool = False):
        self.model = model
        self.symmetry = symmetry
        self.generators = symmetry.generators()
        self.properties = properties
        self.states_left = self.SAMPLE
        self.steps_left = self.SAMPLE
        self._predicates = [(prop, getattr(model, prop.name)) for prop in properties
                            if prop.kind in ("invariant", "reachable")]
        self._bounded = has_bounds(model)
        self._viewed = has_view(model)
        # (exact runs keep states, not fingerprints: the sample is drawn by one)
        self._fingerprint = Fingerprints() if exact else None

    @property
    def pending(self) -> bool:
        return self.states_left > 0 or self.steps_left > 0

    def refuse_expressions_telling_apart(self) -> None:
        """A spec's expressions are read before the run: one that reads an
        element by position is refused wherever the states that show it
        lie (the sample sees only the first)."""
        groups = self.symmetry.groups
        positions = self.model.expression_positions(tuple(groups))
        for prop in self.properties:
            predicate = getattr(self.model, prop.name, None)
            if isinstance(predicate, ExpressionProperty):
                predicate.refuse_telling_apart(positions, groups)

    def check_states(self, states: list[Any], fingerprints: Any) -> None:
        """Check the new `states` (with their `fingerprints`) that the
        sample takes: the first, then one in `SPREAD`."""
        first = 0
        if self.states_left > 0:
            first = min(self.states_left, len(states))
            self.states_left -= first
            for state in states[:first]:
                self._check_state(state, 0)
        states, fingerprints = states[first:], fingerprints[first:]
        if self._fingerprint is not None:
            fingerprints = list(map(self._fingerprint, states))
        if isinstance(fingerprints, np.ndarray):
            picked = np.flatnonzero(fingerprints % np.uint64(self.SPREAD) == 0).tolist()
        else:
            picked = [k for k, fingerprint in enumerate(fingerprints)
                      if not fingerprint % self.SPREAD]
        for k in picked:
            self._check_state(states[k], int(fingerprints[k]))

    def _check_state(self, state: Any, fingerprint: int) -> None:
        model = self.model
        for perm in self._renamings(fingerprint):
            image = model.permute(state, perm)
            for prop, predicate in self._predicates:
                if bool(predicate(state)) != bool(predicate(image)):
                    self._refuse(f"property {prop.name!r} ({prop.title})", perm)
            if self._bounded and model.within_bounds(state) != model.within_bounds(image):
                self._refuse("the state constraint (within_bounds)", perm)
            if self._viewed and model.view(image) != model.permute(model.view(state), perm):
                self.refuse(self.model, [name for name, images in perm.items()
                                         if list(images) != sorted(images)],
                            "its view (view())", "is not renamed as the state is "
                            "(view(permute(s, p)) != permute(view(s), p))")

    def _renamings(self, fingerprint: int) -> list[dict[str, tuple[int, ...]]]:
        drawn, chance = [], random.Random(fingerprint)
        for _ in range(self.DRAWN):
            perm = {}
            for name, groups in self.symmetry.groups.items():
                images = list(self.symmetry.identity[name])
                for group in groups:
                    moved = list(group)
                    chance.shuffle(moved)
                    for element, image in zip(group, moved):
                        images[element] = image
                perm[name] = tuple(images)
            drawn.append(perm)
        return self.generators + drawn

    def check_steps(self, state: Any, steps: list, parent: int) -> None:
        if self.steps_left <= 0 or parent == NO_PARENT:
            return
        self.steps_left -= 1
        model = self.model
        transitions = [(p, getattr(model, p.name)) for p in self.properties
                       if p.kind == "transition"]
        for perm in self.generators:
            image = model.permute(state, perm)
            expected = {(model.permute_action(a, perm), model.permute(t, perm))
                        for a, t in steps}
            if set(model.successors(image)) != expected:
                raise ModelDefinitionError(
                    f"model {model.name!r}: renaming by {dict(perm)} does not commute with "
                    "successors(): the successors of a renamed state must be the renamed "
                    "successors; fix permute()/permute_action() or the symmetry declared")
            for prop, predicate in transitions:
                for action, target in steps:
                    if bool(predicate(state, action, target)) != bool(predicate(
                            image, model.permute_action(action, perm),
                            model.permute(target, perm))):
                        self._refuse(f"property {prop.name!r} ({prop.title})", perm)

    def _refuse(self, what: str, perm: Any) -> None:
        names = [name for name, images in perm.items() if list(images) != sorted(images)]
        self.refuse(self.model, names, what, "changes when elements are renamed")

    @staticmethod
    def refuse(model: Model, names: Any, what: str, how: str) -> None:
        raise CheckerError(
            f"symmetry over {', '.join(names)} is unsound for model {model.name!r}: {what} "
            f"{how}; check it without symmetry (symmetry: false) or choose other sets")
