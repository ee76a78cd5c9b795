"""Lamport's bakery algorithm as the atomic PlusCal version of Bakery.tla
(tlaplus/Examples, specifications/Bakery-Boulangerie) writes it, with the
bound of its MCBakery.tla: a plain `checker.Model`, one action per label.

N processes 1..N. A process leaves its noncritical section (ncs), raises
its flag (e1, where it may also flip the flag and try again: a flickering
register), reads every other number into ``max`` (e2), takes a number
above it (e3, where it may first write any number: a flickering write),
lowers its flag (e4, flickering too), then for each other process waits
until that one's flag is down (w1) and its number is 0 or after its own,
``<<num[self], self>> \\prec <<num[nxt], nxt>>`` (w2); then the critical
section (cs), and it writes 0 (exit, after any number of flickering
writes). The invariants are MutualExclusion, TypeOK and the inductive
invariant IInv (its conjuncts apart, so a failure says which one broke);
the liveness properties are DeadlockFree and StarvationFree (``\\A i :
Trying(i) ~> InCS(i)``, a leads-to of each process, ``each="process"``),
and Leaves CS, ours, that a process in its critical section eventually
leaves it.

Where it follows MCBakery rather than Bakery: Nat is ``0..MaxNat``
(``Nat <- NatOverride``), the MC's only bound, a change of the actions (a
number above MaxNat is not chosen), not a state constraint. Bakery's
``ASSUME N \\in Nat`` then asks MaxNat >= N. ``inductive`` starts from
every state of Inv instead of Init, MCBakery.cfg's ``ISpec`` (the check
that Inv is inductive). `BoundedBakery` adds a state constraint on the
numbers (``\\A i : num[i] <= MaxNum``), TLC's CONSTRAINT.

PlusCal's ``fair process`` with the unfair label ``ncs:-`` is
``\\A self : WF_vars((pc[self] # "ncs") /\\ p(self))``: weak fairness to
the labels other than ncs together, a family
``'E1(p=*) | E2(p=*) | ... | Exit(p=*)'``. A flickering write of the
value already there (e3 and exit, ``num[self] := k`` with ``k =
num[self]``) is a step to the same state, kept as TLC keeps it: it is
stuttering, neither taking nor enabling the process's fair action.
"""

from itertools import product
from typing import NamedTuple

from checker import Fails, Model, Param, invariant, leads_to
from checker.errors import ParamError

LABELS = ("ncs", "e1", "e2", "e3", "e4", "w1", "w2", "cs", "exit")


class State(NamedTuple):
    num: tuple[int, ...]                  # by process 1..N (index p - 1)
    flag: tuple[bool, ...]
    pc: tuple[str, ...]
    unchecked: tuple[frozenset, ...]      # of processes
    max: tuple[int, ...]
    nxt: tuple[int, ...]                  # a process


class Ncs(NamedTuple):
    p: int


class E1(NamedTuple):
    p: int
    again: bool         # flip the flag and goto e1; else raise it and go on


class E2(NamedTuple):
    p: int
    i: int | None       # the process whose number is read; None: all read


class E3(NamedTuple):
    p: int
    k: int              # the number written
    again: bool         # any number, goto e3; else one above max, go on


class E4(NamedTuple):
    p: int
    again: bool


class W1(NamedTuple):
    p: int
    i: int | None       # the process waited for next; None: none left


class W2(NamedTuple):
    p: int


class CS(NamedTuple):
    p: int


class Exit(NamedTuple):
    p: int
    k: int              # the number written
    again: bool         # any number, goto exit; else 0, go to ncs


def _with(values: tuple, p: int, value) -> tuple:
    return values[:p - 1] + (value,) + values[p:]


def _prec(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Bakery's ``a \\prec b``: lexicographic order on pairs."""
    return a < b


class Bakery(Model):
    name = "bakery"
    summary = "Lamport's bakery algorithm, atomic PlusCal version (Bakery.tla)"
    params = (Param("N", 2, "processes", minimum=1),
              Param("MaxNat", 2, "Nat is 0..MaxNat (MCBakery's NatOverride)", minimum=0),
              Param("inductive", False, "start from every state of Inv (ISpec)"))
    mutants = {"skip_flag_wait": "w1 picks the next process without awaiting ~flag[nxt], "
                                 "the paper's choosing[j] wait left out → Mutual Exclusion"}
    actions = (Ncs, E1, E2, E3, E4, W1, W2, CS, Exit)

    def setup(self):
        if self.MaxNat < self.N:
            raise ParamError("params.MaxNat", f"Bakery's ASSUME N \\in Nat fails: N = {self.N} "
                             f"is not in Nat = 0..{self.MaxNat}; take MaxNat >= N")
        self.procs = tuple(range(1, self.N + 1))
        self.nat = tuple(range(self.MaxNat + 1))

    def initial_states(self):
        if self.inductive:
            yield from self._inv_states()
            return
        n = self.N
        yield State(num=(0,) * n, flag=(False,) * n, pc=("ncs",) * n,
                    unchecked=(frozenset(),) * n, max=(0,) * n, nxt=(1,) * n)

    def _inv_states(self):
        """ISpec's Init, Inv: every state of TypeOK satisfying IInv."""
        n = self.N
        subsets = [frozenset(q for q, inside in zip(self.procs, c) if inside)
                   for c in product((False, True), repeat=n)]
        for num, flag, pc, unchecked, max_, nxt in product(
                product(self.nat, repeat=n), product((False, True), repeat=n),
                product(LABELS, repeat=n), product(subsets, repeat=n),
                product(self.nat, repeat=n), product(self.procs, repeat=n)):
            state = State(num, flag, pc, unchecked, max_, nxt)
            if self.iinv(state):
                yield state

    def successors(self, s: State):
        for p in self.procs:
            def to(label, **changes):
                return s._replace(pc=_with(s.pc, p, label), **changes)

            match s.pc[p - 1]:
                case "ncs":
                    yield Ncs(p), to("e1")
                case "e1":
                    yield E1(p, True), to("e1", flag=_with(s.flag, p, not s.flag[p - 1]))
                    yield E1(p, False), to("e2", flag=_with(s.flag, p, True),
                                           unchecked=_with(s.unchecked, p,
                                                           frozenset(self.procs) - {p}),
                                           max=_with(s.max, p, 0))
                case "e2":
                    if s.unchecked[p - 1]:
                        for i in sorted(s.unchecked[p - 1]):
                            yield E2(p, i), to("e2", unchecked=_with(
                                s.unchecked, p, s.unchecked[p - 1] - {i}), max=_with(
                                s.max, p, max(s.max[p - 1], s.num[i - 1])))
                    else:
                        yield E2(p, None), to("e3")
                case "e3":
                    for k in self.nat:
                        yield E3(p, k, True), to("e3", num=_with(s.num, p, k))
                    for k in self.nat:
                        if k > s.max[p - 1]:
                            yield E3(p, k, False), to("e4", num=_with(s.num, p, k))
                case "e4":
                    yield E4(p, True), to("e4", flag=_with(s.flag, p, not s.flag[p - 1]))
                    yield E4(p, False), to("w1", flag=_with(s.flag, p, False),
                                           unchecked=_with(s.unchecked, p,
                                                           frozenset(self.procs) - {p}))
                case "w1":
                    if s.unchecked[p - 1]:
                        for i in sorted(s.unchecked[p - 1]):
                            if self.awaits_flag(s, i):
                                yield W1(p, i), to("w2", nxt=_with(s.nxt, p, i))
                    else:
                        yield W1(p, None), to("cs")
                case "w2":
                    q = s.nxt[p - 1]
                    if s.num[q - 1] == 0 or _prec((s.num[p - 1], p), (s.num[q - 1], q)):
                        yield W2(p), to("w1", unchecked=_with(s.unchecked, p,
                                                              s.unchecked[p - 1] - {q}))
                case "cs":
                    yield CS(p), to("exit")
                case "exit":
                    for k in self.nat:
                        yield Exit(p, k, True), to("exit", num=_with(s.num, p, k))
                    yield Exit(p, 0, False), to("ncs", num=_with(s.num, p, 0))

    def awaits_flag(self, s: State, i: int) -> bool:
        """w1's ``await ~flag[nxt]``, with nxt = i."""
        return self.mutant == "skip_flag_wait" or not s.flag[i - 1]

    def state_view(self, s: State) -> dict:
        """Each process's variables under its own name (p1.pc, p2.num)."""
        return {f"p{p}.{field}": sorted(value[p - 1]) if field == "unchecked" else value[p - 1]
                for p in self.procs for field, value in s._asdict().items()}

    # -- invariants -----------------------------------------------------------

    @invariant("Mutual Exclusion")
    def mutual_exclusion(self, s: State):
        inside = [p for p in self.procs if s.pc[p - 1] == "cs"]
        return len(inside) < 2 or Fails(f"processes {inside} are in the critical section")

    @invariant("TypeOK")
    def type_ok(self, s: State):
        n, nat, procs = self.N, set(self.nat), set(self.procs)
        return (all(len(v) == n for v in s)
                and set(s.num) <= nat and set(s.max) <= nat and set(s.nxt) <= procs
                and all(isinstance(f, bool) for f in s.flag)
                and all(u <= procs for u in s.unchecked) and set(s.pc) <= set(LABELS))

    def before(self, s: State, i: int, j: int) -> bool:
        """Bakery's Before(i, j)."""
        num_i, pc_j = s.num[i - 1], s.pc[j - 1]
        return num_i > 0 and (
            pc_j in ("ncs", "e1", "exit")
            or (pc_j == "e2" and (i in s.unchecked[j - 1] or s.max[j - 1] >= num_i))
            or (pc_j == "e3" and s.max[j - 1] >= num_i)
            or (pc_j in ("e4", "w1", "w2") and _prec((num_i, i), (s.num[j - 1], j))
                and (pc_j not in ("w1", "w2") or i in s.unchecked[j - 1])))

    @invariant("Inv")
    def iinv(self, s: State):
        """IInv, conjunct by conjunct (TypeOK is its own invariant)."""
        for i in self.procs:
            pc, num, others = s.pc[i - 1], s.num[i - 1], [j for j in self.procs if j != i]
            if pc in ("e4", "w1", "w2", "cs") and num == 0:
                return Fails(f"process {i} at {pc} has number 0")
            if pc in ("e2", "e3") and not s.flag[i - 1]:
                return Fails(f"process {i} at {pc} has its flag down")
            if pc == "w2" and s.nxt[i - 1] == i:
                return Fails(f"process {i} at w2 waits for itself")
            if pc in ("w1", "w2"):
                if i in s.unchecked[i - 1]:
                    return Fails(f"process {i} at {pc} has itself unchecked")
                for j in others:
                    if j not in s.unchecked[i - 1] and not self.before(s, i, j):
                        return Fails(f"process {i} at {pc} checked {j}, not Before({i}, {j})")
            if pc == "w2":
                q = s.nxt[i - 1]
                if ((s.pc[q - 1] == "e2" and i not in s.unchecked[q - 1]
                     or s.pc[q - 1] == "e3") and s.max[q - 1] < num):
                    return Fails(f"process {i} at w2 waits for {q}, whose max is below "
                                 f"num[{i}]")
            if pc == "cs":
                for j in others:
                    if not self.before(s, i, j):
                        return Fails(f"process {i} is in cs and not Before({i}, {j})")
        return True

    # -- liveness -------------------------------------------------------------

    @leads_to("Deadlock Free")
    def deadlock_free(self, s: State):
        """(\\E i : Trying(i)) ~> (\\E i : InCS(i)), Trying(i) being pc = e1."""
        return "e1" in s.pc, "cs" in s.pc

    @leads_to("Starvation Free", each="process")
    def starvation_free(self, s: State):
        """\\A i \\in Procs : Trying(i) ~> InCS(i), each process apart."""
        return {f"p{i + 1}": (pc == "e1", pc == "cs") for i, pc in enumerate(s.pc)}

    @leads_to("Leaves CS")
    def leaves_cs(self, s: State):
        """Ours, not the spec's: (\\E i : InCS(i)) ~> (\\E i : pc[i] = exit)."""
        return "cs" in s.pc, "exit" in s.pc


class BoundedBakery(Bakery):
    """The same with a state constraint on the numbers, TLC's ``CONSTRAINT
    \\A i \\in Procs : num[i] <= MaxNum``, the choices still over
    0..MaxNat."""

    name = "bakery-bounded"
    params = Bakery.params + (Param("MaxNum", 1, "the constraint num[i] <= MaxNum",
                                    minimum=0),)

    def within_bounds(self, s: State) -> bool:
        return max(s.num) <= self.MaxNum

    def bound_reason(self, s: State) -> str | None:
        if max(s.num) > self.MaxNum:
            return f"a number passes MaxNum = {self.MaxNum}"
        return None
