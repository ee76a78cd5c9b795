"""Jack Vanlightly's kafka_replication_v3_5_simple.tla (Vanlightly/kafka-tlaplus,
kafka_data_replication/kraft/v3.5, commit a30c45e) as a user's plain model,
tests/models/user/kafka_replication.py, against what TLC 2.15 reported.

TLC ran with one worker and ``-deadlock`` on the published spec and its
modules, with the cfg's model values, ``VIEW view``, its six invariants
(ValidLeaderMaximalISR ControllerIsrHasUpToTrueHWM
LeaderHasCompleteCommittedLog NoPartitionLogDivergence
NoMetadataLogDivergence ConsumedRecordsMatchLeaderLog), and the constants
each case gives: ReplicationFactor, Values ({A} or {A, B}), MinISR,
InitIsrSize, CleanShutdownLimit, UncleanShutdownLimit, FenceBrokerLimit,
AlterPartitionLimit, and AvoidLastReplicaStanding and
LimitFetchesOnLeaderEpoch (FALSE unless said; the cfg leaves them out and
TLC refuses to start without them). FiniteSetsExt and SequencesExt were
modules of our own with the spec's two operators (Last, SeqOf). TLC prints
the depth plus one, and a counterexample of n steps as n + 1 states.

Each mutant was made in a copy of the TLA+ text as the model's mutant makes
it (each test says how); TLC's counterexample has the same length and the
same sequence of actions as the model's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from checker.model import action_text
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.brute_force import reachable_states
from tests.models.user.kafka_replication import (KafkaReplication, PartitionChange,
                                                 PartitionData, ReceiveMetadataUpdate, Record,
                                                 SendAlterPartitionRequest, SendFetchRequest)

USER = Path(__file__).parent / "user"
SPEC = USER / "kafka_replication.yaml"
BOUND = ("ReplicationFactor", "values", "MinISR", "InitIsrSize", "CleanShutdownLimit",
         "UncleanShutdownLimit", "FenceBrokerLimit", "AlterPartitionLimit")
A = Record(1, 1, "A")


def _model(bound, mutant=None, **flags):
    return KafkaReplication(mutant=mutant, **dict(zip(BOUND, bound)), **flags)


def _violation(bound, prop, mutant=None):
    result = check(_model(bound, mutant), CheckConfig(properties=(prop,)))
    assert result.verdict == "violated"
    (violation,) = result.violations
    return violation


def _steps(violation) -> list[str]:
    return [action_text(action) for action in violation.trace.actions]


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert load_spec(SPEC, REGISTRY).params == {
        "ReplicationFactor": 3, "values": 1, "MinISR": 2, "InitIsrSize": 2,
        "CleanShutdownLimit": 0, "UncleanShutdownLimit": 0, "FenceBrokerLimit": 0,
        "AlterPartitionLimit": 1, "AvoidLastReplicaStanding": False,
        "LimitFetchesOnLeaderEpoch": False}


# (ReplicationFactor, |Values|, MinISR, InitIsrSize, CleanShutdownLimit,
#  UncleanShutdownLimit, FenceBrokerLimit, AlterPartitionLimit), the two flags
# where TRUE: TLC 2.15's distinct states and depth (its own, one more than
# cmc's), VIEW view, all six invariants holding
SMALL = [
    ((2, 1, 1, 2, 0, 0, 0, 0), {}, 19, 11),
    ((2, 1, 1, 2, 0, 0, 1, 0), {}, 2_279, 24),
    ((2, 1, 1, 2, 0, 0, 1, 0), {"LimitFetchesOnLeaderEpoch": True}, 889, 18),
    ((2, 1, 1, 2, 0, 0, 0, 1), {}, 159, 15),
    ((2, 1, 2, 2, 0, 0, 1, 0), {}, 1_551, 24),
    ((2, 1, 1, 1, 0, 0, 0, 1), {}, 190, 16),
    ((2, 1, 1, 1, 0, 0, 1, 0), {}, 2_118, 27),
    ((2, 1, 1, 2, 1, 0, 0, 0), {}, 2_212, 26),
    ((2, 1, 1, 2, 0, 1, 0, 0), {}, 2_292, 29),
    ((2, 1, 1, 2, 0, 1, 0, 0), {"AvoidLastReplicaStanding": True}, 2_292, 29),
    ((2, 2, 2, 2, 0, 0, 0, 1), {}, 996, 22),
    ((3, 1, 2, 2, 0, 0, 0, 0), {}, 642, 24),
    ((3, 1, 2, 3, 0, 0, 0, 0), {}, 305, 23),
]
LARGER = [
    ((2, 2, 2, 2, 0, 0, 1, 0), {}, 9_814, 31),
    ((3, 1, 1, 1, 0, 0, 0, 1), {}, 14_820, 29),
]


def _holds_with(bound, flags, distinct, depth):
    result = check(_model(bound, **flags), CheckConfig())
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, depth)


@pytest.mark.parametrize("bound, flags, distinct, depth", SMALL)
def test_small_bounds_have_tlc_s_counts(bound, flags, distinct, depth):
    _holds_with(bound, flags, distinct, depth)


@pytest.mark.slow
@pytest.mark.parametrize("bound, flags, distinct, depth", LARGER)
def test_larger_bounds_have_tlc_s_counts(bound, flags, distinct, depth):
    _holds_with(bound, flags, distinct, depth)


def _generated_again(model, state) -> int:
    """The steps TLC generates more than once from `state` (docs/tlc.md:
    "generated" counts each way an action is satisfied): once for each true
    disjunct of __SendFetchMakesProgress's disjunction, once for each md_offset
    of ExistMetadataUpdates's \\E (a follower), once for each set of timed-out
    followers giving the same ISR proposal (the model yields each once)."""
    again = 0
    for action, _ in model.successors(state):
        if isinstance(action, SendFetchRequest):
            mine = state.partition_data[action.source - 1]
            theirs = state.partition_data[action.dest - 1]
            known = state.partition_replica_state[action.dest - 1][action.source - 1].leo
            again += sum([mine.leo < theirs.leo, mine.hwm < theirs.hwm, known is None,
                          known is not None and known < mine.leo]) - 1
        elif isinstance(action, ReceiveMetadataUpdate) and state.partition_status[
                action.b - 1] != "Leader":
            b = action.b
            epoch = state.partition_metadata[b - 1].leader_epoch
            again += sum(1 for r in state.con_metadata_log[len(state.broker_metadata_log[b - 1]):]
                         if r.leader_epoch > epoch) - 1
        elif isinstance(action, SendAlterPartitionRequest):
            b, isr = action.b, frozenset(action.isr)
            again += sum(1 for timed_out in model.subsets if b not in timed_out and isr == {
                b1 for b1 in model.brokers
                if b1 == b or model.follower_is_caught_up(state, b, b1, timed_out)}) - 1
    return again


@pytest.mark.parametrize("bound, generated", [
    ((2, 1, 1, 2, 0, 0, 0, 0), 22),
    ((2, 1, 1, 2, 0, 0, 0, 1), 295),
    ((2, 1, 1, 2, 0, 0, 1, 0), 5_012),
])
def test_tlc_s_generated_states_are_the_model_s_steps_counted_as_tlc_counts(bound, generated):
    # TLC 2.15's "states generated" on the bounds above (no state is merged by
    # the view there): the model's steps, each counted as often as TLC
    # satisfies its action
    model = _model(bound)
    result = check(model, CheckConfig())
    again = sum(_generated_again(model, state) for state in reachable_states(model))
    assert result.stats.generated_states + again == generated


class WithoutView(KafkaReplication):
    """The model without the cfg's VIEW: every variable counts."""

    def view(self, state):
        return state


def test_the_view_leaves_out_the_counters():
    # RF 2, {A}, MinISR 1, InitIsrSize 1, FenceBrokerLimit 1 (2,118 states with
    # VIEW view, above): TLC 2.15 with the VIEW line left out counts 2,156, depth 27.
    # Broker 2, outside the ISR, unfenced and fenced again is the initial state
    # but for aux_ctrs.fence_broker_ctr, which the view leaves out
    result = check(WithoutView(**dict(zip(BOUND, (2, 1, 1, 1, 0, 0, 1, 0)))), CheckConfig())
    assert (result.stats.distinct_states, result.stats.depth + 1) == (2_156, 27)


# -- mutants: TLC's counterexample on a mutated copy of the spec, action for action


def test_eager_isr_shrink_breaks_valid_leader_maximal_isr():
    # SendAlterPartitionRequest's maximal_isr = proposed_isr (not proposed_isr
    # \union curr_isr); RF 2, {A}, MinISR 1, InitIsrSize 2, AlterPartitionLimit 1:
    # TLC's trace is 2 states
    violation = _violation((2, 1, 1, 2, 0, 0, 0, 1), "valid_leader_maximal_isr",
                           "eager_isr_shrink")
    assert _steps(violation) == ["SendAlterPartitionRequest(b=1, isr=(1,))"]
    assert violation.reason == ("leader 1's maximal ISR [1] lacks members of the "
                                "controller's ISR [1, 2]")
    final = violation.trace.steps[-1].state
    assert final.partition_metadata[0].maximal_isr == frozenset({1})
    assert final.partition_pending_ap[0].epoch == 2


def test_hwm_without_isr_breaks_controller_isr_has_up_to_true_hwm():
    # IsCommitted's \A b1 \in maximal_isr : b = b1 \/ ... made
    # \E b1 \in maximal_isr : b # b1 /\ ...; RF 3, {A}, MinISR 2, InitIsrSize 3,
    # every limit 0: TLC's trace is 7 states, these actions
    violation = _violation((3, 1, 2, 3, 0, 0, 0, 0), "controller_isr_has_up_to_true_hwm",
                           "hwm_without_isr")
    assert _steps(violation) == [
        "SendFetchRequest(source=2, dest=1)",
        "WriteRecordToLeader(b=1, v='A')",
        "ReceiveFetchRequest(b=1, source=2, fetch_offset=1)",
        "ReceiveFetchResponse(b=2, source=1, fetch_offset=1)",
        "SendFetchRequest(source=2, dest=1)",
        "ReceiveFetchRequest(b=1, source=2, fetch_offset=2)",
    ]
    assert violation.reason == "ISR member 3 is running with LEO 1 below the true HWM 2"
    final = violation.trace.steps[-1].state
    assert final.partition_data == (PartitionData((A,), 2, 2), PartitionData((A,), 1, 2),
                                    PartitionData((), 1, 1))
    assert (final.inv_true_hwm, final.inv_pos_acked, final.inv_consumed) == (
        2, frozenset({"A"}), (A,))


def test_unclean_leader_election_breaks_leader_has_complete_committed_log():
    # MaybeUpdatePartitionMetadata's candidates \in Brokers, not \in new_isr
    # (its third and fourth CASE guards and the \E); RF 2, {A}, MinISR 1,
    # InitIsrSize 1, FenceBrokerLimit 1: TLC's trace is 6 states, these actions
    violation = _violation((2, 1, 1, 1, 0, 0, 1, 0), "leader_has_complete_committed_log",
                           "unclean_leader_election")
    assert _steps(violation) == [
        "SendFetchRequest(source=2, dest=1)",
        "WriteRecordToLeader(b=1, v='A')",
        "ReceiveFetchRequest(b=1, source=2, fetch_offset=1)",
        "UnfenceBroker(b=2, leader=1)",
        "FenceBroker(b=1, leader=2)",
    ]
    assert violation.reason == "leader 2 lacks the acknowledged value A"
    final = violation.trace.steps[-1].state
    assert final.con_partition_metadata == PartitionChange(frozenset({1}), 2, 2, 3)
    assert final.partition_data[1] == PartitionData((), 1, 1)


def test_skip_isr_only_records_breaks_no_metadata_log_divergence():
    # ReceiveMetadataUpdate's append_records == <<metadata.record>>; RF 2, {A},
    # MinISR 1, InitIsrSize 2, CleanShutdownLimit 1, FenceBrokerLimit 1: TLC's
    # trace is 4 states, these actions
    violation = _violation((2, 1, 1, 2, 1, 0, 1, 0), "no_metadata_log_divergence",
                           "skip_isr_only_records")
    assert _steps(violation) == [
        "FenceBroker(b=2, leader=1)",
        "CleanShutdown(b=1, leader=none)",
        "ReceiveMetadataUpdate(b=2)",
    ]
    assert violation.reason == "broker 2's metadata record 2 differs from the controller's"
    final = violation.trace.steps[-1].state
    first = PartitionChange(frozenset({1, 2}), 1, 1, 1)
    no_leader = PartitionChange(frozenset({1}), None, 2, 3)
    assert final.con_metadata_log == (first, PartitionChange(frozenset({1}), 1, 1, 2),
                                      no_leader)
    assert final.broker_metadata_log[1] == (first, no_leader)


def test_leader_truncates_to_hwm_breaks_consumed_records_match_leader_log():
    # BecomeLeaderInNewEpoch's MaybeUpdateHwmOnPartitionChange(b, new_part_md, TRUE)
    # replaced by partition_data' = [partition_data EXCEPT ![b] = [log |->
    # SubSeq(LogOf(b), 1, HwmOf(b)-1), hwm |-> HwmOf(b), leo |-> HwmOf(b)]] /\
    # UNCHANGED inv_vars; RF 2, {A}, MinISR 1, InitIsrSize 2, FenceBrokerLimit 1:
    # TLC's trace is 9 states, these actions
    violation = _violation((2, 1, 1, 2, 0, 0, 1, 0), "consumed_records_match_leader_log",
                           "leader_truncates_to_hwm")
    assert _steps(violation) == [
        "SendFetchRequest(source=2, dest=1)",
        "WriteRecordToLeader(b=1, v='A')",
        "ReceiveFetchRequest(b=1, source=2, fetch_offset=1)",
        "ReceiveFetchResponse(b=2, source=1, fetch_offset=1)",
        "SendFetchRequest(source=2, dest=1)",
        "ReceiveFetchRequest(b=1, source=2, fetch_offset=2)",
        "FenceBroker(b=1, leader=2)",
        "ReceiveMetadataUpdate(b=2)",
    ]
    assert violation.reason == "leader 2's log differs from the consumed record at offset 1"
    final = violation.trace.steps[-1].state
    assert final.partition_status == ("Leader", "Leader")
    assert final.partition_data == (PartitionData((A,), 2, 2), PartitionData((), 1, 1))
    assert final.inv_consumed == (A,)


@pytest.mark.slow
def test_no_diverging_epoch_check_breaks_no_partition_log_divergence():
    # ReceiveFetchRequest's diverging-epoch CASE guard made FALSE; RF 3, {A, B},
    # MinISR 2, InitIsrSize 3, FenceBrokerLimit 1 (MinISR 1 would reach the
    # spec's own error first, below): TLC's trace is 12 states, these actions
    violation = _violation((3, 2, 2, 3, 0, 0, 1, 0), "no_partition_log_divergence",
                           "no_diverging_epoch_check")
    assert _steps(violation) == [
        "SendFetchRequest(source=2, dest=1)",
        "WriteRecordToLeader(b=1, v='A')",
        "ReceiveFetchRequest(b=1, source=2, fetch_offset=1)",
        "ReceiveFetchResponse(b=2, source=1, fetch_offset=1)",
        "FenceBroker(b=1, leader=3)",
        "ReceiveMetadataUpdate(b=2)",
        "ReceiveMetadataUpdate(b=3)",
        "SendFetchRequest(source=2, dest=3)",
        "WriteRecordToLeader(b=3, v='B')",
        "ReceiveFetchRequest(b=3, source=2, fetch_offset=2)",
        "ReceiveFetchResponse(b=2, source=3, fetch_offset=2)",
    ]
    assert violation.reason == ("brokers 2 and 3 have A and B at offset 1, below both HWMs")
    final = violation.trace.steps[-1].state
    assert final.partition_data[1:] == (PartitionData((A,), 2, 2),
                                        PartitionData((Record(2, 1, "B"),), 2, 2))


def test_a_sole_isr_leader_s_second_write_is_the_spec_s_own_error():
    # The published spec with {A, B} and MinISR 1: UpdateHwmInvariantVars reads
    # the log before WriteRecordToLeader's append, and TLC 2.15 stops with "The
    # second argument of SubSeq must be in the domain of its first argument:
    # <<[epoch |-> 1, offset |-> 1, value |-> A]>>, but instead it is 2" (RF 2,
    # InitIsrSize 2, FenceBrokerLimit 1; TLC prints no trace for it). The model's
    # assert fails at the same point: the write of B by leader 1, alone in the
    # ISR, from the state these 3 steps reach
    violation = _violation((2, 2, 1, 2, 0, 0, 1, 0), "no_partition_log_divergence")
    assert violation.property.name == "assertion"
    assert _steps(violation) == [
        "WriteRecordToLeader(b=1, v='A')",
        "FenceBroker(b=2, leader=1)",
        "ReceiveMetadataUpdate(b=1)",
    ]
    assert violation.reason.startswith(
        "a step from here fails its assertion: SubSeq(LogOf(1), 2, 2) is out of the log's "
        "domain 1..1 (the spec's evaluation error)")
    final = violation.trace.steps[-1].state
    assert final.partition_data[0] == PartitionData((A,), 2, 2)
    assert final.partition_metadata[0].maximal_isr == frozenset({1})


def test_a_report_names_brokers_as_the_spec_does(tmp_path):
    # the skip_isr_only_records run from a spec file: a broker's part of a
    # variable is keyed by its id (1-based), a log shows the record a step appends
    spec = tmp_path / "mutant.yaml"
    spec.write_text(
        f"model: {USER / 'kafka_replication.py'}:KafkaReplication\n"
        "mutant: skip_isr_only_records\n"
        "params: {ReplicationFactor: 2, values: 1, MinISR: 1, InitIsrSize: 2,\n"
        "         CleanShutdownLimit: 1, UncleanShutdownLimit: 0, FenceBrokerLimit: 1,\n"
        "         AlterPartitionLimit: 0}\n"
        "properties: [no_metadata_log_divergence]\n"
        "deadlock: false\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 1, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert ("No Metadata Log Divergence (no_metadata_log_divergence) violated after 3 steps: "
            "broker 2's metadata record 2 differs from the controller's") in lines
    step = lines.index("3  ReceiveMetadataUpdate(b=2)")
    assert lines[step + 1:step + 5] == [
        "broker_fetchers[2][1]: Fetcher(partition=FetchPartition(fetch_offset=1, "
        "last_fetched_epoch=0, delayed=False), pending_response=False) → "
        "Fetcher(partition=Nil, pending_response=False)",
        "broker_metadata_log[2]: + PartitionChange(isr={1}, leader=Nil, leader_epoch=2, "
        "partition_epoch=3)",
        "partition_status[2]: Follower → Nil",
        "partition_metadata[2]: ReplicaMetadata(isr={1, 2}, maximal_isr={1, 2}, leader=1, "
        "leader_epoch=1, partition_epoch=1) → ReplicaMetadata(isr={1}, maximal_isr={1}, "
        "leader=Nil, leader_epoch=2, partition_epoch=3)",
    ]


def test_last_replica_standing_loses_acknowledged_data():
    # The published spec, no mutant: the leader alone in the ISR shuts down
    # uncleanly (its log lost), the ISR cannot shrink below it, and it is elected
    # again when it registers (the "last replica standing" issue that
    # AvoidLastReplicaStanding steers around and KIP-966 addresses). RF 2, {A},
    # MinISR 1, InitIsrSize 1, UncleanShutdownLimit 1: TLC's trace is 7 states,
    # these actions
    violation = _violation((2, 1, 1, 1, 0, 1, 0, 0), "leader_has_complete_committed_log")
    assert _steps(violation) == [
        "SendFetchRequest(source=2, dest=1)",
        "WriteRecordToLeader(b=1, v='A')",
        "ReceiveFetchRequest(b=1, source=2, fetch_offset=1)",
        "UncleanShutdown(b=1, leader=none)",
        "BrokerStart(b=1)",
        "ReceiveBrokerRegRequest(b=1, leader=1)",
    ]
    assert violation.reason == "leader 1 lacks the acknowledged value A"
    final = violation.trace.steps[-1].state
    assert final.con_partition_metadata == PartitionChange(frozenset({1}), 1, 3, 4)
    assert (final.partition_data[0], final.inv_pos_acked) == (PartitionData((), 1, 1),
                                                              frozenset({"A"}))
    # with AvoidLastReplicaStanding TRUE every invariant holds: TLC 155 states, depth 20
    _holds_with((2, 1, 1, 1, 0, 1, 0, 0), {"AvoidLastReplicaStanding": True}, 155, 20)
