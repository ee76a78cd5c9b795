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
client saw (Herlihy & Wing, 1990). `check` searches for such an order as
Wing & Gong do, memoizing the configurations already refuted (as Lowe's
refinement, Knossos and Porcupine do).

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
from typing import Any, Callable, Hashable, NamedTuple, Sequence

from checker.properties import Fails, _declare


class Invoke(NamedTuple):
    """`client` calls `op` (``"read"``, ``"write"``) on `key` with `arg`
    (the value written; None for a read)."""

    client: str
    op: str
    key: Hashable
    arg: Hashable = None

    def __str__(self) -> str:
        arg = "" if self.arg is None else f", {self.arg}"
        return f"{self.client}: {self.op}({self.key}{arg})"


class Respond(NamedTuple):
    """`client`'s outstanding call returns `result` (the value read; ``"ok"``
    for a write)."""

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

    def __str__(self) -> str:
        arg = "" if self.arg is None else f", {self.arg}"
        shown = "pending" if self.end is None else f"→ {self.result}"
        return f"{self.client}: {self.op}({self.key}{arg}) {shown}"


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
        else:
            index = open_call.pop(event.client, None)
            if index is None:
                raise ValueError(f"{event.client} responds with no call outstanding")
            call = calls[index]
            calls[index] = Operation(call.client, call.op, call.key, call.arg,
                                     call.start, at, event.result)
    return tuple(calls)


@dataclass(frozen=True)
class KeyValue:
    """A sequential key-value store: ``write(k, v)`` returns ``"ok"``,
    ``read(k)`` the last value written to k (`initial` before any)."""

    keys: tuple[Hashable, ...] = ("x",)
    initial: Hashable = 0

    def init(self) -> tuple:
        return tuple(self.initial for _ in self.keys)

    def step(self, state: tuple, op: str, key: Hashable, arg: Hashable) -> tuple[tuple, Hashable]:
        """The state after `op` and the result it returns."""
        slot = self.keys.index(key)
        if op == "read":
            return state, state[slot]
        if op == "write":
            return state[:slot] + (arg,) + state[slot + 1:], "ok"
        raise ValueError(f"KeyValue has no operation {op!r}")


class NotLinearizable(Fails):
    """The verdict on a history no order explains."""

    __slots__ = ("history",)

    def __init__(self, history: tuple):
        self.history = history
        calls = operations(history)
        done = sum(call.end is not None for call in calls)
        super().__init__(f"the history of {done} completed operation"
                         f"{'s' if done != 1 else ''} is not linearizable")


def linearize(history: Sequence[Invoke | Respond], spec: KeyValue) -> tuple[Operation, ...] | None:
    """An order of `history`'s calls the sequential `spec` explains (pending
    calls included only where they took effect), or None if there is none."""
    calls = operations(history)
    completed = frozenset(i for i, call in enumerate(calls) if call.end is not None)
    refuted: set[tuple[frozenset, tuple]] = set()

    def search(done: frozenset, state: tuple, order: tuple[int, ...]) -> tuple[int, ...] | None:
        if completed <= done:
            return order
        if (done, state) in refuted:
            return None
        # A call can come next only if it started before every call not yet
        # ordered has ended: ordering it later than one that ended before it
        # started would break real time.
        deadline = min(calls[i].end for i in completed - done)
        for i, call in enumerate(calls):
            if i in done or call.start > deadline:
                continue
            after, result = spec.step(state, call.op, call.key, call.arg)
            if call.end is not None and result != call.result:
                continue
            found = search(done | {i}, after, order + (i,))
            if found is not None:
                return found
        refuted.add((done, state))
        return None

    found = search(frozenset(), spec.init(), ())
    return None if found is None else tuple(calls[i] for i in found)


def check(history: Sequence[Invoke | Respond], spec: KeyValue) -> Any:
    """True if `history` is linearizable with respect to `spec`, else a
    `NotLinearizable` that says so."""
    history = tuple(history)
    return True if linearize(history, spec) is not None else NotLinearizable(history)


def linearizable(title: str, spec: KeyValue) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state) -> history`` as the invariant that the
    history is linearizable with respect to `spec`. Histories recur across
    many states, so verdicts are remembered by history."""

    def mark(history_of: Callable) -> Callable:
        verdicts: dict[tuple, Any] = {}

        def predicate(self: Any, state: Any) -> Any:
            history = history_of(self, state)
            verdict = verdicts.get(history)
            if verdict is None:
                verdict = verdicts[history] = check(history, spec)
            return verdict

        predicate.__name__ = history_of.__name__
        predicate.__qualname__ = history_of.__qualname__
        predicate.__doc__ = history_of.__doc__
        predicate.history_of = history_of
        predicate.sequential = spec
        return _declare("invariant", title)(predicate)

    return mark
