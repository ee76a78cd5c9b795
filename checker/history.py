"""Client histories and linearizability: a property over what clients saw.

A model that serves clients keeps, in its state, the history of the
operations they ran: a tuple of events in the order they happened, each an
`Invoke` (a client calls an operation) or a `Respond` (the call returns with
its result). A client has at most one call outstanding, so a response
belongs to its client's latest invocation. An operation invoked but not yet
answered is *pending*: it may have taken effect or not.

A history is linearizable with respect to a sequential object (`KeyValue`)
when every operation can be given a single point in time, between its
invocation and its response, such that the sequential object, running the
operations in that order, gives every completed operation the result its
client saw (Herlihy & Wing, 1990). Linearizability is local: a history is
linearizable if and only if its operations on each key are (Herlihy & Wing's
locality, Horn & Kroening's P-compositionality, as Porcupine uses it), so
every search here runs one key at a time.

Two searches, one per need:

- `check` decides, incrementally: it carries along the history the set of
  *configurations* its prefix can be in (the key's value, and which pending
  calls already took effect with which result), as Lowe's just-in-time
  linearization does. An invocation adds the configurations where the new
  call (and then other pending ones) took effect; a response keeps those
  where its call took effect with the result seen. A history is linearizable
  while no key's set is empty. A model checker's states extend their
  parent's history by one event, so the property remembers each history's
  configurations and checks a new state with one step from its parent's.
- `linearize` finds an order, for people: Wing & Gong's depth-first search
  with the refuted configurations remembered (Lowe's cache, as Knossos and
  Porcupine do) and only calls invoked before the earliest pending response
  tried next.

A history that is not linearizable is explained by a minimal set of its
operations that no order explains (`NotLinearizable.minimal`): shrunk from
the failing key's operations by dropping calls (with their invocation and
response) while what is left still cannot be ordered.

A model declares the property with `linearizable`, on a method that returns
the state's history::

    @linearizable("Linearizable reads", KeyValue(keys=("x",), initial=0))
    def history(self, state):
        return state.history

To the engine it is an invariant of every reachable state: no prefix of a
run ever shows a history that cannot be linearized.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Hashable, Iterable, NamedTuple, Sequence

from checker.properties import Fails, _declare


def _call_text(op: str, key: Hashable, arg: Hashable) -> str:
    """``write(x, 1)``, ``read(x)``, ``cas(x, 0, 1)``."""
    args = () if arg is None else arg if isinstance(arg, tuple) else (arg,)
    return f"{op}({', '.join(map(str, (key,) + args))})"


class Invoke(NamedTuple):
    """`client` calls `op` (``"read"``, ``"write"``, ``"cas"``) on `key`
    with `arg` (the value written, ``(expected, new)`` for a cas; None for a
    read)."""

    client: str
    op: str
    key: Hashable
    arg: Hashable = None

    def __str__(self) -> str:
        return f"{self.client}: {_call_text(self.op, self.key, self.arg)}"


class Respond(NamedTuple):
    """`client`'s outstanding call returns `result` (the value read; ``"ok"``
    for a write; ``"ok"`` or ``"fail"`` for a cas)."""

    client: str
    result: Hashable

    def __str__(self) -> str:
        return f"{self.client}: → {self.result}"


History = tuple  # of Invoke | Respond, in the order they happened


@dataclass(frozen=True)
class Operation:
    """One call of a history: where it starts and ends (positions in the
    history; `end` is None while it is pending) and what it returned."""

    client: str
    op: str
    key: Hashable
    arg: Hashable
    start: int
    end: int | None
    result: Hashable = None

    @property
    def call(self) -> str:
        """``write(x, 1)``."""
        return _call_text(self.op, self.key, self.arg)

    @property
    def outcome(self) -> str:
        """``→ ok``, or ``pending``."""
        return "pending" if self.end is None else f"→ {self.result}"

    def __str__(self) -> str:
        return f"{self.client}: {self.call} {self.outcome}"

    def precedes(self, other: Operation) -> bool:
        """Whether this call returned before `other` was invoked (real time)."""
        return self.end is not None and self.end < other.start


def operations(history: Sequence[Invoke | Respond]) -> tuple[Operation, ...]:
    """The calls of `history`, in the order they were invoked."""
    calls: list[Operation] = []
    open_call: dict[str, int] = {}
    for at, event in enumerate(history):
        if isinstance(event, Invoke):
            if event.client in open_call:
                raise ValueError(f"{event.client} invokes {event} with a call outstanding")
            open_call[event.client] = len(calls)
            calls.append(Operation(event.client, event.op, event.key, event.arg,
                                   at, None))
        elif isinstance(event, Respond):
            index = open_call.pop(event.client, None)
            if index is None:
                raise ValueError(f"{event.client} responds with no call outstanding")
            call = calls[index]
            calls[index] = Operation(call.client, call.op, call.key, call.arg,
                                     call.start, at, event.result)
        else:
            raise ValueError(f"history event {event!r} is neither an Invoke nor a Respond")
    return tuple(calls)


def events_of(calls: Iterable[Operation]) -> tuple[Invoke | Respond, ...]:
    """The history made of `calls` alone, events in their original order."""
    placed = []
    for call in calls:
        placed.append((call.start, Invoke(call.client, call.op, call.key, call.arg)))
        if call.end is not None:
            placed.append((call.end, Respond(call.client, call.result)))
    return tuple(event for _, event in sorted(placed, key=lambda item: item[0]))


@dataclass(frozen=True)
class KeyValue:
    """A sequential key-value store: ``write(k, v)`` returns ``"ok"``,
    ``read(k)`` the last value written to k (`initial` before any),
    ``cas(k, (expected, new))`` writes `new` and returns ``"ok"`` if k
    holds `expected`, else returns ``"fail"``. Keys are independent, which
    is what lets the checks run one key at a time."""

    keys: tuple[Hashable, ...] = ("x",)
    initial: Hashable = 0

    def init(self) -> tuple:
        return tuple(self.initial for _ in self.keys)

    def slot(self, key: Hashable) -> int:
        """The index of `key` in `keys`."""
        try:
            return self.keys.index(key)
        except ValueError:
            raise ValueError(f"KeyValue has no key {key!r} (keys: "
                             f"{', '.join(map(str, self.keys))})") from None

    def apply(self, value: Hashable, op: str, arg: Hashable) -> tuple[Hashable, Hashable]:
        """One key's value after `op` and the result it returns."""
        if op == "read":
            return value, value
        if op == "write":
            return arg, "ok"
        if op == "cas":
            expected, new = arg
            return (new, "ok") if value == expected else (value, "fail")
        raise ValueError(f"KeyValue has no operation {op!r} (it has read, write, cas)")

    def changes(self, op: str) -> bool:
        """Whether `op` may change the store: a pending call that cannot
        constrains nothing and is left out of the searches."""
        return op != "read"

    def step(self, state: tuple, op: str, key: Hashable, arg: Hashable) -> tuple[tuple, Hashable]:
        """The whole store's state after `op` and the result it returns."""
        slot = self.slot(key)
        value, result = self.apply(state[slot], op, arg)
        return state[:slot] + (value,) + state[slot + 1:], result


class NotLinearizable(Fails):
    """The verdict on a history no order explains: the `history`, the
    `minimal` set of its operations that still cannot be ordered (its calls
    in invocation order, positions as in `history`), and a reason that names
    them by their real-time order.

    The minimal set is found when first asked for (`find` computes it): a
    run that goes on past violations, or meets many in one level, asks only
    for the reasons it reports."""

    __slots__ = ("history", "_minimal", "_find")

    def __init__(self, history: tuple, minimal: tuple[Operation, ...] | None = None,
                 find: Callable[[], tuple[Operation, ...]] | None = None):
        # no Fails.__init__: the reason is derived from the minimal set
        self.history = history
        self._minimal, self._find = minimal, find

    @property
    def minimal(self) -> tuple[Operation, ...]:
        if self._minimal is None:
            self._minimal, self._find = self._find(), None
        return self._minimal

    @property
    def reason(self) -> str:
        return explain(self.minimal)


def explain(calls: Sequence[Operation],
            precedes: Callable[[Operation, Operation], bool] = Operation.precedes,
            unordered: str = "concurrent with the rest") -> str:
    """The order among `calls` that no sequential order fits (real time, or
    as `precedes` says: each client's own order, for sequential
    consistency): ``c2: read(x) → 0 after c1: write(x, 1) → ok completed``,
    one clause per immediate precedence (implied ones left out), then the
    calls that overlap all the others."""
    clauses = []
    for later in calls:
        for earlier in calls:
            if precedes(earlier, later) and not any(
                    precedes(earlier, between) and precedes(between, later)
                    for between in calls):
                clauses.append(f"{later} after {earlier} completed")
    ordered = {call for call in calls
               if any(precedes(call, other) or precedes(other, call) for other in calls)}
    loose = [str(call) for call in calls if call not in ordered]
    if loose and clauses:
        clauses.append(f"{', '.join(loose)} {unordered}")
    elif len(loose) == 1:
        clauses.append(f"no order explains {loose[0]}")
    elif loose:
        clauses.append(f"no order of {', '.join(loose)} explains their results")
    return "; ".join(clauses)


# -- deciding: configurations carried along the history ----------------------------

#: A configuration of one key: (its value, the pending calls that have
#: already taken effect, as a frozenset of (call id, result each got)).
Config = tuple
#: What a prefix of a history leaves: its open calls, each
#: (client, key slot, op, arg, call id), and per key the set of configurations.
Frontier = tuple


def start(spec: KeyValue) -> Frontier:
    """The frontier of the empty history."""
    return (), tuple(frozenset({(value, frozenset())}) for value in spec.init())


def advance(frontier: Frontier, event: Invoke | Respond, call_id: int,
            spec: KeyValue) -> tuple[Frontier, int]:
    """The frontier after `event` (an invocation gets `call_id`), and how
    many configurations the key it touches has then."""
    open_calls, configs = frontier
    if isinstance(event, Invoke):
        if any(entry[0] == event.client for entry in open_calls):
            raise ValueError(f"{event.client} invokes {event} with a call outstanding")
        slot = spec.slot(event.key)
        entry = (event.client, slot, event.op, event.arg, call_id)
        open_calls = open_calls + (entry,)
        pending = [e for e in open_calls if e[1] == slot]
        reached = set(configs[slot])
        todo = [_take_effect(config, entry, spec) for config in configs[slot]]
        while todo:
            config = todo.pop()
            if config in reached:
                continue
            reached.add(config)
            done = {call for call, _ in config[1]}
            todo += [_take_effect(config, other, spec)
                     for other in pending if other[4] not in done]
        found = frozenset(reached)
    elif isinstance(event, Respond):
        entry = next((e for e in open_calls if e[0] == event.client), None)
        if entry is None:
            raise ValueError(f"{event.client} responds with no call outstanding")
        open_calls = tuple(e for e in open_calls if e is not entry)
        slot, effect = entry[1], (entry[4], event.result)
        found = frozenset((value, taken - {effect})
                          for value, taken in configs[slot] if effect in taken)
    else:
        raise ValueError(f"history event {event!r} is neither an Invoke nor a Respond")
    configs = configs[:slot] + (found,) + configs[slot + 1:]
    return (open_calls, configs), len(found)


def _take_effect(config: Config, entry: tuple, spec: KeyValue) -> Config:
    value, taken = config
    value, result = spec.apply(value, entry[2], entry[3])
    return value, taken | {(entry[4], result)}


def failing_key(frontier: Frontier, spec: KeyValue) -> Hashable | None:
    """The first key no configuration is left for, or None."""
    return next((spec.keys[slot] for slot, found in enumerate(frontier[1]) if not found),
                None)


def decide(history: Sequence[Invoke | Respond], spec: KeyValue) -> bool:
    """Whether `history` is linearizable, from scratch."""
    frontier = start(spec)
    for at, event in enumerate(history):
        frontier, _ = advance(frontier, event, at, spec)
    return failing_key(frontier, spec) is None


# -- finding an order: Wing & Gong's search, one key at a time -------------------------


def _order_one_key(calls: Sequence[Operation], spec: KeyValue) -> list[int] | None:
    """Indices of `calls` (all on one key) in an order `spec` explains, with
    the pending calls that took effect; None if there is none."""
    completed = 0
    for i, call in enumerate(calls):
        if call.end is not None:
            completed |= 1 << i
    refuted: set[tuple[int, Hashable]] = set()

    def search(done: int, value: Hashable) -> list[int] | None:
        if completed & ~done == 0:
            return []
        if (done, value) in refuted:
            return None
        # Only a call invoked before every call left has returned can come
        # next: ordering it after one that ended before it began breaks real time.
        deadline = min(call.end for i, call in enumerate(calls)
                       if completed >> i & 1 and not done >> i & 1)
        for i, call in enumerate(calls):
            if done >> i & 1 or call.start > deadline:
                continue
            after, result = spec.apply(value, call.op, call.arg)
            if call.end is not None and result != call.result:
                continue
            rest = search(done | 1 << i, after)
            if rest is not None:
                return [i] + rest
        refuted.add((done, value))
        return None

    return search(0, spec.init()[spec.slot(calls[0].key)] if calls else None)


def linearize(history: Sequence[Invoke | Respond], spec: KeyValue) -> tuple[Operation, ...] | None:
    """An order of `history`'s calls the sequential `spec` explains (pending
    calls included only where they took effect), or None if there is none.
    Each key is ordered apart; the orders are merged along real time, which
    locality guarantees is possible."""
    calls = [call for call in operations(history)
             if call.end is not None or spec.changes(call.op)]
    chains = []
    for key in spec.keys:
        on_key = [call for call in calls if call.key == key]
        order = _order_one_key(on_key, spec)
        if order is None:
            return None
        chains.append([on_key[i] for i in order])
    return _merge(chains)


def _merge(chains: list[list[Operation]]) -> tuple[Operation, ...]:
    """One order keeping each chain's order and real time: repeatedly the
    earliest-invoked chain head that no call left must precede."""
    merged: list[Operation] = []
    heads = [chain[:] for chain in chains if chain]
    while heads:
        left = [call for chain in heads for call in chain]
        ready = [chain for chain in heads
                 if not any(other.precedes(chain[0]) for other in left)]
        chain = min(ready, key=lambda chain: chain[0].start)
        merged.append(chain.pop(0))
        heads = [chain for chain in heads if chain]
    return tuple(merged)


# -- the minimal set that cannot be ordered ------------------------------------------


def minimal_unordered(calls: Sequence[Operation], spec: KeyValue) -> tuple[Operation, ...]:
    """A subset of `calls` (one key's, not linearizable) that is still not
    linearizable and from which no call can be dropped so that it stays so.
    When some order, real time aside, explains every result, only subsets
    such an order explains count: the set shows calls that cannot be
    *ordered*, not a value nobody wrote. Calls are dropped latest first."""

    def linearizable(subset: Sequence[Operation]) -> bool:
        return decide(events_of(subset), spec)

    def explained(subset: Sequence[Operation]) -> bool:
        # every call overlapping every other (each its own client): any
        # order is allowed
        both = [Invoke(i, c.op, c.key, c.arg) for i, c in enumerate(subset)]
        both += [Respond(i, c.result) for i, c in enumerate(subset) if c.end is not None]
        return decide(both, spec)

    return _shrunk(calls, linearizable, explained)


def _shrunk(calls: Sequence[Operation], passes: Callable[[Sequence[Operation]], bool],
            explained: Callable[[Sequence[Operation]], bool]) -> tuple[Operation, ...]:
    """`calls`, which do not pass, with calls dropped (latest first) while
    the rest still does not pass and, where some order explains `calls`,
    one still explains the rest."""
    keep_explained = explained(calls)
    core = list(calls)
    shrinking = True
    while shrinking:
        shrinking = False
        for call in reversed(core):
            trial = [other for other in core if other is not call]
            if not passes(trial) and (not keep_explained or explained(trial)):
                core, shrinking = trial, True
                break
    return tuple(core)


def _same_calls(earlier: NotLinearizable, history: tuple,
                spec: KeyValue) -> tuple[Operation, ...]:
    """The minimal set of `history` (which extends `earlier`'s) found among
    the calls that explain `earlier`: a violation stays one, explained by the
    same operations, but a call pending then may have returned since, which
    constrains it more, so that fewer of them may be enough (a write and a
    pending compare-and-set that a read's result needed; once the
    compare-and-set answers ok after the write ended, the two alone)."""
    starts = {call.start for call in earlier.minimal}
    return minimal_unordered([call for call in operations(history) if call.start in starts],
                             spec)


# -- checking histories --------------------------------------------------------------


#: Histories a property remembers before it starts over (bounding memory).
LIMIT = 1 << 17


class HistoryChecker:
    """Verdicts on histories for one sequential `spec`, each computed from
    the longest remembered prefix's frontier (a state's history usually
    extends its parent's by one event), and counts of the work:

    - `checks`: histories asked about; `hits`: answered from memory;
    - `events`: events stepped over (one per new history when its parent's
      is remembered); `configurations`: the configurations those steps
      produced (the search's size);
    - `shrinks`: minimal sets found (when a violation's reason is asked for);
    - `restarts`: times the memory reached `limit` and started over."""

    def __init__(self, spec: KeyValue, limit: int = LIMIT):
        self.spec = spec
        self.limit = limit
        # history -> (verdict, frontier)
        self.memo: dict[tuple, tuple[Any, Frontier]] = {}
        # one copy of each frontier: far fewer than the histories reaching them
        self.frontiers: dict[Frontier, Frontier] = {}
        self.checks = self.hits = self.events = self.configurations = 0
        self.shrinks = self.restarts = 0

    def __call__(self, history: tuple) -> Any:
        """True if `history` is linearizable, else a `NotLinearizable`."""
        self.checks += 1
        known = self.memo.get(history)
        if known is not None:
            self.hits += 1
            return known[0]
        return self._compute(history)[0]

    def _compute(self, history: tuple) -> tuple[Any, Frontier]:
        known_at = len(history) - 1
        while known_at > 0 and history[:known_at] not in self.memo:
            known_at -= 1
        if known_at > 0:
            verdict, frontier = self.memo[history[:known_at]]
        else:
            known_at, verdict, frontier = 0, True, start(self.spec)
        for at in range(known_at, len(history)):
            frontier, size = advance(frontier, history[at], at, self.spec)
            frontier = self.frontiers.setdefault(frontier, frontier)
            self.events += 1
            self.configurations += size
            prefix = history[:at + 1]
            if verdict is True and failing_key(frontier, self.spec) is not None:
                verdict = self._explain(prefix, frontier)
            elif verdict is not True:
                verdict = NotLinearizable(prefix, find=partial(_same_calls, verdict, prefix,
                                                                  self.spec))
            if len(self.memo) >= self.limit:
                self.memo.clear()
                self.frontiers.clear()
                self.restarts += 1
            self.memo[prefix] = verdict, frontier
        return verdict, frontier

    def _explain(self, history: tuple, frontier: Frontier) -> NotLinearizable:
        key = failing_key(frontier, self.spec)

        def find() -> tuple[Operation, ...]:
            self.shrinks += 1
            calls = [call for call in operations(history) if call.key == key
                     and (call.end is not None or self.spec.changes(call.op))]
            return minimal_unordered(calls, self.spec)

        return NotLinearizable(history, find=find)

    def counts(self) -> dict[str, int]:
        return {"checks": self.checks, "hits": self.hits, "events": self.events,
                "configurations": self.configurations, "shrinks": self.shrinks,
                "restarts": self.restarts}


# -- sequential consistency ------------------------------------------------------------
#
# Lamport's sequential consistency (1979) asks less than linearizability: one
# order of all the calls that keeps each client's own order (not real time)
# and gives every completed call the result its client saw. A stale read by
# one client after another's write is sequentially consistent (the read is
# ordered first); a client reading an older value than one it wrote or read
# itself is not. Unlike linearizability it is not local, so the search takes
# every key at once: depth first over which client's next call comes next,
# with the refuted (positions, store) pairs remembered.


def program_order(earlier: Operation, later: Operation) -> bool:
    """Whether `earlier` returned before `later` was invoked by the same client."""
    return earlier.client == later.client and earlier.precedes(later)


def sequential_order(calls: Sequence[Operation], spec: KeyValue) -> tuple[Operation, ...] | None:
    """An order of `calls` that keeps each client's order and that `spec`
    explains (completed calls with their results; a pending call, its
    client's last, placed with whatever result or left out), or None."""
    calls = [call for call in calls if call.end is not None or spec.changes(call.op)]
    clients = list(dict.fromkeys(call.client for call in calls))
    programs = [[call for call in calls if call.client == client] for client in clients]
    refuted: set[tuple] = set()
    order: list[Operation] = []

    def search(positions: tuple[int, ...], store: tuple) -> bool:
        if all(at == len(program) or program[at].end is None
               for at, program in zip(positions, programs)):
            return True
        if (positions, store) in refuted:
            return False
        for k, program in enumerate(programs):
            at = positions[k]
            if at == len(program):
                continue
            call = program[at]
            after, result = spec.step(store, call.op, call.key, call.arg)
            if call.end is not None and result != call.result:
                continue
            order.append(call)
            if search(positions[:k] + (at + 1,) + positions[k + 1:], after):
                return True
            order.pop()
        refuted.add((positions, store))
        return False

    return tuple(order) if search((0,) * len(programs), spec.init()) else None


class NotSequential(NotLinearizable):
    """The verdict on a history that no order keeping each client's own
    order explains: as `NotLinearizable`, its reason naming the minimal
    set's calls by their clients' order."""

    __slots__ = ()

    @property
    def reason(self) -> str:
        return explain(self.minimal, program_order, "in any order with the rest")


def minimal_unsequential(calls: Sequence[Operation], spec: KeyValue) -> tuple[Operation, ...]:
    """A subset of `calls` (not sequentially consistent) that still is not
    and from which no call can be dropped so that it stays so; as
    `minimal_unordered`, only subsets that some order (each client's aside)
    explains count, where one explains them all. Calls are dropped latest
    first."""

    def explained(subset: Sequence[Operation]) -> bool:
        # each call a client of its own: any order is allowed
        alone = [Operation(str(k), c.op, c.key, c.arg, c.start, c.end, c.result)
                 for k, c in enumerate(subset)]
        return sequential_order(alone, spec) is not None

    return _shrunk(calls, lambda subset: sequential_order(subset, spec) is not None,
                   explained)


class SequentialChecker:
    """Verdicts on histories for sequential consistency with respect to
    `spec`, remembered by history (up to `limit`, then started over), and
    counts of the work: `checks` (histories asked about), `hits` (answered
    from memory), `searches` (orders searched for), `shrinks` (minimal sets
    found, when a violation's reason is asked for), `restarts`. Unlike
    linearizability, a history extending one that is not sequentially
    consistent may be (a read of 1 before any write is explained once a
    write of 1 comes, ordered before it), so each is searched afresh."""

    def __init__(self, spec: KeyValue, limit: int = LIMIT):
        self.spec = spec
        self.limit = limit
        self.memo: dict[tuple, Any] = {}
        self.checks = self.hits = self.searches = self.shrinks = self.restarts = 0

    def __call__(self, history: tuple) -> Any:
        """True if `history` is sequentially consistent, else a `NotSequential`."""
        self.checks += 1
        known = self.memo.get(history)
        if known is not None:
            self.hits += 1
            return known
        self.searches += 1
        calls = operations(history)
        verdict = (True if sequential_order(calls, self.spec) is not None
                   else NotSequential(history, find=partial(self._minimal, calls)))
        if len(self.memo) >= self.limit:
            self.memo.clear()
            self.restarts += 1
        self.memo[history] = verdict
        return verdict

    def _minimal(self, calls: Sequence[Operation]) -> tuple[Operation, ...]:
        self.shrinks += 1
        return minimal_unsequential(calls, self.spec)

    def counts(self) -> dict[str, int]:
        return {"checks": self.checks, "hits": self.hits, "searches": self.searches,
                "shrinks": self.shrinks, "restarts": self.restarts}


def check(history: Sequence[Invoke | Respond], spec: KeyValue) -> Any:
    """True if `history` is linearizable with respect to `spec`, else a
    `NotLinearizable` that says which operations cannot be ordered."""
    return HistoryChecker(spec)(tuple(history))


def check_sequential(history: Sequence[Invoke | Respond], spec: KeyValue) -> Any:
    """True if `history` is sequentially consistent with respect to `spec`,
    else a `NotSequential` that says which operations cannot be ordered."""
    return SequentialChecker(spec)(tuple(history))


def linearizable(title: str, spec: KeyValue) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state) -> history`` as the invariant that the
    history is linearizable with respect to `spec`. The predicate keeps
    `history_of` (f), `sequential` (spec) and `checker` (its
    `HistoryChecker`, which remembers histories and counts its work)."""
    return _history_property(HistoryChecker, title, spec, True)


def sequentially_consistent(title: str, spec: KeyValue,
                            default: bool = True) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state) -> history`` as the invariant that the
    history is sequentially consistent with respect to `spec` (one order of
    every call, each client's kept, explains every result); as
    `linearizable`, the predicate keeps `history_of`, `sequential` and
    `checker` (a `SequentialChecker`). ``default=False`` for one checked
    only when named."""
    return _history_property(SequentialChecker, title, spec, default)


def _history_property(kind: type, title: str, spec: KeyValue,
                      default: bool) -> Callable[[Callable], Callable]:
    """The invariant that a state's history passes a `kind` checker of `spec`."""

    def mark(history_of: Callable) -> Callable:
        checker = kind(spec)

        def predicate(self: Any, state: Any) -> Any:
            return checker(history_of(self, state))

        predicate.__name__ = history_of.__name__
        predicate.__qualname__ = history_of.__qualname__
        predicate.__doc__ = history_of.__doc__
        predicate.history_of = history_of
        predicate.sequential = spec
        predicate.checker = checker
        return _declare("invariant", title, default)(predicate)

    return mark


def history_properties(model: Any) -> dict[str, Callable]:
    """The model's history predicates (linearizability, sequential
    consistency) by property name (bound)."""
    found = {}
    for name in getattr(model, "properties", {}):
        predicate = getattr(model, name, None)
        if hasattr(predicate, "history_of"):
            found[name] = predicate
    return found


def history_counts(model: Any) -> dict[str, dict[str, int]]:
    """Each history property's checker's counts, by name."""
    return {name: predicate.checker.counts()
            for name, predicate in history_properties(model).items()}
