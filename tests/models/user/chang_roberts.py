"""Chang and Roberts' leader election on a unidirectional ring (CACM 22(5),
1979), written as a user would from ChangRoberts.tla of the TLA+ examples
(Stephan Merz's PlusCal algorithm and its translation): a plain
`checker.Model`, one action per label per process.

Node ``n`` (0 to N-1 here, the spec's 1 to N) has the identity
``ids[n]``, all distinct; its successor on the ring is ``n + 1`` (the last
node's is node 0). Each node starts as an initiator or not (every
combination is an initial state): an initiator is a candidate, any other
node has already lost. Label n0: an initiator sends its own identity to its
successor. Label n1, for ever: take some identity from the node's set of
waiting messages; a node that lost forwards it, a candidate that receives
a smaller one loses and forwards it, and a candidate swallows a larger one
and its own, on which it has won. The initiator with the smallest identity
is elected.

PlusCal's ``fair process`` is ``\\A self : WF_vars(node(self))``, weak
fairness to each node's labels together: ``'N0(self=*) | N1(self=*)'``.
The process loops ``while (TRUE)``, so it never reaches ``Done`` and the
translation's ``Terminating`` stutter step is never enabled: a state where
every message has been handled has no step at all, a deadlock, which is why
the spec is checked with ``CHECK_DEADLOCK FALSE`` (``deadlock: false``).
"""

from itertools import product
from typing import NamedTuple

from checker import Fails, Model, Param, ParamError, eventually, invariant


class State(NamedTuple):
    msgs: tuple[frozenset[int], ...]    # by node: the identities waiting to be received
    pc: tuple[str, ...]                 # by node: "n0" or "n1"
    initiator: tuple[bool, ...]         # by node
    state: tuple[str, ...]              # by node: "cand", "lost" or "won"


class N0(NamedTuple):
    self: int


class N1(NamedTuple):
    self: int
    id: int


class ChangRoberts(Model):
    name = "chang-roberts"
    summary = "Chang and Roberts' leader election on a unidirectional ring"
    params = (
        Param("N", 3, "nodes on the ring", minimum=1),
        Param("ids", None, "the nodes' identities in ring order, distinct naturals "
              "(null: 1, 2, ..., N as MCChangRoberts.tla)",
              schema={"type": ["array", "null"], "items": {"type": "integer", "minimum": 0}}),
    )
    mutants = {
        "win_on_larger_id": "a candidate that swallows a larger identity declares itself "
                            "won → Correctness",
        "forward_larger": "a candidate forwards a larger identity instead of swallowing "
                          "it: larger identities circle for ever and a node may keep "
                          "taking them over its own → Liveness under fair process",
    }
    actions = (N0, N1)

    def setup(self):
        self.ids = tuple(self.ids) if self.ids is not None else tuple(range(1, self.N + 1))
        if len(self.ids) != self.N or len(set(self.ids)) != self.N:
            raise ParamError("params.ids", f"ids must be {self.N} distinct naturals, one a "
                                           f"node; got {list(self.ids)}")

    def succ(self, n: int) -> int:
        return (n + 1) % self.N

    def initial_states(self):
        for initiator in product((False, True), repeat=self.N):
            yield State(msgs=(frozenset(),) * self.N, pc=("n0",) * self.N,
                        initiator=initiator,
                        state=tuple("cand" if i else "lost" for i in initiator))

    def successors(self, s: State):
        for n in range(self.N):
            match s.pc[n]:
                case "n0":
                    yield N0(n), self.n0(s, n)
                case "n1":
                    for id in sorted(s.msgs[n]):
                        yield N1(n, id), self.n1(s, n, id)

    def n0(self, s: State, n: int) -> State:
        """An initiator sends its own identity to its successor."""
        msgs = _add(s.msgs, self.succ(n), self.ids[n]) if s.initiator[n] else s.msgs
        return s._replace(msgs=msgs, pc=_with(s.pc, n, "n1"))

    def n1(self, s: State, n: int, id: int) -> State:
        """Receive `id`: forward it if lost, lose to a smaller one, swallow a
        larger one, and win on one's own."""
        msgs = _with(s.msgs, n, s.msgs[n] - {id})
        if s.state[n] == "lost":
            return s._replace(msgs=_add(msgs, self.succ(n), id))
        if id < self.ids[n]:
            return s._replace(state=_with(s.state, n, "lost"),
                              msgs=_add(msgs, self.succ(n), id))
        if id == self.ids[n] or self.mutant == "win_on_larger_id":
            return s._replace(msgs=msgs, state=_with(s.state, n, "won"))
        if self.mutant == "forward_larger":
            return s._replace(msgs=_add(msgs, self.succ(n), id))
        return s._replace(msgs=msgs)

    @invariant("TypeOK")
    def type_ok(self, s: State):
        return (all(pc in ("n0", "n1") for pc in s.pc)
                and all(m <= set(self.ids) for m in s.msgs)
                and all(st in ("cand", "lost", "won") for st in s.state))

    @invariant("Correctness")
    def correctness(self, s: State):
        """A node that won is an initiator, every other node lost, and no
        other initiator has a smaller identity."""
        for n in range(self.N):
            if s.state[n] != "won":
                continue
            if not s.initiator[n]:
                return Fails(f"node {n} won but is no initiator")
            for m in range(self.N):
                if m != n and s.state[m] != "lost":
                    return Fails(f"node {n} won while node {m} is {s.state[m]}")
                if m != n and s.initiator[m] and self.ids[m] < self.ids[n]:
                    return Fails(f"node {n} won over initiator {m} of smaller identity")
        return True

    @eventually("Liveness")
    def liveness(self, s: State):
        """``(\\E n : state[n] = "cand") => <>(\\E n : state[n] = "won")``:
        the antecedent is read in the initial state, where a node is a
        candidate exactly when it is an initiator, which it stays for ever."""
        return not any(s.initiator) or "won" in s.state

    @eventually("Termination")
    def termination(self, s: State):
        """The translation's ``<>(\\A self : pc[self] = "Done")``: false of
        every behaviour, the process loops for ever."""
        return all(pc == "Done" for pc in s.pc)


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


def _add(msgs: tuple[frozenset[int], ...], n: int, id: int) -> tuple[frozenset[int], ...]:
    return _with(msgs, n, msgs[n] | {id})
