"""Byzantine Paxos consensus (Lamport, "Byzantizing Paxos by Refinement",
2011), written as a user would from BPConProof.tla of the TLA+ examples
(specifications/byzpaxos, tlaplus/Examples 32a32c7): the PlusCal algorithm
BPCon and the invariant Inv of its safety proof. A plain `checker.Model`,
one method per action of the spec.

Good acceptors (``Acceptor``) emulate the Paxos consensus algorithm of
PConProof.tla among themselves, not knowing which of the others are fake
(``FakeAcceptor``, malicious: they send any acceptor message in their own
name) nor whether a ballot's leader is malicious (every leader may send any
1c message at any time). A good acceptor relays a leader's 1c message in a
2av message only if the 1b messages it knows were sent (``knowsSent``) show
the value safe at the ballot (``KnowsSafeAt``), and only once a ballot; it
votes (2b) for a value relayed by a Byzantine quorum of 2av messages.

Why a plain model and not the kit: ``bmsgs`` is the set of every message
ever sent, none consumed; actions read it as a whole (a Byzantine quorum of
2av messages, the 1c messages whose value is safe), a leader sends any
subset of 1c messages in one step and a fake acceptor any message of a
type; no step is a handler of one delivered message.

Variables, as the spec names them (``2avSent`` is ``twoAvSent``, a name
cannot start with a digit): ``maxBal``, ``maxVBal``, ``maxVVal``,
``twoAvSent`` (a set of `Vote` [val, bal] per acceptor), ``knowsSent`` (a
set of 1b messages per acceptor), each a tuple by acceptor a1, a2, ...;
``bmsgs``, a frozenset of the five message records, each with the spec's
fields and its ``type`` first. Values are ``Value`` ids (v1, v2, ...); a
message's ``acc`` holds a good or a fake acceptor, ``either(Acceptor,
FakeAcceptor)``, tagged with its set (``Acceptor.tag(0)`` is a1,
``FakeAcceptor.tag(0)`` fa1); ``None`` is None. The actions name them as
TLC prints the cfg's model values, as strings ("a1", "fa1", "v1").

Actions, in the order of Next (acceptors a1, a2, ... each ballot 0, 1, ...
with its four disjuncts; then the leaders, one per ballot; then the fake
acceptors), each successor once per witness of its existential as TLC
generates it, so that TLC's generated counts are ours:

- Phase1b(a, b): ``b > maxBal[a]`` and a 1a message of ballot b sent: a
  promises b and sends its 1b message (m2av its ``2avSent``, mbal/mval its
  last vote).
- Phase2av(a, b, v): ``maxBal[a] =< b``, a sent no 2av message of ballot b
  or above, and the ballot-b 1c message for v is sent and KnowsSafeAt(a, b,
  v): a sends [2av, b, v, a], replaces its 2avSent record for v by [v, b],
  and sets maxBal[a] to b. One successor per such 1c message (TLC's
  ``\\E m``).
- Phase2b(a, b, v): ``maxBal[a] =< b`` and the 2av messages of ballot b
  for v come from every member of some ByzQuorum: a votes (2b) and sets
  maxBal, maxVBal, maxVVal.
- LearnsSent(a, b, S): a learns the set S of ballot-b 1b messages sent;
  one successor per subset of those sent (the empty set and those a knows
  already included: TLC's ``\\E S \\in SUBSET sentMsgs("1b", b)``).
- Phase1a(b): the ballot-b leader sends its 1a message (enabled for ever,
  as in the spec: once sent, it is a step to the same state).
- Phase1c(b, S): the ballot-b leader sends the 1c messages of the values in
  S, any subset of Value (TLC's ``\\E S \\in SUBSET [type : {"1c"}, bal :
  {self}, val : Value]``).
- FakingAcceptor(fa, m): fake acceptor fa sends m, any 1b, 2av or 2b
  message with ``acc = fa`` (every 1b message of the type: any ballot,
  mbal, mval and m2av).

The witnesses of one action are taken in an order of the model's (TLC's
is its order of values); the counts do not depend on it, and every
counterexample pinned is TLC's.

Constants: ``values`` (Value = {v1, ...}), ``acceptors`` and ``fakes``
(Acceptor = {a1, ...}, FakeAcceptor = {fa1, ...}), ``ballots`` (the cfg's
``Ballot = {0, ..., ballots - 1}``, overriding ``Ballot == Nat``). The
quorums are those of the cfg for N = acceptors + fakes acceptors and f =
fakes: ByzQuorum every set of ``(N + f) div 2 + 1`` of them (the cfg's 3 of
4), WeakQuorum every set of f + 1 (the cfg's 2 of 4); the spec's ASSUMEs
BQA and BQLA are checked when the model is built (BQLA: some ByzQuorum of
good acceptors only, which 2 good acceptors and a fake one lack).

Deliberate differences:

- ``max_fake`` (not in the spec, not in its cfg): TLC's ``CONSTRAINT
  Cardinality({m \\in bmsgs : m.type \\notin {"1a", "1c"} /\\ m.acc \\in
  FakeAcceptor}) =< MaxFake`` as `within_bounds`. The published cfg
  (BPConProof.cfg, 3 acceptors, a fake one, 2 values, ballots 0..2) has no
  bound, and its fake acceptor can send any of 2,316 messages (2,304 1b
  messages alone: 3 ballots, 4 mbals, 3 mvals, 64 m2av sets), any subset
  of them in a run: no search finishes it (the manifest's runtime is
  "unknown"). With a fake acceptor, a bound on what it sends is what makes
  a search end.
- Inv is checked as its conjuncts, one invariant each (Inv's names; the
  model's ``bmsgsFinite`` cannot fail: every set here is finite), and
  Agreement, ``Cardinality(chosen) =< 1`` with the spec's ``chosen``
  (which counts only good acceptors' 2b messages, those in ``msgs``), is
  added: the spec states it as a theorem (``chosen \\subseteq P!chosen``
  and PConProof's consistency), not as a cfg invariant.
- Symmetry (the cfg has none; ``symmetry: [acceptors, values, fakes]``
  is TLC's ``SYMMETRY Sym`` with ``Sym == Permutations(Acceptor) \\cup
  Permutations(Value) \\cup Permutations(FakeAcceptor)``, sound here as
  the quorums are every set of a size) is derived from the state's types
  (`models.kit.Symmetric`); the actions, which name acceptors and values
  as strings, are renamed by the model's own `permute_action`.

The refinement mapping (``P == INSTANCE PConProof WITH maxBal <-
PmaxBal``) is what Inv reads and what THEOREM ``Spec => P!Spec`` states:
``msgs``, the PCon messages the good acceptors emulate (the 1a messages;
the good acceptors' 1b and 2b; the sent 1c messages some good acceptor
knows safe, ``1cmsgs``; a 2a message for each value relayed by 2av
messages of a Quorum in a ballot), and ``PmaxBal``, each acceptor's
highest 1b or 2b ballot. The theorem is the step property
``refines_pcon`` (checked when named): each step maps to one of PCon's
(Phase1a, Phase1b, Phase1c, Phase2a, Phase2b) or changes nothing of it.

Mutants (each one action overridden; the tests pin TLC's counterexample):
relay_unsafe_value, relay_twice_in_ballot, forget_2av_sent,
second_1b_in_ballot, no_promise, promise_next_ballot, learn_unsent_1b,
safe_on_weak_quorum and forge_good_acceptor.
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

from checker import Fails, Model, Param, invariant, transition
from checker.errors import ParamError
from models.kit import Symmetric, either, ids, indexed_by
from models.kit.records import printer

NONE = None     # the cfg's None = None: a value that is not one

Acceptor = ids("acceptors", "a", first=1, named=True)
FakeAcceptor = ids("fakes", "fa", first=1, named=True)
Value = ids("values", "v", first=1, named=True)
Byzantine = either(Acceptor, FakeAcceptor)     # Acceptor \cup FakeAcceptor


class Vote(NamedTuple):
    """A record of 2avSent[a] and of a 1b message's m2av: [val, bal]."""

    val: Value
    bal: int


class Msg1a(NamedTuple):
    type: str
    bal: int


class Msg1b(NamedTuple):
    type: str
    bal: int
    acc: Byzantine
    m2av: frozenset[Vote]
    mbal: int
    mval: Value | None


class Msg1c(NamedTuple):
    type: str
    bal: int
    val: Value


class Msg2av(NamedTuple):
    type: str
    bal: int
    val: Value
    acc: Byzantine


class Msg2b(NamedTuple):
    type: str
    acc: Byzantine
    bal: int
    val: Value


Message = Msg1a | Msg1b | Msg1c | Msg2av | Msg2b


def one_a(b: int) -> Msg1a:
    return Msg1a("1a", b)


def one_c(b: int, v: int) -> Msg1c:
    return Msg1c("1c", b, v)


def two_av(b: int, v: int, a: tuple) -> Msg2av:
    return Msg2av("2av", b, v, a)


def two_b(a: tuple, b: int, v: int) -> Msg2b:
    return Msg2b("2b", a, b, v)


class State(NamedTuple):
    maxBal: indexed_by(Acceptor, int)
    maxVBal: indexed_by(Acceptor, int)
    maxVVal: indexed_by(Acceptor, Value | None)
    twoAvSent: indexed_by(Acceptor, frozenset[Vote])
    knowsSent: indexed_by(Acceptor, frozenset[Msg1b])
    bmsgs: frozenset[Message]


# -- actions: the spec's, with its parameter names -----------------------------------------


class Phase1b(NamedTuple):
    a: str
    b: int


class Phase2av(NamedTuple):
    a: str
    b: int
    v: str


class Phase2b(NamedTuple):
    a: str
    b: int
    v: str


class LearnsSent(NamedTuple):
    a: str
    b: int
    S: tuple[Msg1b, ...]     # the 1b messages learned (acc and mbal shown: see __str__)

    def __str__(self) -> str:
        return f"LearnsSent(a={self.a}, b={self.b}, S={{{', '.join(map(_show_1b, self.S))}}})"


class Phase1a(NamedTuple):
    b: int


class Phase1c(NamedTuple):
    b: int
    S: tuple[str, ...]   # the values of the 1c messages sent


class FakingAcceptor(NamedTuple):
    fa: str
    m: Msg1b | Msg2av | Msg2b

    def __str__(self) -> str:
        return f"FakingAcceptor(fa={self.fa}, m={_show(self.m)})"


_acc_name = printer(Byzantine)
_val_name = printer(Value)


def _name(x) -> str:
    """An acceptor (good or fake) or a value as TLC prints the cfg's model
    values ("a1", "fa1", "v1"; None as "None")."""
    if x is None:
        return "None"
    return _acc_name(x) if isinstance(x, tuple) else _val_name(x)


def _value(v) -> str | None:
    """A value (or None) as TLC's model value: its name (None)."""
    return None if v is None else _name(v)


def _show_1b(m: Msg1b) -> str:
    m2av = ", ".join(f"<{_name(r.val)}, {r.bal}>" for r in sorted(m.m2av))
    return (f"1b({_name(m.acc)}, bal={m.bal}, mbal={m.mbal}, mval={_name(m.mval)}, "
            f"m2av={{{m2av}}})")


def _show(m) -> str:
    """A message as the report prints it: its type and fields."""
    if m.type == "1b":
        return _show_1b(m)
    fields = ", ".join(f"{k}={v if k == 'bal' else _name(v)}"
                       for k, v in zip(m._fields, m) if k != "type")
    return f"{m.type}({fields})"


def _named(x):
    """A record's fields, acceptors and values by name (None kept), at any
    depth, records as plain tuples: what `_key` orders by."""
    if isinstance(x, frozenset):
        return frozenset(map(_named, x))
    return tuple(_named(v) if isinstance(v, frozenset)
                 else _name(v) if f in ("acc", "val", "mval") and v is not None else v
                 for f, v in zip(x._fields, x))


def _key(m) -> tuple:
    """An order of messages of any type (their fields may be None): by
    their fields' text, acceptors and values by name (as the order of the
    strings TLC's model values were, one text to another)."""
    return (m.type, repr(_named(m)))


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


def _subsets(items) -> list[tuple]:
    items = tuple(items)
    return [c for size in range(len(items) + 1) for c in combinations(items, size)]


class BPCon(Symmetric, Model):
    name = "bpcon"
    summary = "Byzantine Paxos consensus (BPConProof.tla, Lamport)"
    params = (
        Param("values", 1, "Value: v1..vK", minimum=1, maximum=3),
        Param("acceptors", 3, "Acceptor, the good acceptors: a1..aN", minimum=1, maximum=4),
        Param("fakes", 0, "FakeAcceptor, the malicious ones: fa1..faF", minimum=0, maximum=2),
        Param("ballots", 1, "Ballot = 0..B-1 (the cfg's {0, 1, 2} is 3)", minimum=1, maximum=3),
        Param("max_fake", None, "at most this many messages sent by fake acceptors "
              "(a CONSTRAINT; none: no bound)",
              schema={"type": ["integer", "null"], "minimum": 0}),
    )
    actions = (Phase1b, Phase2av, Phase2b, LearnsSent, Phase1a, Phase1c, FakingAcceptor)
    state_type = State
    symmetry_sets = ("acceptors", "values", "fakes")

    def setup(self) -> None:
        self.Value = tuple(range(self.values))
        self.Acceptor = tuple(map(Acceptor.tag, range(self.acceptors)))
        self.FakeAcceptor = tuple(map(FakeAcceptor.tag, range(self.fakes)))
        self.Ballot = tuple(range(self.ballots))
        byz = self.Acceptor + self.FakeAcceptor
        size = (len(byz) + self.fakes) // 2 + 1
        self.ByzQuorum = tuple(frozenset(q) for q in combinations(byz, size))
        self.WeakQuorum = tuple(frozenset(q) for q in combinations(byz, self.fakes + 1))
        good = set(self.Acceptor)
        # ASSUME BQA (the rest of it holds of the quorums' sizes) and BQLA
        if not all(q1 & q2 & good for q1 in self.ByzQuorum for q2 in self.ByzQuorum):
            raise ParamError("params.fakes", "the spec assumes two Byzantine quorums share "
                             "a good acceptor (BQA); use fewer fakes")
        if not any(q <= good for q in self.ByzQuorum):
            raise ParamError("params.fakes", f"the spec assumes a Byzantine quorum of good "
                             f"acceptors only (BQLA): a quorum has {size} acceptors, "
                             f"there are {self.acceptors} good ones; use fewer fakes or "
                             f"more acceptors")
        self.index = {a: i for i, a in enumerate(self.Acceptor)}
        self._mapped: dict[State, tuple] = {}     # the refinement mapping's, by state
        # 1bMessage \cup 2avMessage \cup 2bMessage with acc = fa, for each fa
        votes = [Vote(v, b) for v in self.Value for b in self.Ballot]
        m2avs = [frozenset(c) for c in _subsets(votes)]
        self.fake_msgs = {
            fa: tuple(Msg1b("1b", b, fa, m2av, mbal, mval)
                      for b in self.Ballot for mbal in (-1,) + self.Ballot
                      for mval in self.Value + (NONE,) for m2av in m2avs)
            + tuple(two_av(b, v, fa) for b in self.Ballot for v in self.Value)
            + tuple(two_b(fa, b, v) for b in self.Ballot for v in self.Value)
            for fa in self.FakeAcceptor}

    # -- symmetry: Permutations(Acceptor) \cup Permutations(Value) \cup Permutations(FakeAcceptor)
    # (the states' renaming and signatures derived from State's types)

    def permute_action(self, action, perm):
        """The messages an action holds renamed by their types, its names
        ("a1", "v1", "fa1") by `perm`; sets held sorted, sorted again."""
        renamed = super().permute_action(action, perm)
        names = {}
        for group, prefix in (("acceptors", "a"), ("values", "v"), ("fakes", "fa")):
            for i, j in enumerate(perm.get(group, ())):
                names[f"{prefix}{i + 1}"] = f"{prefix}{j + 1}"
        renamed = type(renamed)(*(names.get(x, x) if isinstance(x, str) else x
                                  for x in renamed))
        if isinstance(renamed, Phase1c):
            renamed = renamed._replace(S=tuple(sorted(names.get(v, v) for v in renamed.S)))
        if isinstance(renamed, LearnsSent):
            renamed = renamed._replace(S=tuple(sorted(renamed.S, key=_key)))
        return renamed

    # -- Init --------------------------------------------------------------------------------

    def initial_states(self):
        n = self.acceptors
        yield State(maxBal=(-1,) * n, maxVBal=(-1,) * n, maxVVal=(NONE,) * n,
                    twoAvSent=(frozenset(),) * n, knowsSent=(frozenset(),) * n,
                    bmsgs=frozenset())

    # -- Next --------------------------------------------------------------------------------

    def successors(self, s: State):
        for a in self.Acceptor:
            for b in self.Ballot:
                t = self.phase1b(s, a, b)
                if t is not None:
                    yield Phase1b(_name(a), b), t
                for v, t in self.phase2av(s, a, b):
                    yield Phase2av(_name(a), b, _name(v)), t
                for v, t in self.phase2b(s, a, b):
                    yield Phase2b(_name(a), b, _name(v)), t
                for learned, t in self.learns_sent(s, a, b):
                    yield LearnsSent(_name(a), b, learned), t
        for b in self.Ballot:
            yield Phase1a(b), self.phase1a(s, b)
            for vals, t in self.phase1c(s, b):
                yield Phase1c(b, tuple(map(_name, vals))), t
        for fa in self.FakeAcceptor:
            for m, t in self.faking_acceptor(s, fa):
                yield FakingAcceptor(_name(fa), m), t

    def sent(self, s: State, type_: str, b: int) -> list:
        """sentMsgs(type, bal): the sent messages of the type and ballot."""
        return [m for m in s.bmsgs if m.type == type_ and m.bal == b]

    def phase1b(self, s: State, a: tuple, b: int) -> State | None:
        i = self.index[a]
        if not (b > s.maxBal[i] and one_a(b) in s.bmsgs):
            return None
        return self.promise(s, a, b)

    def promise(self, s: State, a: tuple, b: int) -> State:
        """Phase1b's effect: maxBal[a] := b, a's 1b message sent."""
        i = self.index[a]
        m = Msg1b("1b", b, a, s.twoAvSent[i], s.maxVBal[i], s.maxVVal[i])
        return s._replace(maxBal=_with(s.maxBal, i, b), bmsgs=s.bmsgs | {m})

    def phase2av(self, s: State, a: tuple, b: int):
        i = self.index[a]
        if not (s.maxBal[i] <= b and all(r.bal < b for r in s.twoAvSent[i])):
            return
        yield from self.relay(s, a, b)

    def relay(self, s: State, a: tuple, b: int):
        """Phase2av's \\E m: each ballot-b 1c message whose value a knows
        safe, relayed."""
        i = self.index[a]
        for m in sorted(self.sent(s, "1c", b)):
            if self.knows_safe_at(s, a, b, m.val):
                sent = frozenset(r for r in s.twoAvSent[i] if r.val != m.val) | {Vote(m.val, b)}
                yield m.val, s._replace(maxBal=_with(s.maxBal, i, b),
                                        twoAvSent=_with(s.twoAvSent, i, sent),
                                        bmsgs=s.bmsgs | {two_av(b, m.val, a)})

    def phase2b(self, s: State, a: tuple, b: int):
        i = self.index[a]
        if s.maxBal[i] > b:
            return
        for v in self.Value:
            relayed = {m.acc for m in self.sent(s, "2av", b) if m.val == v}
            if any(q <= relayed for q in self.ByzQuorum):
                yield v, s._replace(maxBal=_with(s.maxBal, i, b),
                                    maxVBal=_with(s.maxVBal, i, b),
                                    maxVVal=_with(s.maxVVal, i, v),
                                    bmsgs=s.bmsgs | {two_b(a, b, v)})

    def learns_sent(self, s: State, a: tuple, b: int):
        i = self.index[a]
        for learned in _subsets(sorted(self.sent(s, "1b", b), key=_key)):
            yield learned, s._replace(knowsSent=_with(s.knowsSent, i,
                                                      s.knowsSent[i] | frozenset(learned)))

    def phase1a(self, s: State, b: int) -> State:
        return s._replace(bmsgs=s.bmsgs | {one_a(b)})

    def phase1c(self, s: State, b: int):
        for vals in _subsets(self.Value):
            yield vals, s._replace(bmsgs=s.bmsgs | {one_c(b, v) for v in vals})

    def faking_acceptor(self, s: State, fa: tuple):
        for m in self.fake_msgs[fa]:
            yield m, s._replace(bmsgs=s.bmsgs | {m})

    # -- the define block and the refinement mapping --------------------------------------------

    def knows_safe_at(self, s: State, ac: tuple, b: int, v: int) -> bool:
        """KnowsSafeAt(ac, b, v): the ballot-b 1b messages ac knows were
        sent show v safe at b: a ByzQuorum of them report no vote, or, for
        some c < b, a ByzQuorum report no vote above c (and v if at c) and
        a WeakQuorum report a 2av message for v at c or above."""
        known = [m for m in s.knowsSent[self.index[ac]] if m.bal == b]
        if self._quorum(self.ByzQuorum, {m.acc for m in known if m.mbal == -1}):
            return True
        for c in range(b):
            below = {m.acc for m in known if m.mbal <= c and (m.mbal != c or m.mval == v)}
            relayed = {m.acc for m in known if any(r.bal >= c and r.val == v for r in m.m2av)}
            if self._quorum(self.ByzQuorum, below) and self._quorum(self.WeakQuorum, relayed):
                return True
        return False

    @staticmethod
    def _quorum(quorums, members: set) -> bool:
        """\\E Q \\in quorums : \\A a \\in Q : a \\in members."""
        return any(q <= members for q in quorums)

    def in_msgs_1c(self, s: State, b: int, v: int) -> bool:
        """[type |-> "1c", bal |-> b, val |-> v] \\in msgs: sent, and some
        good acceptor knows v safe at b (1cmsgs)."""
        # the spec's KnowsSafeAt, also in a mutant that changes Phase2av's
        return one_c(b, v) in s.bmsgs and any(BPCon.knows_safe_at(self, s, a, b, v)
                                              for a in self.Acceptor)

    def chosen(self, s: State) -> list[int]:
        """chosen: the values some ByzQuorum voted for (2b) in one ballot,
        each of its members a good acceptor (a 2b message in msgs)."""
        return [v for v in self.Value for b in self.Ballot
                if self._quorum(self.ByzQuorum,
                                {m.acc for m in self.sent(s, "2b", b)
                                 if m.val == v and m.acc in self.index})]

    def fake_count(self, s: State) -> int:
        fakes = set(self.FakeAcceptor)
        return sum(1 for m in s.bmsgs if m.type not in ("1a", "1c") and m.acc in fakes)

    def within_bounds(self, s: State) -> bool:
        return self.max_fake is None or self.fake_count(s) <= self.max_fake

    def bound_reason(self, s: State) -> str | None:
        if not self.within_bounds(s):
            return f"fake acceptors sent more than max_fake = {self.max_fake} messages"
        return None

    def state_view(self, s: State) -> dict:
        view = {}
        for i, a in enumerate(map(_name, self.Acceptor)):
            view[f"maxBal[{a}]"] = s.maxBal[i]
            view[f"maxVBal[{a}]"] = s.maxVBal[i]
            view[f"maxVVal[{a}]"] = None if s.maxVVal[i] is None else _name(s.maxVVal[i])
            view[f"2avSent[{a}]"] = [f"<{_name(r.val)}, {r.bal}>" for r in sorted(s.twoAvSent[i])]
            view[f"knowsSent[{a}]"] = [_show_1b(m) for m in sorted(s.knowsSent[i], key=_key)]
        view["bmsgs"] = [_show(m) for m in sorted(s.bmsgs, key=_key)]
        return view

    # -- Inv's conjuncts, and Agreement ---------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, s: State):
        """maxBal and maxVBal in Ballot \\cup {-1}, maxVVal in Value \\cup
        {None}, 2avSent sets of [val : Value, bal : Ballot], knowsSent sets
        of 1b messages, bmsgs \\subseteq BMessage."""
        bals = set(self.Ballot) | {-1}
        vals = set(self.Value)
        byz = set(self.Acceptor) | set(self.FakeAcceptor)
        for i, a in enumerate(map(_name, self.Acceptor)):
            if s.maxBal[i] not in bals or s.maxVBal[i] not in bals:
                return Fails(f"maxBal[{a}] = {s.maxBal[i]}, maxVBal[{a}] = {s.maxVBal[i]}")
            if s.maxVVal[i] not in vals | {NONE}:
                return Fails(f"maxVVal[{a}] = {_name(s.maxVVal[i])}")
            if not all(r.val in vals and r.bal in self.Ballot for r in s.twoAvSent[i]):
                return Fails(f"2avSent[{a}] is not a set of [val : Value, bal : Ballot]")
            if not all(m.type == "1b" for m in s.knowsSent[i]):
                return Fails(f"knowsSent[{a}] holds a message that is not a 1b message")
        for m in s.bmsgs:
            if m.bal not in self.Ballot or getattr(m, "acc", self.Acceptor[0]) not in byz \
                    or getattr(m, "val", self.Value[0]) not in vals:
                return Fails(f"{_show(m)} is not in BMessage")
            if m.type == "1b" and (m.mbal not in bals or m.mval not in vals | {NONE}
                                   or not all(r.val in vals and r.bal in self.Ballot
                                              for r in m.m2av)):
                return Fails(f"{_show(m)} is not in BMessage")
        return True

    def _good(self, s: State, type_: str):
        return sorted((m for m in s.bmsgs if m.type == type_ and m.acc in self.index), key=_key)

    @invariant("1bInv1")
    def one_b_inv1(self, s: State):
        """Every vote a good acceptor's 1b message reports (its m2av) has
        its 1c message in msgs."""
        for m in self._good(s, "1b"):
            for r in sorted(m.m2av):
                if not self.in_msgs_1c(s, r.bal, r.val):
                    return Fails(f"{_show_1b(m)} reports <{_name(r.val)}, {r.bal}>, whose 1c "
                                 f"message is not in msgs")
        return True

    @invariant("1bInv2")
    def one_b_inv2(self, s: State):
        """A good acceptor sends at most one 1b message a ballot."""
        return self._one_a_ballot(s, "1b")

    @invariant("maxBalInv")
    def max_bal_inv(self, s: State):
        """A good acceptor's 1b, 2av and 2b messages have ballots at most
        its maxBal."""
        for t in ("1b", "2av", "2b"):
            for m in self._good(s, t):
                if m.bal > s.maxBal[self.index[m.acc]]:
                    return Fails(f"{_show(m)} is above maxBal[{_name(m.acc)}] = "
                                 f"{s.maxBal[self.index[m.acc]]}")
        return True

    @invariant("2avInv1")
    def two_av_inv1(self, s: State):
        """A good acceptor sends at most one 2av message a ballot."""
        return self._one_a_ballot(s, "2av")

    def _one_a_ballot(self, s: State, type_: str):
        seen = {}
        for m in self._good(s, type_):
            other = seen.setdefault((m.acc, m.bal), m)
            if other != m:
                return Fails(f"{_name(m.acc)} sent two {type_} messages in ballot {m.bal}: "
                             f"{_show(other)} and {_show(m)}")
        return True

    @invariant("2avInv2")
    def two_av_inv2(self, s: State):
        """A good acceptor's 2av message for v at b is recorded in its
        2avSent, as v at b or a later ballot."""
        for m in self._good(s, "2av"):
            if not any(r.val == m.val and r.bal >= m.bal
                       for r in s.twoAvSent[self.index[m.acc]]):
                return Fails(f"{_show(m)} is not in 2avSent[{_name(m.acc)}]")
        return True

    @invariant("2avInv3")
    def two_av_inv3(self, s: State):
        """A good acceptor's 2av message relays a 1c message in msgs."""
        for m in self._good(s, "2av"):
            if not self.in_msgs_1c(s, m.bal, m.val):
                return Fails(f"{_show(m)} relays a 1c message not in msgs")
        return True

    @invariant("accInv")
    def acc_inv(self, s: State):
        """Each record of 2avSent[a] is at a ballot at most maxBal[a], and
        its 1c message is in msgs."""
        for i, a in enumerate(map(_name, self.Acceptor)):
            for r in sorted(s.twoAvSent[i]):
                if r.bal > s.maxBal[i] or not self.in_msgs_1c(s, r.bal, r.val):
                    return Fails(f"2avSent[{a}] holds <{_name(r.val)}, {r.bal}>, maxBal[{a}] = "
                                 f"{s.maxBal[i]}, its 1c message in msgs: "
                                 f"{self.in_msgs_1c(s, r.bal, r.val)}")
        return True

    @invariant("knowsSentInv")
    def knows_sent_inv(self, s: State):
        """knowsSent[a] holds only 1b messages that were sent."""
        for i, a in enumerate(map(_name, self.Acceptor)):
            unsent = sorted(s.knowsSent[i] - s.bmsgs, key=_key)
            if unsent:
                return Fails(f"{a} knows {_show_1b(unsent[0])}, never sent")
        return True

    # -- the refinement: THEOREM Spec => P!Spec ---------------------------------------------

    def pcon(self, s: State) -> tuple:
        """The refinement mapping, P == INSTANCE PConProof WITH maxBal <-
        PmaxBal: (PmaxBal, maxVBal, maxVVal, msgs), msgs's messages as
        tuples (type first): 1a; the good acceptors' 1b, m2av dropped
        (1bRestrict); the 1c messages in 1cmsgs; a 2a message for each
        value relayed by 2av messages of a Quorum (a ByzQuorum's good
        acceptors) in a ballot; the good acceptors' 2b; acceptors and values
        by name, as TLC prints them."""
        msgs = {("1a", m.bal) for m in s.bmsgs if m.type == "1a"}
        msgs |= {("1b", _name(m.acc), m.bal, m.mbal, _value(m.mval))
                 for m in self._good(s, "1b")}
        msgs |= {("1c", m.bal, _name(m.val)) for m in s.bmsgs
                 if m.type == "1c" and self.in_msgs_1c(s, m.bal, m.val)}
        good = {q & set(self.Acceptor) for q in self.ByzQuorum}   # Quorum
        for b in self.Ballot:
            for v in self.Value:
                relayed = {m.acc for m in self._good(s, "2av") if m.bal == b and m.val == v}
                if any(q <= relayed for q in good):
                    msgs.add(("2a", b, _name(v)))
        msgs |= {("2b", _name(m.acc), m.bal, _name(m.val)) for m in self._good(s, "2b")}
        pmax = tuple(max((m.bal for m in s.bmsgs
                          if m.type in ("1b", "2b") and m.acc == a), default=-1)
                     for a in self.Acceptor)
        return pmax, s.maxVBal, tuple(map(_value, s.maxVVal)), frozenset(msgs)

    @transition("Spec => P!Spec", default=False)
    def refines_pcon(self, s: State, action, t: State):
        """Each step, under the refinement mapping, is a step of PConProof's
        Next (an acceptor's Phase1b or Phase2b, a leader's Phase1a, Phase1c
        or Phase2a) or leaves its variables unchanged."""
        before, after = self._pcon(s), self._pcon(t)
        if before == after:
            return True
        step = self.pcon_step(before, after)
        return step is not None or Fails(f"{action} is no step of PCon: msgs gains "
                                         f"{sorted(after[3] - before[3], key=str)}")

    def _pcon(self, s: State) -> tuple:
        """pcon(s), computed once a state (a state is the source of many steps)."""
        mapped = self._mapped.get(s)
        if mapped is None:
            mapped = self._mapped[s] = self.pcon(s)
        return mapped

    def pcon_step(self, before: tuple, after: tuple) -> str | None:
        """The PCon action taking `before` to `after`, if one does."""
        (bal, vbal, vval, msgs), (bal2, vbal2, vval2, msgs2) = before, after
        if not msgs <= msgs2:
            return None
        added = msgs2 - msgs
        changed = [i for i in range(self.acceptors)
                   if (bal[i], vbal[i], vval[i]) != (bal2[i], vbal2[i], vval2[i])]
        if not changed:
            types = {m[0] for m in added}
            ballots = {m[1] for m in added}
            if types == {"1a"} and len(added) == 1:
                return "Phase1a"
            if types == {"1c"} and len(ballots) == 1 and all(
                    any(self.shows_safe_at(q, b, v, msgs) for q in self._pcon_quorums())
                    for _, b, v in added):
                return "Phase1c"
            if types == {"2a"} and len(added) == 1:
                (_, b, v), = added
                if not any(m[0] == "2a" and m[1] == b for m in msgs) and ("1c", b, v) in msgs:
                    return "Phase2a"
            return None
        if len(changed) != 1:
            return None
        i, = changed
        a = _name(self.Acceptor[i])
        b = bal2[i]
        others = lambda xs, ys: all(xs[j] == ys[j] for j in range(self.acceptors) if j != i)
        if not (others(bal, bal2) and others(vbal, vbal2) and others(vval, vval2)):
            return None
        if (b > bal[i] and ("1a", b) in msgs and (vbal2[i], vval2[i]) == (vbal[i], vval[i])
                and msgs2 == msgs | {("1b", a, b, vbal[i], vval[i])}):
            return "Phase1b"
        if (b >= bal[i] and vbal2[i] == b and ("2a", b, vval2[i]) in msgs
                and msgs2 == msgs | {("2b", a, b, vval2[i])}):
            return "Phase2b"
        return None

    def _pcon_quorums(self) -> list[frozenset]:
        return [frozenset(map(_name, q & set(self.Acceptor))) for q in self.ByzQuorum]

    def shows_safe_at(self, q: frozenset, b: int, v: str, msgs: frozenset) -> bool:
        """PConProof's ShowsSafeAt(Q, b, v) on the mapped msgs: each of Q
        sent a ballot-b 1b message, and either none of them voted or a 1c
        message for v at a ballot c shows it: each voted at most at c, for
        v if at c."""
        q1b = [m for m in msgs if m[0] == "1b" and m[2] == b and m[1] in q]
        if {m[1] for m in q1b} != set(q):
            return False
        if all(m[3] == -1 for m in q1b):
            return True
        return any(m1c[0] == "1c" and m1c[2] == v
                   and all(m1c[1] >= m[3] and (m1c[1] != m[3] or m[4] == v) for m in q1b)
                   for m1c in msgs)

    @invariant("Agreement")
    def agreement(self, s: State):
        """Cardinality(chosen) =< 1."""
        chosen = self.chosen(s)
        names = ", ".join(map(_name, sorted(set(chosen))))
        return len(set(chosen)) <= 1 or Fails(f"chosen = {{{names}}}")


# -- mutants: each a subclass overriding one action (``BPCon(mutant=name)``) ---------------


@BPCon.mutant(
    "relay_unsafe_value",
    "Phase2av relays any 1c message of the ballot, without KnowsSafeAt (an "
    "acceptor trusting its leader) → 2avInv3, accInv, 1bInv1 and, over two "
    "ballots, Agreement")
class RelayUnsafeValue(BPCon):
    def knows_safe_at(self, s, ac, b, v):
        return True      # the bug, in Phase2av only: msgs's 1cmsgs keeps the spec's


@BPCon.mutant(
    "safe_on_weak_quorum",
    "KnowsSafeAt's first disjunct on a WeakQuorum of 1b messages reporting no "
    "vote, not a ByzQuorum: two acceptors' 1b messages (one of them may be "
    "fake) make any value safe → 2avInv3")
class SafeOnWeakQuorum(BPCon):
    def knows_safe_at(self, s, ac, b, v):
        known = [m for m in s.knowsSent[self.index[ac]] if m.bal == b]
        # the bug: WeakQuorum where the spec has ByzQuorum
        if self._quorum(self.WeakQuorum, {m.acc for m in known if m.mbal == -1}):
            return True
        return super().knows_safe_at(s, ac, b, v)


@BPCon.mutant(
    "relay_twice_in_ballot",
    "Phase2av without \\A r \\in 2avSent[self] : r.bal < b: a malicious "
    "leader's second 1c message of the ballot is relayed too → 2avInv1")
class RelayTwiceInBallot(BPCon):
    def phase2av(self, s, a, b):
        if s.maxBal[self.index[a]] <= b:      # the bug: 2avSent's guard dropped
            yield from self.relay(s, a, b)


@BPCon.mutant(
    "forget_2av_sent",
    "Phase2av sends its 2av message but leaves 2avSent as it was → 2avInv2")
class Forget2avSent(BPCon):
    def phase2av(self, s, a, b):
        for v, t in super().phase2av(s, a, b):
            yield v, t._replace(twoAvSent=s.twoAvSent)    # the bug


@BPCon.mutant(
    "second_1b_in_ballot",
    "Phase1b on b >= maxBal[self], not b > maxBal[self]: after relaying a 2av "
    "message, an acceptor sends a second, different 1b message in the ballot → 1bInv2")
class Second1bInBallot(BPCon):
    def phase1b(self, s, a, b):
        if b >= s.maxBal[self.index[a]] and one_a(b) in s.bmsgs:    # the bug: >=
            return self.promise(s, a, b)
        return None


@BPCon.mutant(
    "no_promise",
    "Phase1b sends its 1b message but leaves maxBal as it was (no promise) → maxBalInv")
class NoPromise(BPCon):
    def phase1b(self, s, a, b):
        t = super().phase1b(s, a, b)
        return None if t is None else t._replace(maxBal=s.maxBal)    # the bug


@BPCon.mutant(
    "promise_next_ballot",
    "Phase1b sets maxBal[self] to b + 1, not b (an off-by-one): past the "
    "last ballot it is no ballot → TypeOK")
class PromiseNextBallot(BPCon):
    def phase1b(self, s, a, b):
        t = super().phase1b(s, a, b)
        i = self.index[a]
        return None if t is None else t._replace(maxBal=_with(s.maxBal, i, b + 1))


@BPCon.mutant(
    "learn_unsent_1b",
    "LearnsSent also believes a 1b message reporting no vote from any good "
    "acceptor, sent or not (a forged relay trusted) → knowsSentInv")
class LearnUnsent1b(BPCon):
    def learns_sent(self, s, a, b):
        yield from super().learns_sent(s, a, b)
        i = self.index[a]
        for c in self.Acceptor:      # the bug: a 1b message nobody sent
            forged = Msg1b("1b", b, c, frozenset(), -1, NONE)
            yield (forged,), s._replace(knowsSent=_with(s.knowsSent, i,
                                                        s.knowsSent[i] | {forged}))


@BPCon.mutant(
    "forge_good_acceptor",
    "FakingAcceptor sends any acceptor message in any good acceptor's name too "
    "(mm.acc = self dropped: unauthenticated channels) → maxBalInv")
class ForgeGoodAcceptor(BPCon):
    def setup(self):
        super().setup()
        good = {a: tuple(m._replace(acc=a) for m in self.fake_msgs[self.FakeAcceptor[0]])
                for a in self.Acceptor} if self.FakeAcceptor else {}
        for fa in self.FakeAcceptor:     # the bug: every acceptor's messages, its own last
            self.fake_msgs[fa] = sum((good[a] for a in self.Acceptor), ()) + self.fake_msgs[fa]
