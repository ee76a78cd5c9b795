"""The hand-compiled Paxos model that `models/paxos.py` replaced, kept as a
test oracle: the kit's readable model must reach the same states, one for
one (tests/models/test_paxos.py). Not registered; not for users.

The protocol, its variables, quorums and what "chosen" means are described
in `models/paxos.py`, which follows the same Paxos.tla.

Deliberate differences, none of which changes the reachable states:

- Steps that change nothing are not generated: ``Phase1a(b)`` when ``1a(b)``
  was already sent, and ``Phase2b`` by an acceptor that already cast exactly
  that vote. TLC generates these stuttering steps and finds the state known;
  the distinct states, the depth and every shortest trace are the same (the
  generated-state count is not TLC's).
- The message that ``Phase1b(a)`` and ``Phase2b(a)`` pick with ``\\E m`` is
  named in the action (``Phase1b(a, b)`` answers ``1a(b)``), so a trace
  says which message an acceptor acted on.

Symmetry: values are interchangeable, and so are acceptors as far as the
quorum rule treats them alike (all of them under a threshold rule, the
`non_intersecting_quorums` mutant included; fewer under weights, listed
quorums, grids or joint rules); ballots are ordered, never interchangeable.
For 3 acceptors, 2 values and ballots {0, 1} the 3,921 states fall into 857
orbits under renaming acceptors and 443 under renaming both.

Speed: the guards are evaluated on the parts of a state they depend on and
the answers are remembered (see `_plan`); the remembered tables are derived
from states, never part of one, so they answer for renamed states too.
"""

from __future__ import annotations

from typing import Iterator, Mapping, NamedTuple, Sequence

from checker import Fails, Model, Param, ParamError, invariant, reachable
from checker.model import Note, Received, Sent
from checker.symmetry import REMEMBERED, Remembered
from models.quorum import (QUORUM_SCHEMA, Threshold, interchangeable_groups, quorum_system,
                           require_intersecting)

# -- messages ------------------------------------------------------------------
# The four message records of the spec. Each kind has a different number of
# fields, so messages of different kinds never compare equal.


class Msg1a(NamedTuple):
    bal: int

    def __repr__(self) -> str:
        return f"1a(bal={self.bal})"


class Msg1b(NamedTuple):
    acc: int
    bal: int
    mbal: int
    mval: int | None

    def __repr__(self) -> str:
        mval = "none" if self.mval is None else self.mval
        return f"1b(acc={self.acc}, bal={self.bal}, mbal={self.mbal}, mval={mval})"


class Msg2a(NamedTuple):
    bal: int
    val: int

    def __repr__(self) -> str:
        return f"2a(bal={self.bal}, val={self.val})"


class Msg2b(NamedTuple):
    acc: int
    bal: int
    val: int

    def __repr__(self) -> str:
        return f"2b(acc={self.acc}, bal={self.bal}, val={self.val})"


class PaxosState(NamedTuple):
    """The spec's variables; per-acceptor functions are tuples indexed by
    acceptor."""

    max_bal: tuple[int, ...]
    max_vbal: tuple[int, ...]
    max_val: tuple[int | None, ...]
    msgs: frozenset


# -- actions -------------------------------------------------------------------


class Phase1a(NamedTuple):
    """The ballot-b leader sends ``1a(b)``. Always enabled."""

    b: int


class Phase1b(NamedTuple):
    """Acceptor a receives ``1a(b)`` with ``b > max_bal[a]``: it sets
    ``max_bal[a]`` to b and sends ``1b(a, b, max_vbal[a], max_val[a])``."""

    a: int
    b: int


class Phase2a(NamedTuple):
    """If no 2a message for ballot b was sent and the ballot-b 1b messages of
    some quorum show v safe at b (none reports a vote, or v is the value of
    the highest-ballot vote reported), the ballot-b leader sends ``2a(b, v)``."""

    b: int
    v: int


class Phase2b(NamedTuple):
    """Acceptor a receives ``2a(b, v)`` with ``b >= max_bal[a]``: it votes,
    setting ``max_bal[a]`` and ``max_vbal[a]`` to b and ``max_val[a]`` to v,
    and sends ``2b(a, b, v)``."""

    a: int
    b: int
    v: int


_new = tuple.__new__  # builds a PaxosState without the named tuple's keyword handling


def _with(row: tuple, a: int, value) -> tuple:
    """``[row EXCEPT ![a] = value]``."""
    return row[:a] + (value,) + row[a + 1:]


class Paxos(Model):
    name = "paxos"
    summary = "single-decree Paxos, Lamport's TLA+ spec (set of all messages ever sent)"
    params = (
        Param("acceptors", 3, "number of acceptors", minimum=1),
        Param("values", 2, "number of values that may be chosen", minimum=1),
        Param("ballots", 2, "number of ballots; ballots are 0..ballots-1", minimum=1),
        Param("quorum", "majority", "the quorum rule: every set of acceptors it accepts "
              "is a quorum (QuorumAssumption: every two quorums intersect)",
              schema=QUORUM_SCHEMA),
    )
    mutants = {
        "no_adopt": "Phase2a ignores the votes reported in the 1b messages and may "
                    "send any value; breaks Agreement",
        "accept_below_promise": "Phase2b votes for a 2a message below max_bal; "
                                "breaks Agreement",
        "non_intersecting_quorums": "quorums are any floor(N/2) of the N acceptors, "
                                    "so two of them can be disjoint; breaks Agreement",
    }
    actions = (Phase1a, Phase1b, Phase2a, Phase2b)
    symmetry_sets = ("acceptors", "values")

    def setup(self) -> None:
        n = self.acceptors
        if self.mutant == "non_intersecting_quorums":
            if n < 2:
                raise ParamError("params.acceptors", "the non_intersecting_quorums "
                                 "mutant needs at least 2 acceptors")
            system = Threshold(n, n // 2)  # mutant: two quorums can be disjoint
        else:
            system = quorum_system(self.quorum, n)
        # Phase 1 quorums send the 1b messages a 2a relies on; phase 2 quorums
        # choose. They are the same but in a flexible rule.
        self.quorums = system
        self._phase1, self._phase2 = system.phase1, system.phase2
        self._acceptors = range(n)
        self._ballots = range(self.ballots)
        self._quorums = tuple(tuple(sorted(q)) for q in self._phase1.quorums)
        values = range(self.values)
        self._1a = tuple(Msg1a(b) for b in self._ballots)
        self._2a = tuple(Msg2a(b, v) for b in self._ballots for v in values)
        votes = [(-1, None)] + [(b, v) for b in self._ballots for v in values]
        # Every possible message of a kind, to pick that kind out of msgs.
        self._all_1a_2a = frozenset(self._1a + self._2a)
        self._all_2a = frozenset(self._2a)
        self._all_1b = frozenset(Msg1b(a, b, mbal, mval) for a in self._acceptors
                                 for b in self._ballots for mbal, mval in votes)
        self._all_2b = frozenset(Msg2b(a, b, v) for a in self._acceptors
                                 for b in self._ballots for v in values)
        # Derived facts, computed once and looked up by the part of the state
        # they depend on; none is part of a state.
        self._plans: dict[frozenset, dict[tuple, tuple]] = {}
        self._safe: dict[frozenset, tuple] = {}
        self._safe_at: dict[tuple[int, frozenset], tuple] = {}
        self._chosen_memo: dict[frozenset, tuple] = {}
        self._last_chosen: tuple = (None, None)
        self._message_ids: dict[tuple, int] = {}
        self._alone: list[frozenset] = []
        self._interned: dict[tuple, tuple] = {}
        self._acceptor_groups = interchangeable_groups(system)
        self._signature_layout()
        self._renamings: dict[tuple, tuple | None] = {}
        self._renamed_rows: dict[tuple, tuple] = {}

    def check_sound(self) -> None:
        """The spec's ASSUME QuorumAssumption: every two quorums (every phase-1
        and phase-2 quorum) intersect; `ParamError` names a disjoint pair."""
        require_intersecting(self.quorums)

    def initial_states(self) -> Iterator[PaxosState]:
        n = self.acceptors
        yield PaxosState((-1,) * n, (-1,) * n, (None,) * n, frozenset())

    # -- the next-state relation ---------------------------------------------------
    #
    # Next == \/ \E b \in Ballot : Phase1a(b) \/ \E v \in Value : Phase2a(b, v)
    #         \/ \E a \in Acceptor : Phase1b(a) \/ Phase2b(a)
    #
    # Phase1a, Phase1b and Phase2b depend only on the acceptors' variables and
    # on which 1a and 2a messages were sent; Phase2a(b, v) on which 2a messages
    # and which ballot-b 1b messages were sent. `_plan` and `_phase2a_steps`
    # evaluate the guards on those parts, once per distinct part (a few
    # thousand for hundreds of thousands of states); `successors` applies the
    # planned steps to msgs. Steps come out as: Phase1a by ballot, then for each
    # acceptor its Phase1b and Phase2b steps by message, then Phase2a by ballot
    # and value.

    def successors(self, state: PaxosState) -> list[tuple[tuple, PaxosState]]:
        max_bal, max_vbal, max_val, msgs = state
        alone = self._alone
        sent = msgs & self._all_1a_2a
        plans = self._plans.get(sent)
        if plans is None:
            plans = self._plans[sent] = {}
        plan = plans.get((max_bal, max_vbal, max_val))
        if plan is None:
            plan = plans[max_bal, max_vbal, max_val] = self._plan(
                max_bal, max_vbal, max_val, sent)
        planned, phase2a_ballots = plan
        steps = [(action, _new(PaxosState, (new_bal, new_vbal, new_val, msgs | alone[send])))
                 for action, new_bal, new_vbal, new_val, send in planned]
        if phase2a_ballots:
            one_bs = msgs & self._all_1b
            safe = self._safe.get(one_bs)
            if safe is None:
                safe = self._safe[one_bs] = tuple(
                    self._phase2a_steps(b, frozenset(m for m in one_bs if m.bal == b))
                    for b in self._ballots)
            for b in phase2a_ballots:
                steps += [(action, _new(PaxosState,
                                        (max_bal, max_vbal, max_val, msgs | alone[send])))
                          for action, send in safe[b]]
        return steps

    def _plan(self, max_bal: tuple, max_vbal: tuple, max_val: tuple,
              sent: frozenset) -> tuple[tuple, tuple]:
        """The steps enabled by the acceptors' variables and the sent 1a and 2a
        messages `sent`: the Phase1a, Phase1b and Phase2b steps, each as the
        action, the acceptors' variables after it and the message it sends;
        and the ballots b for which a Phase2a(b, v) step may be enabled."""
        sent_1a = [m.bal for m in self._1a if m in sent]
        sent_2a = [m for m in self._2a if m in sent]
        intern = self._intern
        planned = [(intern(Phase1a(b)), max_bal, max_vbal, max_val, self._send(Msg1a(b)))
                   for b in self._ballots if b not in sent_1a]
        # Phase2a(b, v) needs no 2a for ballot b and the ballot-b 1b messages of a
        # quorum. Whoever sent 1b(b) still has max_bal >= b, since max_bal never
        # decreases, except in the accept_below_promise mutant.
        monotone = self.mutant != "accept_below_promise"
        phase2a_ballots = tuple(
            b for b in self._ballots
            if all(m.bal != b for m in sent_2a)
            and (not monotone or self._phase1.is_quorum(
                frozenset(a for a in self._acceptors if max_bal[a] >= b))))
        for a in self._acceptors:
            for b in sent_1a:
                if b > max_bal[a]:
                    planned.append((
                        intern(Phase1b(a, b)), intern(_with(max_bal, a, b)), max_vbal, max_val,
                        self._send(Msg1b(a, b, max_vbal[a], max_val[a]))))
            for m in sent_2a:
                # mutant accept_below_promise: a 2a below max_bal[a] is accepted too
                if m.bal >= max_bal[a] or self.mutant == "accept_below_promise":
                    if (max_bal[a], max_vbal[a], max_val[a]) == (m.bal, m.bal, m.val):
                        continue  # a cast this very vote and sent its 2b: nothing changes
                    planned.append((
                        intern(Phase2b(a, m.bal, m.val)), intern(_with(max_bal, a, m.bal)),
                        intern(_with(max_vbal, a, m.bal)), intern(_with(max_val, a, m.val)),
                        self._send(Msg2b(a, m.bal, m.val))))
        return tuple(planned), phase2a_ballots

    def _intern(self, value: tuple) -> tuple:
        """One shared copy of an action or a row of acceptor variables."""
        # Keyed by type too: Phase2a(0, 1) == (0, 1) as tuples.
        return self._interned.setdefault((type(value), value), value)

    def _send(self, message: tuple) -> int:
        """The number of the set {message} in `_alone`, to add to msgs. (Plans
        hold numbers rather than sets: tuples of numbers drop out of the
        garbage collector's sight.)"""
        number = self._message_ids.get(message)
        if number is None:
            number = self._message_ids[message] = len(self._alone)
            self._alone.append(frozenset((message,)))
        return number

    def _phase2a_steps(self, b: int, one_bs: frozenset) -> tuple:
        """The Phase2a(b, v) steps that the ballot-b 1b messages `one_bs`
        allow, each with the message it sends."""
        steps = self._safe_at.get((b, one_bs))
        if steps is None:
            steps = self._safe_at[b, one_bs] = tuple(
                (self._intern(Phase2a(b, v)), self._send(Msg2a(b, v)))
                for v in self._shown_safe(one_bs))
        return steps

    def _shown_safe(self, one_bs: frozenset) -> tuple[int, ...]:
        """The values v for which the second conjunct of Phase2a(b, v) holds,
        given the ballot-b 1b messages `one_bs`: some quorum Q sent 1b(b),
        and either none of those reports a vote or v is the value of one
        reporting the highest vote."""
        safe: set[int] = set()
        for quorum in self._quorums:
            q1b = [m for m in one_bs if m.acc in quorum]
            if {m.acc for m in q1b} != set(quorum):
                continue  # some member of the quorum sent no 1b for this ballot
            q1bv = [m for m in q1b if m.mbal >= 0]
            if not q1bv or self.mutant == "no_adopt":  # mutant: any value will do
                safe.update(range(self.values))
            else:
                top = max(m.mbal for m in q1bv)
                safe.update(m.mval for m in q1bv if m.mbal == top)
        return tuple(sorted(safe))

    # -- sequence charts -------------------------------------------------------------

    def step_events(self, state: PaxosState, action: tuple,
                    next_state: PaxosState) -> list:
        """Messages for sequence charts. The spec has no proposer processes:
        the sender of a ballot's 1a and 2a messages is shown as ``p<b>``,
        the leader of ballot b, and 2b messages go to ``learners``."""
        kind = type(action)
        acceptors = [f"a{a}" for a in self._acceptors]
        if kind is Phase1a:
            return [Sent(f"p{action.b}", a, repr(Msg1a(action.b))) for a in acceptors]
        if kind is Phase1b:
            a, b = action
            return [Received(f"p{b}", f"a{a}", repr(Msg1a(b))),
                    Sent(f"a{a}", f"p{b}",
                         repr(Msg1b(a, b, state.max_vbal[a], state.max_val[a]))),
                    Note(f"a{a}", f"promises ballot {b}")]
        if kind is Phase2a:
            b, v = action
            promises = sorted(m for m in state.msgs & self._all_1b if m.bal == b)
            return ([Received(f"a{m.acc}", f"p{b}", repr(m)) for m in promises]
                    + [Sent(f"p{b}", a, repr(Msg2a(b, v))) for a in acceptors])
        a, b, v = action  # Phase2b
        return [Received(f"p{b}", f"a{a}", repr(Msg2a(b, v))),
                Sent(f"a{a}", "learners", repr(Msg2b(a, b, v))),
                Note(f"a{a}", f"votes {v} in ballot {b}")]

    # -- symmetry ------------------------------------------------------------------
    #
    # Values are always interchangeable: no action, property or mutant names
    # one. Acceptors are interchangeable as far as the quorum rule treats them
    # alike (`interchangeable_groups`); ballots never are, since they are ordered.
    # A renaming is applied through a table built once per permutation; the
    # signatures of all elements are read off one integer, the sum of a
    # number per message and a number per acceptors' variables (see
    # `_signature_layout`).

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        return {"acceptors": [list(group) for group in self._acceptor_groups],
                "values": [list(range(self.values))]}

    def permute(self, state: PaxosState, perm: Mapping[str, Sequence[int]]) -> PaxosState:
        """Acceptor a becomes perm["acceptors"][a] in the per-acceptor tuples
        and in every message; value v becomes perm["values"][v] in max_val
        and in every message (None stays None). The identity returns `state`."""
        key = (perm.get("acceptors"), perm.get("values"))
        renaming = self._renamings.get(key, False)
        if renaming is False:
            renaming = self._renamings[key] = self._renaming(*key)
        if renaming is None:  # the identity
            return state
        number, rename_rows, message_of = renaming
        max_bal, max_vbal, max_val, msgs = state
        rows = (number, max_bal, max_vbal, max_val)
        new_rows = self._renamed_rows.get(rows)
        if new_rows is None:
            if len(self._renamed_rows) >= REMEMBERED:
                self._renamed_rows.clear()
            new_rows = self._renamed_rows[rows] = rename_rows(max_bal, max_vbal, max_val)
        return _new(PaxosState, new_rows + (frozenset(map(message_of.__getitem__, msgs)),))

    def permute_action(self, action: tuple, perm: Mapping[str, Sequence[int]]) -> tuple:
        acceptor_of = perm.get("acceptors") or self._acceptors
        value_of = perm.get("values") or range(self.values)
        kind = type(action)
        if kind is Phase1b:
            return Phase1b(acceptor_of[action.a], action.b)
        if kind is Phase2a:
            return Phase2a(action.b, value_of[action.v])
        if kind is Phase2b:
            return Phase2b(acceptor_of[action.a], action.b, value_of[action.v])
        return action

    def _renaming(self, acceptor_of: tuple | None, value_of: tuple | None) -> tuple | None:
        """For `permute`: a number for this renaming, a function renaming the
        acceptors' variables, and the image of every possible message; None
        for the identity."""
        acceptor_of = tuple(acceptor_of or self._acceptors)
        value_of = tuple(value_of or range(self.values))
        if acceptor_of == tuple(self._acceptors) and value_of == tuple(range(self.values)):
            return None
        rows_from = [0] * self.acceptors
        for a, image in enumerate(acceptor_of):
            rows_from[image] = a
        value_map: dict[int | None, int | None] = {None: None}
        value_map.update(enumerate(value_of))

        def rename_rows(max_bal: tuple, max_vbal: tuple, max_val: tuple) -> tuple:
            return (tuple(max_bal[a] for a in rows_from), tuple(max_vbal[a] for a in rows_from),
                    tuple(value_map[max_val[a]] for a in rows_from))

        message_of = {}
        for m in self._all_1a_2a | self._all_1b | self._all_2b:
            kind = type(m)
            if kind is Msg1b:
                m2 = Msg1b(acceptor_of[m.acc], m.bal, m.mbal, value_map[m.mval])
            elif kind is Msg2a:
                m2 = Msg2a(m.bal, value_of[m.val])
            elif kind is Msg2b:
                m2 = Msg2b(acceptor_of[m.acc], m.bal, value_of[m.val])
            else:
                m2 = m
            message_of[m] = m2
        return len(self._renamings), rename_rows, message_of

    def signatures(self, state: PaxosState) -> dict[str, tuple[int, ...]]:
        """For each acceptor: its max_bal and max_vbal, and the ballots of
        the 1b messages it sent (with the vote each reported) and of its 2b
        messages. For each value: the ballots of the 2a messages carrying
        it, and per ballot the number of 2b messages, of 1b reports and of
        acceptors' last votes for it. Neither mentions another element's
        name, so renaming carries them along."""
        max_bal, max_vbal, max_val, msgs = state
        rows = (max_bal, max_vbal, max_val)
        total = self._row_codes[rows] + sum(map(self._message_codes.__getitem__, msgs))
        # Ranks (how many distinct summaries are smaller) order the elements
        # as the summaries do and are as invariant; being small, they repeat
        # across states with the same pattern of ties, so the engine can
        # remember its work by them. Remembered per part of `total`.
        acceptor_part = total & self._acceptors_mask
        return {"acceptors": self._acceptor_ranks[acceptor_part],
                "values": self._value_ranks[total >> self._values_shift]}

    def _signature_layout(self) -> None:
        """The signatures of a state are fields of one integer: a block per
        acceptor, then a block per value, each made of counters `width` bits
        wide (wide enough for any count) that messages add to. The top of an
        acceptor's block holds its max_bal and max_vbal."""
        n, k, nb = self.acceptors, self.values, self.ballots
        width = max(n, k + 1).bit_length()
        # acceptor block: 2b by ballot, 1b by (ballot, reported vote ballot + 1), then the row
        acceptor_fields = nb + nb * (nb + 1)
        row_bits = ((nb + 1) * (nb + 1)).bit_length()
        acceptor_bits = acceptor_fields * width + row_bits
        # value block: 2a by ballot, 2b by ballot, 1b reports by (ballot,
        # vote ballot), last votes by vote ballot
        value_bits = (3 * nb + nb * nb) * width
        self._acceptor_shifts = tuple(a * acceptor_bits for a in self._acceptors)
        self._acceptor_mask = (1 << acceptor_bits) - 1
        self._acceptors_mask = (1 << n * acceptor_bits) - 1
        self._values_shift = n * acceptor_bits
        self._value_shifts = tuple(v * value_bits for v in range(k))
        self._value_mask = (1 << value_bits) - 1
        self._acceptor_ranks = Remembered(lambda part: _ranks(
            part, self._acceptor_shifts, self._acceptor_mask))
        self._value_ranks = Remembered(lambda part: _ranks(
            part, self._value_shifts, self._value_mask))

        def acceptor_field(a: int, field: int) -> int:
            return 1 << (self._acceptor_shifts[a] + field * width)

        def value_field(v: int, field: int) -> int:
            return 1 << (self._values_shift + self._value_shifts[v] + field * width)

        codes: dict[tuple, int] = {}
        for m in self._all_1a_2a | self._all_1b | self._all_2b:
            kind = type(m)
            if kind is Msg1b:
                code = acceptor_field(m.acc, nb + m.bal * (nb + 1) + m.mbal + 1)
                if m.mval is not None:
                    code += value_field(m.mval, 3 * nb + m.bal * nb + m.mbal)
            elif kind is Msg2a:
                code = value_field(m.val, m.bal)
            elif kind is Msg2b:
                code = acceptor_field(m.acc, m.bal) + value_field(m.val, nb + m.bal)
            else:
                code = 0
            codes[m] = code
        self._message_codes = codes

        def row_code(max_bal: tuple, max_vbal: tuple, max_val: tuple) -> int:
            code = 0
            for a in self._acceptors:
                row = (max_bal[a] + 1) * (nb + 1) + max_vbal[a] + 1
                code += row << (self._acceptor_shifts[a] + acceptor_fields * width)
                if max_val[a] is not None:
                    code += value_field(max_val[a], 2 * nb + max_vbal[a])
            return code

        self._row_codes = Remembered(lambda rows: row_code(*rows))

    # -- what is chosen --------------------------------------------------------

    def chosen(self, state: PaxosState) -> dict[int, tuple[tuple[int, tuple[int, ...]], ...]]:
        """Each chosen value, with each ballot in which it is chosen and the
        acceptors whose 2b messages for it in that ballot form a quorum."""
        return self._chosen(state.msgs)[1]

    def _chosen(self, msgs: frozenset) -> tuple[tuple[int, ...], dict]:
        """The chosen values in order, and how each is chosen (see `chosen`)."""
        last_msgs, found = self._last_chosen
        if msgs is last_msgs:  # the properties of one state ask in turn
            return found
        two_bs = msgs & self._all_2b
        found = self._chosen_memo.get(two_bs)
        if found is None:
            voters: dict[tuple[int, int], list[int]] = {}
            for m in sorted(two_bs):
                voters.setdefault((m.val, m.bal), []).append(m.acc)
            by_value: dict[int, list] = {}
            for (v, b), accs in sorted(voters.items()):
                if self._phase2.is_quorum(frozenset(accs)):
                    by_value.setdefault(v, []).append((b, tuple(accs)))
            found = self._chosen_memo[two_bs] = (
                tuple(by_value), {v: tuple(how) for v, how in by_value.items()})
        self._last_chosen = (msgs, found)
        return found

    # -- properties ----------------------------------------------------------------

    @invariant("Agreement")
    def agreement(self, state: PaxosState):
        """At most one value is chosen."""
        values, how = self._chosen(state.msgs)
        if len(values) <= 1:
            return True
        return Fails("; ".join(
            f"value {v} is chosen in ballot {how[v][0][0]} by acceptors "
            f"{', '.join(map(str, how[v][0][1]))}" for v in values))

    @invariant("Validity")
    def validity(self, state: PaxosState):
        """Only a value of Value can be chosen (the spec has no other source
        of values; this guards the encoding)."""
        strays = [v for v in self._chosen(state.msgs)[0] if not 0 <= v < self.values]
        return Fails(f"{strays[0]!r} is chosen but is not a value") if strays else True

    @reachable("A value is chosen")
    def value_chosen(self, state: PaxosState) -> bool:
        """A quorum voted for the same value in the same ballot."""
        return bool(self._chosen(state.msgs)[0])

    @reachable("A later ballot adopts an earlier vote")
    def adopts_earlier_vote(self, state: PaxosState) -> bool:
        """Some ``2a(b, v)`` was sent, and every quorum that sent all its
        ballot-b 1b messages reports a vote: the ballot-b leader could not
        pick freely and had to adopt the value of the highest vote, cast in
        an earlier ballot (two leaders raced; the second adopted the first's
        value)."""
        msgs = state.msgs
        one_bs = msgs & self._all_1b
        for two_a in msgs & self._all_2a:
            # whether each acceptor reported a vote in some ballot-b 1b (in the
            # accept_below_promise mutant it may send several)
            reports: dict[int, bool] = {}
            for m in one_bs:
                if m.bal == two_a.bal:
                    reports[m.acc] = reports.get(m.acc, False) or m.mbal >= 0
            complete = [q for q in self._quorums if all(a in reports for a in q)]
            if complete and all(any(reports[a] for a in q) for q in complete):
                return True
        return False

    @reachable("An acceptor ignores a stale 1a")
    def stale_1a_ignored(self, state: PaxosState) -> bool:
        """Some ``1a(b)`` was sent that acceptor a never answered and now never
        will, because ``max_bal[a] > b`` (the message-set analogue of a NACK)."""
        msgs = state.msgs
        answered = {(m.acc, m.bal) for m in msgs & self._all_1b}
        return any(m.bal < state.max_bal[a] and (a, m.bal) not in answered
                   for m in msgs & self._all_1a_2a if type(m) is Msg1a
                   for a in self._acceptors)


# -- symmetry helpers ----------------------------------------------------------


def _ranks(fields: int, shifts: tuple[int, ...], mask: int) -> tuple[int, ...]:
    """For each block of `fields` (at `shifts`, `mask` wide), the number of
    distinct blocks smaller than it."""
    blocks = [fields >> shift & mask for shift in shifts]
    ordered = sorted(set(blocks))
    return tuple(map(ordered.index, blocks))


# -- the kit model's layout ------------------------------------------------------------


def state(max_bal, max_vbal, max_val, *msgs) -> tuple:
    """A state of the kit model (`models.paxos`) written as the spec's
    variables: per-acceptor rows maxBal, maxVBal, maxVal and the messages."""
    from models import paxos

    records = tuple(paxos.AcceptorState(*row) for row in zip(max_bal, max_vbal, max_val))
    kinds = (paxos.Msg1a, paxos.Msg1b, paxos.Msg2a, paxos.Msg2b)
    return records + (tuple(frozenset(kit_message(m) for m in msgs if type(m).__name__ ==
                                      kind.__name__) for kind in kinds),)


def kit_message(message: tuple) -> tuple:
    """The kit model's record for a message of either model."""
    from models import paxos

    return getattr(paxos, type(message).__name__)(*message)


def kit_state(old: PaxosState) -> tuple:
    """The kit model's state for a state of this model."""
    return state(old.max_bal, old.max_vbal, old.max_val, *old.msgs)


def kit_action(action: tuple) -> tuple:
    from models import paxos

    return getattr(paxos, type(action).__name__)(*action)
