"""Byzantine Paxos (BPConProof.tla of the TLA+ examples, tlaplus/Examples
32a32c7, specifications/byzpaxos) as a user's plain model,
tests/models/user/bpcon.py, against what TLC 2.15 reported.

TLC ran a copy of BPConProof.tla cut after Inv and the definition of
``chosen`` (its LEMMAs and THEOREMs and the INSTANCE of PConProof removed,
EXTENDS Integers, FiniteSets in place of the proof libraries; no operator
that Spec or Inv reads was changed) under an MC module::

    EXTENDS BPCon, TLC
    CONSTANTS v1, v2, a1, a2, a3, a4, fa1, fa2, MB, MaxFake
    MCBallot == MB
    FakeMsgs == {m \\in bmsgs : m.type \\notin {"1a", "1c"} /\\ m.acc \\in FakeAcceptor}
    FakeBound == Cardinality(FakeMsgs) <= MaxFake
    Agreement == Cardinality(chosen) <= 1

with one worker (``java -cp tla2tools.jar tlc2.TLC -workers 1 -deadlock
-config X.cfg MC``) and a cfg as BPConProof.cfg's: Value = {v1, ...},
Acceptor = {a1, ...}, FakeAcceptor = {fa1, ...} (or {}), ``Ballot <-
MCBallot`` with MB = {0, ..., B - 1}, None = None, ByzQuorum every set of
(N + f) div 2 + 1 acceptors and WeakQuorum every set of f + 1 (the cfg's
for 3 and 1), INVARIANT Inv Agreement, and ``CONSTRAINT FakeBound`` where
the case has a max_fake. TLC prints the depth plus one, and a
counterexample of n steps as n + 1 states. Its "states generated" is the
model's: the model takes every step once per witness of its ``\\E`` as TLC
does (LearnsSent's and Phase1c's every subset, a fake acceptor's every
message, the steps that change nothing included), and TLC counts the
successors outside the constraint as generated too.

A mutant was made in the translation of the TLA+ copy as the model's
mutant makes it (each test says how); TLC's counterexample is the model's
state for state (the final states compared field by field). TLC names a
step by its process's action and the line of the disjunct taken
(``acceptor`` line 449 Phase1b, 454 Phase2av, 462 Phase2b, 473 LearnsSent;
``leader`` Phase1a or Phase1c), the model by the disjunct.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from cmc.main import cli
from tests.models.user.bpcon import Acceptor, BPCon

# the states' acceptors and values (the actions name them as TLC prints them)
A1, V1, V2 = Acceptor.tag(0), 0, 1

SPEC = Path(__file__).parent / "user" / "bpcon.yaml"
INV = ("type_ok", "one_b_inv1", "one_b_inv2", "max_bal_inv", "two_av_inv1", "two_av_inv2",
       "two_av_inv3", "acc_inv", "knows_sent_inv")


def _model(values=1, acceptors=2, fakes=0, ballots=1, max_fake=None, mutant=None):
    return BPCon(values=values, acceptors=acceptors, fakes=fakes, ballots=ballots,
                 max_fake=max_fake, mutant=mutant)


def _violation(prop, mutant, **bound):
    result = check(_model(mutant=mutant, **bound), CheckConfig(properties=(prop,)))
    assert result.verdict == "violated"
    return result.violation(prop)


def _actions(violation):
    return [str(a) for a in violation.trace.actions]


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


@pytest.mark.slow
def test_the_spec_file_with_symmetry_has_tlc_s_orbits():
    # the spec file's bound with SYMMETRY Sym (below): TLC's 342 distinct
    result = CliRunner().invoke(cli, ["check", str(SPEC), "--symmetry"])
    assert result.exit_code == 1     # the expect: block's 1,684 states are not met
    assert ("distinct orbits (symmetry over acceptors, values, fakes) 342 · generated "
            "11,656 · depth 14") in result.output


def test_inv_s_conjuncts_and_agreement_are_the_model_s_invariants():
    # (and the refinement, checked only when named) Inv == TypeOK /\ bmsgsFinite /\ 1bInv1 /\ ... /\ knowsSentInv, the
    # model's by the spec's names (bmsgsFinite holds of every finite state)
    assert [(name, p.title) for name, p in BPCon.properties.items()] == [
        ("type_ok", "TypeOK"), ("one_b_inv1", "1bInv1"), ("one_b_inv2", "1bInv2"),
        ("max_bal_inv", "maxBalInv"), ("two_av_inv1", "2avInv1"), ("two_av_inv2", "2avInv2"),
        ("two_av_inv3", "2avInv3"), ("acc_inv", "accInv"), ("knows_sent_inv", "knowsSentInv"),
        ("refines_pcon", "Spec => P!Spec"), ("agreement", "Agreement")]


# values, acceptors, fakes, ballots, max_fake: TLC's distinct states, states
# generated and depth (TLC prints one more); Inv and Agreement hold
@pytest.mark.parametrize("bound, distinct, generated, depth", [
    ((1, 2, 0, 1, None), 64, 655, 10),
    ((2, 2, 0, 1, None), 154, 1_943, 10),
    pytest.param((1, 3, 0, 1, None), 6_268, 173_887, 14, marks=pytest.mark.slow),
    # a fake acceptor among 3 good ones (ByzQuorum: 3 of the 4), each of
    # its sends out of bounds (checked, neither counted nor expanded)
    ((1, 3, 1, 1, 0), 1_684, 57_506, 14),
    pytest.param((1, 2, 0, 2, None), 4_096, 81_737, 20, marks=pytest.mark.slow),
    # the fake acceptor sends one message of the 10 it can (TLC: 7 min 27 s)
    pytest.param((1, 3, 1, 1, 1), 132_676, 7_261_409, 15, marks=pytest.mark.slow),
])
def test_bpcon_has_tlc_s_counts(bound, distinct, generated, depth):
    result = check(_model(*bound), CheckConfig())
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)


# the same with SYMMETRY Sym, Sym == Permutations(Acceptor) \cup
# Permutations(Value) \cup Permutations(FakeAcceptor) added to MC and the cfg:
# TLC's distinct states (orbits), generated and depth
@pytest.mark.parametrize("bound, distinct, generated, depth", [
    ((1, 2, 0, 1, None), 39, 398, 10),
    ((2, 2, 0, 1, None), 63, 784, 10),
    pytest.param((1, 3, 0, 1, None), 1_164, 32_122, 14, marks=pytest.mark.slow),
    pytest.param((2, 3, 0, 1, None), 2_545, 77_027, 14, marks=pytest.mark.slow),
    pytest.param((1, 3, 1, 1, 0), 342, 11_656, 14, marks=pytest.mark.slow),
    pytest.param((2, 2, 0, 2, None), 6_828, 166_715, 20, marks=pytest.mark.slow),
    # the fake acceptor's one message (TLC: 1 min 28 s)
    pytest.param((1, 3, 1, 1, 1), 24_356, 1_328_593, 15, marks=pytest.mark.slow),
])
def test_bpcon_has_tlc_s_orbit_counts(bound, distinct, generated, depth):
    result = check(_model(*bound), CheckConfig(symmetry=("acceptors", "values", "fakes")))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)


def test_the_spec_s_assumption_of_a_quorum_of_good_acceptors_is_checked(tmp_path):
    # ASSUME BQLA: \E Q \in ByzQuorum : Q \subseteq Acceptor (TLC: "Assumption
    # line 99 ... is false" on 2 good acceptors and a fake one)
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(SPEC.parent / 'bpcon.py').as_posix()}:BPCon\n"
                    "params: {acceptors: 2, fakes: 1}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: {spec}:2: params.fakes: the spec assumes a Byzantine quorum of good "
        "acceptors only (BQLA): a quorum has 3 acceptors, there are 2 good ones; use "
        "fewer fakes or more acceptors")


# the refinement, THEOREM Spec => P!Spec: TLC checked PROPERTY PSpec, with
# P == INSTANCE PCon WITH maxBal <- PmaxBal and PSpec == P!Spec added to MC,
# PCon.tla a copy of PConProof.tla cut after its translation, Ballot and
# None made CONSTANTs (substituted by BPCon's, the cfg's Ballot and None)
# in place of Ballot == Nat and an unbounded CHOOSE, which TLC cannot
# enumerate; the same counts as above, no error
@pytest.mark.parametrize("bound, distinct", [
    ((1, 2, 0, 1, None), 64),
    ((2, 2, 0, 1, None), 154),
    pytest.param((1, 3, 0, 1, None), 6_268, marks=pytest.mark.slow),
    pytest.param((1, 3, 1, 1, 0), 1_684, marks=pytest.mark.slow),
])
def test_bpcon_refines_pcon_as_tlc_finds(bound, distinct):
    result = check(_model(*bound), CheckConfig(properties=("refines_pcon",)))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == distinct


def test_relaying_an_unsafe_value_is_no_step_of_pcon_where_tlc_finds_it():
    # relay_unsafe_value (below); 2 acceptors, 1 value, ballot 0, PROPERTY
    # PSpec alone. TLC: "Action property ... of module PCon is violated" at
    # step 3 (leader, 454, 454; 18 distinct, 47 generated at the stop): the
    # second 2av message makes a Quorum's, a 2a message of msgs whose 1c
    # message is not in msgs (PCon's Phase2a needs it)
    violation = _violation("refines_pcon", "relay_unsafe_value")
    assert _actions(violation) == ["Phase1c(b=0, S=('v1',))", "Phase2av(a='a1', b=0, v='v1')",
                                   "Phase2av(a='a2', b=0, v='v1')"]
    assert violation.reason == ("Phase2av(a='a2', b=0, v='v1') is no step of PCon: msgs "
                                "gains [('2a', 0, 'v1')]")


# -- mutants: TLC 2.15 on the TLA+ copy with the same change -----------------------------


def test_relaying_an_unsafe_value_breaks_2av_inv3_and_acc_inv_in_tlc_s_trace():
    # Phase2av's {ms \in sentMsgs("1c", b) : KnowsSafeAt(self, b, ms.val)}
    # made {ms \in sentMsgs("1c", b) : TRUE} (1cmsgs keeps KnowsSafeAt);
    # 2 acceptors, 1 value, ballot 0. TLC, INVARIANT 2avInv3 (and apart
    # accInv): leader, acceptor line 454; 7 distinct when it stopped
    for prop, reason in (
            ("two_av_inv3", "2av(bal=0, val=v1, acc=a1) relays a 1c message not in msgs"),
            ("acc_inv", "2avSent[a1] holds <v1, 0>, maxBal[a1] = 0, its 1c message in "
                        "msgs: False")):
        violation = _violation(prop, "relay_unsafe_value")
        assert _actions(violation) == ["Phase1c(b=0, S=('v1',))",
                                       "Phase2av(a='a1', b=0, v='v1')"]
        final = violation.trace.final
        assert (final.maxBal, final.twoAvSent, final.knowsSent) == (
            (0, -1), (frozenset({(V1, 0)}), frozenset()), (frozenset(), frozenset()))
        assert final.bmsgs == {("1c", 0, V1), ("2av", 0, V1, A1)}
        assert violation.reason == reason


def test_relaying_an_unsafe_value_breaks_1b_inv1_in_tlc_s_trace():
    # the same mutant, ballots 0 and 1, INVARIANT 1bInv1. TLC: leader,
    # acceptor line 454, leader, acceptor line 449 (the 1b message of
    # ballot 1 reports the unsafe 2av of ballot 0); 125 distinct at the stop
    violation = _violation("one_b_inv1", "relay_unsafe_value", ballots=2)
    assert _actions(violation) == ["Phase1c(b=0, S=('v1',))", "Phase2av(a='a1', b=0, v='v1')",
                                   "Phase1a(b=1)", "Phase1b(a='a1', b=1)"]
    assert violation.trace.final.maxBal == (1, -1)
    assert violation.reason == ("1b(a1, bal=1, mbal=-1, mval=None, m2av={<v1, 0>}) reports "
                                "<v1, 0>, whose 1c message is not in msgs")


@pytest.mark.slow
def test_relaying_an_unsafe_value_lets_a_malicious_leader_choose_two_values():
    # the same mutant, 2 values, ballots 0 and 1, INVARIANT Agreement. TLC:
    # 10 steps (leader, 454, 454, 462, 462, leader, 454, 454, 462, 462):
    # each ballot's leader sends a 1c message with no 1b message sent, both
    # acceptors relay and vote it; v1 chosen in ballot 0, v2 in ballot 1
    violation = _violation("agreement", "relay_unsafe_value", values=2, ballots=2)
    assert _actions(violation) == [
        "Phase1c(b=0, S=('v1',))", "Phase2av(a='a1', b=0, v='v1')",
        "Phase2av(a='a2', b=0, v='v1')", "Phase2b(a='a1', b=0, v='v1')",
        "Phase2b(a='a2', b=0, v='v1')", "Phase1c(b=1, S=('v2',))",
        "Phase2av(a='a1', b=1, v='v2')", "Phase2av(a='a2', b=1, v='v2')",
        "Phase2b(a='a1', b=1, v='v2')", "Phase2b(a='a2', b=1, v='v2')"]
    final = violation.trace.final
    assert (final.maxBal, final.maxVBal, final.maxVVal) == ((1, 1), (1, 1), (V2, V2))
    assert violation.reason == "chosen = {v1, v2}"


# the first steps of the mutants' traces below: the ballot-0 leader's 1a,
# both acceptors' 1b, and a1 learning both (TLC: leader, 449, 449, 473)
PROMISED = ["Phase1a(b=0)", "Phase1b(a='a1', b=0)", "Phase1b(a='a2', b=0)",
            "LearnsSent(a=a1, b=0, S={1b(a1, bal=0, mbal=-1, mval=None, m2av={}), "
            "1b(a2, bal=0, mbal=-1, mval=None, m2av={})})"]


def test_relaying_twice_in_a_ballot_breaks_2av_inv1_in_tlc_s_trace():
    # Phase2av's \A r \in 2avSent[self] : r.bal < b made TRUE; 2 values.
    # TLC, INVARIANT 2avInv1: PROMISED, leader (both 1c messages at once),
    # 454, 454; 137 distinct at the stop
    violation = _violation("two_av_inv1", "relay_twice_in_ballot", values=2)
    assert _actions(violation) == PROMISED + [
        "Phase1c(b=0, S=('v1', 'v2'))", "Phase2av(a='a1', b=0, v='v1')",
        "Phase2av(a='a1', b=0, v='v2')"]
    final = violation.trace.final
    assert final.twoAvSent == (frozenset({(V1, 0), (V2, 0)}), frozenset())
    assert violation.reason == ("a1 sent two 2av messages in ballot 0: 2av(bal=0, val=v1, "
                                "acc=a1) and 2av(bal=0, val=v2, acc=a1)")


def test_forgetting_2av_sent_breaks_2av_inv2_in_tlc_s_trace():
    # Phase2av's 2avSent' = [2avSent EXCEPT ...] made 2avSent' = 2avSent.
    # TLC, INVARIANT 2avInv2: PROMISED, leader, 454; 53 distinct at the stop
    violation = _violation("two_av_inv2", "forget_2av_sent")
    assert _actions(violation) == PROMISED + ["Phase1c(b=0, S=('v1',))",
                                              "Phase2av(a='a1', b=0, v='v1')"]
    assert violation.trace.final.twoAvSent == (frozenset(), frozenset())
    assert violation.reason == "2av(bal=0, val=v1, acc=a1) is not in 2avSent[a1]"


def test_a_second_1b_in_a_ballot_breaks_1b_inv2_in_tlc_s_trace():
    # Phase1b's b > maxBal[self] made b >= maxBal[self]. TLC, INVARIANT
    # 1bInv2: PROMISED, leader, 454, 449 (a1's second 1b reports its 2av);
    # 61 distinct at the stop
    violation = _violation("one_b_inv2", "second_1b_in_ballot")
    assert _actions(violation) == PROMISED + ["Phase1c(b=0, S=('v1',))",
                                              "Phase2av(a='a1', b=0, v='v1')",
                                              "Phase1b(a='a1', b=0)"]
    assert violation.reason == (
        "a1 sent two 1b messages in ballot 0: 1b(a1, bal=0, mbal=-1, mval=None, m2av={}) "
        "and 1b(a1, bal=0, mbal=-1, mval=None, m2av={<v1, 0>})")


@pytest.mark.parametrize("mutant, prop, max_bal, reason", [
    # Phase1b's maxBal' = [maxBal EXCEPT ![self] = b] made maxBal' = maxBal
    # (TLC, INVARIANT maxBalInv: leader, 449)
    ("no_promise", "max_bal_inv", (-1, -1),
     "1b(a1, bal=0, mbal=-1, mval=None, m2av={}) is above maxBal[a1] = -1"),
    # ... made ![self] = b + 1 (TLC, INVARIANT TypeOK: leader, 449)
    ("promise_next_ballot", "type_ok", (1, -1), "maxBal[a1] = 1, maxVBal[a1] = -1"),
])
def test_a_wrong_promise_breaks_its_invariant_in_tlc_s_trace(mutant, prop, max_bal, reason):
    violation = _violation(prop, mutant)
    assert _actions(violation) == ["Phase1a(b=0)", "Phase1b(a='a1', b=0)"]
    assert violation.trace.final.maxBal == max_bal
    assert violation.reason == reason


def test_learning_an_unsent_1b_breaks_knows_sent_inv_in_tlc_s_trace():
    # LearnsSent's \E S \in SUBSET sentMsgs("1b", b) : ... given a second
    # disjunct, \E c \in Acceptor : knowsSent' = [knowsSent EXCEPT ![self] =
    # knowsSent[self] \cup {[type |-> "1b", bal |-> b, acc |-> c, m2av |->
    # {}, mbal |-> -1, mval |-> None]}]. TLC, INVARIANT knowsSentInv: one
    # step, acceptor line 473, a1 knowing a1's unsent 1b message
    violation = _violation("knows_sent_inv", "learn_unsent_1b")
    assert _actions(violation) == [
        "LearnsSent(a=a1, b=0, S={1b(a1, bal=0, mbal=-1, mval=None, m2av={})})"]
    assert violation.trace.final.bmsgs == frozenset()
    assert violation.reason == "a1 knows 1b(a1, bal=0, mbal=-1, mval=None, m2av={}), never sent"


# 3 good acceptors and a fake one, 1 value, ballot 0, CONSTRAINT FakeBound
# with MaxFake = 1 (ByzQuorum: 3 of the 4, WeakQuorum: 2 of the 4)
BYZANTINE = {"acceptors": 3, "fakes": 1, "max_fake": 1}


def test_safety_on_a_weak_quorum_breaks_2av_inv3_in_tlc_s_trace():
    # Phase2av's KnowsSafeAt replaced by a copy whose first disjunct reads
    # \E BQ \in WeakQuorum (1cmsgs keeps KnowsSafeAt). TLC, INVARIANT
    # 2avInv3: leader, 449, 449, 473, leader, 454 (a1 relays on a1's and
    # a2's 1b messages, 2 of the 3 its ballot needs); 3,016 distinct at the stop
    violation = _violation("two_av_inv3", "safe_on_weak_quorum", **BYZANTINE)
    assert _actions(violation) == PROMISED + ["Phase1c(b=0, S=('v1',))",
                                              "Phase2av(a='a1', b=0, v='v1')"]
    final = violation.trace.final
    assert (final.maxBal, final.twoAvSent[0]) == ((0, 0, -1), frozenset({(V1, 0)}))
    assert violation.reason == "2av(bal=0, val=v1, acc=a1) relays a 1c message not in msgs"


def test_a_forged_message_in_a_good_acceptor_s_name_breaks_max_bal_inv_as_in_tlc():
    # FakingAcceptor's mm.acc = self made mm.acc \in {self} \cup Acceptor.
    # TLC, INVARIANT maxBalInv: one step, facceptor, sending the very 1b
    # message below (4 distinct, 8 generated at the stop)
    violation = _violation("max_bal_inv", "forge_good_acceptor", **BYZANTINE)
    assert _actions(violation) == [
        "FakingAcceptor(fa=fa1, m=1b(a1, bal=0, mbal=-1, mval=v1, m2av={}))"]
    assert violation.trace.final.bmsgs == {("1b", 0, A1, frozenset(), -1, V1)}
    assert violation.reason == "1b(a1, bal=0, mbal=-1, mval=v1, m2av={}) is above maxBal[a1] = -1"
