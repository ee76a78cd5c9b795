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

This module holds the search's course: levels, bounds, limits, checkpoints
and when to share the search between processes. What it does to each
chunk of states is in `successors` (generating and sorting successors,
the hot loop) and `findings` (checking properties, settling findings),
which the partitions (`partition`) run too; `symmetry_guard` samples the
model for the symmetry it declares.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from collections import Counter
from typing import Any, Iterator

from checker import checkpoint, liveness, partitioned, successors, workers
from checker.checkpoint import Checkpoints
from checker.errors import CheckerError, ModelDefinitionError, ParamError, raised_in_model
from checker.findings import Found, PropertyChecks
from checker.frontier import Frontier, SpillFailed, WorkDirectory, release_memory
from checker.partition_exchange import Failed
from checker.fingerprints import (ExactStore, Fingerprints, FingerprintStore,
                                  collision_probability)
from checker.model import Model, has_bounds, has_view
from checker.progress import Reporter, Silent
from checker.record_types import RecordTypes
from checker.properties import ASSERTION, DEADLOCK, select_properties
from checker.result import (HOLDS, INCOMPLETE, SETTLED, VIOLATED, CheckConfig, Finding,
                            Result, Stats)
from checker.successors import Batch, StepGeneration, Viewed, itself
from checker.symmetry import Symmetry
from checker.symmetry_guard import SoundnessGuard
from checker.traces import NO_PARENT, BackPointers, replay
from checker.workers import peak_memory

#: The smallest level from which the search is partitioned between processes.
FORK_MIN = 2 * successors.CHUNK
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
#: With a time limit and checkpoints, a level is saved before it is
#: expanded where it would take the time left at this many times the last
#: level's pace, so that the time limit stops no run past its last checkpoint.
LATE = 2.0


def check(model: Model, config: CheckConfig = CheckConfig(),
          reporter: Reporter | None = None,
          checkpoints: "Checkpoints | None" = None, owners: Any = None) -> Result:
    """Explore `model` breadth-first under `config` and return the result;
    with `checkpoints`, save the search between levels now and then (as one
    process holds it, where partitions share it), or resume it from the
    last checkpoint. `owners` starts the
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
        return liveness.check(model, config, check, reporter, owners)
    # States are tuples and frozensets, which make no reference cycles, yet
    # the cyclic collector would rescan every live frontier state over and
    # over (a third to a half of a long run): it is paused for the search.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return Search(model, config, reporter or Silent(), checkpoints, owners).run()
    finally:
        if collecting:
            gc.enable()


class Search(PropertyChecks, StepGeneration):
    """One search, from its initial states to its result (`run`). What it
    does to a chunk of states it inherits: generating successors from
    `successors.StepGeneration`, checking properties from
    `findings.PropertyChecks`; each partition of a shared search runs a
    `Search` of its own for those (`partition.Part`)."""

    def __init__(self, model: Model, config: CheckConfig, reporter: Reporter,
                 checkpoints: "Checkpoints | None" = None, owners: Any = None):
        self.model = model
        self.owners = owners or partitioned.Partitions
        self.checkpoints = checkpoints
        self.config = config
        self.reporter = reporter
        self.properties = select_properties(model, config.properties)
        if config.exact:
            self.fingerprint, self.fingerprints_of = itself, list
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
        # their views; one outside is itself (`StepGeneration._fresh_by_view`).
        self.viewed = has_view(model)
        self.state_keys = self.fingerprints_of
        if self.viewed:
            self.fingerprint, self.fingerprints_of = Viewed(model, self.fingerprints_of,
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
        #: the sets reduced by (``symmetry=True``: every one the model declares)
        self.symmetry_names = (tuple(model.symmetry_sets) if config.symmetry is True
                               else config.symmetry)
        if config.symmetry is True and not self.symmetry_names:
            raise CheckerError(f"model {model.name!r} declares no symmetric sets "
                               "(`symmetry_sets`), so symmetry=True would reduce nothing")
        self.symmetry = Symmetry(model, self.symmetry_names) if self.symmetry_names else None
        if self.symmetry is not None and self.symmetry.order == 1:
            self.symmetry = None  # every element stands alone: nothing to reduce
        self.canonical_seconds = 0.0
        #: the search's seconds before this run (a resumed checkpoint's)
        self.seconds_before = 0.0
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
        self.soundness = SoundnessGuard(model, self.symmetry, self.properties,
                                        config.exact) if self.symmetry else None
        self.record_types = RecordTypes(model.name)
        if self.symmetry is not None:
            self.soundness.refuse_expressions_telling_apart()
        if config.deadlock:
            self.properties += (DEADLOCK,)
        self.bound_stops = 0
        self.bound_stop: Finding | None = None
        self._activate()


    # -- the search ------------------------------------------------------------

    def run(self) -> Result:
        started = self.started = time.monotonic()
        deadline = (started + self.config.time_limit
                    if self.config.time_limit is not None else None)
        try:
            frontier = (self._resumed() if self.checkpoints and self.checkpoints.resume
                        else self._initial_level())
            pace = None  # seconds a state took in the last level
            while frontier and not self._stopping() and not self._over_memory_limit():
                if self.checkpoints is not None and (self.checkpoints.due() or (
                        deadline is not None and pace is not None
                        and time.monotonic() + LATE * pace * len(frontier) >= deadline)):
                    # (and before a level the time limit may stop: a run
                    # stopped by it resumes from the level it was in)
                    self._save(frontier)
                if self.config.max_depth is not None and self.depth >= self.config.max_depth:
                    # Expanding further would go past the bound: the run is
                    # complete only if no unexplored state lies beyond it.
                    if (self._expand(frontier, deadline, probe_only=True)
                            and self.stopped_by is None):  # (or every property is settled)
                        self.stopped_by = "max_depth"
                    break
                level_started, size = time.monotonic(), len(frontier)
                frontier = self._expand(frontier, deadline)
                pace = (time.monotonic() - level_started) / max(size, 1)
        except Failed as failure:
            # The run starts again in this process, where an error in the
            # model is reported as one process reports it.
            return self._again(failure.died)
        except CheckerError as error:
            if getattr(error, "state_index", None) is None and not hasattr(error, "number"):
                raise  # (not raised on a state the search reached)
            if self.partitions is not None:  # (this process's part: as a child's)
                return self._again(False)
            self._run_to(error)
            raise
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

    def _again(self, died: bool) -> Result:
        """The run started again in this process alone (a partition failed):
        from the last checkpoint, where one was written or resumed from (and
        saving on), else from the start; within the time left."""
        self._close_partitions()
        elapsed = time.monotonic() - self.started
        config = dataclasses.replace(self.config, workers=1)
        if config.time_limit is not None:
            config = dataclasses.replace(config, time_limit=max(0.0, config.time_limit - elapsed))
        if self.checkpoints is not None and self.checkpoints.written:
            self.checkpoints.resume = True  # (from the one this run wrote)
        again = Search(self.model, config, self.reporter, self.checkpoints).run()
        # this run's seconds and those before them, not `again`'s: resumed
        # from this run's checkpoint, they hold this run's up to it already
        seconds = self.seconds_before + time.monotonic() - self.started
        return dataclasses.replace(again, stats=dataclasses.replace(
            again.stats, workers=self.processes_used, workers_lost=int(died),
            worker_memory_bytes=self.worker_memory, seconds=seconds,
            seconds_before=self.seconds_before))

    def _run_to(self, error: CheckerError) -> None:
        """Give `error`, raised by the model's code on a state (a property
        on a state reached, `successors` on a state expanded), the run to
        that state (`error.trace`, with `error.model`), as TLC prints the
        trace to a state where an invariant or an action cannot be
        evaluated. Not a `ParamError`: a model refusing its parameters (a
        property that needs another) says so of any state."""
        if isinstance(error, ParamError):
            return
        location = getattr(error, "location", None)
        try:
            if location is None and hasattr(error, "number"):  # the state itself
                location = self.pointers.location(error.number)
            if location is None:
                return
            error.trace = replay(self.model, self.pointers.path(*location), error.state,
                                 self.symmetry)
            error.model = self.model
        except Exception:  # the error itself is what the user must see
            pass

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

    def _save(self, frontier: Any) -> None:
        """A checkpoint of the search before expanding `frontier`: as one
        process holds it, where partitions hold it (which go on)."""
        values = {name: getattr(self, name) for name in checkpoint.SAVED}
        values["seconds_before"] = self.seconds_before + time.monotonic() - self.started
        parts: Any = ()
        if self.partitions is not None:
            values["store"], parts, values["outside"], chunks = self.partitions.snapshot()
        else:
            chunks = frontier.raw()
        self.checkpoints.save(self._identity(), values, chunks, len(frontier), parts)

    def _resumed(self) -> Frontier:
        """The search as the last checkpoint left it; its next level."""
        values, frontier = self.checkpoints.load(self._identity(), successors.CHUNK,
                                                 self.directory)
        for name, value in values.items():
            setattr(self, name, value)
        said = getattr(self.reporter, "resumed", None)
        if said is not None:  # (a rate of this run's states, not of those before)
            said(len(self.pointers))
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
        found: dict[str, Found] = {}
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
        return Frontier(successors.CHUNK, level, directory=self.directory)

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
            for low, chunk in _numbered_chunks(frontier, first):
                found: dict[str, Found] = {}
                batch = self._counted_steps(chunk, low, found)
                beyond = beyond or self._admit_new(batch, found, probe_only=True)
                self._settle(found)
                if self._stopping():
                    break
            return beyond
        next_level = Frontier(successors.CHUNK, directory=self.directory)
        self.levels = (frontier, next_level)
        started = time.monotonic()
        for low, chunk in _numbered_chunks(frontier, first):
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
        found: dict[str, Found] = {}
        batch = self._counted_steps(chunk, first, found)
        new = self._admit_new(batch, found)
        self._settle(found)
        self.reporter.update(self.depth + 1, len(self.pointers), self.generated,
                             level_size + len(new))
        return new

    def _counted_steps(self, chunk: list[Any], first: int, found: dict[str, Found]) -> Batch:
        """The successors of `chunk` (numbered from `first`), counted."""
        batch = self._steps_of(chunk, first, found)
        self.generated += batch.generated
        self.bound_stops += len(batch.bound_stops)
        self.action_counts.update(batch.action_types)
        return batch

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
            self.partitions = self.owners(self, frontier, first, self.workers)
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
        size = self.partitions.size
        level = Frontier(successors.CHUNK, directory=self.directory)
        level.restore(self.partitions.fold(), size)
        self.partitions = None
        self.one_process_from = self.depth
        return level

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
            seconds=self.seconds_before + seconds,
            seconds_before=self.seconds_before,
            peak_memory_bytes=peak_memory(),
            store_bytes=self.store.nbytes + self.partition_store_bytes + self.pointers.nbytes,
            actions=self._per_action(self.action_counts),
            new_states=self._per_action(self.new_states),
            collision_probability=(0.0 if self.config.exact
                                   else collision_probability(distinct, self.generated)),
            symmetry=self.symmetry_names,
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
                      stopped_by=self.stopped_by, bound_stop=self.bound_stop,
                      kept_going=self.config.keep_going)


def _numbered_chunks(level: Frontier, first: int) -> Iterator[tuple[int, list[Any]]]:
    """The chunks of `level`, whose states are numbered from `first`: (the
    number of each chunk's first state, its states)."""
    return zip(range(first, first + len(level), successors.CHUNK), level.take())
