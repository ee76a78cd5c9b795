"""William Schultz's MongoRaftReconfig.tla (will62794/logless-reconfig,
commit 05178a7) as a user's plain model,
tests/models/user/mongo_raft_reconfig.py, against what TLC 2.15 reported.

TLC ran with one worker and ``-deadlock`` on MCMongoRaftReconfig.tla as
published, with models/MCMongoRaftReconfig.cfg's constants and invariants
(OnePrimaryPerTerm, StateMachineSafety, LeaderCompleteness) but Server and
the StateConstraint's MaxTerm, MaxLogLen and MaxConfigVersion as each case
says, and SYMMETRY ServerSymmetry for the orbits (the cfg's ALIAS left out:
it changes only how a trace prints). TLC prints the depth plus one, and a
counterexample of n steps as n + 1 states. The published bounds (3 servers,
MaxTerm 3, MaxLogLen 2, MaxConfigVersion 3, symmetry) are beyond reach:
TLC had 823,205 orbits and 290,713 states on its queue at depth 13 after 4
minutes, and was stopped.

A mutant was made in the TLA+ text as the model's mutant makes it (each
test says how); TLC's counterexample is the model's state for state. TLC
names its steps by the disjunct of Next they satisfy (JointNext for
BecomeLeader and UpdateTerms, Next for the others), the model by action.
"""

from __future__ import annotations

from math import prod
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from cmc.main import cli
from tests.brute_force import orbit_counts_agree, reachable_states
from tests.models.user.mongo_raft_reconfig import (Committed, CommitEntry, MongoRaftReconfig,
                                                   Reconfig, quorums)

USER = Path(__file__).parent / "user"
SPEC = USER / "mongo_raft_reconfig.yaml"


def _model(servers, max_term, max_log_len, max_config_version, mutant=None):
    return MongoRaftReconfig(servers=servers, MaxTerm=max_term, MaxLogLen=max_log_len,
                             MaxConfigVersion=max_config_version, mutant=mutant)


def _check(bound, symmetry=False, properties=None, mutant=None):
    config = CheckConfig(symmetry=("servers",) if symmetry else ())
    if properties is not None:
        config = CheckConfig(properties=properties)
    return check(_model(*bound, mutant=mutant), config)


def _violation(bound, mutant, prop):
    result = _check(bound, properties=(prop,), mutant=mutant)
    assert result.verdict == "violated"
    (violation,) = result.violations
    assert violation.property.name == prop
    return [str(action) for action in violation.trace.actions], violation


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert "a log passes MaxLogLen = 1" in result.output


def _tlc_generated(model) -> int:
    """TLC's "states generated", rebuilt from the model's graph: the initial
    states, then each step once for every witness of the existentials TLC
    enumerates in its action (docs/tlc.md). CommitEntry(s, Q) is a step per
    quorum Q that shows the entry immediately committed. In Reconfig,
    ConfigQuorumCheck and TermQuorumCheck are each a step per quorum that
    satisfies them, OplogCommitment's ``(committed = {}) \\/ (\\E c \\in
    committed : c.term = currentTerm[s])`` one per true disjunct and witness,
    and its ``\\A c \\in committed : (c.term = currentTerm[s]) =>
    IsCommitted(c.entry[1], s)``, which TLC takes in an action as the
    conjunction of its instances, one per quorum of IsCommitted's for each
    entry of the primary's term. Every other step is one."""

    def witnesses(quorums_of, holds):
        return sum(1 for q in quorums_of if holds(q))

    generated = sum(1 for _ in model.initial_states())
    for s in reachable_states(model):
        for action, _ in model.successors(s):
            i = int(action.i[1:]) - 1
            qs, term = quorums(s.config[i]), s.currentTerm[i]
            if isinstance(action, CommitEntry):
                generated += witnesses(qs, lambda q: model.immediately_committed(
                    s, len(s.log[i]), term, q))
            elif isinstance(action, Reconfig):
                mine = [c for c in s.committed if c.term == term]
                generated += (
                    (len(mine) if s.committed else 1)
                    * witnesses(qs, lambda q: all(
                        (s.configVersion[t], s.configTerm[t])
                        == (s.configVersion[i], s.configTerm[i]) for t in q))
                    * witnesses(qs, lambda q: all(s.currentTerm[t] == term for t in q))
                    * prod(witnesses(qs, lambda q, index=c.entry[0]: all(
                        len(s.log[k]) >= index and s.log[k][index - 1] == s.log[i][index - 1]
                        and s.currentTerm[k] == term for k in q)) for c in mine))
            else:
                generated += 1
    return generated


# servers, MaxTerm, MaxLogLen, MaxConfigVersion: TLC's distinct states,
# states generated, its orbits under SYMMETRY ServerSymmetry, and its depth
# (one more than ours). Not pinned, for time: on 3 servers, MaxTerm 2,
# MaxLogLen 2, MaxConfigVersion 3, TLC (3 minutes) and cmc (3.5) both found
# 257,950 orbits, depth 24
SMALL = [
    ((2, 1, 1, 2), 197, 995, 99, 8),
    ((2, 2, 1, 2), 931, 4_703, 466, 9),
]
LARGER = [
    ((3, 1, 0, 3), 2_719, 22_267, 467, 9),
    ((3, 1, 1, 2), 7_267, 73_891, 1_246, 11),
    ((3, 2, 1, 2), 74_947, 739_414, 12_668, 16),
    ((2, 3, 2, 3), 31_879, 167_397, 15_940, 15),
    ((3, 1, 2, 2), 33_349, 395_503, 5_667, 15),
    ((4, 1, 0, 2), 19_379, 289_599, 914, 9),
]


def _counts_are_tlc_s(bound, distinct, generated, orbits, depth):
    for symmetry, states in ((False, distinct), (True, orbits)):
        result = _check(bound, symmetry)
        assert result.verdict == "holds"
        assert (result.stats.distinct_states, result.stats.depth + 1) == (states, depth)
    assert _tlc_generated(_model(*bound)) == generated


@pytest.mark.parametrize("bound, distinct, generated, orbits, depth", SMALL)
def test_small_bounds_have_tlc_s_counts(bound, distinct, generated, orbits, depth):
    _counts_are_tlc_s(bound, distinct, generated, orbits, depth)


@pytest.mark.slow
@pytest.mark.parametrize("bound, distinct, generated, orbits, depth", LARGER)
def test_larger_bounds_have_tlc_s_counts(bound, distinct, generated, orbits, depth):
    _counts_are_tlc_s(bound, distinct, generated, orbits, depth)


@pytest.mark.slow
def test_four_servers_over_two_terms_have_tlc_s_orbits():
    # as the published 4-server cfgs, with the bounds lowered: TLC 11,328
    # orbits, depth 13 (MaxTerm 2, no log, MaxConfigVersion 2)
    result = _check((4, 2, 0, 2), symmetry=True)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (11_328, 13)


def test_symmetry_gives_every_orbit_once():
    # the engine's canonical form (signatures first) against the whole group
    assert orbit_counts_agree(lambda: _model(2, 2, 1, 2), [("servers",)]) == (931, 466)
    assert orbit_counts_agree(lambda: _model(3, 1, 0, 3), [("servers",)]) == (2_719, 467)


REFINEMENT = ("one_primary_per_term", "state_machine_safety", "leader_completeness",
              "refines_mldr")


def test_the_config_state_machine_refines_mongo_logless_dynamic_raft():
    # The cfg's commented-out PROPERTY RefinesMLDR: TLC, with it and the
    # three invariants, 931 states and depth 9 on 2 servers, MaxTerm 2,
    # MaxLogLen 1, MaxConfigVersion 2 (and 7,267, depth 11, on 3 servers,
    # MaxTerm 1), no error
    result = _check((2, 2, 1, 2), properties=REFINEMENT)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (931, 9)


@pytest.mark.slow
def test_the_refinement_holds_on_three_servers():
    result = _check((3, 1, 1, 2), properties=REFINEMENT)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (7_267, 11)


# -- mutants --------------------------------------------------------------------------------


def test_reconfig_without_quorum_overlap_elects_two_primaries():
    # TLA+: MongoLoglessDynamicRaft's Reconfig without
    # QuorumsOverlap(config[i], newConfig). OnePrimaryPerTerm, 3 servers,
    # MaxTerm 1, no log, MaxConfigVersion 2: TLC 5 states (318 distinct
    # found), the same states. n1 alone elects itself in config {n1}, then
    # moves to {n1, n2, n3}, whose majority {n2, n3} misses {n1}
    steps, violation = _violation((3, 1, 0, 2), "no_quorum_overlap", "one_primary_per_term")
    assert steps == [
        "BecomeLeader(i='n1', voteQuorum=('n1',))",
        "Reconfig(i='n1', newConfig=('n1', 'n2', 'n3'))",
        "SendConfig(i='n1', j='n2')",
        "BecomeLeader(i='n2', voteQuorum=('n2', 'n3'))",
    ]
    assert violation.reason == "n1 and n2 are both primary in term 1"


def test_reconfig_without_config_commitment_elects_two_primaries():
    # TLA+: Reconfig without ConfigQuorumCheck(i). OnePrimaryPerTerm, 3
    # servers, MaxTerm 2, no log, MaxConfigVersion 3: TLC 6 states (7,410
    # distinct found), the same states. n1 goes {n1, n2, n3} -> {n1, n2} ->
    # {n1} with neither change on a quorum; {n1} and the first config's
    # {n2, n3} elect in term 2
    steps, violation = _violation((3, 2, 0, 3), "no_config_commitment", "one_primary_per_term")
    assert steps == [
        "BecomeLeader(i='n1', voteQuorum=('n1', 'n2'))",
        "Reconfig(i='n1', newConfig=('n1', 'n2'))",
        "Reconfig(i='n1', newConfig=('n1',))",
        "BecomeLeader(i='n1', voteQuorum=('n1',))",
        "BecomeLeader(i='n2', voteQuorum=('n2', 'n3'))",
    ]
    final = violation.trace.steps[-1].state
    assert (final.config, final.configVersion) == (
        (frozenset({0}), frozenset({0, 1, 2}), frozenset({0, 1, 2})), (3, 1, 1))


def test_reconfig_without_term_check_elects_two_primaries():
    # TLA+: Reconfig without TermQuorumCheck(i). OnePrimaryPerTerm, 3
    # servers, MaxTerm 1, no log, MaxConfigVersion 3: TLC 7 states (1,795
    # distinct found), the same states. n2 holds n1's config {n1, n2} of
    # term 1 but is still in term 0, so n1 moves on to {n1, n2, n3}, and n2
    # and n3, in term 0, elect n2 in term 1
    steps, violation = _violation((3, 1, 0, 3), "no_term_check", "one_primary_per_term")
    assert steps == [
        "BecomeLeader(i='n1', voteQuorum=('n1',))",
        "Reconfig(i='n1', newConfig=('n1', 'n2'))",
        "SendConfig(i='n1', j='n2')",
        "Reconfig(i='n1', newConfig=('n1', 'n2', 'n3'))",
        "SendConfig(i='n1', j='n2')",
        "BecomeLeader(i='n2', voteQuorum=('n2', 'n3'))",
    ]
    assert violation.reason == "n1 and n2 are both primary in term 1"


VOTE_IGNORES_LOG_RUN = [
    "BecomeLeader(i='n1', voteQuorum=('n1', 'n2', 'n3'))",
    "ClientRequest(i='n1')",
    "GetEntries(i='n2', j='n1')",
    "CommitEntry(i='n1')",
    "BecomeLeader(i='n3', voteQuorum=('n2', 'n3'))",
]


def test_vote_ignores_log_elects_a_primary_without_a_committed_entry():
    # TLA+: CanVoteForOplog without logOk. LeaderCompleteness, 3 servers,
    # MaxTerm 2, MaxLogLen 1, MaxConfigVersion 2: TLC 6 states (5,953
    # distinct found), the same states
    steps, violation = _violation((3, 2, 1, 2), "vote_ignores_log", "leader_completeness")
    assert steps == VOTE_IGNORES_LOG_RUN
    assert violation.reason == "primary n3 of term 2 lacks the committed entry <<1, 1>>"


def test_a_violation_beyond_the_state_constraint_is_found_as_tlc_finds_it():
    # The same mutant with MaxTerm 1: n3's election makes term 2, beyond
    # StateConstraint, and TLC checks the invariants on such a state (it
    # only does not expand it): 6 states (2,024 distinct found), the same states
    steps, violation = _violation((3, 1, 1, 2), "vote_ignores_log", "leader_completeness")
    assert steps == VOTE_IGNORES_LOG_RUN
    assert max(violation.trace.steps[-1].state.currentTerm) == 2


@pytest.mark.slow
def test_vote_ignores_log_commits_two_entries_at_one_index():
    # StateMachineSafety alone, the same bounds: TLC 10 states (69,594
    # distinct found), the same states; 70,055 states here, about 10 s. n3,
    # elected without n1's committed <<1, 1>>, writes <<1, 2>>, makes n2
    # roll <<1, 1>> back and commits its own entry at index 1
    steps, violation = _violation((3, 2, 1, 2), "vote_ignores_log", "state_machine_safety")
    assert steps == VOTE_IGNORES_LOG_RUN + [
        "ClientRequest(i='n3')",
        "RollbackEntries(i='n2', j='n3')",
        "GetEntries(i='n2', j='n3')",
        "CommitEntry(i='n3')",
    ]
    assert violation.trace.steps[-1].state.committed == {Committed((1, 1), 1),
                                                         Committed((1, 2), 2)}


@pytest.mark.slow
def test_reconfig_without_oplog_commitment_loses_a_committed_entry():
    # TLA+: MongoRaftReconfig's CSMNext without OplogCommitment(s).
    # LeaderCompleteness, 3 servers, MaxTerm 2, MaxLogLen 1,
    # MaxConfigVersion 3: TLC 10 states (107,238 distinct found), the same
    # states; 107,505 states here, about 40 s. n1 commits <<1, 1>> in config {n1}, moves to {n1,
    # n2} and {n1, n2, n3} before n2 has the entry, and n2 and n3 elect n2
    steps, violation = _violation((3, 2, 1, 3), "no_oplog_commitment", "leader_completeness")
    assert steps == [
        "BecomeLeader(i='n1', voteQuorum=('n1',))",
        "ClientRequest(i='n1')",
        "CommitEntry(i='n1')",
        "Reconfig(i='n1', newConfig=('n1', 'n2'))",
        "SendConfig(i='n1', j='n2')",
        "UpdateTerms(i='n1', j='n2')",
        "Reconfig(i='n1', newConfig=('n1', 'n2', 'n3'))",
        "SendConfig(i='n1', j='n2')",
        "BecomeLeader(i='n2', voteQuorum=('n2', 'n3'))",
    ]
    assert violation.reason == "primary n2 of term 2 lacks the committed entry <<1, 1>>"


def test_reconfig_without_quorum_overlap_is_no_step_of_the_published_csm():
    # TLA+: the no_quorum_overlap mutant of MongoLoglessDynamicRaft.tla, with
    # MCMongoRaftReconfig's MLDR an INSTANCE of the unmutated module (renamed
    # MongoLoglessDynamicRaftOrig). PROPERTY RefinesMLDR, 3 servers, MaxTerm
    # 1, no log, MaxConfigVersion 2: TLC "Action property ... of module
    # MongoLoglessDynamicRaftOrig is violated", 3 states, the same states
    steps, violation = _violation((3, 1, 0, 2), "no_quorum_overlap", "refines_mldr")
    assert steps == ["BecomeLeader(i='n1', voteQuorum=('n1',))",
                     "Reconfig(i='n1', newConfig=('n1', 'n2', 'n3'))"]
    assert violation.reason == (
        "Reconfig(i='n1', newConfig=('n1', 'n2', 'n3')) changes the config state machine as "
        "no step of MongoLoglessDynamicRaft does")


NO_CONFIG_TERM_RUN = [
    "BecomeLeader(i='n1', voteQuorum=('n1', 'n2', 'n3'))",
    "Reconfig(i='n1', newConfig=('n1', 'n2'))",
    "BecomeLeader(i='n3', voteQuorum=('n2', 'n3', 'n4'))",
    "Reconfig(i='n3', newConfig=('n3', 'n4'))",
    "SendConfig(i='n1', j='n2')",
    "BecomeLeader(i='n2', voteQuorum=('n1', 'n2'))",
    "BecomeLeader(i='n3', voteQuorum=('n3', 'n4'))",
]


@pytest.mark.slow
def test_an_election_that_leaves_the_config_term_elects_two_primaries():
    # TLA+: MongoLoglessDynamicRaft's BecomeLeader without configTerm' =
    # [configTerm EXCEPT ![i] = newTerm] (configTerm in its UNCHANGED).
    # Nothing breaks on 3 servers (MaxTerm 3, no log, MaxConfigVersion 3: TLC
    # and cmc, 38,035 states, depth 12, hold).
    # OnePrimaryPerTerm, 4 servers, MaxTerm 3, no log, MaxConfigVersion 2:
    # TLC 8 states (230,258 distinct found), the same states; 231,882
    # states here, about a minute. n3, elected in term 2 with config
    # <<1, 0>>, finds it on a quorum at once and moves to {n3, n4}; n1's
    # stale config {n1, n2} of <<2, 1>> is then as new as any, and each
    # config elects a primary of term 3
    steps, violation = _violation((4, 3, 0, 2), "no_config_term_on_election",
                                  "one_primary_per_term")
    assert steps == NO_CONFIG_TERM_RUN
    final = violation.trace.steps[-1].state
    assert (final.configVersion, final.configTerm) == ((2, 2, 2, 1), (1, 1, 2, 0))


@pytest.mark.slow
def test_the_config_term_mutant_under_symmetry():
    # TLC with SYMMETRY ServerSymmetry: 8 states (10,595 orbits found), a
    # run of the same shape on other servers; 10,857 orbits here, 8 s
    result = _check((4, 3, 0, 2), symmetry=True, mutant="no_config_term_on_election")
    (violation,) = result.violations
    assert violation.property.name == "one_primary_per_term"
    assert len(violation.trace.actions) == 7


def test_the_sequence_chart_shows_who_takes_what_from_whom(tmp_path):
    spec = tmp_path / "overlap.yaml"
    spec.write_text(f"model: {USER / 'mongo_raft_reconfig.py'}:MongoRaftReconfig\n"
                    "params: {servers: 3, MaxTerm: 1, MaxLogLen: 0, MaxConfigVersion: 2}\n"
                    "mutant: no_quorum_overlap\n")
    result = CliRunner().invoke(cli, ["check", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    chart = (tmp_path / "out" / "overlap.one_primary_per_term.mmd").read_text().splitlines()
    assert chart[4:8] == [
        "    Note over n1: 2 · Reconfig(i='n1', newConfig=('n1', 'n2', 'n3'))<br/>config "
        "{n1, n2, n3} #lt;#lt;2, 1#gt;#gt;",
        "    Note over n1: 3 · SendConfig(i='n1', j='n2')",
        "    n1->>n2: config {n1, n2, n3} #lt;#lt;2, 1#gt;#gt; (sent at step 3)",
        "    Note over n2: 4 · BecomeLeader(i='n2', voteQuorum=('n2', 'n3'))<br/>primary in "
        "term 1, votes of n2, n3",
    ]


@pytest.mark.slow
def test_each_action_finds_the_new_states_tlc_s_coverage_gives():
    # TLC -coverage on 3 servers, MaxTerm 1, MaxLogLen 1, MaxConfigVersion 2
    # (with CSMNext split into its Reconfig and SendConfig disjuncts), new
    # states:generated per disjunct of Next: BecomeLeader 18:12,276,
    # UpdateTerms 3,531:9,342, OSMNext 195:18,540, Reconfig 891:19,086,
    # SendConfig 2,625:14,640. The generated counts differ only where TLC
    # counts witnesses (CommitEntry, Reconfig: _tlc_generated)
    result = _check((3, 1, 1, 2))
    new, steps = result.stats.new_states, result.stats.actions
    osm = ("ClientRequest", "GetEntries", "RollbackEntries", "CommitEntry")
    assert (new["BecomeLeader"], new["UpdateTerms"], sum(new[a] for a in osm),
            new["Reconfig"], new["SendConfig"]) == (18, 3_531, 195, 891, 2_625)
    assert (steps["BecomeLeader"], steps["UpdateTerms"], steps["SendConfig"]) == (
        12_276, 9_342, 14_640)


def test_a_spec_expression_reads_the_servers_records(tmp_path):
    spec = tmp_path / "expr.yaml"
    head = (f"model: {USER / 'mongo_raft_reconfig.py'}:MongoRaftReconfig\n"
            "params: {servers: 2, MaxTerm: 2, MaxLogLen: 1, MaxConfigVersion: 2}\n"
            "symmetry: true\n")
    spec.write_text(head + "invariants:\n"
                    "  in_own_config: \"all(len(s.config) >= 1 for s in servers)\"\n"
                    "  committed_pairs: \"all(c.entry[1] == c.term for c in committed)\"\n"
                    "expect: {verdict: holds, distinct_states: 466, depth: 8}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 0, result.output
    # a server's config holds servers: reading one by name is refused under symmetry
    spec.write_text(head + "invariants: {lopsided: \"all(0 not in s.config for s in servers)\"}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert "0 not in s.config tells the interchangeable servers apart" in result.output
