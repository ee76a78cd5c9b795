"""Kafka's ISR-based partition replication under KRaft, as Jack Vanlightly's
kafka_replication_v3_5_simple.tla writes it (Vanlightly/kafka-tlaplus,
kafka_data_replication/kraft/v3.5, commit a30c45e of 2023-08-21, the last
that has the simplified spec; it EXTENDS message_passing.tla, v3_5_types.tla,
v3_5_functions.tla and v3_5_properties.tla of that commit, and its cfg is
kafka_replication_v3_5_simple.cfg): a user's plain `checker.Model`, one
method per action of the spec's Next, each guard and effect as the spec
states it.

Why not the kit: the spec is written over global state, not nodes and
messages. The controller's steps rewrite broker-side variables and the
brokers' rewrite the controller's (UncleanShutdown and CleanShutdown fence the
broker at the controller in the same step, and DropFetchSessions zeroes
messages and changes other brokers' fetchers), ReceiveMetadataUpdate reads
the controller's log directly, __SendFetchMakesProgress reads the leader's
state from the follower's step, and the invariants' history variables
(inv_*) are updated inside the brokers' steps. The network is
message_passing.tla's: a function from message to delivery count whose
domain never shrinks (a received message stays with count 0, and resending
it makes its count 1), the kit's `counts` (raft.tla's message-count
function, as in kraft.py and vsr.py): SendFunc is its `send`, DiscardFunc
its `discard`, Reply its `reply`, and DropFetchSessions's zeroing its
`drop_all`.

One partition, ReplicationFactor brokers 1..N (the spec's Brokers; broker 1
leads at first), offsets 1-based with exclusive LEO and HWM as in the spec.
``None`` stands for both Nil and NoLeader (a field holds one or the other,
never both).

Action by action, in the order of Next (TLC's enumeration order; ``\\E from,
to`` and ``\\E b, v`` with the first varying fastest):

- BrokerStart(b): an offline broker is STARTING with the next incarnation
  id, its partition status Nil, and sends RegisterBrokerRequest.
- ReceiveBrokerRegResponse(b): an unregistered broker is RUNNING with the
  response's broker epoch, its metadata log the controller's up to
  metadata_offset - 1 (__CatchUpBarOne) and its partition metadata blank.
  There is no status guard: a response can reach a broker that went offline
  since it registered (the spec's, kept).
- ReceiveMetadataUpdate(b): a registered, online broker takes the next
  metadata record it cares about (a leader every record, others only leader
  epoch bumps, NextMetadataRecord) and appends every record up to it; if
  its partition epoch is higher it applies RemainLeader,
  BecomeLeaderInNewEpoch, RemainFollower, BecomeFollowerInNewEpoch or
  WaitForLeaderChange (the spec's CASE, first true arm).
- SendAlterPartitionRequest(b, isr): below AlterPartitionLimit, a running
  leader with no pending request proposes the ISR of itself and the
  followers caught up (fetched, at or past HWM and LESO) and not timed out,
  for some set of timed-out followers; it keeps proposed \\cup current as
  its maximal ISR. The spec's ``\\E timed_out_followers \\in SUBSET Brokers``
  gives the same step for every set that yields the same proposal; the model
  yields each proposal once (TLC's distinct states do not change; its
  "states generated" counts each set).
- ReceiveAlterPartitionResponse(b, error): the leader's pending request's
  response: commit (success with a higher partition epoch) or roll the
  maximal ISR back; either may advance the HWM.
- SendFetchRequest(source, dest): a running follower whose fetcher for its
  leader dest has the partition, no pending response, and
  __SendFetchMakesProgress.
- ReceiveFetchRequest(b, source, fetch_offset): NotLeaderOrFollower,
  FencedLeaderEpoch or UnknownLeaderEpoch; a diverging epoch
  (LastOffsetForEpoch); or the leader records the follower's LEO and broker
  epoch, may advance its HWM (CommitOffsetOnFetch) and sends the record at
  the fetch offset, if any.
- ReceiveFetchResponse(b, source, fetch_offset): a no-op if b is no longer
  that fetcher's follower or the offset moved; delay on an error; truncate
  on a diverging epoch (TruncateToSafePoint); else append and take the HWM
  if within the log.
- WriteRecordToLeader(b, v): a running leader whose maximal ISR has at
  least MinISR members appends v (each value is written once); the HWM may
  advance (CommitOffsetOnWrite).
- UncleanShutdown(b, leader), CleanShutdown(b, leader): below their limits
  (UncleanShutdown only while no FenceBroker has happened, the spec's
  guard) an online broker goes offline (its log lost if unclean), its fetch
  sessions dropped, and the controller fences it (HandleBrokerFenced, whose
  leader election is ``leader``).
- ReceiveBrokerRegRequest(b, leader): the controller registers a fenced
  broker, or an unfenced one of the same incarnation, unfenced with epoch
  aux_broker_epoch + 1 (HandleBrokerUnfenced: a leader is elected if there
  is none) and replies with metadata_offset = the log's length before the
  step.
- ReceiveAlterPartitionRequest(b, error): the controller validates and
  applies (a PartitionChangeRecord) or rejects.
- FenceBroker(b, leader): below FenceBrokerLimit, the controller fences an
  unfenced broker (out of the ISR unless it is its last member; a new leader
  among unfenced ISR members if needed, ``leader`` the choice).
- UnfenceBroker(b, leader): a fenced running broker is unfenced.

Deliberate differences: none in the semantics. Where the spec would make
TLC stop with an evaluation error, the model fails an ``assert`` at the
same point (cmc's 'assertion' check): UpdateHwmInvariantVars reads the
leader's log before the step's write, so a sole-ISR leader (MinISR = 1)
writing its second record reads an offset beyond it (LogEntry and SubSeq
out of range); and LastOffsetForEpoch's ``Nil`` offset ("this should not
happen") compared with a number.

Constants: ReplicationFactor, MinISR, InitIsrSize, the four limits, and
``values`` (Cardinality(Values), named A, B, ...). The cfg leaves
AvoidLastReplicaStanding and LimitFetchesOnLeaderEpoch unassigned (TLC
refuses to start); they are parameters here, FALSE by default, the value
that restricts nothing. Init's ``CHOOSE isr`` is the brokers 1..InitIsrSize.
The cfg has no CONSTRAINT (the limits are guards) and no SYMMETRY. Its
``VIEW view`` (every variable but aux_broker_epoch and aux_ctrs) is `view`,
always on as in the cfg.

Reports (`state_view`) key a broker's part of a variable by its id, 1-based
as in the spec (``partition_data[2]``, ``broker_fetchers[2][1]``), print
values as TLC would (records by field, ``{}`` sets, ``<< >>`` sequences,
Nil), and show each message with its delivery count.

Invariants, the cfg's six: ValidLeaderMaximalISR,
ControllerIsrHasUpToTrueHWM, LeaderHasCompleteCommittedLog,
NoPartitionLogDivergence, NoMetadataLogDivergence,
ConsumedRecordsMatchLeaderLog; each fails under a mutant below. The
published spec fails LeaderHasCompleteCommittedLog itself with an unclean
shutdown of a leader alone in its ISR (the "last replica standing" issue:
RF 2, InitIsrSize 1, UncleanShutdownLimit 1, 6 steps, TLC's run), which
AvoidLastReplicaStanding avoids.
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

from checker import Fails, Model, Param, invariant
from checker.errors import ParamError
from checker.model import SetView
from models.kit import counts

# broker statuses (broker side) and registration statuses (controller side)
OFFLINE_CLEAN, OFFLINE_DIRTY, STARTING, RUNNING = ("OFFLINE_CLEAN", "OFFLINE_DIRTY",
                                                   "STARTING", "RUNNING")
FENCED, UNFENCED = "FENCED", "UNFENCED"
LEADER, FOLLOWER = "Leader", "Follower"
CONTROLLER = "Controller"
# error codes
INELIGIBLE_REPLICA = "IneligibleReplica"
FENCED_LEADER_EPOCH = "FencedLeaderEpoch"
UNKNOWN_LEADER_EPOCH = "UnknownLeaderEpoch"
NOT_LEADER_OR_FOLLOWER = "NotLeaderOrFollower"
OFFLINE = (OFFLINE_CLEAN, OFFLINE_DIRTY)


# -- records ---------------------------------------------------------------------------


class PartitionChange(NamedTuple):
    """A PartitionChangeRecord of the metadata log, and the controller's
    partition metadata (the same fields)."""

    isr: frozenset
    leader: int | None
    leader_epoch: int
    partition_epoch: int


class ReplicaMetadata(NamedTuple):
    isr: frozenset
    maximal_isr: frozenset
    leader: int | None
    leader_epoch: int
    partition_epoch: int


class BrokerReg(NamedTuple):
    """The controller's registration of a broker."""

    status: str
    broker_epoch: int
    incarnation_id: int


class BrokerState(NamedTuple):
    status: str
    broker_epoch: int
    incarnation_id: int
    registered: bool


class FetchPartition(NamedTuple):
    fetch_offset: int
    last_fetched_epoch: int
    delayed: bool


class Fetcher(NamedTuple):
    partition: FetchPartition | None
    pending_response: bool


BLANK_FETCHER = Fetcher(None, False)


class Record(NamedTuple):
    epoch: int
    offset: int
    value: str


class PartitionData(NamedTuple):
    log: tuple
    hwm: int
    leo: int


EMPTY_DATA = PartitionData((), 1, 1)


class ReplicaState(NamedTuple):
    """The leader's view of a peer: its LEO (None: no fetch seen) and broker epoch."""

    leo: int | None
    broker_epoch: int


BLANK_REPLICA = ReplicaState(None, 0)


class PendingAP(NamedTuple):
    epoch: int
    request: object


NO_PENDING_AP = PendingAP(0, None)


class Ctrs(NamedTuple):
    incarn_ctr: int
    clean_shutdown_ctr: int
    unclean_shutdown_ctr: int
    fence_broker_ctr: int
    alter_part_ctr: int


class EpochOffset(NamedTuple):
    epoch: int
    offset: int | None


# -- messages --------------------------------------------------------------------------


class RegisterBrokerRequest(NamedTuple):
    broker_id: int
    incarnation_id: int
    dest: str
    source: int


class RegisterBrokerResponse(NamedTuple):
    broker_epoch: int
    metadata_offset: int
    dest: int
    source: str


class AlterPartitionRequest(NamedTuple):
    isr: frozenset
    isr_and_epochs: tuple  # (broker, epoch) pairs by broker: a function on the proposed ISR
    leader: int
    leader_epoch: int
    partition_epoch: int
    broker_epoch: int
    source: int
    dest: str


class AlterPartitionResponse(NamedTuple):
    """Success (error None) or failure; a failure's isr .. partition_epoch
    are None (its record has no such fields)."""

    error: str | None
    isr: frozenset | None
    leader: int | None
    leader_epoch: int | None
    partition_epoch: int | None
    request: AlterPartitionRequest
    dest: int
    source: str


class FetchRequest(NamedTuple):
    broker_epoch: int
    leader_epoch: int
    fetch_offset: int
    last_fetched_epoch: int
    dest: int
    source: int


class FetchResponse(NamedTuple):
    error: str | None
    leader_epoch: int
    fetch_offset: int
    hwm: int
    diverging_epoch: EpochOffset | None
    records: tuple
    dest: int
    source: int


Message = (RegisterBrokerRequest | RegisterBrokerResponse | AlterPartitionRequest
           | AlterPartitionResponse | FetchRequest | FetchResponse)
# message_passing.tla's messages; the order of its DOMAIN (that of the traces pinned)
Messages = counts(Message, order=repr)


class State(NamedTuple):
    """The spec's variables; per-broker ones are tuples by broker (1 first),
    ``messages`` the message-count function."""

    con_unfenced: frozenset
    con_broker_reg: tuple
    con_partition_metadata: PartitionChange
    con_metadata_log: tuple
    broker_state: tuple
    broker_fetchers: tuple  # [broker][peer] -> Fetcher
    broker_metadata_log: tuple
    partition_status: tuple
    partition_metadata: tuple
    partition_data: tuple
    partition_leso: tuple
    partition_replica_state: tuple  # [broker][peer] -> ReplicaState
    partition_pending_ap: tuple
    aux_broker_epoch: int
    aux_ctrs: Ctrs
    inv_sent: frozenset
    inv_pos_acked: frozenset
    inv_neg_acked: frozenset
    inv_true_hwm: int
    inv_consumed: tuple
    messages: Messages


# -- actions ---------------------------------------------------------------------------


class BrokerStart(NamedTuple):
    b: int


class ReceiveBrokerRegResponse(NamedTuple):
    b: int


class ReceiveMetadataUpdate(NamedTuple):
    b: int


class SendAlterPartitionRequest(NamedTuple):
    b: int
    isr: tuple


class ReceiveAlterPartitionResponse(NamedTuple):
    b: int
    error: str | None


class SendFetchRequest(NamedTuple):
    source: int
    dest: int


class ReceiveFetchRequest(NamedTuple):
    b: int
    source: int
    fetch_offset: int


class ReceiveFetchResponse(NamedTuple):
    b: int
    source: int
    fetch_offset: int


class WriteRecordToLeader(NamedTuple):
    b: int
    v: str


class UncleanShutdown(NamedTuple):
    b: int
    leader: int | None


class CleanShutdown(NamedTuple):
    b: int
    leader: int | None


class ReceiveBrokerRegRequest(NamedTuple):
    b: int
    leader: int | None


class ReceiveAlterPartitionRequest(NamedTuple):
    b: int
    error: str | None


class FenceBroker(NamedTuple):
    b: int
    leader: int | None


class UnfenceBroker(NamedTuple):
    b: int
    leader: int | None


ACTIONS = (BrokerStart, ReceiveBrokerRegResponse, ReceiveMetadataUpdate,
           SendAlterPartitionRequest, ReceiveAlterPartitionResponse, SendFetchRequest,
           ReceiveFetchRequest, ReceiveFetchResponse, WriteRecordToLeader, UncleanShutdown,
           CleanShutdown, ReceiveBrokerRegRequest, ReceiveAlterPartitionRequest, FenceBroker,
           UnfenceBroker)


def _with(values: tuple, b: int, value) -> tuple:
    """values EXCEPT ![b] = value, for a tuple by broker 1..N."""
    return values[:b - 1] + (value,) + values[b:]


_PER_BROKER = frozenset(f for f in State._fields
                        if f.startswith(("broker_", "partition_")) or f == "con_broker_reg")


def _show(value) -> str:
    """A value as the spec would print it: records by field, sets in braces,
    sequences in << >>, None as Nil."""
    if value is None:
        return "Nil"
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        fields = ", ".join(f"{f}={_show(v)}" for f, v in zip(value._fields, value))
        return f"{type(value).__name__}({fields})"
    if isinstance(value, frozenset):
        return "{" + ", ".join(_show(v) for v in sorted(value)) + "}"
    if isinstance(value, tuple):
        return "<<" + ", ".join(_show(v) for v in value) + ">>"
    return str(value)


def _top(value):
    """A variable's value in a state view: a set or a sequence as a list of
    its members, so that a report shows what a step adds or removes."""
    if isinstance(value, frozenset):
        return SetView(_show(v) for v in sorted(value))
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return [_show(v) for v in value]
    return _show(value)


def _acked(s: State) -> frozenset:
    return s.inv_pos_acked | s.inv_neg_acked


class KafkaReplication(Model):
    name = "kafka_replication"
    summary = ("Kafka's ISR replication under KRaft (Vanlightly's "
               "kafka_replication_v3_5_simple.tla)")
    params = (Param("ReplicationFactor", 3, "ReplicationFactor: brokers 1..N, broker 1 leads "
                    "at first", minimum=1, maximum=4),
              Param("values", 1, "Cardinality(Values): the values A, B, ... producers write, "
                    "each once", minimum=1, maximum=3),
              Param("MinISR", 2, "MinISR: min.insync.replicas", minimum=1, maximum=4),
              Param("InitIsrSize", 2, "InitIsrSize: the initial ISR is brokers 1..InitIsrSize",
                    minimum=1, maximum=4),
              Param("CleanShutdownLimit", 1, "CleanShutdownLimit: clean shutdowns in all",
                    minimum=0, maximum=3),
              Param("UncleanShutdownLimit", 0, "UncleanShutdownLimit: unclean shutdowns in all",
                    minimum=0, maximum=3),
              Param("FenceBrokerLimit", 1, "FenceBrokerLimit: FenceBroker steps in all",
                    minimum=0, maximum=3),
              Param("AlterPartitionLimit", 1, "AlterPartitionLimit: AlterPartition requests "
                    "in all", minimum=0, maximum=3),
              Param("AvoidLastReplicaStanding", False, "AvoidLastReplicaStanding: no unclean "
                    "shutdown of the leader that is its ISR's last member"),
              Param("LimitFetchesOnLeaderEpoch", False, "LimitFetchesOnLeaderEpoch: no fetch "
                    "sent or received across leader epochs"))
    actions = ACTIONS

    def setup(self) -> None:
        n = self.ReplicationFactor
        if self.InitIsrSize > n:
            raise ParamError(f"InitIsrSize ({self.InitIsrSize}) must be at most "
                             f"ReplicationFactor ({n}) (ASSUME InitIsrSize <= ReplicationFactor)")
        if self.MinISR > n:
            raise ParamError(f"MinISR ({self.MinISR}) must be at most ReplicationFactor "
                             f"({n}) (ASSUME MinISR <= ReplicationFactor)")
        self.brokers = tuple(range(1, n + 1))
        self.all_brokers = frozenset(self.brokers)
        self.value_names = tuple(chr(ord("A") + v) for v in range(self.values))
        # SUBSET Brokers, smaller sets first
        self.subsets = tuple(frozenset(c) for k in range(n + 1)
                             for c in combinations(self.brokers, k))

    # -- Init ----------------------------------------------------------------------------

    def initial_states(self):
        n = self.ReplicationFactor
        init_isr = frozenset(range(1, self.InitIsrSize + 1))
        part_epoch = 1 if init_isr == self.all_brokers else 2
        log1 = (PartitionChange(init_isr, 1, 1, part_epoch),)
        fetching = Fetcher(FetchPartition(1, 0, False), False)
        yield State(
            con_unfenced=init_isr,
            con_broker_reg=tuple(BrokerReg(UNFENCED if b in init_isr else FENCED, b, b)
                                 for b in self.brokers),
            con_partition_metadata=log1[0],
            con_metadata_log=log1,
            broker_state=tuple(BrokerState(RUNNING, b, b, True) for b in self.brokers),
            broker_fetchers=tuple(tuple(fetching if b != 1 and b1 == 1 else BLANK_FETCHER
                                        for b1 in self.brokers) for b in self.brokers),
            broker_metadata_log=tuple(log1 if b in init_isr else () for b in self.brokers),
            partition_status=tuple(LEADER if b == 1 else FOLLOWER for b in self.brokers),
            partition_metadata=tuple(
                ReplicaMetadata(init_isr if b in init_isr else self.all_brokers,
                                init_isr if b in init_isr else self.all_brokers, 1, 1,
                                1 if init_isr == self.all_brokers
                                else 2 if b in init_isr else 1)
                for b in self.brokers),
            partition_data=(EMPTY_DATA,) * n,
            partition_leso=tuple(1 if b == 1 else None for b in self.brokers),
            partition_replica_state=((BLANK_REPLICA,) * n,) * n,
            partition_pending_ap=(NO_PENDING_AP,) * n,
            aux_broker_epoch=n,
            aux_ctrs=Ctrs(n + 1, 0, 0, 0, 0),
            inv_sent=frozenset(), inv_pos_acked=frozenset(), inv_neg_acked=frozenset(),
            inv_true_hwm=1, inv_consumed=(), messages=Messages())

    # -- the network (message_passing.tla): SendFunc, DiscardFunc and Reply are the kit's --

    @staticmethod
    def receivable(s: State, mtype: type) -> list:
        """ReceivableMsg(m, type) over DOMAIN messages."""
        return [m for m in s.messages.receivable() if type(m) is mtype]

    # -- helpers (v3_5_functions.tla) ----------------------------------------------------

    def is_committed(self, b: int, maximal_isr: frozenset, replica_state: tuple,
                     offset: int) -> bool:
        """IsCommitted: every maximal ISR member but the leader has fetched past offset."""
        return all(b1 == b or (replica_state[b1 - 1].leo is not None
                               and replica_state[b1 - 1].leo > offset)
                   for b1 in maximal_isr)

    def commit_offset(self, s: State, b: int, maximal_isr: frozenset, leo: int,
                      replica_state: tuple) -> int:
        """GetCommitOffset: the highest offset below leo committed, or 0; 0
        too when b's log (before the step) is empty."""
        if s.partition_data[b - 1].leo == 1:
            return 0
        committed = [offset for offset in range(1, leo)
                     if self.is_committed(b, maximal_isr, replica_state, offset)]
        return max(committed, default=0)

    def send_acks_for(self, s: State, b: int, lower: int, higher: int, positive: bool) -> dict:
        """SendAcksFor: the unacknowledged sent values in b's log at
        lower..higher, acknowledged positively or negatively."""
        log = s.partition_data[b - 1].log
        acked = _acked(s)
        values = set()
        for v in s.inv_sent - acked:
            # \E offset \in lower..higher, tried in order: LogEntry beyond the log
            # before v is found is TLC's evaluation error
            for offset in range(lower, higher + 1):
                assert offset <= len(log), (f"LogEntry({b}, {offset}) is out of the log's "
                                            f"domain 1..{len(log)} (the spec's evaluation error)")
                if log[offset - 1].value == v:
                    values.add(v)
                    break
        if positive:
            return {"inv_pos_acked": s.inv_pos_acked | values}
        return {"inv_neg_acked": s.inv_neg_acked | values}

    def update_hwm_invariant_vars(self, s: State, b: int, old_hwm: int, new_hwm: int,
                                  positive: bool) -> dict:
        """UpdateHwmInvariantVars: acks, the true HWM, and the records
        consumers read when the true HWM advances (from b's log before the
        step)."""
        data = s.partition_data[b - 1]
        if positive:
            changes = self.send_acks_for(s, b, old_hwm, new_hwm - 1, True)
        else:
            changes = self.send_acks_for(s, b, old_hwm, data.leo - 1, False)
        if new_hwm > s.inv_true_hwm:
            assert new_hwm - 1 <= len(data.log), (
                f"SubSeq(LogOf({b}), {s.inv_true_hwm}, {new_hwm - 1}) is out of the log's "
                f"domain 1..{len(data.log)} (the spec's evaluation error)")
            changes["inv_true_hwm"] = new_hwm
            changes["inv_consumed"] = (s.inv_consumed
                                       + data.log[s.inv_true_hwm - 1:new_hwm - 1])
        return changes

    def maybe_advance_high_watermark(self, s: State, b: int, old_hwm: int, new_hwm: int,
                                     positive: bool, data: tuple) -> dict:
        """MaybeAdvanceHighWatermark: `data` (partition_data being built)
        with b's HWM new_hwm, and the invariant variables, if it is higher."""
        if new_hwm <= old_hwm:
            return {}
        changes = self.update_hwm_invariant_vars(s, b, old_hwm, new_hwm, positive)
        changes["partition_data"] = _with(data, b, data[b - 1]._replace(hwm=new_hwm))
        return changes

    def maybe_update_hwm_on_partition_change(self, s: State, b: int, maximal_isr: frozenset,
                                             data: tuple) -> dict:
        """MaybeUpdateHwmOnPartitionChange: the commit offset over the new
        maximal ISR; a positive ack if it has MinISR members."""
        new_hwm = self.commit_offset(s, b, maximal_isr, s.partition_data[b - 1].leo,
                                     s.partition_replica_state[b - 1]) + 1
        return self.maybe_advance_high_watermark(s, b, s.partition_data[b - 1].hwm, new_hwm,
                                                 len(maximal_isr) >= self.MinISR, data)

    def maybe_fail_pending_writes(self, s: State, b: int, part: ReplicaMetadata) -> dict:
        """MaybeFailPendingWrites: negative acks above the HWM if the ISR is
        below MinISR or b lost leadership."""
        data = s.partition_data[b - 1]
        if data.hwm < data.leo and (len(part.isr) < self.MinISR or b != part.leader):
            return self.send_acks_for(s, b, data.hwm, data.leo - 1, False)
        return {}

    def apply_partition_change(self, s: State, leader, isr: frozenset, leader_epoch: int,
                               partition_epoch: int) -> dict:
        """ApplyPartitionChange: the controller's metadata and a new record."""
        change = PartitionChange(isr, leader, leader_epoch, partition_epoch)
        return {"con_partition_metadata": change,
                "con_metadata_log": s.con_metadata_log + (change,)}

    def no_leader_change(self, s: State, new_isr: frozenset, new_unfenced: frozenset) -> bool:
        md = s.con_partition_metadata
        return ((md.leader is None and not (new_isr & new_unfenced))
                or (md.leader in new_isr and md.leader in new_unfenced))

    def maybe_update_partition_metadata(self, s: State, new_isr: frozenset,
                                        new_unfenced: frozenset) -> list:
        """MaybeUpdatePartitionMetadata: (elected leader, changes) for each
        way: no change, an ISR change, a leader among the unfenced ISR
        members, or no leader."""
        md = s.con_partition_metadata
        if self.no_leader_change(s, new_isr, new_unfenced):
            if new_isr == md.isr:
                return [(md.leader, {})]
            return [(md.leader, self.apply_partition_change(
                s, md.leader, new_isr, md.leader_epoch, md.partition_epoch + 1))]
        candidates = self.leader_candidates(s, new_isr, new_unfenced)
        if candidates:
            return [(c, self.apply_partition_change(s, c, new_isr, md.leader_epoch + 1,
                                                    md.partition_epoch + 1))
                    for c in candidates]
        return [(None, self.apply_partition_change(s, None, new_isr, md.leader_epoch + 1,
                                                   md.partition_epoch + 1))]

    def leader_candidates(self, s: State, new_isr: frozenset, new_unfenced: frozenset) -> list:
        """The candidates of a leader election: unfenced ISR members."""
        return sorted(new_isr & new_unfenced)

    def handle_broker_fenced(self, s: State, b: int) -> list:
        """HandleBrokerFenced: b out of the ISR (unless its last member) and of
        the unfenced set; a leader change if needed."""
        isr = s.con_partition_metadata.isr
        new_isr = isr if len(isr) == 1 else isr - {b}
        new_unfenced = s.con_unfenced - {b}
        return [(leader, dict(changes, con_unfenced=new_unfenced))
                for leader, changes in self.maybe_update_partition_metadata(s, new_isr,
                                                                            new_unfenced)]

    def handle_broker_unfenced(self, s: State, b: int) -> list:
        """HandleBrokerUnfenced: b unfenced; a leader elected if there is none."""
        new_unfenced = s.con_unfenced | {b}
        md = s.con_partition_metadata
        if md.leader is None:
            options = self.maybe_update_partition_metadata(s, md.isr, new_unfenced)
        else:
            options = [(md.leader, {})]
        return [(leader, dict(changes, con_unfenced=new_unfenced))
                for leader, changes in options]

    def last_offset_for_epoch(self, s: State, b: int, req_epoch: int,
                              is_leader: bool) -> EpochOffset:
        """LastOffsetForEpoch: the epoch and end offset the leader (or a
        truncating follower) answers for req_epoch."""
        data = s.partition_data[b - 1]
        log = data.log
        le = s.partition_metadata[b - 1].leader_epoch
        if not log or req_epoch == log[-1].epoch or (is_leader and le == req_epoch):
            return EpochOffset(req_epoch, data.leo)
        higher = [o for o in range(1, len(log) + 1) if log[o - 1].epoch > req_epoch]
        if higher:
            # CHOOSE: the first offset above req_epoch with no earlier one between
            higher_epoch_offset = next(
                o for o in higher
                if not any(o2 < o and req_epoch < log[o2 - 1].epoch < log[o - 1].epoch
                           for o2 in range(1, len(log) + 1)))
        elif is_leader and le > req_epoch:
            higher_epoch_offset = data.leo
        else:
            higher_epoch_offset = None
        floor = [o for o in range(1, len(log) + 1) if log[o - 1].epoch <= req_epoch]
        if floor:
            return EpochOffset(max(log[o - 1].epoch for o in floor), higher_epoch_offset)
        return EpochOffset(req_epoch, higher_epoch_offset)

    def reset_replica_state(self, s: State, b: int) -> tuple:
        return _with(s.partition_replica_state, b, (BLANK_REPLICA,) * self.ReplicationFactor)

    def pending_alter_partition_response(self, s: State, b: int) -> bool:
        return s.partition_pending_ap[b - 1].epoch > s.partition_metadata[b - 1].partition_epoch

    def remove_partition_from_fetchers(self, s: State, b: int) -> tuple:
        return _with(s.broker_fetchers, b, tuple(Fetcher(None, f.pending_response)
                                                 for f in s.broker_fetchers[b - 1]))

    # -- successors ----------------------------------------------------------------------

    def successors(self, s: State):
        for b in self.brokers:
            t = self.broker_start(s, b)
            if t is not None:
                yield BrokerStart(b), t
        for m in self.receivable(s, RegisterBrokerResponse):
            t = self.receive_broker_reg_response(s, m)
            if t is not None:
                yield ReceiveBrokerRegResponse(m.dest), t
        for b in self.brokers:
            t = self.receive_metadata_update(s, b)
            if t is not None:
                yield ReceiveMetadataUpdate(b), t
        for b in self.brokers:
            for isr, t in self.send_alter_partition_request(s, b):
                yield SendAlterPartitionRequest(b, tuple(sorted(isr))), t
        for m in self.receivable(s, AlterPartitionResponse):
            t = self.receive_alter_partition_response(s, m)
            if t is not None:
                yield ReceiveAlterPartitionResponse(m.dest, m.error), t
        for to in self.brokers:  # \E from, to \in Brokers: from varies fastest
            for frm in self.brokers:
                t = self.send_fetch_request(s, frm, to)
                if t is not None:
                    yield SendFetchRequest(frm, to), t
        for m in self.receivable(s, FetchRequest):
            t = self.receive_fetch_request(s, m)
            if t is not None:
                yield ReceiveFetchRequest(m.dest, m.source, m.fetch_offset), t
        for m in self.receivable(s, FetchResponse):
            t = self.receive_fetch_response(s, m)
            if t is not None:
                yield ReceiveFetchResponse(m.dest, m.source, m.fetch_offset), t
        for v in self.value_names:  # \E b \in Brokers, v \in Values: b varies fastest
            for b in self.brokers:
                t = self.write_record_to_leader(s, b, v)
                if t is not None:
                    yield WriteRecordToLeader(b, v), t
        for b in self.brokers:
            for leader, t in self.unclean_shutdown(s, b):
                yield UncleanShutdown(b, leader), t
        for b in self.brokers:
            for leader, t in self.clean_shutdown(s, b):
                yield CleanShutdown(b, leader), t
        for m in self.receivable(s, RegisterBrokerRequest):
            for leader, t in self.receive_broker_reg_request(s, m):
                yield ReceiveBrokerRegRequest(m.source, leader), t
        for m in self.receivable(s, AlterPartitionRequest):
            error, t = self.receive_alter_partition_request(s, m)
            yield ReceiveAlterPartitionRequest(m.source, error), t
        for b in self.brokers:
            for leader, t in self.fence_broker(s, b):
                yield FenceBroker(b, leader), t
        for b in self.brokers:
            for leader, t in self.unfence_broker(s, b):
                yield UnfenceBroker(b, leader), t

    # -- broker lifecycle ----------------------------------------------------------------

    def broker_start(self, s: State, b: int) -> State | None:
        """BrokerStart: an offline broker starts with a new incarnation id and
        registers."""
        if s.broker_state[b - 1].status not in OFFLINE:
            return None
        incarnation = s.aux_ctrs.incarn_ctr
        return s._replace(
            broker_state=_with(s.broker_state, b, BrokerState(STARTING, 0, incarnation, False)),
            partition_status=_with(s.partition_status, b, None),
            messages=s.messages.send(RegisterBrokerRequest(b, incarnation, CONTROLLER, b)),
            aux_ctrs=s.aux_ctrs._replace(incarn_ctr=incarnation + 1))

    def receive_broker_reg_request(self, s: State, m: RegisterBrokerRequest) -> list:
        """ReceiveBrokerRegRequest: a fenced broker, or an unfenced one of the
        same incarnation, is registered unfenced with a new broker epoch."""
        b = m.source
        reg = s.con_broker_reg[b - 1]
        if not (reg.status == FENCED or reg.incarnation_id == m.incarnation_id):
            return []
        broker_epoch = s.aux_broker_epoch + 1
        response = RegisterBrokerResponse(broker_epoch, len(s.con_metadata_log), b, CONTROLLER)
        con_broker_reg = _with(s.con_broker_reg, b,
                               BrokerReg(UNFENCED, broker_epoch, m.incarnation_id))
        messages = s.messages.reply(response, m)
        return [(leader, s._replace(con_broker_reg=con_broker_reg, messages=messages,
                                    aux_broker_epoch=broker_epoch, **changes))
                for leader, changes in self.handle_broker_unfenced(s, b)]

    def receive_broker_reg_response(self, s: State, m: RegisterBrokerResponse) -> State | None:
        """ReceiveBrokerRegResponse: the broker runs, caught up to the
        controller's log bar one record, its partition not initialized."""
        b = m.dest
        state = s.broker_state[b - 1]
        if state.registered:
            return None
        log = () if m.metadata_offset <= 1 else s.con_metadata_log[:m.metadata_offset - 1]
        return s._replace(
            broker_state=_with(s.broker_state, b, BrokerState(RUNNING, m.broker_epoch,
                                                              state.incarnation_id, True)),
            broker_metadata_log=_with(s.broker_metadata_log, b, log),
            partition_metadata=_with(s.partition_metadata, b,
                                     ReplicaMetadata(frozenset(), frozenset(), None, 0, 0)),
            messages=s.messages.discard(m))

    def unfence_broker(self, s: State, b: int) -> list:
        """UnfenceBroker: the controller unfences a fenced running broker."""
        reg = s.con_broker_reg[b - 1]
        if reg.status != FENCED or s.broker_state[b - 1].status != RUNNING:
            return []
        con_broker_reg = _with(s.con_broker_reg, b, reg._replace(status=UNFENCED))
        return [(leader, s._replace(con_broker_reg=con_broker_reg, **changes))
                for leader, changes in self.handle_broker_unfenced(s, b)]

    def fence_broker(self, s: State, b: int) -> list:
        """FenceBroker: below FenceBrokerLimit, the controller fences an
        unfenced broker."""
        reg = s.con_broker_reg[b - 1]
        if s.aux_ctrs.fence_broker_ctr >= self.FenceBrokerLimit or reg.status != UNFENCED:
            return []
        con_broker_reg = _with(s.con_broker_reg, b, reg._replace(status=FENCED))
        ctrs = s.aux_ctrs._replace(fence_broker_ctr=s.aux_ctrs.fence_broker_ctr + 1)
        return [(leader, s._replace(con_broker_reg=con_broker_reg, aux_ctrs=ctrs, **changes))
                for leader, changes in self.handle_broker_fenced(s, b)]

    # -- metadata ------------------------------------------------------------------------

    def next_metadata_record(self, s: State, b: int) -> int | None:
        """ExistMetadataUpdates and NextMetadataRecord: the offset of the next
        record b acts on (a leader: the next; else the next leader epoch
        bump), or None."""
        log = s.con_metadata_log
        start = len(s.broker_metadata_log[b - 1]) + 1
        if start > len(log):
            return None
        if s.partition_status[b - 1] == LEADER:
            return start
        epoch = s.partition_metadata[b - 1].leader_epoch
        return next((offset for offset in range(start, len(log) + 1)
                     if log[offset - 1].leader_epoch > epoch), None)

    def append_records(self, s: State, b: int, offset: int) -> tuple:
        """append_records: the controller's records after b's last, up to the
        one b acts on."""
        return s.con_metadata_log[len(s.broker_metadata_log[b - 1]):offset]

    def receive_metadata_update(self, s: State, b: int) -> State | None:
        """ReceiveMetadataUpdate: b appends records up to the next it acts
        on and, if its partition epoch is higher, applies it."""
        state = s.broker_state[b - 1]
        if state.status in OFFLINE or not state.registered:
            return None
        offset = self.next_metadata_record(s, b)
        if offset is None:
            return None
        record = s.con_metadata_log[offset - 1]
        curr = s.partition_metadata[b - 1]
        new = ReplicaMetadata(record.isr, record.isr, record.leader, record.leader_epoch,
                              record.partition_epoch)
        is_new_leader = s.partition_status[b - 1] != LEADER and record.leader == b
        metadata_log = _with(s.broker_metadata_log, b, s.broker_metadata_log[b - 1]
                             + self.append_records(s, b, offset))
        if new.partition_epoch <= curr.partition_epoch:
            return s._replace(broker_metadata_log=metadata_log)  # MetadataNoOp
        t = s._replace(broker_metadata_log=metadata_log,
                       partition_metadata=_with(s.partition_metadata, b, new))
        if curr.leader == b and record.leader == b:
            if curr.leader_epoch == new.leader_epoch:
                return self.remain_leader(s, t, b, new)
            return self.become_leader_in_new_epoch(s, t, b, new, is_new_leader)
        if curr.leader != b and record.leader == b:
            return self.become_leader_in_new_epoch(s, t, b, new, is_new_leader)
        if record.leader is not None:
            if (new.leader_epoch == curr.leader_epoch and curr.leader != b
                    and new.leader != b):
                return t  # RemainFollower
            return self.become_follower_in_new_epoch(s, t, b, new)
        return self.wait_for_leader_change(s, t, b, new)

    def remain_leader(self, s: State, t: State, b: int, new: ReplicaMetadata) -> State:
        """RemainLeader: the HWM may advance; a pending request the record
        answers is cleared."""
        changes = self.maybe_update_hwm_on_partition_change(s, b, new.maximal_isr,
                                                            s.partition_data)
        if new.partition_epoch >= s.partition_pending_ap[b - 1].epoch:
            changes["partition_pending_ap"] = _with(s.partition_pending_ap, b, NO_PENDING_AP)
        return t._replace(**changes)

    def become_leader_in_new_epoch(self, s: State, t: State, b: int, new: ReplicaMetadata,
                                   is_new_leader: bool) -> State:
        """BecomeLeaderInNewEpoch: LESO = LEO, peer state reset if newly
        leader, no pending request, the partition off every fetcher."""
        changes = self.maybe_update_hwm_on_partition_change(s, b, new.maximal_isr,
                                                            s.partition_data)
        return t._replace(
            partition_status=_with(s.partition_status, b, LEADER),
            partition_leso=_with(s.partition_leso, b, s.partition_data[b - 1].leo),
            partition_replica_state=(self.reset_replica_state(s, b) if is_new_leader
                                     else s.partition_replica_state),
            partition_pending_ap=_with(s.partition_pending_ap, b, NO_PENDING_AP),
            broker_fetchers=self.remove_partition_from_fetchers(s, b), **changes)

    def ensure_leadership_renounced(self, s: State, b: int, new: ReplicaMetadata) -> dict:
        changes = self.maybe_fail_pending_writes(s, b, new)
        changes["partition_replica_state"] = self.reset_replica_state(s, b)
        changes["partition_pending_ap"] = _with(s.partition_pending_ap, b, NO_PENDING_AP)
        return changes

    def add_partition_to_fetcher(self, s: State, b: int, leader: int,
                                 leader_epoch: int) -> tuple:
        """AddPartitionToFetcher: in a new leader epoch, or if not added to
        the leader's fetcher, the partition is added there from the LEO and
        removed from every other fetcher."""
        fetchers = s.broker_fetchers[b - 1]
        if (leader_epoch <= s.partition_metadata[b - 1].leader_epoch
                and fetchers[leader - 1].partition is not None):
            return s.broker_fetchers
        data = s.partition_data[b - 1]
        added = FetchPartition(data.leo, data.log[-1].epoch if data.log else 0, False)
        return _with(s.broker_fetchers, b, tuple(
            f._replace(partition=added if peer == leader else None)
            for peer, f in zip(self.brokers, fetchers)))

    def become_follower_in_new_epoch(self, s: State, t: State, b: int,
                                     new: ReplicaMetadata) -> State:
        return t._replace(
            partition_status=_with(s.partition_status, b, FOLLOWER),
            broker_fetchers=self.add_partition_to_fetcher(s, b, new.leader, new.leader_epoch),
            partition_leso=_with(s.partition_leso, b, None),
            **self.ensure_leadership_renounced(s, b, new))

    def wait_for_leader_change(self, s: State, t: State, b: int,
                               new: ReplicaMetadata) -> State:
        return t._replace(
            partition_status=_with(s.partition_status, b, None),
            broker_fetchers=self.remove_partition_from_fetchers(s, b),
            partition_leso=_with(s.partition_leso, b, None),
            **self.ensure_leadership_renounced(s, b, new))

    # -- AlterPartition ------------------------------------------------------------------

    def follower_is_caught_up(self, s: State, b: int, follower: int,
                              timed_out: frozenset) -> bool:
        """FollowerIsCaughtUp: fetched, at or past the HWM and the LESO, not
        timed out."""
        leo = s.partition_replica_state[b - 1][follower - 1].leo
        return (leo is not None and leo >= s.partition_data[b - 1].hwm
                and leo >= s.partition_leso[b - 1] and follower not in timed_out)

    def proposed_maximal_isr(self, proposed: frozenset, current: frozenset) -> frozenset:
        """The maximal ISR the leader applies as it sends: proposed \\cup current."""
        return proposed | current

    def send_alter_partition_request(self, s: State, b: int):
        """SendAlterPartitionRequest: each distinct ISR proposal, with the
        request sent and the maximal ISR applied."""
        if (s.aux_ctrs.alter_part_ctr >= self.AlterPartitionLimit
                or s.broker_state[b - 1].status != RUNNING
                or self.pending_alter_partition_response(s, b)
                or s.partition_status[b - 1] != LEADER):
            return
        md = s.partition_metadata[b - 1]
        seen = set()
        for timed_out in self.subsets:
            if b in timed_out:
                continue
            proposed = frozenset(b1 for b1 in self.brokers
                                 if b1 == b or self.follower_is_caught_up(s, b, b1, timed_out))
            if proposed == md.isr or proposed in seen:
                continue
            seen.add(proposed)
            epochs = tuple((b1, s.broker_state[b - 1].broker_epoch if b1 == b
                            else 0 if b1 in md.isr
                            else s.partition_replica_state[b - 1][b1 - 1].broker_epoch)
                           for b1 in sorted(proposed))
            request = AlterPartitionRequest(proposed, epochs, b, md.leader_epoch,
                                            md.partition_epoch,
                                            s.broker_state[b - 1].broker_epoch, b, CONTROLLER)
            yield proposed, s._replace(
                messages=s.messages.send(request),
                partition_metadata=_with(s.partition_metadata, b, md._replace(
                    maximal_isr=self.proposed_maximal_isr(proposed, md.isr))),
                partition_pending_ap=_with(s.partition_pending_ap, b,
                                           PendingAP(md.partition_epoch + 1, request)),
                aux_ctrs=s.aux_ctrs._replace(alter_part_ctr=s.aux_ctrs.alter_part_ctr + 1))

    def validate_request(self, s: State, m: AlterPartitionRequest) -> str | None:
        """ValidateRequest: FencedLeaderEpoch unless from the current leader
        with its broker, partition and leader epochs; IneligibleReplica unless
        every proposed member is unfenced with a matching (or 0) epoch."""
        b = m.source
        md = s.con_partition_metadata
        if not (b == md.leader and m.broker_epoch == s.con_broker_reg[b - 1].broker_epoch
                and m.partition_epoch == md.partition_epoch
                and m.leader_epoch == md.leader_epoch):
            return FENCED_LEADER_EPOCH
        for b1, epoch in m.isr_and_epochs:
            reg = s.con_broker_reg[b1 - 1]
            if reg.status != UNFENCED or not (epoch == 0 or reg.broker_epoch == epoch):
                return INELIGIBLE_REPLICA
        return None

    def receive_alter_partition_request(self, s: State, m: AlterPartitionRequest):
        """ReceiveAlterPartitionRequest: apply the ISR (same leader epoch, next
        partition epoch) and answer it, or answer the error."""
        error = self.validate_request(s, m)
        md = s.con_partition_metadata
        if error is not None:
            response = AlterPartitionResponse(error, None, None, None, None, m, m.source,
                                              CONTROLLER)
            return error, s._replace(messages=s.messages.reply(response, m))
        changes = self.apply_partition_change(s, m.leader, m.isr, md.leader_epoch,
                                              md.partition_epoch + 1)
        response = AlterPartitionResponse(None, m.isr, m.leader, md.leader_epoch,
                                          md.partition_epoch + 1, m, m.source, CONTROLLER)
        return None, s._replace(messages=s.messages.reply(response, m), **changes)

    def receive_alter_partition_response(self, s: State,
                                         m: AlterPartitionResponse) -> State | None:
        """ReceiveAlterPartitionResponse: the running leader's pending
        request's answer commits the change or rolls the maximal ISR back."""
        b = m.dest
        md = s.partition_metadata[b - 1]
        if (s.broker_state[b - 1].status != RUNNING or s.partition_status[b - 1] != LEADER
                or not self.pending_alter_partition_response(s, b)
                or s.partition_pending_ap[b - 1].request != m.request):
            return None
        if m.error is None:
            if m.partition_epoch <= md.partition_epoch:
                return None
            part = ReplicaMetadata(m.isr, m.isr, m.leader, m.leader_epoch, m.partition_epoch)
        else:
            part = md._replace(maximal_isr=md.isr)
        changes = self.maybe_update_hwm_on_partition_change(s, b, part.maximal_isr,
                                                            s.partition_data)
        return s._replace(partition_metadata=_with(s.partition_metadata, b, part),
                          partition_pending_ap=_with(s.partition_pending_ap, b, NO_PENDING_AP),
                          messages=s.messages.discard(m), **changes)

    # -- fetching ------------------------------------------------------------------------

    def send_fetch_makes_progress(self, s: State, b: int) -> bool:
        """__SendFetchMakesProgress: not across leader epochs when delayed (or
        limited), and the leader has records, HWM or news of b's LEO to give."""
        leader = s.partition_metadata[b - 1].leader
        matching = (s.partition_metadata[b - 1].leader_epoch
                    == s.partition_metadata[leader - 1].leader_epoch)
        if not matching and (s.broker_fetchers[b - 1][leader - 1].partition.delayed
                             or self.LimitFetchesOnLeaderEpoch):
            return False
        mine, theirs = s.partition_data[b - 1], s.partition_data[leader - 1]
        known = s.partition_replica_state[leader - 1][b - 1].leo
        return (mine.leo < theirs.leo or mine.hwm < theirs.hwm or known is None
                or known < mine.leo)

    def send_fetch_request(self, s: State, frm: int, to: int) -> State | None:
        """SendFetchRequest: a running follower fetches from its leader."""
        fetcher = s.broker_fetchers[frm - 1][to - 1]
        if (frm == to or s.broker_state[frm - 1].status != RUNNING
                or fetcher.partition is None or fetcher.pending_response
                or s.partition_metadata[frm - 1].leader != to
                or not self.send_fetch_makes_progress(s, frm)):
            return None
        request = FetchRequest(s.broker_state[frm - 1].broker_epoch,
                               s.partition_metadata[frm - 1].leader_epoch,
                               fetcher.partition.fetch_offset,
                               fetcher.partition.last_fetched_epoch, to, frm)
        fetchers = _with(s.broker_fetchers[frm - 1], to, Fetcher(
            fetcher.partition._replace(delayed=False), True))
        return s._replace(messages=s.messages.send(request),
                          broker_fetchers=_with(s.broker_fetchers, frm, fetchers))

    def diverges(self, s: State, b: int, m: FetchRequest) -> EpochOffset | None:
        """The CASE diverging epoch guard: LastOffsetForEpoch below the
        follower's last fetched epoch or fetch offset (None: no divergence)."""
        last = self.last_offset_for_epoch(s, b, m.last_fetched_epoch, True)
        if last.epoch < m.last_fetched_epoch:
            return last
        assert last.offset is not None, "LastOffsetForEpoch's offset is Nil (the spec's error)"
        return last if last.offset < m.fetch_offset else None

    def receive_fetch_request(self, s: State, m: FetchRequest) -> State | None:
        """ReceiveFetchRequest: an error, a diverging epoch, or the leader
        records the fetch, may advance its HWM, and sends the next record."""
        b = m.dest
        md = s.partition_metadata[b - 1]
        if self.LimitFetchesOnLeaderEpoch and m.leader_epoch > md.leader_epoch:
            return None  # __ReceiveFetchMakesProgress
        if s.broker_state[b - 1].status != RUNNING:
            return None
        data = s.partition_data[b - 1]
        if s.partition_status[b - 1] != LEADER or md.leader_epoch != m.leader_epoch:
            error = (UNKNOWN_LEADER_EPOCH if md.leader_epoch < m.leader_epoch
                     else FENCED_LEADER_EPOCH if md.leader_epoch > m.leader_epoch
                     else NOT_LEADER_OR_FOLLOWER)
            response = FetchResponse(error, md.leader_epoch, m.fetch_offset, data.hwm, None, (),
                                     m.source, b)
            return s._replace(messages=s.messages.reply(response, m))
        diverging = self.diverges(s, b, m)
        if diverging is not None:
            response = FetchResponse(None, md.leader_epoch, m.fetch_offset, data.hwm,
                                     diverging, (), m.source, b)
            return s._replace(messages=s.messages.reply(response, m))
        replica_state = _with(s.partition_replica_state[b - 1], m.source,
                              ReplicaState(m.fetch_offset, m.broker_epoch))
        new_hwm = self.commit_offset(s, b, md.maximal_isr, data.leo, replica_state) + 1
        changes = self.maybe_advance_high_watermark(s, b, data.hwm, new_hwm, True,
                                                    s.partition_data)
        records = (data.log[m.fetch_offset - 1],) if m.fetch_offset < data.leo else ()
        response = FetchResponse(None, md.leader_epoch, m.fetch_offset, max(new_hwm, data.hwm),
                                 None, records, m.source, b)
        return s._replace(
            partition_replica_state=_with(s.partition_replica_state, b, replica_state),
            messages=s.messages.reply(response, m), **changes)

    def truncate_to_safe_point(self, s: State, b: int, diverging: EpochOffset) -> PartitionData:
        """TruncateToSafePoint with FindTruncatePoint: the log below the
        highest offset leader and follower agree on; the HWM kept."""
        local = self.last_offset_for_epoch(s, b, diverging.epoch, False)
        assert local.offset is not None, "LastOffsetForEpoch's offset is Nil (the spec's error)"
        if local.epoch != diverging.epoch or local.offset < diverging.offset:
            truncate_to = local.offset
        else:
            truncate_to = diverging.offset
        data = s.partition_data[b - 1]
        if truncate_to > 1:
            return PartitionData(data.log[:truncate_to - 1], data.hwm, truncate_to)
        return PartitionData((), data.hwm, 1)

    def receive_fetch_response(self, s: State, m: FetchResponse) -> State | None:
        """ReceiveFetchResponse: a no-op if stale, a delay on error, a
        truncation on a diverging epoch, else the record appended and the
        HWM taken if within the log."""
        b = m.dest
        fetcher = s.broker_fetchers[b - 1][m.source - 1]
        if s.broker_state[b - 1].status != RUNNING or not fetcher.pending_response:
            return None
        data = s.partition_data[b - 1]
        is_follower = s.partition_status[b - 1] == FOLLOWER and fetcher.partition is not None
        if not is_follower or fetcher.partition.fetch_offset != m.fetch_offset:
            fetcher, data = fetcher._replace(pending_response=False), data
        elif m.error is not None:
            fetcher = Fetcher(fetcher.partition._replace(delayed=True), False)
        elif m.diverging_epoch is not None:
            data = self.truncate_to_safe_point(s, b, m.diverging_epoch)
            fetcher = Fetcher(FetchPartition(data.leo, data.log[-1].epoch if data.log else 0,
                                             False), False)
        else:
            if data.leo != m.fetch_offset:
                return None
            new_leo = len(data.log) + len(m.records) + 1
            last_fetched_epoch = (m.records[-1].epoch if m.records
                                  else fetcher.partition.last_fetched_epoch)
            data = PartitionData(data.log + m.records,
                                 m.hwm if m.hwm <= new_leo else data.hwm, new_leo)
            fetcher = Fetcher(FetchPartition(new_leo, last_fetched_epoch, False), False)
        return s._replace(
            partition_data=_with(s.partition_data, b, data),
            broker_fetchers=_with(s.broker_fetchers, b,
                                  _with(s.broker_fetchers[b - 1], m.source, fetcher)),
            messages=s.messages.discard(m))

    # -- producing -----------------------------------------------------------------------

    def write_commit_offset(self, s: State, b: int, new_leo: int) -> int:
        """CommitOffsetOnWrite."""
        return self.commit_offset(s, b, s.partition_metadata[b - 1].maximal_isr, new_leo,
                                  s.partition_replica_state[b - 1])

    def write_record_to_leader(self, s: State, b: int, v: str) -> State | None:
        """WriteRecordToLeader: a running leader with a maximal ISR of at least
        MinISR appends v; the HWM may advance."""
        md = s.partition_metadata[b - 1]
        if (v in s.inv_sent or s.broker_state[b - 1].status != RUNNING
                or s.partition_status[b - 1] != LEADER or len(md.maximal_isr) < self.MinISR):
            return None
        data = s.partition_data[b - 1]
        new_leo = data.leo + 1
        new_hwm = self.write_commit_offset(s, b, new_leo) + 1
        changes = {}
        if new_hwm > data.hwm:
            changes = self.update_hwm_invariant_vars(s, b, data.hwm, new_hwm, True)
        written = PartitionData(data.log + (Record(md.leader_epoch, data.leo, v),),
                                max(new_hwm, data.hwm), new_leo)
        return s._replace(partition_data=_with(s.partition_data, b, written),
                          inv_sent=s.inv_sent | {v}, **changes)

    # -- shutdowns -----------------------------------------------------------------------

    def drop_fetch_sessions(self, s: State, b: int) -> dict:
        """DropFetchSessions: b's fetch requests and responses undeliverable,
        its fetchers blank, and fetches pending on b failed (delayed)."""
        messages = s.messages.drop_all(lambda m: type(m) in (FetchRequest, FetchResponse)
                                       and b in (m.dest, m.source))
        fetchers = []
        for b1 in self.brokers:
            own = s.broker_fetchers[b1 - 1]
            f = own[b - 1]
            if b1 == b:
                own = (BLANK_FETCHER,) * self.ReplicationFactor
            elif f.pending_response and f.partition is not None:
                own = _with(own, b, Fetcher(f.partition._replace(delayed=True), False))
            elif f.pending_response:
                own = _with(own, b, f._replace(pending_response=False))
            fetchers.append(own)
        return {"messages": messages, "broker_fetchers": tuple(fetchers)}

    def fail_pending_writes_if_leader(self, s: State, b: int) -> dict:
        data = s.partition_data[b - 1]
        if s.partition_status[b - 1] == LEADER and data.hwm < data.leo:
            return self.send_acks_for(s, b, data.hwm, data.leo - 1, False)
        return {}

    def shutdown(self, s: State, b: int, status: str) -> list:
        """What both shutdowns do: offline, fetch sessions dropped, peer state
        blank, pending writes failed if leader, fenced by the controller."""
        reg = s.con_broker_reg[b - 1]
        common = dict(
            broker_state=_with(s.broker_state, b, BrokerState(status, 0, 0, False)),
            partition_status=_with(s.partition_status, b, None),
            partition_replica_state=self.reset_replica_state(s, b),
            partition_pending_ap=_with(s.partition_pending_ap, b, NO_PENDING_AP),
            con_broker_reg=_with(s.con_broker_reg, b, reg._replace(status=FENCED)),
            **self.drop_fetch_sessions(s, b), **self.fail_pending_writes_if_leader(s, b))
        return [(leader, s._replace(**common, **changes))
                for leader, changes in self.handle_broker_fenced(s, b)]

    def unclean_shutdown(self, s: State, b: int) -> list:
        """UncleanShutdown: below its limit and before any FenceBroker, an
        online broker stops and loses its log."""
        md = s.con_partition_metadata
        if (s.aux_ctrs.unclean_shutdown_ctr >= self.UncleanShutdownLimit
                or s.broker_state[b - 1].status in OFFLINE
                or (self.AvoidLastReplicaStanding and md.leader == b and len(md.isr) <= 1)
                or s.aux_ctrs.fence_broker_ctr != 0):
            return []
        ctrs = s.aux_ctrs._replace(unclean_shutdown_ctr=s.aux_ctrs.unclean_shutdown_ctr + 1)
        return [(leader, t._replace(partition_data=_with(s.partition_data, b, EMPTY_DATA),
                                    partition_leso=_with(s.partition_leso, b, None),
                                    aux_ctrs=ctrs))
                for leader, t in self.shutdown(s, b, OFFLINE_DIRTY)]

    def clean_shutdown(self, s: State, b: int) -> list:
        """CleanShutdown: below its limit, an online broker stops, keeping its log."""
        if (s.aux_ctrs.clean_shutdown_ctr >= self.CleanShutdownLimit
                or s.broker_state[b - 1].status in OFFLINE):
            return []
        ctrs = s.aux_ctrs._replace(clean_shutdown_ctr=s.aux_ctrs.clean_shutdown_ctr + 1)
        return [(leader, t._replace(aux_ctrs=ctrs))
                for leader, t in self.shutdown(s, b, OFFLINE_CLEAN)]

    # -- the cfg's VIEW ------------------------------------------------------------------

    def view(self, s: State) -> State:
        """view == << con_vars, broker_vars, part_vars, messages, inv_vars >>:
        every variable but aux_broker_epoch and aux_ctrs."""
        return s._replace(aux_broker_epoch=0, aux_ctrs=None)

    def nodes(self):
        return tuple(f"b{b}" for b in self.brokers) + (CONTROLLER,)

    def state_view(self, s: State) -> dict:
        """Reports name a broker's part of a variable by broker id, 1-based as in
        the spec (``partition_data[2]``), and each message with its count."""
        view = {}
        for field, value in zip(State._fields, s):
            if field == "messages":
                for m, count in value.items():
                    view[f"messages[{_show(m)}]"] = count
            elif field in ("broker_fetchers", "partition_replica_state"):  # [broker][peer]
                for b, row in zip(self.brokers, value):
                    for peer, part in zip(self.brokers, row):
                        view[f"{field}[{b}][{peer}]"] = _show(part)
            elif field in _PER_BROKER:
                for b, part in zip(self.brokers, value):
                    view[f"{field}[{b}]"] = _top(part)
            else:
                view[field] = _top(value)
        return view

    # -- properties (v3_5_properties.tla) ------------------------------------------------

    def is_non_stale_leader(self, s: State, b: int) -> bool:
        return (s.partition_status[b - 1] == LEADER
                and s.partition_metadata[b - 1].leader_epoch
                == s.con_partition_metadata.leader_epoch)

    @invariant("Valid Leader Maximal ISR")
    def valid_leader_maximal_isr(self, s: State):
        """ValidLeaderMaximalISR: a non-stale leader's maximal ISR is its ISR
        unless a request is pending, and contains the controller's ISR."""
        for b in self.brokers:
            if not self.is_non_stale_leader(s, b):
                continue
            md = s.partition_metadata[b - 1]
            if not self.pending_alter_partition_response(s, b) and md.maximal_isr != md.isr:
                return Fails(f"leader {b} has no pending AlterPartition but its maximal ISR "
                             f"{sorted(md.maximal_isr)} is not its ISR {sorted(md.isr)}")
            if not s.con_partition_metadata.isr <= md.maximal_isr:
                return Fails(f"leader {b}'s maximal ISR {sorted(md.maximal_isr)} lacks "
                             f"members of the controller's ISR "
                             f"{sorted(s.con_partition_metadata.isr)}")
        return True

    @invariant("Controller ISR Has Up To True HWM")
    def controller_isr_has_up_to_true_hwm(self, s: State):
        """ControllerIsrHasUpToTrueHWM: no running ISR member's LEO is below
        the true HWM."""
        for b in sorted(s.con_partition_metadata.isr):
            if (s.partition_data[b - 1].leo < s.inv_true_hwm
                    and s.broker_state[b - 1].status == RUNNING):
                return Fails(f"ISR member {b} is running with LEO {s.partition_data[b - 1].leo} "
                             f"below the true HWM {s.inv_true_hwm}")
        return True

    @invariant("Leader Has Complete Committed Log")
    def leader_has_complete_committed_log(self, s: State):
        """LeaderHasCompleteCommittedLog: the controller's leader has every
        positively acknowledged value."""
        leader = s.con_partition_metadata.leader
        if leader is None:
            return True
        values = {r.value for r in s.partition_data[leader - 1].log}
        for v in sorted(s.inv_pos_acked):
            if v not in values:
                return Fails(f"leader {leader} lacks the acknowledged value {v}")
        return True

    @invariant("No Partition Log Divergence")
    def no_partition_log_divergence(self, s: State):
        """NoPartitionLogDivergence: below both HWMs, two logs agree."""
        for offset in range(1, self.values + 1):
            below = [b for b in self.brokers if s.partition_data[b - 1].leo > offset
                     and s.partition_data[b - 1].hwm > offset]
            for b1 in below:
                for b2 in below:
                    v1 = s.partition_data[b1 - 1].log[offset - 1].value
                    v2 = s.partition_data[b2 - 1].log[offset - 1].value
                    if v1 != v2:
                        return Fails(f"brokers {b1} and {b2} have {v1} and {v2} at offset "
                                     f"{offset}, below both HWMs")
        return True

    @invariant("No Metadata Log Divergence")
    def no_metadata_log_divergence(self, s: State):
        """NoMetadataLogDivergence: each broker's metadata log is a prefix of
        the controller's."""
        for b in self.brokers:
            for offset, record in enumerate(s.broker_metadata_log[b - 1][:len(s.con_metadata_log)],
                                            start=1):
                if record != s.con_metadata_log[offset - 1]:
                    return Fails(f"broker {b}'s metadata record {offset} differs from the "
                                 f"controller's")
        return True

    @invariant("Consumed Records Match Leader Log")
    def consumed_records_match_leader_log(self, s: State):
        """ConsumedRecordsMatchLeaderLog: a non-stale leader's log begins with
        every record consumers have read."""
        for b in self.brokers:
            if not self.is_non_stale_leader(s, b):
                continue
            log = s.partition_data[b - 1].log
            for offset, record in enumerate(s.inv_consumed, start=1):
                if offset > len(log) or log[offset - 1] != record:
                    return Fails(f"leader {b}'s log differs from the consumed record at "
                                 f"offset {offset}")
        return True


# -- mutants: each overrides one method ---------------------------------------------------


@KafkaReplication.mutant(
    "eager_isr_shrink", "SendAlterPartitionRequest applies the proposed ISR as the "
    "leader's maximal ISR, not proposed \\cup current: the leader acts on a shrink the "
    "controller has not committed (what KIP-497's maximal ISR prevents)")
class EagerIsrShrink(KafkaReplication):
    """The maximal ISR is the proposed ISR alone."""

    def proposed_maximal_isr(self, proposed: frozenset, current: frozenset) -> frozenset:
        return proposed


@KafkaReplication.mutant(
    "hwm_without_isr", "IsCommitted counts a record committed once any one follower of the "
    "maximal ISR has it, not every one: the HWM advances past ISR members that lack "
    "the record")
class HwmWithoutIsr(KafkaReplication):
    """\\E, not \\A, over the maximal ISR's followers."""

    def is_committed(self, b: int, maximal_isr: frozenset, replica_state: tuple,
                     offset: int) -> bool:
        return any(b1 != b and replica_state[b1 - 1].leo is not None
                   and replica_state[b1 - 1].leo > offset for b1 in maximal_isr)


@KafkaReplication.mutant(
    "unclean_leader_election", "The controller elects any unfenced broker, in the ISR or "
    "not (unclean.leader.election.enable=true): a leader without acknowledged records")
class UncleanLeaderElection(KafkaReplication):
    """Leader candidates are the unfenced brokers."""

    def leader_candidates(self, s: State, new_isr: frozenset, new_unfenced: frozenset) -> list:
        return sorted(new_unfenced)


@KafkaReplication.mutant(
    "no_diverging_epoch_check", "The leader never answers a diverging epoch (no "
    "last_fetched_epoch check, Kafka before KIP-101 and KIP-279): a follower keeps a "
    "deposed leader's record and takes the new leader's HWM over it")
class NoDivergingEpochCheck(KafkaReplication):
    """No fetch diverges."""

    def diverges(self, s: State, b: int, m: FetchRequest) -> EpochOffset | None:
        return None


@KafkaReplication.mutant(
    "skip_isr_only_records", "A follower that skips ISR-only metadata records (the spec's "
    "state-space reduction) drops them from its metadata log instead of appending them: "
    "its log diverges from the controller's")
class SkipIsrOnlyRecords(KafkaReplication):
    """Only the record acted on is appended."""

    def append_records(self, s: State, b: int, offset: int) -> tuple:
        return (s.con_metadata_log[offset - 1],)


@KafkaReplication.mutant(
    "leader_truncates_to_hwm", "A new leader truncates its log to its own HWM (the "
    "HWM-based truncation KIP-101 replaced, on the leader): a follower's HWM lags the "
    "leader's, so the new leader drops records consumers have read")
class LeaderTruncatesToHwm(KafkaReplication):
    """BecomeLeaderInNewEpoch truncates b's log to its HWM in place of
    MaybeUpdateHwmOnPartitionChange (no HWM advance, no acks in the step)."""

    def become_leader_in_new_epoch(self, s: State, t: State, b: int, new: ReplicaMetadata,
                                   is_new_leader: bool) -> State:
        t = super().become_leader_in_new_epoch(s, t, b, new, is_new_leader)
        data = s.partition_data[b - 1]
        truncated = PartitionData(data.log[:data.hwm - 1], data.hwm, data.hwm)
        return t._replace(partition_data=_with(s.partition_data, b, truncated),
                          inv_pos_acked=s.inv_pos_acked, inv_neg_acked=s.inv_neg_acked,
                          inv_true_hwm=s.inv_true_hwm, inv_consumed=s.inv_consumed)
