"""Viewstamped Replication Revisited (Liskov and Cowling, MIT-CSAIL-TR-2012-021)
as Jack Vanlightly's VSR.tla writes it (Vanlightly/vsr-tlaplus,
vsr-revisited/paper/VSR.tla and VSR.cfg, commit 7566e8a; the two files last
changed in ba4ac55, "First draft recovery sub-protocol"): a user's plain
`checker.Model`, one method per operator of the spec's Next, each guard and
effect as the spec states it.

VSR is primary-backup replication with view changes: the primary of view v
(replica ``1 + (v - 1) % ReplicaCount``) appends a client request to its
log and broadcasts Prepare; backups that are in order append and answer
PrepareOk; once f of them have, the primary executes the operation and acks
the client. A backup whose timer fires starts view v + 1 (StartViewChange);
a replica that hears of f StartViewChanges of its view sends the new
primary a DoViewChange with its log; the new primary, with f + 1 of them,
takes the log of the highest last-normal view (then op number) and sends
StartView. A replica that sees a Prepare of a higher view with a gap
truncates its log to its commit number and fetches the rest (GetState,
NewState); a restarted replica recovers its state from the primary
(Recovery, RecoveryResponse).

The network is the spec's own function from message to a delivery count
whose domain never shrinks, the kit's `counts` (raft.tla's message-count
function): receiving a message lowers its count, to 0 at the last copy,
and the message stays in the domain, which ``SendOnce`` (GetState is sent
once, ever) and ``UniqueNumber`` (a restart's nonce is one more than every
Recovery message's ever sent) read: it is part of the state (as in
KRaft.tla, the same author's). SendFunc is its `send`, DiscardFunc its
`discard`, DiscardAndSend its `reply`, BroadcastFunc its `send_all` of
the copies; it iterates DOMAIN messages in TLC's order (`_message_order`).
Why a plain model, not the kit's nodes: the replicas keep received messages
whole (``rep_svc_recv``, ``rep_dvc_recv``, ``rep_rec_recv``) and choose
among them with TLC's CHOOSE, which picks by TLC's order of values (below):
the messages are the spec's records, field for field. The renaming of
values under symmetry is derived from the types by the kit's `Symmetric`
(the state's and messages' fields are typed; ``Value`` is the set
"values"); the actions name values as strings, as TLC prints them, and
`permute_action` renames them.

Action by action (``r`` the replica acting or receiving, ``m`` the message):

- TimerSendSVC(r): below StartViewOnTimerLimit (``aux_svc``), a replica
  that is not the primary of its view (any status) moves to view + 1 in
  ViewChange, forgets the SVCs and DVCs it has and its sent flags, and
  broadcasts a StartViewChange.
- ReceiveHigherSVC(r, m): an SVC of a higher view: r moves to it in
  ViewChange with ``{m}`` its SVCs, no DVCs, flags reset, and broadcasts
  its own SVC. ReceiveMatchingSVC(r, m): an SVC of r's view while r is in
  ViewChange is recorded.
- SendDVC(r): in ViewChange with at least ``ReplicaCount \\div 2`` SVCs
  and no DVC sent: r sends its DVC (log, last normal view, op and commit
  numbers) to the view's primary, or records it if it is that primary.
- ReceiveHigherDVC(r, m): a DVC of a higher view: as ReceiveHigherSVC with
  ``{m}`` its DVCs and no SVCs. ReceiveMatchingDVC(r, m): a DVC of r's view
  is recorded (any status).
- SendSV(r): in ViewChange with ``ReplicaCount \\div 2 + 1`` DVCs and no SV
  sent: r takes the log of HighestLog (CHOOSE, see below), its length as op
  number and the highest commit number, becomes Normal, resets its
  peer op numbers and broadcasts StartView (its SVCs and DVCs stay).
- ReceiveSV(r, m): a StartView of r's view or higher: r takes its view,
  log and numbers, becomes Normal, forgets SVCs and DVCs and its flags,
  and answers the primary PrepareOk if its old commit number is below the
  message's op number.
- ReceiveClientRequest(r, v): the primary of its view, Normal, with its
  client's last request executed, takes value v never requested before,
  appends it and broadcasts Prepare; ``aux_client_acked[v]`` is FALSE.
- ReceivePrepareMsg(r, m): Normal, same view, the next op: r appends it,
  takes the message's commit number and client row, answers PrepareOk.
- ReceivePrepareOkMsg(r, m): the primary, Normal, same view, records the
  sender's higher op number.
- ExecuteOp(r): the primary, Normal, with ``ReplicaCount \\div 2`` peers at
  its commit number + 1, commits it, marks its client's request executed
  and acks the value (``aux_client_acked[v]`` TRUE).
- SendGetState(r, rDest, m): a backup, Normal, holding a Prepare of a
  higher view with a gap after its op number: truncates its log to
  min(commit number, length), takes the message's view (as its last normal
  view too) and sends rDest (any other replica) a GetState, once ever; the
  Prepare stays.
- ReceiveGetState(r, m): Normal, same view, a longer log: r answers with
  NewState, the entries after the asker's op number.
- ReceiveNewState(r, m): Normal, same view, its op number just before the
  entries: r appends them and takes the op number (not the commit number).
- RestartEmpty(r): below RestartEmptyLimit (``aux_restart``), r loses
  everything and is Recovering with nonce UniqueNumber, broadcast in a
  Recovery message. ReceivesRecoveryMsg(r, m): a Normal replica answers
  with its view and, if it is the primary, its log and numbers (else Nil).
  ReceivesRecoveryResponseMsg(r, m): a Recovering r records a response to
  its nonce. CompleteRecovery(r): with more than ``ReplicaCount \\div 2``
  responses, one from a primary (CHOOSE, below), r takes its view, log and
  numbers and is Normal.

TLC's choices, kept exactly: the spec's CHOOSEs pick, of the messages that
qualify, the least in TLC's order of values, which decides which of two
equally good logs wins (HighestLog) and which primary a recovering replica
follows (CompleteRecovery). TLC orders records by their field names in the
order the parser first met them in VSR.tla (view_number, operation,
client_id, request_number, type, message, op_number, commit_number, dest,
source, log, last_normal_vn, x, first_op: the order TLC prints them), then
field by field; a sequence by its length first; a model value (Nil) before
a number. Each message record's fields are declared in that order and
`_tlc_key` is the comparison. Successors come in TLC's order: Next's
disjuncts in turn, and each ``\\E x \\in S, y \\in T`` with x varying
fastest (docs/tlc.md), over DOMAIN messages in TLC's order, so that a
counterexample is TLC's, action for action. (With the VIEW, which state of a
view is kept could depend on that order; on the bounds tested it does not:
the counts are the same with the successors reversed.)

Constants: ``replicas`` is ReplicaCount (replicas are the numbers 1..N, as
in the spec), ``values`` Cardinality(Values) (``v1`` .. ``vK``),
StartViewOnTimerLimit and RestartEmptyLimit keep the spec's names.
ClientCount is 1, as the cfg has it, and not a parameter: with two clients
TLC stops with an error in ReceivePrepareMsg, whose client-table update
reads ``m.commit``, a field a Prepare does not have. The status and message
type constants are strings. The state space is finite without a
CONSTRAINT. A state with no step has used every timer on every bound
checked without restarts (`bound_reason` says so; TLC runs with
``-deadlock``). With a restart a run can stop with timers left, a real
deadlock that TLC without ``-deadlock`` reports too: TimerSendSVC needs a
replica that is not the primary of its own view, and a Recovering replica
1 in view 1 next to replica 2 in view 2's ViewChange has none, nor anyone
to answer its Recovery (2 replicas, 1 value, 2 timers, 1 restart: 5
steps).

The cfg's ``VIEW view`` leaves out the aux variables (aux_svc,
aux_restart, aux_client_acked): the parameter ``VIEW`` (on by default, as
in the cfg) is it. The invariants read aux_client_acked, which the view
leaves out: a state whose view was reached before is not checked, in TLC
as here, so a violation can be found later with the VIEW than without (two
restarts of 2 replicas, which RestartEmpty does not forbid, lose an acked
write: 7 steps with the VIEW, 6 without, for TLC too). Its ``SYMMETRY
symmValues`` is the set "values".

Invariants: the cfg's AcknowledgedWriteNotLost, and the two it comments
out, AcknowledgedWritesExistOnMajority and NoLogDivergence. NoLogDivergence
as written cannot fail: it compares ``rep_log[r1][op_number]`` with itself
(``rep_log[r1][op_number] # rep_log[r1][op_number]``); it is here as
written, and ``NoLogDivergenceBetweenReplicas`` (ours, checked only when
named) compares r1's entry with r2's, as evidently meant; the unmutated
spec violates that one (logs legitimately differ at uncommitted ops after
a view change). The spec has no type invariant. Each invariant that can
fail fails under a mutant below (commit_without_quorum,
start_view_without_quorum), and in the spec itself the state-transfer
defect the spec's header describes breaks AcknowledgedWriteNotLost with 3
values and 3 timer view changes: beyond exhaustive search here, as for the
author, whose 23-step trace (state_transfer_violation_trace.txt) this model
replays step for step to the lost write (tests/models/test_user_vsr.py).

Differences from the text: none in behaviour. ``replicas`` and ``clients``
are constants, not variables (no action changes them); Nil is None.
"""

from __future__ import annotations

from itertools import permutations
from typing import NamedTuple

from checker import Fails, Model, Param, invariant, reachable
from models.kit import Counts, Symmetric, counts, ids, indexed_by

Value = ids("values", "v", first=1)  # interchangeable: SYMMETRY symmValues

# Status
NORMAL, VIEW_CHANGE, RECOVERING = "Normal", "ViewChange", "Recovering"
# Message types
PREPARE, PREPARE_OK = "PrepareMsg", "PrepareOkMsg"
SVC, DVC, SV = "StartViewChangeMsg", "DoViewChangeMsg", "StartViewMsg"
GET_STATE, NEW_STATE = "GetStateMsg", "NewStateMsg"
RECOVERY, RECOVERY_RESPONSE = "RecoveryMsg", "RecoveryResponseMsg"
CLIENT = 1  # ClientCount = 1: the one client's id


# -- records: fields in TLC's order of record fields (see the docstring) ------------------


class Entry(NamedTuple):
    """A log entry (LogEntryType); the operation is a value's index, v1 = 0."""

    view_number: int
    operation: Value
    client_id: int
    request_number: int


class ClientRow(NamedTuple):
    """rep_client_table[r][c] (EmptyClientTableRow at first)."""

    request_number: int = 0
    op_number: int = 0
    executed: bool = True


# Every message starts with its view number (Recovery has none) then type,
# so that two messages of different types never compare equal as tuples.
class Prepare(NamedTuple):
    view_number: int
    type: str
    message: Entry
    op_number: int
    commit_number: int
    dest: int | None
    source: int


class PrepareOk(NamedTuple):
    view_number: int
    type: str
    op_number: int
    dest: int | None
    source: int


class StartViewChange(NamedTuple):
    view_number: int
    type: str
    dest: int | None
    source: int


class DoViewChange(NamedTuple):
    view_number: int
    type: str
    op_number: int
    commit_number: int
    dest: int | None
    source: int
    log: tuple[Entry, ...]
    last_normal_vn: int


class StartView(NamedTuple):
    view_number: int
    type: str
    op_number: int
    commit_number: int
    dest: int | None
    source: int
    log: tuple[Entry, ...]


class GetState(NamedTuple):
    view_number: int
    type: str
    op_number: int
    dest: int | None
    source: int


class NewState(NamedTuple):
    """``log`` holds the entries first_op .. op_number (the spec's function
    with that domain)."""

    view_number: int
    type: str
    op_number: int
    commit_number: int
    dest: int | None
    source: int
    log: tuple[Entry, ...]
    first_op: int


class Recovery(NamedTuple):
    type: str
    dest: int | None
    source: int
    x: int


class RecoveryResponse(NamedTuple):
    """``log``, ``op_number`` and ``commit_number`` are None (Nil) from a
    replica that is not the primary of its view."""

    view_number: int
    type: str
    op_number: int | None
    commit_number: int | None
    dest: int | None
    source: int
    log: tuple[Entry, ...] | None
    x: int


def _tlc_key(value):
    """TLC's order of values, as a Python key: Nil before numbers, a
    sequence by its length first, a record field by field (the records
    above are declared in TLC's order of their fields)."""
    if value is None:
        return (0,)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    if isinstance(value, Entry) or hasattr(value, "_fields"):
        return (3,) + tuple(_tlc_key(field) for field in value)
    return (4, len(value)) + tuple(_tlc_key(element) for element in value)


def _message_order(message) -> tuple:
    """TLC's order of DOMAIN messages: records with fewer fields first, then
    field by field (every type here has its own field names)."""
    return (len(message), message.type, _tlc_key(message))


Message = (Prepare | PrepareOk | StartViewChange | DoViewChange | StartView | GetState
           | NewState | Recovery | RecoveryResponse)
Messages = counts(Message, order=_message_order)  # DOMAIN messages in TLC's order


class State(NamedTuple):
    """The spec's variables; per-replica ones are tuples by replica (1
    first), ``aux_client_acked`` by value (None: not in its domain),
    ``messages`` the message-count function."""

    rep_status: tuple[str, ...]
    rep_log: tuple[tuple[Entry, ...], ...]
    rep_view_number: tuple[int, ...]
    rep_op_number: tuple[int, ...]
    rep_commit_number: tuple[int, ...]
    rep_peer_op_number: tuple[tuple[int, ...], ...]
    rep_client_table: tuple[ClientRow, ...]
    rep_last_normal_view: tuple[int, ...]
    rep_svc_recv: tuple[frozenset[StartViewChange], ...]
    rep_dvc_recv: tuple[frozenset[DoViewChange], ...]
    rep_sent_dvc: tuple[bool, ...]
    rep_sent_sv: tuple[bool, ...]
    rep_rec_number: tuple[int, ...]
    rep_rec_recv: tuple[frozenset[RecoveryResponse], ...]
    messages: Messages
    aux_svc: int
    aux_restart: int
    aux_client_acked: indexed_by(Value, bool | None)


# -- actions: the spec's, a received message told by its receiver, sender and view


class TimerSendSVC(NamedTuple):
    r: int


class ReceiveHigherSVC(NamedTuple):
    r: int
    source: int
    view: int


class ReceiveMatchingSVC(NamedTuple):
    r: int
    source: int
    view: int


class SendDVC(NamedTuple):
    r: int


class ReceiveHigherDVC(NamedTuple):
    r: int
    source: int
    view: int


class ReceiveMatchingDVC(NamedTuple):
    r: int
    source: int
    view: int


class SendSV(NamedTuple):
    r: int


class ReceiveSV(NamedTuple):
    r: int
    source: int
    view: int


class ReceiveClientRequest(NamedTuple):
    r: int
    v: str


class ReceivePrepareMsg(NamedTuple):
    r: int
    source: int
    view: int
    op: int


class ReceivePrepareOkMsg(NamedTuple):
    r: int
    source: int
    view: int
    op: int


class ExecuteOp(NamedTuple):
    r: int


class SendGetState(NamedTuple):
    r: int
    rDest: int
    view: int
    op: int


class ReceiveGetState(NamedTuple):
    r: int
    source: int
    view: int
    op: int


class ReceiveNewState(NamedTuple):
    r: int
    source: int
    view: int
    op: int


class RestartEmpty(NamedTuple):
    r: int


class ReceivesRecoveryMsg(NamedTuple):
    r: int
    source: int
    x: int


class ReceivesRecoveryResponseMsg(NamedTuple):
    r: int
    source: int
    x: int


class CompleteRecovery(NamedTuple):
    r: int


ACTIONS = (TimerSendSVC, ReceiveHigherSVC, ReceiveMatchingSVC, SendDVC, ReceiveHigherDVC,
           ReceiveMatchingDVC, SendSV, ReceiveSV, ReceiveClientRequest, ReceivePrepareMsg,
           ReceivePrepareOkMsg, ExecuteOp, SendGetState, ReceiveGetState, ReceiveNewState,
           RestartEmpty, ReceivesRecoveryMsg, ReceivesRecoveryResponseMsg, CompleteRecovery)


def _with(values: tuple, r: int, value) -> tuple:
    """[values EXCEPT ![r] = value], replica r counted from 1."""
    return values[:r - 1] + (value,) + values[r:]


def _value(v: int) -> str:
    return f"v{v + 1}"


class VSR(Symmetric, Model):
    name = "vsr"
    summary = "Viewstamped Replication Revisited (Jack Vanlightly's VSR.tla)"
    params = (Param("replicas", 3, "ReplicaCount: replicas 1..N", minimum=2, maximum=5),
              Param("values", 2, "Cardinality(Values): client values v1..vK", minimum=1,
                    maximum=4),
              Param("StartViewOnTimerLimit", 2, "StartViewOnTimerLimit: TimerSendSVC at most "
                    "this many times in all", minimum=0, maximum=6),
              Param("RestartEmptyLimit", 0, "RestartEmptyLimit: RestartEmpty at most this "
                    "many times in all", minimum=0, maximum=4),
              Param("VIEW", True, "VSR.cfg's VIEW view: states that differ only in the aux "
                    "variables (aux_svc, aux_restart, aux_client_acked) are one state"))
    actions = ACTIONS
    state_type = State
    symmetry_sets = ("values",)

    def setup(self) -> None:
        self.everyone = tuple(range(1, self.replicas + 1))
        self.all_values = tuple(range(self.values))

    # -- helpers ---------------------------------------------------------------------------

    def primary(self, v: int) -> int:
        """Primary(v) == 1 + ((v-1) % ReplicaCount)."""
        return 1 + (v - 1) % self.replicas

    def is_primary(self, s: State, r: int) -> bool:
        return self.primary(s.rep_view_number[r - 1]) == r

    @staticmethod
    def pending(s: State) -> dict:
        """The messages m of DOMAIN messages with messages[m] > 0, by type, in
        TLC's order (ReceivableMsg but for its receiver)."""
        by_type = {}
        for m in s.messages.receivable():
            by_type.setdefault(m.type, []).append(m)
        return by_type

    @staticmethod
    def by_receiver(pending: dict, mtype: str):
        """``\\E m \\in DOMAIN messages, r \\in replicas`` with ReceivableMsg:
        r varies fastest, so the messages come by receiver, then in order."""
        return sorted(pending.get(mtype, ()), key=lambda m: m.dest)

    # -- the network: SendFunc, DiscardFunc and SendOnce are the kit's (Counts) -----------

    def broadcast(self, messages: Counts, m, source: int) -> Counts:
        """BroadcastFunc: m with each other replica as dest, one more copy each."""
        return messages.send_all(m._replace(dest=r) for r in self.everyone if r != source)

    @staticmethod
    def svc(r: int, view_number: int) -> StartViewChange:
        """NewSVCMessage(r, view_number), dest replaced in the broadcast."""
        return StartViewChange(view_number, SVC, None, r)

    # -- Init ------------------------------------------------------------------------------

    def initial_states(self):
        n = self.replicas
        yield State(rep_status=(NORMAL,) * n, rep_log=((),) * n, rep_view_number=(1,) * n,
                    rep_op_number=(0,) * n, rep_commit_number=(0,) * n,
                    rep_peer_op_number=((0,) * n,) * n, rep_client_table=(ClientRow(),) * n,
                    rep_last_normal_view=(0,) * n, rep_svc_recv=(frozenset(),) * n,
                    rep_dvc_recv=(frozenset(),) * n, rep_sent_dvc=(False,) * n,
                    rep_sent_sv=(False,) * n, rep_rec_number=(0,) * n,
                    rep_rec_recv=(frozenset(),) * n, messages=Messages(), aux_svc=0, aux_restart=0,
                    aux_client_acked=(None,) * self.values)

    # -- Next, in the spec's order ---------------------------------------------------------

    def successors(self, s: State):
        pending = self.pending(s)
        for r in self.everyone:
            t = self.timer_send_svc(s, r)
            if t is not None:
                yield TimerSendSVC(r), t
        for m in self.by_receiver(pending, SVC):
            t = self.receive_higher_svc(s, m.dest, m)
            if t is not None:
                yield ReceiveHigherSVC(m.dest, m.source, m.view_number), t
        for m in self.by_receiver(pending, SVC):
            t = self.receive_matching_svc(s, m.dest, m)
            if t is not None:
                yield ReceiveMatchingSVC(m.dest, m.source, m.view_number), t
        for r in self.everyone:
            t = self.send_dvc(s, r)
            if t is not None:
                yield SendDVC(r), t
        for m in self.by_receiver(pending, DVC):
            t = self.receive_higher_dvc(s, m.dest, m)
            if t is not None:
                yield ReceiveHigherDVC(m.dest, m.source, m.view_number), t
        for m in self.by_receiver(pending, DVC):
            t = self.receive_matching_dvc(s, m.dest, m)
            if t is not None:
                yield ReceiveMatchingDVC(m.dest, m.source, m.view_number), t
        for r in self.everyone:
            t = self.send_sv(s, r)
            if t is not None:
                yield SendSV(r), t
        for m in self.by_receiver(pending, SV):
            t = self.receive_sv(s, m.dest, m)
            if t is not None:
                yield ReceiveSV(m.dest, m.source, m.view_number), t
        for v in self.all_values:  # \E r, c, v: r fastest
            for r in self.everyone:
                t = self.receive_client_request(s, r, v)
                if t is not None:
                    yield ReceiveClientRequest(r, _value(v)), t
        for m in pending.get(PREPARE, ()):
            t = self.receive_prepare_msg(s, m.dest, m)
            if t is not None:
                yield ReceivePrepareMsg(m.dest, m.source, m.view_number, m.op_number), t
        for m in pending.get(PREPARE_OK, ()):
            t = self.receive_prepare_ok_msg(s, m.dest, m)
            if t is not None:
                yield ReceivePrepareOkMsg(m.dest, m.source, m.view_number, m.op_number), t
        for r in self.everyone:
            t = self.execute_op(s, r)
            if t is not None:
                yield ExecuteOp(r), t
        for m in pending.get(PREPARE, ()):  # \E r, rDest, m: r, then rDest fastest
            for r_dest in self.everyone:
                t = self.send_get_state(s, m.dest, r_dest, m)
                if t is not None:
                    yield SendGetState(m.dest, r_dest, m.view_number, m.op_number), t
        for m in pending.get(GET_STATE, ()):
            t = self.receive_get_state(s, m.dest, m)
            if t is not None:
                yield ReceiveGetState(m.dest, m.source, m.view_number, m.op_number), t
        for m in pending.get(NEW_STATE, ()):
            t = self.receive_new_state(s, m.dest, m)
            if t is not None:
                yield ReceiveNewState(m.dest, m.source, m.view_number, m.op_number), t
        for r in self.everyone:
            t = self.restart_empty(s, r)
            if t is not None:
                yield RestartEmpty(r), t
        for m in self.by_receiver(pending, RECOVERY):
            t = self.receives_recovery_msg(s, m.dest, m)
            if t is not None:
                yield ReceivesRecoveryMsg(m.dest, m.source, m.x), t
        for m in self.by_receiver(pending, RECOVERY_RESPONSE):
            t = self.receives_recovery_response_msg(s, m.dest, m)
            if t is not None:
                yield ReceivesRecoveryResponseMsg(m.dest, m.source, m.x), t
        for r in self.everyone:
            t = self.complete_recovery(s, r)
            if t is not None:
                yield CompleteRecovery(r), t

    # -- view changes ----------------------------------------------------------------------

    def reset_view_change(self, s: State, r: int, svcs=frozenset(), dvcs=frozenset()) -> dict:
        """ResetRecvMsgs(r) (with the SVCs and DVCs given) and ResetSentVars(r)."""
        return {"rep_svc_recv": _with(s.rep_svc_recv, r, svcs),
                "rep_dvc_recv": _with(s.rep_dvc_recv, r, dvcs),
                "rep_sent_dvc": _with(s.rep_sent_dvc, r, False),
                "rep_sent_sv": _with(s.rep_sent_sv, r, False)}

    def timer_send_svc(self, s: State, r: int) -> State | None:
        """TimerSendSVC: a backup (any status) starts view + 1."""
        if s.aux_svc >= self.StartViewOnTimerLimit or self.is_primary(s, r):
            return None
        view = s.rep_view_number[r - 1] + 1
        return s._replace(rep_view_number=_with(s.rep_view_number, r, view),
                          rep_status=_with(s.rep_status, r, VIEW_CHANGE),
                          aux_svc=s.aux_svc + 1,
                          messages=self.broadcast(s.messages, self.svc(r, view), r),
                          **self.reset_view_change(s, r))

    def receive_higher_svc(self, s: State, r: int, m: StartViewChange) -> State | None:
        """ReceiveHigherSVC: an SVC of a higher view moves r to it."""
        if m.view_number <= s.rep_view_number[r - 1]:
            return None
        return s._replace(rep_view_number=_with(s.rep_view_number, r, m.view_number),
                          rep_status=_with(s.rep_status, r, VIEW_CHANGE),
                          messages=self.broadcast(s.messages.discard(m),
                                                  self.svc(r, m.view_number), r),
                          **self.reset_view_change(s, r, svcs=frozenset({m})))

    def receive_matching_svc(self, s: State, r: int, m: StartViewChange) -> State | None:
        """ReceiveMatchingSVC: an SVC of r's view, r in ViewChange, is recorded."""
        if m.view_number != s.rep_view_number[r - 1] or s.rep_status[r - 1] != VIEW_CHANGE:
            return None
        return s._replace(rep_svc_recv=_with(s.rep_svc_recv, r, s.rep_svc_recv[r - 1] | {m}),
                          messages=s.messages.discard(m))

    def send_dvc(self, s: State, r: int) -> State | None:
        """SendDVC: f SVCs received: the DVC goes to the view's primary (or is
        recorded, by the primary itself)."""
        i = r - 1
        if (s.rep_status[i] != VIEW_CHANGE or s.rep_sent_dvc[i]
                or len(s.rep_svc_recv[i]) < self.replicas // 2):
            return None
        view = s.rep_view_number[i]
        msg = DoViewChange(view, DVC, s.rep_op_number[i], s.rep_commit_number[i],
                           self.primary(view), r, s.rep_log[i], s.rep_last_normal_view[i])
        s = s._replace(rep_sent_dvc=_with(s.rep_sent_dvc, r, True))
        if self.primary(view) == r:
            return s._replace(rep_dvc_recv=_with(s.rep_dvc_recv, r, s.rep_dvc_recv[i] | {msg}))
        return s._replace(messages=s.messages.send(msg))

    def receive_higher_dvc(self, s: State, r: int, m: DoViewChange) -> State | None:
        """ReceiveHigherDVC: a DVC of a higher view moves r to it."""
        if m.view_number <= s.rep_view_number[r - 1]:
            return None
        return s._replace(rep_view_number=_with(s.rep_view_number, r, m.view_number),
                          rep_status=_with(s.rep_status, r, VIEW_CHANGE),
                          messages=self.broadcast(s.messages.discard(m),
                                                  self.svc(r, m.view_number), r),
                          **self.reset_view_change(s, r, dvcs=frozenset({m})))

    def receive_matching_dvc(self, s: State, r: int, m: DoViewChange) -> State | None:
        """ReceiveMatchingDVC: a DVC of r's view is recorded (any status)."""
        if m.view_number != s.rep_view_number[r - 1]:
            return None
        return s._replace(rep_dvc_recv=_with(s.rep_dvc_recv, r, s.rep_dvc_recv[r - 1] | {m}),
                          messages=s.messages.discard(m))

    def highest_log(self, dvcs: frozenset) -> tuple:
        """HighestLog(r): the log of CHOOSE m with no m1 of a higher last
        normal view, or of the same one and a higher op number (TLC's CHOOSE:
        the least such message in its order)."""
        best = [m for m in dvcs
                if not any(m1.last_normal_vn > m.last_normal_vn
                           or (m1.last_normal_vn == m.last_normal_vn
                               and m1.op_number > m.op_number) for m1 in dvcs)]
        return min(best, key=_tlc_key).log

    def start_view_quorum(self) -> int:
        """SendSV's DoViewChanges: (ReplicaCount \\div 2) + 1."""
        return self.replicas // 2 + 1

    def send_sv(self, s: State, r: int) -> State | None:
        """SendSV: f + 1 DVCs: r starts the view with the highest log."""
        i = r - 1
        dvcs = s.rep_dvc_recv[i]
        if (s.rep_status[i] != VIEW_CHANGE or s.rep_sent_sv[i]
                or len(dvcs) < self.start_view_quorum()):
            return None
        view = s.rep_view_number[i]
        new_log = self.highest_log(dvcs)
        new_cn = max(m.commit_number for m in dvcs)  # HighestCommitNumber
        return s._replace(
            rep_status=_with(s.rep_status, r, NORMAL),
            rep_log=_with(s.rep_log, r, new_log),
            rep_op_number=_with(s.rep_op_number, r, len(new_log)),
            rep_peer_op_number=_with(s.rep_peer_op_number, r, (0,) * self.replicas),
            rep_commit_number=_with(s.rep_commit_number, r, new_cn),
            rep_sent_sv=_with(s.rep_sent_sv, r, True),
            rep_last_normal_view=_with(s.rep_last_normal_view, r, view),
            messages=self.broadcast(
                s.messages, StartView(view, SV, len(new_log), new_cn, None, r, new_log), r))

    def receive_sv(self, s: State, r: int, m: StartView) -> State | None:
        """ReceiveSV: a StartView of r's view or higher is taken whole."""
        i = r - 1
        if m.view_number < s.rep_view_number[i]:
            return None
        messages = s.messages.discard(m)
        if s.rep_commit_number[i] < m.op_number:
            messages = messages.send(PrepareOk(m.view_number, PREPARE_OK, m.op_number,
                                                     self.primary(m.view_number), r))
        return s._replace(rep_status=_with(s.rep_status, r, NORMAL),
                          rep_view_number=_with(s.rep_view_number, r, m.view_number),
                          rep_log=_with(s.rep_log, r, m.log),
                          rep_op_number=_with(s.rep_op_number, r, m.op_number),
                          rep_commit_number=_with(s.rep_commit_number, r, m.commit_number),
                          rep_last_normal_view=_with(s.rep_last_normal_view, r, m.view_number),
                          messages=messages, **self.reset_view_change(s, r))

    # -- normal operation ------------------------------------------------------------------

    def receive_client_request(self, s: State, r: int, v: int) -> State | None:
        """ReceiveClientRequest: the primary appends a new value and prepares it."""
        i = r - 1
        row = s.rep_client_table[i]
        if (not self.is_primary(s, r) or s.rep_status[i] != NORMAL
                or s.aux_client_acked[v] is not None or not row.executed):
            return None
        req_number = row.request_number + 1
        op_number = len(s.rep_log[i]) + 1
        view = s.rep_view_number[i]
        entry = Entry(view, v, CLIENT, req_number)
        prepare = Prepare(view, PREPARE, entry, op_number, s.rep_commit_number[i], None, r)
        return s._replace(
            rep_log=_with(s.rep_log, r, s.rep_log[i] + (entry,)),
            rep_op_number=_with(s.rep_op_number, r, op_number),
            rep_client_table=_with(s.rep_client_table, r,
                                   ClientRow(req_number, op_number, False)),
            messages=self.broadcast(s.messages, prepare, r),
            aux_client_acked=s.aux_client_acked[:v] + (False,) + s.aux_client_acked[v + 1:])

    def receive_prepare_msg(self, s: State, r: int, m: Prepare) -> State | None:
        """ReceivePrepareMsg: the next op of r's view is appended and acked."""
        i = r - 1
        if (s.rep_status[i] != NORMAL or m.view_number != s.rep_view_number[i]
                or m.op_number != s.rep_op_number[i] + 1):
            return None
        # the one client is m.message.client_id: the row's other arm (which
        # reads m.commit, TLC's error) is not evaluated
        row = ClientRow(m.message.request_number, m.op_number, m.op_number <= m.commit_number)
        ok = PrepareOk(s.rep_view_number[i], PREPARE_OK, m.op_number, m.source, r)
        return s._replace(rep_log=_with(s.rep_log, r, s.rep_log[i] + (m.message,)),
                          rep_op_number=_with(s.rep_op_number, r, m.op_number),
                          rep_commit_number=_with(s.rep_commit_number, r, m.commit_number),
                          rep_client_table=_with(s.rep_client_table, r, row),
                          messages=s.messages.reply(ok, m))

    def receive_prepare_ok_msg(self, s: State, r: int, m: PrepareOk) -> State | None:
        """ReceivePrepareOkMsg: the primary records a peer's higher op number."""
        i = r - 1
        peers = s.rep_peer_op_number[i]
        if (not self.is_primary(s, r) or s.rep_status[i] != NORMAL
                or m.view_number != s.rep_view_number[i] or m.op_number <= peers[m.source - 1]):
            return None
        return s._replace(
            rep_peer_op_number=_with(s.rep_peer_op_number, r,
                                     _with(peers, m.source, m.op_number)),
            messages=s.messages.discard(m))

    def is_committed(self, s: State, r: int, op_number: int) -> bool:
        """IsCommitted(r, op_number): f peers are at op_number."""
        reached = sum(1 for n in s.rep_peer_op_number[r - 1] if n >= op_number)
        return reached >= self.replicas // 2

    def execute_op(self, s: State, r: int) -> State | None:
        """ExecuteOp: the primary commits its next op and acks the client."""
        i = r - 1
        commit = s.rep_commit_number[i]
        if (not self.is_primary(s, r) or s.rep_status[i] != NORMAL
                or commit >= s.rep_op_number[i] or not self.is_committed(s, r, commit + 1)):
            return None
        op = s.rep_log[i][commit]  # rep_log[r][commit + 1]
        acked = s.aux_client_acked
        return s._replace(
            rep_commit_number=_with(s.rep_commit_number, r, commit + 1),
            rep_client_table=_with(s.rep_client_table, r,
                                   s.rep_client_table[i]._replace(executed=True)),
            aux_client_acked=acked[:op.operation] + (True,) + acked[op.operation + 1:])

    # -- state transfer --------------------------------------------------------------------

    def truncate_to(self, s: State, r: int) -> int:
        """SendGetState's truncate_to: MinVal(commit number, Len(log))."""
        return min(s.rep_commit_number[r - 1], len(s.rep_log[r - 1]))

    def send_get_state(self, s: State, r: int, r_dest: int, m: Prepare) -> State | None:
        """SendGetState: a Prepare of a higher view with a gap: r truncates
        its log to its commit number and asks r_dest for the rest, once."""
        i = r - 1
        if (self.is_primary(s, r) or r == r_dest or s.rep_status[i] != NORMAL
                or m.view_number <= s.rep_view_number[i]
                or m.op_number <= s.rep_op_number[i] + 1):
            return None
        truncate_to = self.truncate_to(s, r)
        ask = GetState(m.view_number, GET_STATE, truncate_to, r_dest, r)
        messages = s.messages.send_once(ask)
        if messages is None:
            return None
        return s._replace(rep_log=_with(s.rep_log, r, s.rep_log[i][:truncate_to]),
                          rep_op_number=_with(s.rep_op_number, r, truncate_to),
                          rep_view_number=_with(s.rep_view_number, r, m.view_number),
                          rep_last_normal_view=_with(s.rep_last_normal_view, r, m.view_number),
                          messages=messages)

    def receive_get_state(self, s: State, r: int, m: GetState) -> State | None:
        """ReceiveGetState: r answers with the entries after m's op number."""
        i = r - 1
        if (s.rep_view_number[i] != m.view_number or s.rep_status[i] != NORMAL
                or s.rep_op_number[i] <= m.op_number):
            return None
        reply = NewState(s.rep_view_number[i], NEW_STATE, s.rep_op_number[i],
                         s.rep_commit_number[i], m.source, r,
                         s.rep_log[i][m.op_number:s.rep_op_number[i]], m.op_number + 1)
        return s._replace(messages=s.messages.reply(reply, m))

    def receive_new_state(self, s: State, r: int, m: NewState) -> State | None:
        """ReceiveNewState: r appends the entries after its op number."""
        i = r - 1
        if (s.rep_view_number[i] != m.view_number or s.rep_status[i] != NORMAL
                or s.rep_op_number[i] != m.first_op - 1):
            return None
        log = s.rep_log[i][:s.rep_op_number[i]] + m.log
        return s._replace(rep_log=_with(s.rep_log, r, log),
                          rep_op_number=_with(s.rep_op_number, r, m.op_number),
                          messages=s.messages.discard(m))

    # -- recovery --------------------------------------------------------------------------

    @staticmethod
    def unique_number(s: State) -> int:
        """UniqueNumber: one more than every Recovery message's x, or 1."""
        return 1 + max((m.x for m in s.messages if m.type == RECOVERY), default=0)

    def restart_empty(self, s: State, r: int) -> State | None:
        """RestartEmpty: r loses its state and recovers with a new nonce."""
        if s.aux_restart >= self.RestartEmptyLimit:
            return None
        x = self.unique_number(s)
        return s._replace(
            rep_log=_with(s.rep_log, r, ()),
            rep_view_number=_with(s.rep_view_number, r, 1),
            rep_op_number=_with(s.rep_op_number, r, 0),
            rep_commit_number=_with(s.rep_commit_number, r, 0),
            rep_peer_op_number=_with(s.rep_peer_op_number, r, (0,) * self.replicas),
            rep_client_table=_with(s.rep_client_table, r, ClientRow()),
            rep_last_normal_view=_with(s.rep_last_normal_view, r, 0),
            rep_rec_recv=_with(s.rep_rec_recv, r, frozenset()),
            rep_status=_with(s.rep_status, r, RECOVERING),
            rep_rec_number=_with(s.rep_rec_number, r, x),
            aux_restart=s.aux_restart + 1,
            messages=self.broadcast(s.messages, Recovery(RECOVERY, None, r, x), r),
            **self.reset_view_change(s, r))

    def receives_recovery_msg(self, s: State, r: int, m: Recovery) -> State | None:
        """ReceivesRecoveryMsg: a Normal replica answers; the primary with its state."""
        i = r - 1
        if s.rep_status[i] != NORMAL:
            return None
        primary = self.is_primary(s, r)
        reply = RecoveryResponse(s.rep_view_number[i], RECOVERY_RESPONSE,
                                 s.rep_op_number[i] if primary else None,
                                 s.rep_commit_number[i] if primary else None,
                                 m.source, r, s.rep_log[i] if primary else None, m.x)
        return s._replace(messages=s.messages.reply(reply, m))

    def receives_recovery_response_msg(self, s: State, r: int,
                                       m: RecoveryResponse) -> State | None:
        """ReceivesRecoveryResponseMsg: a Recovering r records a response to its nonce."""
        i = r - 1
        if s.rep_rec_number[i] != m.x or s.rep_status[i] != RECOVERING:
            return None
        return s._replace(rep_rec_recv=_with(s.rep_rec_recv, r, s.rep_rec_recv[i] | {m}),
                          messages=s.messages.discard(m))

    def complete_recovery(self, s: State, r: int) -> State | None:
        """CompleteRecovery: a majority of responses, one from a primary (TLC's
        CHOOSE: the least in its order), gives r its state back."""
        i = r - 1
        responses = s.rep_rec_recv[i]
        from_primary = [m for m in responses if m.log is not None]
        if (s.rep_status[i] != RECOVERING or len(responses) <= self.replicas // 2
                or not from_primary):
            return None
        m = min(from_primary, key=_tlc_key)
        return s._replace(rep_status=_with(s.rep_status, r, NORMAL),
                          rep_view_number=_with(s.rep_view_number, r, m.view_number),
                          rep_last_normal_view=_with(s.rep_last_normal_view, r, m.view_number),
                          rep_log=_with(s.rep_log, r, m.log),
                          rep_op_number=_with(s.rep_op_number, r, m.op_number),
                          rep_commit_number=_with(s.rep_commit_number, r, m.commit_number),
                          rep_rec_recv=_with(s.rep_rec_recv, r, frozenset()))

    # -- bounds ----------------------------------------------------------------------------

    def view(self, s: State) -> State:
        """view == every variable but the aux ones, with VIEW."""
        if not self.VIEW:
            return s
        return s._replace(aux_svc=0, aux_restart=0, aux_client_acked=(None,) * self.values)

    def bound_reason(self, s: State) -> str | None:
        if s.aux_svc >= self.StartViewOnTimerLimit:
            return (f"every timer view change is used (StartViewOnTimerLimit = "
                    f"{self.StartViewOnTimerLimit})")
        return None

    # -- symmetry: Permutations(Values) ----------------------------------------------------

    def permute_action(self, action, perm):
        if isinstance(action, ReceiveClientRequest):
            images = tuple(perm["values"])
            return action._replace(v=_value(images[int(action.v[1:]) - 1]))
        return action

    # -- reports ---------------------------------------------------------------------------

    def nodes(self):
        return tuple(str(r) for r in self.everyone)

    @staticmethod
    def show_log(entries) -> list[str] | None:
        if entries is None:
            return None
        return [f"({e.view_number}, {_value(e.operation)})" for e in entries]

    def show_message(self, m) -> str:
        fields = []
        for field, value in m._asdict().items():
            if field == "type" or (field == "dest" and value is None):
                continue
            if field == "log":
                value = self.show_log(value)
            elif field == "message":
                value = f"({value.view_number}, {_value(value.operation)})"
            fields.append(f"{field}={value}")
        return f"{m.type}({', '.join(fields)})"

    def state_view(self, s: State) -> dict:
        view = {}
        for r in self.everyone:
            i = r - 1
            view[f"{r}.status"] = s.rep_status[i]
            view[f"{r}.view_number"] = s.rep_view_number[i]
            view[f"{r}.log"] = self.show_log(s.rep_log[i])
            view[f"{r}.op_number"] = s.rep_op_number[i]
            view[f"{r}.commit_number"] = s.rep_commit_number[i]
            view[f"{r}.peer_op_number"] = list(s.rep_peer_op_number[i])
            view[f"{r}.client_table"] = s.rep_client_table[i]._asdict()
            view[f"{r}.last_normal_view"] = s.rep_last_normal_view[i]
            view[f"{r}.svc_recv"] = sorted(self.show_message(m) for m in s.rep_svc_recv[i])
            view[f"{r}.dvc_recv"] = sorted(self.show_message(m) for m in s.rep_dvc_recv[i])
            view[f"{r}.sent_dvc"] = s.rep_sent_dvc[i]
            view[f"{r}.sent_sv"] = s.rep_sent_sv[i]
            view[f"{r}.rec_number"] = s.rep_rec_number[i]
            view[f"{r}.rec_recv"] = sorted(self.show_message(m) for m in s.rep_rec_recv[i])
        view["aux_svc"] = s.aux_svc
        view["aux_restart"] = s.aux_restart
        view["aux_client_acked"] = {_value(v): a for v, a in enumerate(s.aux_client_acked)
                                    if a is not None}
        # one entry a message, so that a step shows its own
        for m, count in s.messages.items():
            view[f"messages[{self.show_message(m)}]"] = count
        return view

    # -- properties ------------------------------------------------------------------------

    def holders(self, s: State, v: int) -> list[int]:
        """The replicas r with ReplicaHasOp(r, v)."""
        return [r for r in self.everyone if any(e.operation == v for e in s.rep_log[r - 1])]

    @invariant("Acknowledged Write Not Lost")
    def acknowledged_write_not_lost(self, s: State):
        """AcknowledgedWriteNotLost: an acked value is in some replica's log."""
        for v, acked in enumerate(s.aux_client_acked):
            if acked is True and not self.holders(s, v):
                return Fails(f"{_value(v)} was acknowledged and no replica's log has it")
        return True

    @invariant("Acknowledged Writes Exist On Majority")
    def acknowledged_writes_exist_on_majority(self, s: State):
        """AcknowledgedWritesExistOnMajority: an acked value is in a majority's logs."""
        majority = self.replicas // 2 + 1
        for v, acked in enumerate(s.aux_client_acked):
            if acked is True and len(self.holders(s, v)) < majority:
                return Fails(f"{_value(v)} was acknowledged and only "
                             f"{len(self.holders(s, v))} replicas' logs have it")
        return True

    @invariant("No Log Divergence")
    def no_log_divergence(self, s: State):
        """NoLogDivergence as written: no op number 1..Cardinality(Values) at
        which ``rep_log[r1][op_number] # rep_log[r1][op_number]``, which
        compares r1's entry with itself: it holds in every state."""
        for op_number in range(1, self.values + 1):
            for r1 in self.everyone:
                log = s.rep_log[r1 - 1]
                if op_number <= len(log) and log[op_number - 1] != log[op_number - 1]:
                    return Fails(f"{r1}'s entry {op_number} differs from itself")
        return True

    @invariant("No Log Divergence Between Replicas", default=False)
    def no_log_divergence_between_replicas(self, s: State):
        """NoLogDivergence as meant (ours): no op number 1..Cardinality(Values)
        at which two replicas' logs both have different entries."""
        for op_number in range(1, self.values + 1):
            for r1, r2 in permutations(self.everyone, 2):
                log1, log2 = s.rep_log[r1 - 1], s.rep_log[r2 - 1]
                if (op_number <= len(log1) and op_number <= len(log2)
                        and log1[op_number - 1] != log2[op_number - 1]):
                    return Fails(f"replicas {r1} and {r2} differ at op {op_number}")
        return True

    @reachable("Value Acked")
    def value_acked(self, s: State):
        """A client value is acknowledged (a witness that commitment happens)."""
        return any(a is True for a in s.aux_client_acked)


# -- mutants: each overrides one action --------------------------------------------------


@VSR.mutant("commit_without_quorum", "ExecuteOp's IsCommitted counts one PrepareOk fewer "
            "(ReplicaCount \\div 2 - 1 peers): the primary executes and acks an operation "
            "that a majority has not prepared, which a view change then loses")
class CommitWithoutQuorum(VSR):
    """IsCommitted(r, op_number): ReplicaCount \\div 2 - 1 peers suffice."""

    def is_committed(self, s: State, r: int, op_number: int) -> bool:
        reached = sum(1 for n in s.rep_peer_op_number[r - 1] if n >= op_number)
        return reached >= self.replicas // 2 - 1


@VSR.mutant("start_view_without_quorum", "SendSV starts the view with ReplicaCount \\div 2 "
            "DoViewChanges (f, not f + 1): the new primary's quorum need not meet the one that "
            "committed an operation, and its StartView erases it")
class StartViewWithoutQuorum(VSR):
    """SendSV's guard: Cardinality(rep_dvc_recv[r]) >= ReplicaCount \\div 2."""

    def start_view_quorum(self) -> int:
        return self.replicas // 2
