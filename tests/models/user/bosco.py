"""Bosco, Byzantine one-step asynchronous consensus (Yee Jiun Song and
Robbert van Renesse, DISC 2008), written as a user would from bosco.tla of
the TLA+ examples (Igor Konnov, Thanh Hai Tran and Josef Widder;
specifications/bosco, tlaplus/Examples 32a32c7): a plain `checker.Model`,
one method per operator of the spec.

N processes 1..N, of which the first N - F are correct (``Corr``) and the
last F faulty (``Faulty``), F <= T and N > 3T (the spec's ASSUMEs). A
correct process proposes 0 or 1 (pc V0 or V1), broadcasts its ECHO0 or
ECHO1 (S0 or S1), and, once it has heard from N - T processes, decides
(D0, D1) on more than (N + 3T)/2 equal echoes, or else calls the
underlying consensus (U0, U1) with the value more than (N - T)/2 echoes
carry, or its own proposal when both values have that many. A faulty
process never steps: its ECHO0 and its ECHO1 are available to every correct
receiver at any time (``{<<p, "ECHO0">> : p \\in Faulty} \\cup ...``).

Variables as the spec names them: ``pc`` and ``rcvd`` by correct process
(tuples, process 1 first), ``sent`` (the echoes correct processes sent). A
message ``<<p, "ECHO0">>`` is an `Echo` record (p, m), its sender a
correct or a faulty process (``either(Correct, Faulty)``, held tagged with
its set): correct processes print as their numbers, faulty process N - F + k
as ``fk`` (the only difference in naming).

Why a plain model and not the kit: as in bcastByz (``bcast_byz.py``), a
step receives any subset of the messages (``\\E r \\in SUBSET (P \\X M)``,
every message already received kept) and reacts to the new counts in the
same step (the Upon operators read ``rcvd'``); no message is consumed, and
the faulty processes' echoes are no node's sends. The kit's networks
deliver one message per step.

Action by action: Step(self) is Receive(self) and one of UponV0, UponV1,
UponOneStep0, UponOneStep1, UponUnderlying0, UponUnderlying1,
UponUnderlyingUndecided, or none (``pc' = pc /\\ sent' = sent``: it only
receives). A step here is ``Step(self, received, upon)``: the receiver, the
messages it receives (``r \\ rcvd[self]``: the spec's r holds rcvd[self], so
the new ones say which r), and the operator taken (``"Receive"`` for the
last disjunct). Each witness is a successor, in TLC's order: self, then r
by size and then by its elements in the order of P \\X M, then the
disjuncts in Step's order; Receive alone with nothing new is the state
itself, a step TLC generates from every state (so no state deadlocks, as
in TLC), and so does the model. The generated counts are then TLC's.
Each Upon operator is a method returning pc's new value and the echo sent,
or None where it is not enabled; the thresholds keep the spec's names
(``moreNplus3Tdiv2``, ``moreNminusTdiv2``).

Properties: the cfg's invariants TypeOK, Lemma3_0, Lemma3_1, Lemma4_0 and
Lemma4_1, and the spec's temporal OneStep0 and OneStep1 (not in the cfg;
the spec says they fail with N <= 7T). OneStep0, ``(\\A i \\in Corr : pc[i] =
"V0") => [](\\A i \\in Corr : pc[i] \\notin {"D1", "U0", "U1"})``, speaks of
the behaviours whose first state has every correct process in V0; a state
says whether its behaviour began so: a correct process leaves V0 or V1 only
by echoing its proposal, and nothing else sends for it, so it proposed 0 iff
it is in V0 or ``<<i, "ECHO0">> \\in sent``. OneStep0 is then the invariant
"if every correct process proposed 0 by that reading, none is in D1, U0 or
U1", the same behaviours violating it, and its counterexamples shortest.
They are not in the default properties (the cfg's N = 4, T = 1 breaks them).
No fairness: the spec is ``Init /\\ [][Next]_vars``.

Symmetry (none in the cfg): the correct processes are interchangeable, and
so are the faulty ones: the sets ``correct`` and ``faulty``, derived from
State's types by the kit's `Symmetric` (TLC's SYMMETRY Permutations(Corr)
\\cup Permutations(Faulty) with the processes as model values; the tests
give the MC).

Bounds: bosco.cfg (N = 4, T = 1, F = 1) is checked under the symmetry
(181,640 orbits, as TLC's); without it, it is out of reach (TLC, one
worker: 996,306 distinct states and 246,675 on its queue at depth 8 after
24 minutes). ``max_sent`` is a CONSTRAINT ``Cardinality(sent) <= max_sent``
(`within_bounds`: a state beyond it is checked, neither counted nor
expanded, as in TLC), and ``proposals`` an Init that fixes pc (``Init /\\ pc
= <<"V0", "V0", "V1">>``); the runs from one initial state never meet
those from another (a state records the proposals), so from TLC's first
initial state of a trace the model's shortest counterexample is TLC's.

Mutants (below), each made in the TLA+ text too, where TLC's shortest
counterexample is the model's state for state
(tests/models/test_user_bosco.py): UponOneStep1 counting ECHO0 (Lemma3_0
and Lemma3_1, which are one formula), UponOneStep0 and UponOneStep1
deciding on N - T equal echoes, not more than (N + 3T)/2 (Lemma4_0,
Lemma4_1), and UponV1 sending its location for ECHO1 (TypeOK). OneStep0
and OneStep1 need no mutant: the spec breaks them with N <= 7T, the cfg's
N = 4, T = 1 among them.

Where this port differs from the text, none in behaviour: the faulty
processes print as f1 .. fF; Corr and Faulty are two id types, a message's
sender either; OneStep0 and OneStep1 are invariants, as said above.
"""

from __future__ import annotations

from itertools import combinations, product
from typing import NamedTuple

from checker import Fails, Model, Param, invariant
from checker.errors import ParamError
from models.kit import Symmetric, either, ids, indexed_by

Correct = ids("correct", "", first=1, named=True)          # Corr == 1 .. N - F
Faulty = ids("faulty", "f", first=1, named=True)  # Faulty == N - F + 1 .. N, as f1 .. fF
Process = either(Correct, Faulty)                # P == 1 .. N
M = ("ECHO0", "ECHO1")
LOCATIONS = ("V0", "V1", "S0", "S1", "D0", "D1", "U0", "U1")


class Echo(NamedTuple):
    """A message ``<<p, m>>`` of P \\X M."""

    p: Process
    m: str


class State(NamedTuple):
    pc: indexed_by(Correct, str)
    rcvd: indexed_by(Correct, frozenset[Echo])
    sent: frozenset[Echo]


class Step(NamedTuple):
    """``Step(self)``: self receives `received` (r \\ rcvd[self]) and takes
    the operator `upon` ("Receive": none, it only receives)."""

    self: Correct
    received: frozenset[Echo]
    upon: str


class Bosco(Symmetric, Model):
    name = "bosco"
    summary = "Bosco, Byzantine one-step consensus (bosco.tla)"
    params = (
        Param("N", 4, "processes, correct and faulty", minimum=1, maximum=8),
        Param("T", 1, "the most faulty processes tolerated (N > 3T)", minimum=0),
        Param("F", 1, "faulty processes, the last F (F <= T)", minimum=0),
        Param("proposals", None, "Init's pc fixed, one digit per correct process "
              "('001': pc = <<V0, V0, V1>>); none: Init's every proposal",
              schema={"type": ["string", "null"], "pattern": "^[01]*$"}),
        Param("max_sent", None, "CONSTRAINT Cardinality(sent) <= max_sent "
              "(none: no bound)", schema={"type": ["integer", "null"], "minimum": 0}),
    )
    actions = (Step,)
    state_type = State
    symmetry_sets = ("correct", "faulty")   # Permutations(Corr) \cup Permutations(Faulty)

    def setup(self):
        # ASSUME (N > 3 * T) /\ (T >= F) /\ (F >= 0)
        if self.N <= 3 * self.T:
            raise ParamError("params.T", f"the spec assumes N > 3T; with N = {self.N}, "
                             f"T must be at most {(self.N - 1) // 3}")
        if self.F > self.T:
            raise ParamError("params.F", f"the spec assumes T >= F; F must be at most {self.T}")
        if self.proposals is not None and len(self.proposals) != self.N - self.F:
            raise ParamError("params.proposals", f"give one digit per correct process: "
                             f"{self.N - self.F} digits, each 0 or 1")
        self.moreNplus3Tdiv2 = (self.N + 3 * self.T) // 2 + 1
        self.moreNminusTdiv2 = (self.N - self.T) // 2 + 1
        self.corr = tuple(range(self.N - self.F))
        # the faulty processes' echoes, ECHO0 and ECHO1 each
        self.byz_msgs = frozenset(Echo(Faulty.tag(f), m) for f in range(self.F) for m in M)
        # P \X M in TLC's order: by process 1 .. N (the correct first), then ECHO0, ECHO1
        self.messages = (tuple(Echo(Correct.tag(p), m) for p in self.corr for m in M)
                         + tuple(Echo(Faulty.tag(f), m) for f in range(self.F) for m in M))

    def set_size(self, name: str) -> int:
        return self.N - self.F if name == "correct" else self.F

    # -- Init ------------------------------------------------------------------------------

    def initial_states(self):
        """``pc \\in [Corr -> {"V0", "V1"}]``, ``sent = {}``, ``rcvd = [i \\in
        Corr |-> {}]``; TLC enumerates the functions with the last process's
        value varying fastest. With `proposals`, the one pc it gives."""
        nobody = (frozenset(),) * len(self.corr)
        for pc in product(("V0", "V1"), repeat=len(self.corr)):
            if self.proposals is None or pc == tuple(f"V{d}" for d in self.proposals):
                yield State(pc, nobody, frozenset())

    def within_bounds(self, s: State) -> bool:
        """``CONSTRAINT Cardinality(sent) <= max_sent``."""
        return self.max_sent is None or len(s.sent) <= self.max_sent

    def bound_reason(self, s: State) -> str | None:
        if self.max_sent is not None and len(s.sent) > self.max_sent:
            return f"{len(s.sent)} echoes sent (max_sent = {self.max_sent})"
        return None

    # -- Next ------------------------------------------------------------------------------

    def successors(self, s: State):
        """``\\E self \\in Corr : Step(self)``: Receive(self), each r with
        rcvd[self] \\subseteq r \\subseteq sent \\cup the faulty echoes, and
        each disjunct of Step enabled on r."""
        offered = s.sent | self.byz_msgs
        for p in self.corr:
            new = [m for m in self.messages if m in offered and m not in s.rcvd[p]]
            for size in range(len(new) + 1):
                for received in combinations(new, size):
                    r = s.rcvd[p].union(received)
                    for upon, pc, echo in self.step(s.pc[p], r):
                        t = State(_with(s.pc, p, pc), _with(s.rcvd, p, r),
                                  s.sent if echo is None else s.sent | {Echo(Correct.tag(p), echo)})
                        yield Step(Correct(p), frozenset(received), upon), t

    def step(self, pc: str, r: frozenset):
        """The disjuncts of Step(self) that `pc` and the new rcvd[self] = `r`
        enable, in Step's order: (operator, new pc, echo sent or None)."""
        rcvd0 = sum(1 for m in r if m.m == "ECHO0")
        rcvd1 = len(r) - rcvd0
        rcvd01 = len({m.p for m in r})
        for upon, rule in (("UponV0", self.upon_v0), ("UponV1", self.upon_v1),
                           ("UponOneStep0", self.upon_one_step0),
                           ("UponOneStep1", self.upon_one_step1),
                           ("UponUnderlying0", self.upon_underlying0),
                           ("UponUnderlying1", self.upon_underlying1),
                           ("UponUnderlyingUndecided", self.upon_underlying_undecided)):
            taken = rule(pc, rcvd0, rcvd1, rcvd01)
            if taken is not None:
                yield (upon, *taken)
        yield "Receive", pc, None   # pc' = pc /\ sent' = sent

    def upon_v0(self, pc, rcvd0, rcvd1, rcvd01):
        """Proposed 0 (V0): broadcast ECHO0, move to S0."""
        return ("S0", "ECHO0") if pc == "V0" else None

    def upon_v1(self, pc, rcvd0, rcvd1, rcvd01):
        """Proposed 1 (V1): broadcast ECHO1, move to S1."""
        return ("S1", "ECHO1") if pc == "V1" else None

    def upon_one_step0(self, pc, rcvd0, rcvd1, rcvd01):
        """Echoed (S0 or S1), heard from N - T processes, more than (N + 3T)/2
        ECHO0: decide 0 (D0)."""
        if pc in ("S0", "S1") and rcvd01 >= self.N - self.T and rcvd0 >= self.moreNplus3Tdiv2:
            return "D0", None
        return None

    def upon_one_step1(self, pc, rcvd0, rcvd1, rcvd01):
        """Echoed, heard from N - T processes, more than (N + 3T)/2 ECHO1:
        decide 1 (D1)."""
        if pc in ("S0", "S1") and rcvd01 >= self.N - self.T and rcvd1 >= self.moreNplus3Tdiv2:
            return "D1", None
        return None

    def upon_underlying0(self, pc, rcvd0, rcvd1, rcvd01):
        """Echoed, heard from N - T processes, more than (N - T)/2 ECHO0 and
        not as many ECHO1, and no decision enabled (the last two conjuncts):
        call the underlying consensus with 0 (U0)."""
        if (pc in ("S0", "S1") and rcvd01 >= self.N - self.T
                and rcvd0 >= self.moreNminusTdiv2 and rcvd1 < self.moreNminusTdiv2
                and rcvd0 < self.moreNplus3Tdiv2 and rcvd1 < self.moreNplus3Tdiv2):
            return "U0", None
        return None

    def upon_underlying1(self, pc, rcvd0, rcvd1, rcvd01):
        """UponUnderlying0 with the values swapped: U1."""
        if (pc in ("S0", "S1") and rcvd01 >= self.N - self.T
                and rcvd1 >= self.moreNminusTdiv2 and rcvd0 < self.moreNminusTdiv2
                and rcvd0 < self.moreNplus3Tdiv2 and rcvd1 < self.moreNplus3Tdiv2):
            return "U1", None
        return None

    def upon_underlying_undecided(self, pc, rcvd0, rcvd1, rcvd01):
        """Echoed, heard from N - T processes, more than (N - T)/2 of each
        echo, no decision enabled: call the underlying consensus with its own
        proposal (S0 to U0, S1 to U1)."""
        if (pc in ("S0", "S1") and rcvd01 >= self.N - self.T
                and rcvd0 >= self.moreNminusTdiv2 and rcvd1 >= self.moreNminusTdiv2
                and rcvd0 < self.moreNplus3Tdiv2 and rcvd1 < self.moreNplus3Tdiv2):
            return ("U0" if pc == "S0" else "U1"), None
        return None

    # -- properties --------------------------------------------------------------------------

    def in_p(self, m: Echo) -> bool:
        kind, index = m.p
        return m.m in M and index < (len(self.corr) if kind == "correct" else self.F)

    @invariant("TypeOK")
    def type_ok(self, s: State):
        """``sent \\subseteq P \\X M``, ``pc \\in [Corr -> {V0, V1, S0, S1, D0,
        D1, U0, U1}]``, ``rcvd \\in [Corr -> SUBSET (P \\X M)]``."""
        for p in self.corr:
            if s.pc[p] not in LOCATIONS:
                return Fails(f"pc[{p + 1}] = {s.pc[p]!r} is not a location")
        for where, msgs in (("sent", s.sent),
                            *((f"rcvd[{p + 1}]", s.rcvd[p]) for p in self.corr)):
            stray = sorted(m for m in msgs if not self.in_p(m))
            if stray:
                return Fails(f"{where} holds {stray[0]}, which is not in P \\X M")
        return True

    def deciders(self, s: State, location: str) -> list[int]:
        return [p + 1 for p in self.corr if s.pc[p] == location]

    def _never_both(self, s: State, first: str, second: str):
        """``(\\E self \\in Corr : pc[self] = first) => (\\A self \\in Corr :
        pc[self] /= second)``."""
        ones, others = self.deciders(s, first), self.deciders(s, second)
        if ones and others:
            return Fails(f"process {ones[0]} is in {first} and process {others[0]} in {second}")
        return True

    @invariant("Lemma3_0")
    def lemma3_0(self, s: State):
        """No D1 once a correct process decided 0 (D0)."""
        return self._never_both(s, "D0", "D1")

    @invariant("Lemma3_1")
    def lemma3_1(self, s: State):
        """No D0 once a correct process decided 1 (D1)."""
        return self._never_both(s, "D1", "D0")

    @invariant("Lemma4_0")
    def lemma4_0(self, s: State):
        """No correct process calls the underlying consensus with 1 (U1) once
        one decided 0."""
        return self._never_both(s, "D0", "U1")

    @invariant("Lemma4_1")
    def lemma4_1(self, s: State):
        """No U0 once a correct process decided 1."""
        return self._never_both(s, "D1", "U0")

    def proposed(self, s: State, p: int) -> str:
        """p's proposal, V0 or V1: its pc, or the echo it sent on leaving it."""
        if s.pc[p] in ("V0", "V1"):
            return s.pc[p]
        return "V0" if Echo(Correct.tag(p), "ECHO0") in s.sent else "V1"

    def _one_step(self, s: State, value: str, others: tuple[str, ...]):
        """``(\\A i \\in Corr : pc[i] = "V<value>") => [](\\A i \\in Corr :
        pc[i] \\notin others)``, read on the state (see the module's
        docstring)."""
        if any(self.proposed(s, p) != value for p in self.corr):
            return True
        wrong = [p + 1 for p in self.corr if s.pc[p] in others]
        if wrong:
            return Fails(f"every correct process proposed {value[1]}, "
                         f"and process {wrong[0]} is in {s.pc[wrong[0] - 1]}")
        return True

    @invariant("OneStep0", default=False)
    def one_step0(self, s: State):
        """Where every correct process proposed 0, none is ever in D1, U0 or
        U1: all decide 0 in one step."""
        return self._one_step(s, "V0", ("D1", "U0", "U1"))

    @invariant("OneStep1", default=False)
    def one_step1(self, s: State):
        """Where every correct process proposed 1, none is ever in D0, U0 or U1."""
        return self._one_step(s, "V1", ("D0", "U0", "U1"))


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


# -- mutants: each a subclass overriding one action (``Bosco(mutant=name)``) -------------


@Bosco.mutant(
    "one_step1_reads_echo0",
    "UponOneStep1 counts ECHO0 where it should count ECHO1 (a copy of "
    "UponOneStep0 not fully edited): the echoes that make one process decide "
    "0 make another decide 1 → Lemma3_0, Lemma3_1")
class OneStep1ReadsEcho0(Bosco):
    def upon_one_step1(self, pc, rcvd0, rcvd1, rcvd01):
        if pc in ("S0", "S1") and rcvd01 >= self.N - self.T and rcvd0 >= self.moreNplus3Tdiv2:
            return "D1", None   # the bug: rcvd0 for rcvd1
        return None


@Bosco.mutant(
    "one_step0_on_n_minus_t",
    "UponOneStep0 decides 0 on N - T ECHO0, not more than (N + 3T)/2: "
    "with a faulty echo, a process decides 0 while another, hearing the "
    "same faulty process echo 1, calls the underlying consensus with 1 → Lemma4_0")
class OneStep0OnNMinusT(Bosco):
    def upon_one_step0(self, pc, rcvd0, rcvd1, rcvd01):
        if pc in ("S0", "S1") and rcvd01 >= self.N - self.T and rcvd0 >= self.N - self.T:
            return "D0", None   # the bug: N - T for moreNplus3Tdiv2
        return None


@Bosco.mutant(
    "one_step1_on_n_minus_t",
    "UponOneStep1 decides 1 on N - T ECHO1, not more than (N + 3T)/2 → Lemma4_1")
class OneStep1OnNMinusT(Bosco):
    def upon_one_step1(self, pc, rcvd0, rcvd1, rcvd01):
        if pc in ("S0", "S1") and rcvd01 >= self.N - self.T and rcvd1 >= self.N - self.T:
            return "D1", None   # the bug: N - T for moreNplus3Tdiv2
        return None


@Bosco.mutant(
    "echo_the_location",
    "UponV1 broadcasts <<self, pc[self]>>, its location V1, where it "
    "should broadcast ECHO1 → TypeOK")
class EchoTheLocation(Bosco):
    def upon_v1(self, pc, rcvd0, rcvd1, rcvd01):
        return ("S1", pc) if pc == "V1" else None   # the bug: pc for "ECHO1"
