"""Lamport's Voting algorithm, the abstraction of Paxos in which acceptors
cast votes in numbered ballots without messages, written as a user would
from Voting.tla of the TLA+ examples (PaxosHowToWinATuringAward): a plain
`checker.Model`, one branch of `successors` per action.

Each acceptor keeps ``votes[a]``, the ``(ballot, value)`` votes it cast,
and ``max_bal[a]``, below which it will cast no further vote (-1 at first).
An acceptor may raise its ``max_bal`` at any time (IncreaseMaxBal); it votes
for v in ballot b (VoteFor) only if it has not voted in b, no other acceptor
voted for another value in b, and some quorum "shows v safe at b". A value is
chosen when a quorum voted for it in one ballot; the safety property is
that at most one value is ever chosen, the spec's ``Cardinality(chosen) <=
1`` of Consensus.tla, and that ``chosen`` only ever goes from {} to {v}
(``Spec => C!Spec``).

Acceptors are ``0..acceptors-1``, values ``0..values-1`` and ballots
``0..ballots-1``: ``Ballot == Nat`` cut to a finite set, as the spec's TLC
model overrides it with ``0..2``. A quorum is a majority of the acceptors
(every majority, supersets included, which gives the same behaviours as the
minimal ones). Acceptors and values are interchangeable (TLC's ``SYMMETRY
Permutations(Acceptor) \\cup Permutations(Value)``): the fields that hold
them are typed so, and the kit's `Symmetric` derives the renaming.

With the ballots bounded, a run ends once every acceptor is at the last
ballot and can vote no more; in the spec another ballot would be open, so
the model names the bound (`bound_reason`) rather than call it a deadlock,
where TLC, which knows no bound, reports a deadlock unless told not to.
"""

from itertools import combinations, product
from typing import NamedTuple

from checker import Fails, Model, Param, ParamError, invariant, reachable, transition
from models.kit import Symmetric, ids, indexed_by


Acceptor = ids("acceptors", "a")   # a0, a1, ... in reports; interchangeable, as values are
Value = ids("values")


class State(NamedTuple):
    votes: indexed_by(Acceptor, frozenset[tuple[int, Value]])   # its (ballot, value) votes
    max_bal: indexed_by(Acceptor, int)                           # -1 before any ballot


class IncreaseMaxBal(NamedTuple):
    a: Acceptor
    b: int


class VoteFor(NamedTuple):
    a: Acceptor
    b: int
    v: Value


class Voting(Symmetric, Model):
    name = "voting"
    summary = "Lamport's Voting: the abstraction of Paxos without messages (Voting.tla)"
    params = (Param("acceptors", 3, "acceptors; a majority is a quorum", minimum=1),
              Param("values", 2, "values that may be chosen", minimum=1),
              Param("ballots", 3, "ballots 0..ballots-1", minimum=1))
    mutants = {
        "any_quorum": "every non-empty set of acceptors is a quorum, so two quorums may not "
                      "intersect (the exercise at the end of Voting.tla) → Consensus",
        "no_shows_safe": "VoteFor without its ShowsSafeAt conjunct: an acceptor votes for a "
                         "value no quorum shows safe → Votes Safe, Consensus",
    }
    actions = (IncreaseMaxBal, VoteFor)
    state_type = State
    symmetry_sets = ("acceptors", "values")   # renaming derived from the types (Symmetric)

    def setup(self) -> None:
        everyone = range(self.acceptors)
        smallest = 1 if self.mutant == "any_quorum" else self.acceptors // 2 + 1
        self.quorums = [frozenset(q) for size in range(smallest, self.acceptors + 1)
                        for q in combinations(everyone, size)]

    def check_sound(self) -> None:
        """ASSUME \\A Q1, Q2 \\in Quorum : Q1 \\cap Q2 /= {}"""
        for q1, q2 in combinations(self.quorums, 2):
            if not q1 & q2:
                raise ParamError("mutant", f"quorums {sorted(q1)} and {sorted(q2)} share no "
                                 "acceptor, which Voting.tla assumes away; expect a violation")

    # -- the spec's definitions ----------------------------------------------------------

    def voted_for(self, s: State, a: int, b: int, v: int) -> bool:
        return (b, v) in s.votes[a]

    def did_not_vote_at(self, s: State, a: int, b: int) -> bool:
        return all(vote[0] != b for vote in s.votes[a])

    def cannot_vote_at(self, s: State, a: int, b: int) -> bool:
        return s.max_bal[a] > b and self.did_not_vote_at(s, a, b)

    def none_other_choosable_at(self, s: State, b: int, v: int) -> bool:
        return any(all(self.voted_for(s, a, b, v) or self.cannot_vote_at(s, a, b) for a in q)
                   for q in self.quorums)

    def safe_at(self, s: State, b: int, v: int) -> bool:
        return all(self.none_other_choosable_at(s, c, v) for c in range(b))

    def chosen(self, s: State) -> set[int]:
        """{v \\in Value : \\E b \\in Ballot : ChosenAt(b, v)}"""
        return {v for v, b in product(range(self.values), range(self.ballots))
                if any(all(self.voted_for(s, a, b, v) for a in q) for q in self.quorums)}

    def shows_safe_at(self, s: State, q: frozenset, b: int, v: int) -> bool:
        """Every acceptor of q is at b or above, and for some c < b, no one of
        q voted in c+1..b-1 and (unless c = -1) one of q voted for v in c."""
        return all(s.max_bal[a] >= b for a in q) and any(
            (c == -1 or any(self.voted_for(s, a, c, v) for a in q))
            and all(self.did_not_vote_at(s, a, d) for d in range(c + 1, b) for a in q)
            for c in range(-1, b))

    # -- the algorithm -----------------------------------------------------------------

    def initial_states(self):
        yield State(votes=(frozenset(),) * self.acceptors, max_bal=(-1,) * self.acceptors)

    def successors(self, s: State):
        # Next == \E a \in Acceptor, b \in Ballot : IncreaseMaxBal(a, b) \/ \E v : VoteFor(a, b, v),
        # in TLC's order (a varies fastest), so a shortest counterexample is the one TLC prints
        for b, a in product(range(self.ballots), range(self.acceptors)):
            if b > s.max_bal[a]:
                yield IncreaseMaxBal(a, b), s._replace(max_bal=_with(s.max_bal, a, b))
            for v in range(self.values):
                if self.can_vote_for(s, a, b, v):
                    yield VoteFor(a, b, v), State(votes=_with(s.votes, a, s.votes[a] | {(b, v)}),
                                                  max_bal=_with(s.max_bal, a, b))

    def can_vote_for(self, s: State, a: int, b: int, v: int) -> bool:
        """VoteFor's guard: a is not past b and has not voted in b, no other
        acceptor voted for another value in b, and a quorum shows v safe at b."""
        return (s.max_bal[a] <= b
                and self.did_not_vote_at(s, a, b)
                and all(vote[1] == v for c in range(self.acceptors) if c != a
                        for vote in s.votes[c] if vote[0] == b)
                and (self.mutant == "no_shows_safe"
                     or any(self.shows_safe_at(s, q, b, v) for q in self.quorums)))

    def bound_reason(self, s: State) -> str | None:
        """IncreaseMaxBal to a higher ballot is always enabled in the spec, so a
        state with no step is one where every acceptor is at the last ballot."""
        if all(b == self.ballots - 1 for b in s.max_bal):
            last = self.ballots - 1
            return f"every acceptor is at the last ballot {last} (ballots = {self.ballots})"
        return None

    # -- properties ----------------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, s: State):
        ballots = range(self.ballots)
        return (all(b in ballots and v in range(self.values) for votes in s.votes
                    for b, v in votes)
                and all(b == -1 or b in ballots for b in s.max_bal))

    @invariant("Votes Safe")
    def votes_safe(self, s: State):
        """An acceptor voted for v in b only if v is safe at b."""
        for a, votes in enumerate(s.votes):
            for b, v in sorted(votes):
                if not self.safe_at(s, b, v):
                    return Fails(f"a{a} voted for v{v} in ballot {b}, where v{v} is not safe")
        return True

    @invariant("One Value Per Ballot")
    def one_value_per_ballot(self, s: State):
        """Acceptors that voted in the same ballot voted for the same value."""
        for b in range(self.ballots):
            voted = {v for votes in s.votes for ballot, v in votes if ballot == b}
            if len(voted) > 1:
                return Fails(f"values {sorted(voted)} voted for in ballot {b}")
        return True

    @invariant("Consensus")
    def consensus(self, s: State):
        """At most one value is chosen (Consensus.tla's Inv)."""
        chosen = self.chosen(s)
        return len(chosen) <= 1 or Fails(f"values {sorted(chosen)} are both chosen")

    @transition("Implements Consensus")
    def implements_consensus(self, s: State, action, t: State):
        """[][C!Next]_chosen: chosen stays as it is or goes from {} to {v}."""
        before, after = self.chosen(s), self.chosen(t)
        return before == after or (not before and len(after) == 1) or Fails(
            f"chosen goes from {sorted(before)} to {sorted(after)}")

    @reachable("A Value Is Chosen")
    def value_chosen(self, s: State):
        return bool(self.chosen(s))


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]
