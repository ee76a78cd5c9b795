"""What a check is asked to do, and what it found: plain frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from checker.properties import Property

HOLDS, VIOLATED, INCOMPLETE = "holds", "violated", "incomplete"
#: A replay's verdicts where the run left the model (`Replayed.stop`): a
#: log that no run of it explains (a failure, as a violation is), and a
#: run given that is none of its (the model has no such step there).
NOT_EXPLAINED, NOT_A_RUN = "not explained", "not a run"
#: The outcomes of one property, besides holds and violated.
WITNESSED, NOT_SETTLED = "witnessed", "not settled"

#: A run that stopped once every property it checks was settled (each
#: witness found, and each invariant violated where it went on after the first):
#: the answer is complete, the figures those of the states explored till then.
SETTLED = "settled"
#: The stops of a search before it exhausted the state space (a simulation
#: and a replay stop otherwise).
_STOPPED_SEARCH = ("max_depth", "max_states", "time_limit", "memory_limit", "interrupted",
                   "disk")
#: Why a run stopped before the state space was exhausted (`Result.stopped_by`).
STOPPED_BY = {
    SETTLED: "every property was settled: the run stopped there, with the states it explored",
    "max_depth": "the depth bound (max_depth) was reached with states left to explore",
    "max_states": "the state bound (max_states) was reached",
    "time_limit": "the time limit (time_limit) ran out",
    "memory_limit": "the memory limit (--memory-limit) was reached",
    "interrupted": "the run was interrupted",
    "memory": "memory ran out (give smaller parameters or bounds, or more memory)",
    "disk": ("a level of states could not be written to disk (free space in the temporary "
             "folder, or point TMPDIR at a larger one)"),
    "simulation": ("a simulation draws behaviours at random: what none of them broke is not "
                   "proven to hold"),
    "replay": "a replay takes one run: what it does not break is not proven to hold",
}
STOPPED_AT_VIOLATION = ("the run stopped at the first violation (--keep-going checks "
                        "every property)")
STOPPED_AT_ASSERTION = ("a step failed its assertion, so the states only its steps lead to "
                        "were not explored")


@dataclass(frozen=True)
class CheckConfig:
    """How to explore: which properties (names; None means all the model
    declares), bounds (None means unbounded), whether to go on after the
    first violation, and whether to reduce by symmetry."""

    properties: tuple[str, ...] | None = None
    max_depth: int | None = None
    max_states: int | None = None
    time_limit: float | None = None
    #: Bytes of memory the run may hold (all its processes): past it, the
    #: run stops as at a bound, with what it explored.
    memory_limit: int | None = None
    keep_going: bool = False
    #: Stop once every property is settled (`SETTLED`): every witness found
    #: and every other property violated (with `keep_going`); a deadlock
    #: check or a temporal property asks for every state. Spec files ask for
    #: it unless their expectation gives figures of the whole state space.
    stop_when_settled: bool = False
    #: The symmetric sets to reduce by (True: every set the model declares).
    symmetry: tuple[str, ...] | bool = ()
    #: Processes that may expand a level together (results do not depend on it).
    workers: int = 1
    #: The workers were chosen by ``auto``: once they have expanded a level,
    #: the search compares their pace with one process's and, if they are
    #: no faster, goes on in one process (results do not depend on it).
    auto_workers: bool = False
    #: Keep the states themselves in the visited set (no fingerprint can
    #: collide); for small runs and tests.
    exact: bool = False
    #: Seed of the fingerprint function: another seed gives independent
    #: fingerprints (TLC's -fp), to re-run a suspicious "holds".
    fp_seed: int = 0
    #: Report a reachable state with no successor that no bound explains
    #: (`checker.properties.DEADLOCK`). Specs check it unless they say
    #: ``deadlock: false``; the engine's callers ask for it.
    deadlock: bool = False
    #: Fairness assumed by the temporal properties: ``(strength, family)``
    #: pairs, strength ``weak`` or ``strong``, family an action name,
    #: optionally with some of its fields (``Deliver(p=0)``), or ending in
    #: ``(*)`` for each of its instances apart (see `checker.liveness`).
    fairness: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # ``symmetry=True``, as a spec's ``symmetry: true``: every set the
        # model declares (`symmetry_sets`, read by the search)
        if self.symmetry is True:
            return
        if self.symmetry is False or self.symmetry is None:
            object.__setattr__(self, "symmetry", ())
            return
        if isinstance(self.symmetry, str) or not all(
                isinstance(name, str) for name in self.symmetry):
            raise TypeError(f"CheckConfig(symmetry={self.symmetry!r}): give a tuple of the "
                            "model's symmetric set names (('servers',)), True for every "
                            "set it declares, or () for none")
        object.__setattr__(self, "symmetry", tuple(self.symmetry))


@dataclass(frozen=True)
class Step:
    """One state of a trace and the action that led to it (None for the
    initial state)."""

    action: Any
    state: Any


@dataclass(frozen=True)
class Trace:
    """A run from an initial state. ``len(trace)`` counts its actions."""

    steps: tuple[Step, ...]

    def __len__(self) -> int:
        return len(self.steps) - 1

    @property
    def actions(self) -> tuple[Any, ...]:
        return tuple(step.action for step in self.steps[1:])

    @property
    def final(self) -> Any:
        return self.steps[-1].state


@dataclass(frozen=True)
class Finding:
    """A property and the shortest run that shows it failing (a violation)
    or satisfied (a witness of a `reachable` property).

    For a `reachable` property that no state satisfies, the violation's
    `trace` is None. `reason` is the predicate's own explanation, if any.
    """

    property: Property
    trace: Trace | None
    reason: str | None = None
    #: For a temporal property, the trace is a lasso: the step where its
    #: loop starts (the stem's length); the loop runs from there to the
    #: end and back (its last state is the state at `loop_start`). When
    #: `loop_start == len(trace)` the loop is stuttering: the run stays in
    #: its last state for ever.
    loop_start: int | None = None
    #: Set when the lasso exists only because a bound ran out (the run
    #: stalls at a bound stop): the bound, in the model's words.
    bound: str | None = None

    @property
    def stem_length(self) -> int | None:
        return self.loop_start

    @property
    def loop_length(self) -> int | None:
        if self.loop_start is None or self.trace is None:
            return None
        return len(self.trace) - self.loop_start


@dataclass(frozen=True)
class Outcome:
    """What a check found about one property: ``holds``, ``violated``,
    ``witnessed`` (a `reachable` property, with its run) or ``not settled``
    (the run stopped before it could tell), with the reason (a violation's
    explanation, or why the property is not settled) and the finding, if
    any."""

    property: Property
    outcome: str
    reason: str | None = None
    finding: Finding | None = None


@dataclass(frozen=True)
class Walked:
    """What a simulation drew (`checker.simulation`): its behaviours, the
    steps they took, the most steps a behaviour could take, and the seed
    that draws them again."""

    behaviours: int
    steps: int
    depth: int
    seed: int


@dataclass(frozen=True)
class Replayed:
    """What a replay took (`checker.replay`): the run's source, its steps
    and how many were taken, why it stopped before its end (None: it did
    not), and the first step reaching another state than the recorded one,
    with the number of such steps."""

    source: str
    steps: int
    taken: int
    left: str | None = None
    first_difference: str | None = None
    differing: int = 0
    #: the run is the one a log describes (`checker.validation`): stopped
    #: before its end (`left`), no run of the model explains the log
    log: bool = False
    #: where the run left the model, if it did (the headline of `left`):
    #: the step (or the log's event) that is no step of the model there, or
    #: the recorded initial state that is none of its
    stop: str | None = None
    #: a recorded lasso: what it is here, and which temporal properties
    #: were judged on it (`checker.replay`)
    loop: str | None = None
    #: a run written by hand, of a model of several initial states: which
    #: one it was taken from, and how to give another
    start: str | None = None


@dataclass(frozen=True)
class Stats:
    distinct_states: int
    generated_states: int
    depth: int
    #: The search's seconds, a resumed run's with those before its
    #: checkpoint (`seconds_before`), so that states/s is the search's.
    seconds: float
    peak_memory_bytes: int
    #: Memory held by the visited set and the back-pointers (those past
    #: `traces.HELD` states are in a file, not counted).
    store_bytes: int
    #: Steps generated per action (every generated step, TLC's coverage).
    actions: Mapping[str, int]
    collision_probability: float
    #: The sets reduced by symmetry (distinct states are then orbits).
    symmetry: tuple[str, ...] = ()
    canonical_seconds: float = 0.0
    #: A resumed run: the seconds the search took up to its checkpoint, in
    #: the runs before (part of `seconds`); 0 for a run from the start.
    seconds_before: float = 0.0
    #: Processes that expanded a level together (the most of any level;
    #: 1 when no level was large enough to share).
    workers: int = 1
    #: Worker processes that died during the run (killed, out of memory):
    #: their parts of the level, and the levels after, were expanded in the
    #: main process, so the result is complete all the same.
    workers_lost: int = 0
    #: The most memory a worker process held of its own (pages it copied
    #: from this process or allocated), at the end of its part of a level;
    #: 0 without workers or where the system does not tell (Linux does).
    worker_memory_bytes: int = 0
    #: With auto workers: the depth from which one process went on, the
    #: processes having been no faster (None: they were, or none ran).
    one_process_from: int | None = None
    #: Distinct states first reached by a step of each action.
    new_states: Mapping[str, int] = field(default_factory=dict)
    #: The fingerprint seed, and whether states were kept exactly.
    fp_seed: int = 0
    exact: bool = False
    #: States whose runs end only because a bound ran out: no successor,
    #: and the model names the bound (`Model.bound_reason`), or every
    #: successor outside the bounds. Not deadlocks; see `Result.bound_stop`.
    bound_stops: int = 0
    #: The temporal properties' part of the run (`checker.liveness`): its
    #: seconds, the states and edges of its graph and the bytes they take.
    liveness_seconds: float = 0.0
    graph_states: int = 0
    graph_edges: int = 0
    graph_bytes: int = 0
    #: Where every temporal property was a ``[](P => []Q)`` settled by a
    #: path within this many steps: the graph's states further away were
    #: not built (`Graph.settled_at`); None where the whole graph was.
    graph_settled_at: int | None = None
    #: The model's own figures (`Model.run_stats`: a kit model's memo
    #: tables), counted in the main process (workers keep their own).
    model_stats: Mapping[str, int] = field(default_factory=dict)
    #: A simulation's draw; None for a search.
    walked: Walked | None = None
    #: A replay's run; None for a search.
    replayed: Replayed | None = None

    @property
    def states_per_second(self) -> float:
        return self.distinct_states / self.seconds if self.seconds > 0 else 0.0

    @property
    def never_fired(self) -> tuple[str, ...]:
        return tuple(name for name, count in self.actions.items() if count == 0)


@dataclass(frozen=True)
class Result:
    """The outcome of one check.

    `verdict` is ``holds`` (the state space was exhausted and every property
    held, or every property was settled: `stopped_by` is `SETTLED`),
    ``violated`` or ``incomplete`` (a bound or an interrupt stopped the run
    first; `stopped_by` says which); a replay that breaks no property and
    leaves the model is ``not explained`` (a log) or ``not a run``
    (`Replayed.stop` says where). `witnesses` holds a shortest trace for
    each `reachable` property that was satisfied.
    """

    verdict: str
    stats: Stats
    properties: tuple[Property, ...]
    violations: tuple[Finding, ...] = ()
    witnesses: tuple[Finding, ...] = field(default=())
    stopped_by: str | None = None
    #: The shortest run to a state counted in `Stats.bound_stops`, with the
    #: bound that ends it as the reason; None when there is none.
    bound_stop: Finding | None = None
    #: Whether every state was checked against the safety properties though
    #: the run then stopped (`stopped_by`) while the temporal ones were
    #: checked: the safety properties are settled, the temporal ones not.
    safety_complete: bool = False
    #: A replay's run, as far as it was taken (`checker.replay`); None else.
    run: Trace | None = None
    #: Whether the run went on past its first violation (its
    #: `CheckConfig.keep_going`, which a spec's ``expect: properties:`` turns
    #: on): then what it did not find violated was checked to the end.
    kept_going: bool = False

    def verdict_reason(self) -> str | None:
        """Why the verdict is what it is, where more than its word: what
        stopped the run, or where a replay left the model (every report
        heads with it)."""
        if self.verdict in (NOT_EXPLAINED, NOT_A_RUN):
            return self.stats.replayed.stop
        return STOPPED_BY[self.stopped_by] if self.stopped_by else None

    def violation(self, name: str) -> Finding | None:
        return next((v for v in self.violations if v.property.name == name), None)

    def witness(self, name: str) -> Finding | None:
        return next((w for w in self.witnesses if w.property.name == name), None)

    def exhaustive(self) -> bool:
        """Whether every reachable state was checked against every property:
        no bound stopped the run, and it did not stop at a counterexample
        (it went on: `kept_going`, or its only violations are properties
        never reached, which are known at the end)."""
        if self.failed_assertion():
            return False
        return self.stopped_by is None and (
            self.verdict == HOLDS or self.kept_going
            # (a temporal property is checked only after a complete safety run)
            or all(finding.trace is None or finding.property.temporal
                   for finding in self.violations))

    def failed_assertion(self) -> bool:
        """Whether a step failed the model's assert (`properties.ASSERTION`):
        the steps from that state were not taken, so what lies only past them
        was not explored."""
        return any(finding.property.kind == "assertion" for finding in self.violations)

    def outcomes(self) -> tuple[Outcome, ...]:
        """Each checked property with its outcome, in the order checked: the
        one list every report renders."""
        exhaustive = self.exhaustive()
        unsettled = (STOPPED_BY[self.stopped_by] if self.stopped_by
                     else STOPPED_AT_ASSERTION if self.failed_assertion() and self.kept_going
                     else STOPPED_AT_VIOLATION)
        found = []
        for prop in self.properties:
            violation, witness = self.violation(prop.name), self.witness(prop.name)
            if violation is not None and violation.bound is not None:
                # a lasso that stalls at a bound is not the protocol's fault
                found.append(Outcome(prop, NOT_SETTLED, violation.reason, violation))
            elif violation is not None:
                found.append(Outcome(prop, VIOLATED, violation.reason, violation))
            elif witness is not None:
                found.append(Outcome(prop, WITNESSED, None, witness))
            elif exhaustive or (self.safety_complete and not prop.temporal):
                found.append(Outcome(prop, HOLDS))
            else:
                found.append(Outcome(prop, NOT_SETTLED, self._so_far(prop, unsettled)))
        return tuple(found)

    def _so_far(self, prop: Any, unsettled: str) -> str:
        """Why `prop` is not settled, with what the states a search explored
        before a bound or an interruption stopped it say of it (TLC: "no
        error found" up to there); a temporal property is checked on the
        whole graph only, and a simulation or a replay say their own."""
        if self.stopped_by not in _STOPPED_SEARCH or prop.temporal:
            return unsettled
        explored = (f"the {self.stats.distinct_states:,} states explored (to depth "
                    f"{self.stats.depth})")
        found = "not reached" if prop.kind == "reachable" else "no violation"
        return f"{found} in {explored}; {unsettled}"
