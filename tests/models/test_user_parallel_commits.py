"""A user's plain model of a published PlusCal spec it was not written
against: tests/models/user/parallel_commits.py, after ParallelCommits.tla
and ParallelCommits.cfg of cockroachdb/cockroach (docs/tla-plus/
ParallelCommits, the .tla at 808ed23ca445, the .cfg at 20a5ad69a67c),
compared figure by figure with TLC 2.15 (one worker).

TLC ran the published PlusCal, translated by this TLC's pcal.trans (the
stored translation's Spec, fairness and actions), with KEYS = {k1, ...},
PREVENTERS = {p1, ...} and MAX_ATTEMPTS as model values and numbers, and a
module of ours extending it for the conjuncts of the cfg's properties one
by one and for the other fairness forms::

    FinalizedEventually == <>[]RecordFinalized
    IntentsResolved == <>[](\\A k \\in KEYS: intent_writes[k].resolved)
    RecordCommittedStaysA == [][RecordCommitted => RecordCommitted']_vars
    RecordAbortedStaysA == [][RecordAborted => RecordAborted']_vars
    CommittedStaysA == [][Committed => Committed']_vars
    EpochGrows == [][record'.epoch >= record.epoch]_record   (TsGrows, IntentEpochGrows, ...)
    NoFair == Init /\\ [][Next]_vars
    FairCommitter == Spec /\\ WF_vars(committer)
    WFNext == NoFair /\\ WF_vars(Next)
    SFProc == NoFair /\\ \\A self \\in PREVENTERS : SF_vars(preventer(self))
    EachLabel == NoFair /\\ \\A self \\in PREVENTERS : WF_vars(PreventLoop(self))
                 /\\ WF_vars(PushRecord(self)) /\\ ... /\\ WF_vars(ResolveIntents(self))
    OnlyP1 == NoFair /\\ WF_vars(preventer(p1))

(``[](P => []P)`` is ``[][P => P']_vars``; TLC checks the second form as
it explores, so its counterexample is a shortest one.)

TLC prints a depth one more than ours. Its "states generated" is ours plus
one for each state where every process is Done: there the translation's
Terminating step stutters, which TLC generates and we do not (`stutters`
says such a state is no deadlock): 739 + 21 = 760 on the smallest bound.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import CheckConfig, check
from checker.model import action_text
from checker.spec import load_spec
from models import REGISTRY

USER = Path(__file__).parent / "user"
SPEC = USER / "parallel_commits.yaml"

SAFETY = ("type_invariants", "ack_implies_commit", "assertions", "record_committed_stays",
          "record_aborted_stays", "committed_stays", "record_epoch_grows", "record_ts_grows",
          "intent_epochs_grow", "intent_ts_grow", "tscache_grows")
LIVENESS = ("record_finalized", "intents_resolved", "implicit_commit_leads_to_explicit_commit",
            "ack_leads_to_explicit_commit")
FAIR_PROCESS = ("PreventLoop(self=*) | PushRecord(self=*) | PreventWrites(self=*)"
                " | RecoverRecord(self=*) | ResolveIntents(self=*)")
COMMITTER = ("BeginTxnEpoch | PipelineWrites | StageWritesAndRecord | StageWritesAndRecordLoop"
             " | QueryPipelinedWrite | ParallelWrite | StageRecord | AckClient"
             " | AsyncExplicitlyCommitted | AsyncResolveIntents | EndCommitter")
FAIRNESS = {
    "Spec": (("weak", FAIR_PROCESS),),
    "NoFair": (),
    "FairCommitter": (("weak", FAIR_PROCESS), ("weak", COMMITTER)),
    "WFNext": (("weak", "*"),),
    "SFProc": (("strong", FAIR_PROCESS),),
    "EachLabel": tuple(("weak", f"{label}(self=*)") for label in (
        "PreventLoop", "PushRecord", "PreventWrites", "RecoverRecord", "ResolveIntents")),
    "OnlyP1": (("weak", FAIR_PROCESS.replace("self=*", "self=p1")),),
}


def _model(keys, preventers, attempts, mutant=None):
    model_class = load_spec(SPEC, REGISTRY).model_class
    return model_class(KEYS=keys, PREVENTERS=preventers, MAX_ATTEMPTS=attempts, mutant=mutant)


def _check(bounds, properties, fairness="Spec", mutant=None):
    return check(_model(*bounds, mutant=mutant),
                 CheckConfig(properties=tuple(properties), fairness=FAIRNESS[fairness]))


def test_the_spec_file_is_the_cfg_on_a_smaller_bound():
    # ParallelCommits.cfg (INVARIANTS TypeInvariants AckImpliesCommit,
    # PROPERTIES the five) with KEYS = {k1}, PREVENTERS = {p1, p2},
    # MAX_ATTEMPTS = 1. TLC 2.15: no error, 11,358 generated, 4,724
    # distinct, depth 29
    loaded = load_spec(SPEC, REGISTRY)
    assert loaded.fairness == (("weak", FAIR_PROCESS),)
    result = check(loaded.build(), loaded.config())
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (4_724, 11_313, 28)


@pytest.mark.parametrize("bounds, distinct, generated, depth", [
    # TLC 2.15, Spec, INVARIANTS TypeInvariants AckImpliesCommit (and the
    # assertions), no error: distinct and depth are TLC's (its depth one
    # more); TLC's generated in the comment, ours plus the Done states
    ((1, 1, 1), 444, 739, 21),                  # 760
    ((1, 1, 2), 1_330, 2_240, 33),              # 2,300
    ((1, 1, 3), 2_883, 4_918, 42),              # 5,043
    ((1, 2, 1), 4_724, 11_313, 28),             # 11,358
    ((2, 1, 1), 4_366, 8_446, 27),              # 8,607
    pytest.param((1, 2, 2), 20_274, 49_422, 40, marks=pytest.mark.slow),      # 49,598
    pytest.param((2, 1, 2), 31_485, 62_163, 40, marks=pytest.mark.slow),      # 63,282
    pytest.param((2, 2, 1), 108_628, 313_202, 36, marks=pytest.mark.slow),    # 313,795
    pytest.param((2, 2, 2), 1_252_240, 3_700_415, 53, marks=pytest.mark.slow),  # 3,706,819
    # ParallelCommits.cfg's bound (TLC: 8 min on the busy machine; ours 267 s
    # of CPU, 464 MiB, one process)
    pytest.param((2, 2, 3), 8_216_557, 24_607_427, 62, marks=pytest.mark.slow),  # 24,648,096
])
def test_parallel_commits_has_tlc_s_counts(bounds, distinct, generated, depth):
    result = _check(bounds, SAFETY)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)


def test_tlc_s_generated_count_is_ours_and_the_terminating_stutters():
    model = _model(1, 1, 1)
    seen, frontier, steps = set(model.initial_states()), list(model.initial_states()), 0
    while frontier:
        following = []
        for state in frontier:
            for _, after in model.successors(state):
                steps += 1
                if after not in seen:
                    seen.add(after)
                    following.append(after)
        frontier = following
    done = sum(model.stutters(state) for state in seen)
    assert (len(seen), steps + 2, done) == (444, 739, 21)
    assert steps + 2 + done == 760          # TLC's, with its 2 initial states


# -- liveness -----------------------------------------------------------------------------

# TLC 2.15, each specification, PROPERTIES FinalizedEventually
# IntentsResolved ImplicitCommitLeadsToExplicitCommit AckLeadsToExplicitCommit
# (together where they hold, else one by one) and the translation's
# Termination, on (KEYS, PREVENTERS, MAX_ATTEMPTS) = (1, 1, 1) and (1, 2, 1):
# H holds, V violated, in the order of LIVENESS then Termination. The same
# on both bounds.
TLC_LIVENESS = {
    "Spec": "HHHHV", "NoFair": "VVVVV", "FairCommitter": "HHHHH", "WFNext": "HHHHH",
    "SFProc": "HHHHV", "EachLabel": "HHHHV", "OnlyP1": "HHHHV",
}


@pytest.mark.parametrize("bounds", [(1, 1, 1), pytest.param((1, 2, 1), marks=pytest.mark.slow)])
@pytest.mark.parametrize("fairness", list(TLC_LIVENESS))
def test_liveness_is_tlc_s_verdict(bounds, fairness):
    found = ""
    for prop in LIVENESS + ("termination",):
        result = _check(bounds, (prop,), fairness)
        found += {"holds": "H", "violated": "V"}[result.verdict]
        assert all(finding.bound is None for finding in result.violations)
    assert found == TLC_LIVENESS[fairness]


@pytest.mark.parametrize("fairness, prop, stem", [
    # The shortest lassos, all stuttering. Spec, Termination: the preventer
    # aborts the pending record and resolves, while the committer, not
    # fair, never starts (TLC: a stem of 9 or 10, as its periodic check of
    # the graph found one first). NoFair: nothing happens; or
    # the record is implicitly committed (6 steps) or the client acked (9),
    # and then nothing (TLC: stems of 13 steps)
    ("Spec", "termination", 4), ("NoFair", "record_finalized", 0),
    ("NoFair", "implicit_commit_leads_to_explicit_commit", 6),
    ("NoFair", "ack_leads_to_explicit_commit", 9),
])
def test_the_lassos_stutter(fairness, prop, stem):
    violation = _check((1, 1, 1), (prop,), fairness).violation(prop)
    assert (violation.stem_length, violation.loop_length) == (stem, 0)


def test_the_committer_may_stop_anywhere_and_the_preventer_still_finishes():
    violation = _check((1, 1, 1), ("termination",)).violation("termination")
    assert [action_text(a) for a in violation.trace.actions] == [
        "PreventLoop(self='p1')", "PushRecord(self='p1')", "ResolveIntents(self='p1', key='k1')",
        "ResolveIntents(self='p1', key=none)"]
    final = violation.trace.final
    assert final.pc == ("BeginTxnEpoch", "Done")
    assert final.record.status == "aborted"


# -- mutants: TLC 2.15 on the same change made in the translation ------------------------

# Each safety mutant: TLC's counterexample has one state more than ours has
# steps, and the same actions in the same order (TLC names each state's
# action). Bounds (1, 1, 1) unless said.
MUTANT_TRACES = {
    ("recover_aborts_implicit_commit", "committed_stays"): [
        "BeginTxnEpoch()", "PipelineWrites(key='k1', written=True)",
        "PipelineWrites(key=none, written=none)", "StageWritesAndRecord()",
        "StageWritesAndRecordLoop(to='StageRecord')", "StageRecord()", "PreventLoop(self='p1')",
        "PushRecord(self='p1')", "PreventWrites(self='p1', key='k1')",
        "PreventWrites(self='p1', key=none)", "RecoverRecord(self='p1')"],
    ("recover_aborts_implicit_commit", "ack_implies_commit"): [
        "BeginTxnEpoch()", "PipelineWrites(key=none, written=none)", "StageWritesAndRecord()",
        "StageWritesAndRecordLoop(to='ParallelWrite')", "ParallelWrite(key='k1', refresh=none)",
        "StageWritesAndRecordLoop(to='StageRecord')", "StageRecord()",
        "StageWritesAndRecordLoop(to='AckClient')", "AckClient()", "PreventLoop(self='p1')",
        "PushRecord(self='p1')", "PreventWrites(self='p1', key='k1')",
        "PreventWrites(self='p1', key=none)", "RecoverRecord(self='p1')"],
    # TLC 2.15 reports a failed Assert with no trace ("TLC threw an
    # unexpected exception"); with the assertion as an invariant,
    # pc["committer"] = "AckClient" => Committed, its trace is ours without
    # the failing AckClient step
    ("ack_before_writes", "assertions"): [
        "BeginTxnEpoch()", "PipelineWrites(key=none, written=none)", "StageWritesAndRecord()",
        "StageWritesAndRecordLoop(to='StageRecord')", "StageRecord()",
        "StageWritesAndRecordLoop(to='AckClient')", "AckClient()"],
    ("refresh_uncounted", "type_invariants"): [
        "BeginTxnEpoch()", "PipelineWrites(key=none, written=none)", "StageWritesAndRecord()",
        "StageWritesAndRecordLoop(to='StageRecord')", "StageRecord()",
        "StageWritesAndRecordLoop(to='ParallelWrite')", "PreventLoop(self='p1')",
        "PushRecord(self='p1')", "PreventWrites(self='p1', key='k1')",
        "ParallelWrite(key='k1', refresh=True)", "StageWritesAndRecord()",
        "StageWritesAndRecordLoop(to='ParallelWrite')", "ParallelWrite(key='k1', refresh=none)"],
    ("recover_aborts_committed", "record_committed_stays"): [
        "BeginTxnEpoch()", "PipelineWrites(key=none, written=none)", "StageWritesAndRecord()",
        "StageWritesAndRecordLoop(to='ParallelWrite')", "ParallelWrite(key='k1', refresh=none)",
        "StageWritesAndRecordLoop(to='StageRecord')", "StageRecord()",
        "StageWritesAndRecordLoop(to='AckClient')", "AckClient()", "PreventLoop(self='p1')",
        "PushRecord(self='p1')", "AsyncExplicitlyCommitted()", "AsyncResolveIntents(key='k1')",
        "PreventWrites(self='p1', key='k1')", "RecoverRecord(self='p1')"],
    ("stage_aborted", "record_aborted_stays"): [
        "BeginTxnEpoch()", "PipelineWrites(key=none, written=none)", "StageWritesAndRecord()",
        "StageWritesAndRecordLoop(to='StageRecord')", "PreventLoop(self='p1')",
        "PushRecord(self='p1')", "StageRecord()"],
    ("recover_resets_record", "record_epoch_grows"): [
        "BeginTxnEpoch()", "PipelineWrites(key=none, written=none)", "StageWritesAndRecord()",
        "StageWritesAndRecordLoop(to='StageRecord')", "StageRecord()", "PreventLoop(self='p1')",
        "PushRecord(self='p1')", "PreventWrites(self='p1', key='k1')", "RecoverRecord(self='p1')"],
    ("resolve_resets_intent", "intent_epochs_grow"): [
        "BeginTxnEpoch()", "PipelineWrites(key='k1', written=True)", "PreventLoop(self='p1')",
        "PushRecord(self='p1')", "ResolveIntents(self='p1', key='k1')"],
}
# the same trace breaks the mutant's other property
ALSO = {("recover_resets_record", "record_ts_grows"): "record_epoch_grows",
        ("resolve_resets_intent", "intent_ts_grow"): "intent_epochs_grow"}


@pytest.mark.parametrize("mutant, prop", list(MUTANT_TRACES) + list(ALSO))
def test_a_mutant_breaks_its_property_in_tlc_s_trace(mutant, prop):
    violation = _check((1, 1, 1), (prop,), mutant=mutant).violation(prop)
    expected = MUTANT_TRACES[mutant, ALSO.get((mutant, prop), prop)]
    assert [action_text(a) for a in violation.trace.actions] == expected


def test_the_assert_written_as_python_s_fails_where_tlc_s_does():
    from tests.models.user.parallel_commits import WithAsserts

    def run(mutant=None):
        return check(WithAsserts(KEYS=1, PREVENTERS=1, MAX_ATTEMPTS=1, mutant=mutant),
                     CheckConfig(properties=()))

    assert (run().verdict, run().stats.distinct_states) == ("holds", 444)
    (violation,) = run("ack_before_writes").violations
    # TLC's trace with the assertion as an invariant (its failed Assert
    # itself prints none): the step property's, without the failing step
    assert violation.property.name == "assertion"
    assert [action_text(a) for a in violation.trace.actions] == MUTANT_TRACES[
        "ack_before_writes", "assertions"][:-1]
    assert violation.reason.startswith("a step from here fails its assertion: assert Committed "
                                       "(the record is staging) at ")


def test_the_implicitly_committed_transaction_aborted_by_recovery():
    violation = _check((1, 1, 1), ("ack_implies_commit",),
                       mutant="recover_aborts_implicit_commit").violation("ack_implies_commit")
    final = violation.trace.final
    assert final.commit_ack and final.record == ("aborted", 1, 1)
    assert violation.reason == ("the client is acked and the record is aborted (epoch 1, ts 1), "
                                "not committed")


def test_with_assertions_the_abort_is_caught_at_the_same_depth():
    # TLC 2.15 with the asserts (the mutant's TLA+ as is): the invariant at
    # 15 states; the same depth has AckClient's assert failing after the
    # abort, which we find in the same level
    result = _check((1, 1, 1), ("assertions", "ack_implies_commit"),
                    mutant="recover_aborts_implicit_commit")
    assert {v.property.name: len(v.trace.actions) for v in result.violations} == {
        "assertions": 14, "ack_implies_commit": 14}
    assert result.violation("assertions").reason == ("AckClient: assert Committed (the record "
                                                     "is aborted)")


def test_an_older_preventer_lowers_the_timestamp_cache_in_tlc_s_trace():
    # Bounds (1, 2, 2): TLC 2.15, TemporalTSCacheProperties, 21 states
    violation = _check((1, 2, 2), ("tscache_grows",),
                       mutant="prevent_overwrites_tscache").violation("tscache_grows")
    assert [action_text(a) for a in violation.trace.actions] == [
        "BeginTxnEpoch()", "PipelineWrites(key=none, written=none)", "StageWritesAndRecord()",
        "StageWritesAndRecordLoop(to='StageRecord')", "StageRecord()",
        "StageWritesAndRecordLoop(to='ParallelWrite')", "PreventLoop(self='p1')",
        "PushRecord(self='p1')", "PreventWrites(self='p1', key='k1')",
        "ParallelWrite(key='k1', refresh=True)", "StageWritesAndRecord()",
        "StageWritesAndRecordLoop(to='StageRecord')", "PreventLoop(self='p2')",
        "PushRecord(self='p2')", "StageRecord()", "RecoverRecord(self='p1')",
        "PreventLoop(self='p1')", "PushRecord(self='p1')", "PreventWrites(self='p1', key='k1')",
        "PreventWrites(self='p2', key='k1')"]
    assert violation.reason == "tscache[k1] went from 2 to 1"


@pytest.mark.parametrize("mutant, prop, stem, loop", [
    # TLC 2.15, Spec: violated (its lassos: a stem of 14 and a loop of 4; a
    # stem of 16, 16 and 14, then stuttering); ours are the shortest
    ("recover_retries_for_ever", "record_finalized", 8, 4),
    ("recover_leaves_staging", "implicit_commit_leads_to_explicit_commit", 13, 0),
    ("recover_leaves_staging", "ack_leads_to_explicit_commit", 16, 0),
    ("no_resolve", "intents_resolved", 3, 0),
])
def test_a_mutant_breaks_its_temporal_property_as_tlc_says(mutant, prop, stem, loop):
    violation = _check((1, 1, 1), (prop,), mutant=mutant).violation(prop)
    assert (violation.stem_length, violation.loop_length) == (stem, loop)


def test_the_recovery_that_never_aborts_loops_on_a_prevented_write():
    violation = _check((1, 1, 1), ("record_finalized",),
                       mutant="recover_retries_for_ever").violation("record_finalized")
    actions = [action_text(a) for a in violation.trace.actions]
    assert actions[violation.stem_length:] == [
        "RecoverRecord(self='p1')", "PreventLoop(self='p1')", "PushRecord(self='p1')",
        "PreventWrites(self='p1', key='k1')"]
    assert violation.trace.final.record.status == "staging"


def test_without_resolving_the_record_is_still_finalized_as_tlc_says():
    assert _check((1, 1, 1), ("record_finalized",), mutant="no_resolve").verdict == "holds"


def test_the_abort_of_an_implicit_commit_breaks_its_leads_to_as_tlc_says():
    # TLC 2.15, the mutant without its asserts (they would stop it first):
    # ImplicitCommitLeadsToExplicitCommit violated
    result = _check((1, 1, 1), ("implicit_commit_leads_to_explicit_commit",),
                    mutant="recover_aborts_implicit_commit")
    assert result.verdict == "violated"


@pytest.mark.slow
def test_liveness_holds_on_two_keys_and_two_preventers_as_tlc_says():
    # TLC 2.15, (2, 2, 1), Spec, the four properties: no error (108,628
    # distinct states, 2 min 13 s on the busy machine)
    result = _check((2, 2, 1), LIVENESS)
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 108_628


def test_a_chart_has_a_lifeline_per_process():
    model = _model(1, 1, 1, mutant="recover_retries_for_ever")
    violation = check(model, CheckConfig(properties=("record_finalized",),
                                         fairness=FAIRNESS["Spec"])).violation("record_finalized")
    states = [step.state for step in violation.trace.steps]
    notes = [model.step_events(before, action, after)
             for before, action, after in zip(states, violation.trace.actions, states[1:])]
    assert model.nodes() == ("committer", "p1")
    assert [note.node for (note,) in notes] == ["committer"] * 5 + ["p1"] * 7
    assert notes[4][0].text == "record staging epoch=1 ts=1"
    assert notes[7][0].text == "tscache[k1] = 1"
