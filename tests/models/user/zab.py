"""ZooKeeper's atomic broadcast, Zab pre-1.0 as the DSN'2011 paper states it
(Junqueira, Reed and Serafini, "Zab: High-performance broadcast for
primary-backup systems"), after the TLA+ specification of the ZooKeeper
project: apache/zookeeper, zookeeper-specifications/zab/Zab.tla ("This is
the formal specification for the Zab consensus algorithm, in DSN'2011,
which means Zab pre-1.0"), with Zab.toolbox/Model_1/MC.cfg and MC.tla, at
commit b8cea1803344e0b6d5c5c36dd69b2a75db192677 (2021-12-12; the folder
left the repository's tree later, for protocol-spec/). A user's plain
`checker.Model`: one method per operator of the spec's Next, the spec's
names, its guards and effects in its order.

Why not the kit: Zab.tla's actions change several servers at once and
empty channels. LeaderShutdown turns every learner of the leader LOOKING and
empties their input buffers; Timeout(i, j) and a follower's Restart or
epoch mismatch take the follower out of its leader's learners and
cepochRecv/ackeRecv/ackldRecv (RemoveLearner) and empty both channels
between them (Clean); ConnectAndFollowerSendCEPOCH reads the leader's
learners and the follower's leaderAddr and writes both. The kit's handlers
take one node's record and the message it receives; none of these fits.
The channels are the spec's own: ``msgs[i][j]``, the input buffer of j
from i, a sequence, received at its head.

Action by action (i the server acting, j its peer):

- UpdateLeader(i), FollowLeader(i): the spec's abstraction of election, a
  global ``leaderOracle``: a LOOKING server makes itself the oracle's
  leader (LEADING, DISCOVERY) or follows the oracle.
- FollowerTimeout(i), LeaderTimeout(i), Timeout(i, j), Restart(i): the
  failures, each counted in ``recorder.nTimeout`` (Restart in
  ``nRestart`` too) and enabled below MaxTimeoutFailures (MaxRestarts).
- ConnectAndFollowerSendCEPOCH(i, j): follower j joins leader i and sends
  CEPOCH with its f.p (acceptedEpoch).
- LeaderProcessCEPOCH(i, j): below MaxEpoch; once a quorum has sent CEPOCH
  the leader takes the largest epoch + 1 and broadcasts NEWEPOCH (later
  CEPOCHs are answered with it).
- FollowerProcessNEWEPOCH(i, j), LeaderProcessACKEPOCH(i, j): ACKEPOCH
  carries f.a (currentEpoch) and the history; at a quorum the leader
  adopts the most recent history and broadcasts NEWLEADER.
- FollowerProcessNEWLEADER(i, j), LeaderProcessACKLD(i, j),
  FollowerProcessCOMMITLD(i, j): synchronisation, then BROADCAST.
- LeaderProcessRequest(i) below MaxTransactionNum, LeaderBroadcastPROPOSE(i),
  FollowerProcessPROPOSE(i, j), LeaderProcessACK(i, j) (with
  LeaderTryToCommit), FollowerProcessCOMMIT(i, j).
- FilterNonexistentMessage(i): a message no server should receive is
  dropped and ``violatedInvariants.messageIllegal`` set.

Constants: ``servers`` is Cardinality(Server) (``s1`` .. ``sN``); the cfg's
``Parameters`` record is four parameters of its field names. The spec
bounds its state space with guards, not a CONSTRAINT: the recorder counts
timeouts, restarts, the longest history (after LeaderProcessRequest) and
the largest acceptedEpoch (after LeaderProcessCEPOCH), and the actions
above are enabled only below the limits. The published Parameters
(MaxTimeoutFailures 3, MaxTransactionNum 4, MaxEpoch 3, MaxRestarts 2) are
far beyond exhaustive search (the authors used TLC's simulation mode); the
tests use small ones. A state with no step has used a limit (``-deadlock``
for TLC); `bound_reason` says which.

The verification variables are state, as in the spec: ``epochLeader``
(the leaders established in each epoch 1..MAXEPOCH = 10),
``proposalMsgsLog`` (every proposal broadcast, with NEWLEADER's history)
and ``violatedInvariants`` (conditions the spec's authors expect never to
hold, each set by the branch of an action that meets one; the spec also
PrintT's a line there, which is no part of the state). So is ``recorder``,
with ``pc``, the last action taken and its arguments: written by every
action but FilterNonexistentMessage and never read, it only tells states
apart by the step into them. Parameter ``pc`` (default 1) keeps it, as the
spec does; ``pc = 0`` leaves it out, which is TLC with ``VIEW`` of every
variable but ``recorder.pc`` (exact: no action reads it), about half the
states.

Invariants, the cfg's ten: ShouldNotBeTriggered, Leadership1, Leadership2,
PrefixConsistency, Integrity, Agreement, TotalOrder, LocalPrimaryOrder,
GlobalPrimaryOrder, PrimaryIntegrity. LocalPrimaryOrder as written cannot
fail: it asks for *some* two transactions of a primary's epoch,
``\\E txn1, txn2 \\in txn_set(i, e)``, and the pair of one transaction with
itself satisfies ``TxnEqual(txn1, txn2)`` (a ``\\A`` was meant); it is
here as written, and ``LocalPrimaryOrderForAll`` (ours, not the cfg's,
checked only when named) is the ``\\A`` reading.

Where the spec's invariants read ``history[i][idx]`` for ``idx`` up to
``lastCommitted[i].index`` and the history is shorter (a mutant's doing),
TLC stops with an error evaluating the invariant; the model reports the
invariant violated there, saying so (`beyond`).

The mutants below (tests/models/test_user_zab.py; the same change in
Zab.tla gives TLC's very counterexample) break ShouldNotBeTriggered (two,
the README's own issues 3 and 4), Leadership1 and Leadership2, PrimaryIntegrity,
Integrity, and, with four servers, PrefixConsistency and Agreement. None
was found to break TotalOrder or GlobalPrimaryOrder (or the \\A reading of
LocalPrimaryOrder): a server delivers a prefix of its history, which only
NEWLEADER replaces and IsNextZxid extends in zxid order, over FIFO channels
that a disconnection empties; ``newleader_keeps_own_history`` makes the
histories diverge but first makes ``history[i][idx]`` undefined.

Reports: `step_events` reads a step's receipt, sends and emptied channels
off ``msgs``, so that sequence charts draw the messages; the state view is
derived from State's types (`Symmetric`: ``s1.history``, ``s1.msgs[s2]``,
``recorder.nTimeout``), ``epochLeader`` shown by epoch.

The spec states no temporal property and no fairness (Spec is Init /\\
[][Next]_vars), so there is no liveness to check.

Where the model differs from the text, in form only: NullPoint is None, the
model values are strings, a server is its index; CHOOSE is deterministic
in TLC and is made so here the same way: DetermineInitialHistory's CHOOSE
among the most recent ACKEPOCHs takes, of equally recent ones, the
smallest server (TLC's order of model values is the order the cfg declares
them, s1 first). Successors come in the order of Next's disjuncts, and
``\\E i, j \\in Server`` with i varying fastest, as TLC enumerates them, so
that a shortest counterexample is TLC's own.

Symmetry: MC.cfg's ``SYMMETRY Permutations(Server)`` is the set
"servers": the renaming of states and the servers' signatures are derived
from State's types by the kit's `Symmetric` (``recorder.pc``, the last
action as <<name, i, j>>, typed by its three shapes); the actions, which
name servers as TLC prints them ("s1"), are renamed by hand. The CHOOSE above
could break it where two ACKEPOCHs tie with different histories; TLC
reduces by the same permutations all the same, and TLC's orbit counts and
`cmc`'s agree on every bound pinned. With ``pc = 0`` they do not, by
TLC's doing: TLC given both VIEW and SYMMETRY takes the least permutation
of the whole state, pc included, and fingerprints the view of that, so
two states of one view and different pcs may count twice (78 where the
brute-force orbit count of the model's states is 77; tlaplus/tlaplus#206,
which #1369 (2026) addresses by permuting the view, as `Model.view` does).
"""

from __future__ import annotations

from itertools import permutations
from typing import Any, NamedTuple

from checker import Fails, Model, Param, invariant, reachable
from checker.model import Note, Received, Sent
from models.kit import Symmetric, ids, indexed_by
from models.kit.views import shower

# Server states, Zab states and message types: the spec's model values
LOOKING, FOLLOWING, LEADING = "LOOKING", "FOLLOWING", "LEADING"
ELECTION, DISCOVERY, SYNCHRONIZATION, BROADCAST = (
    "ELECTION", "DISCOVERY", "SYNCHRONIZATION", "BROADCAST")
CEPOCH, NEWEPOCH, ACKEPOCH, NEWLEADER, ACKLD, COMMITLD, PROPOSE, ACK, COMMIT = (
    "CEPOCH", "NEWEPOCH", "ACKEPOCH", "NEWLEADER", "ACKLD", "COMMITLD", "PROPOSE", "ACK",
    "COMMIT")
MAXEPOCH = 10
ZERO = (0, 0)  # the zxid <<0, 0>>
ServerId = ids("servers", "s", first=1, named=True)  # a server in the state (actions name it "s1")


class Txn(NamedTuple):
    """A transaction of a history: [zxid, value, ackSid, epoch]."""

    zxid: tuple[int, int]
    value: int
    ackSid: frozenset[ServerId]
    epoch: int


class Committed(NamedTuple):
    """lastCommitted[i]: [index, zxid]."""

    index: int
    zxid: tuple[int, int]


class CepochInfo(NamedTuple):
    sid: ServerId
    connected: bool
    epoch: int


class AckeInfo(NamedTuple):
    sid: ServerId
    connected: bool
    peerLastEpoch: int
    peerHistory: tuple[Txn, ...]


class AckldInfo(NamedTuple):
    sid: ServerId
    connected: bool


class Proposal(NamedTuple):
    """An element of proposalMsgsLog: [source, epoch, zxid, data]."""

    source: ServerId
    epoch: int
    zxid: tuple[int, int]
    data: int


# -- messages: every record starts with mtype, so that two types never compare equal --


def _but_mtype(mtype: str, **fields) -> str:
    """A message as records print it (`records.show`), less its mtype, which
    the type's name says: ``Newepoch(mepoch=1)``."""
    return ", ".join(f"{name}={value}" for name, value in fields.items())


class Cepoch(NamedTuple):
    mtype: str
    mepoch: int

    text = _but_mtype


class Newepoch(NamedTuple):
    mtype: str
    mepoch: int

    text = _but_mtype


class Ackepoch(NamedTuple):
    mtype: str
    mepoch: int
    mhistory: tuple[Txn, ...]

    text = _but_mtype


class Newleader(NamedTuple):
    mtype: str
    mepoch: int
    mhistory: tuple[Txn, ...]

    text = _but_mtype


class Ackld(NamedTuple):
    mtype: str
    mzxid: tuple[int, int]

    text = _but_mtype


class Commitld(NamedTuple):
    mtype: str
    mzxid: tuple[int, int]

    text = _but_mtype


class Propose(NamedTuple):
    mtype: str
    mzxid: tuple[int, int]
    mdata: int

    text = _but_mtype


class Ack(NamedTuple):
    mtype: str
    mzxid: tuple[int, int]

    text = _but_mtype


class Commit(NamedTuple):
    mtype: str
    mzxid: tuple[int, int]

    text = _but_mtype


Message = Cepoch | Newepoch | Ackepoch | Newleader | Ackld | Commitld | Propose | Ack | Commit


class Violations(NamedTuple):
    """violatedInvariants."""

    stateInconsistent: bool = False
    proposalInconsistent: bool = False
    commitInconsistent: bool = False
    ackInconsistent: bool = False
    messageIllegal: bool = False


class Recorder(NamedTuple):
    """recorder: the counters the limits read, and pc, the last action."""

    nTimeout: int = 0
    nTransaction: int = 0
    maxEpoch: int = 0
    nRestart: int = 0
    pc: tuple[str] | tuple[str, ServerId] | tuple[str, ServerId, ServerId] | None = ("Init",)
    nClientRequest: int = 0


class State(NamedTuple):
    """The spec's variables; per-server ones are tuples by server (s1 first),
    ``msgs[i][j]`` the channel from i to j, ``epochLeader`` by epoch 1..10."""

    state: indexed_by(ServerId, str)
    zabState: indexed_by(ServerId, str)
    acceptedEpoch: indexed_by(ServerId, int)
    currentEpoch: indexed_by(ServerId, int)
    history: indexed_by(ServerId, tuple[Txn, ...])
    lastCommitted: indexed_by(ServerId, Committed)
    learners: indexed_by(ServerId, frozenset[ServerId])
    cepochRecv: indexed_by(ServerId, frozenset[CepochInfo])
    ackeRecv: indexed_by(ServerId, frozenset[AckeInfo])
    ackldRecv: indexed_by(ServerId, frozenset[AckldInfo])
    sendCounter: indexed_by(ServerId, int)
    leaderAddr: indexed_by(ServerId, ServerId | None)
    leaderOracle: ServerId | None
    msgs: indexed_by(ServerId, indexed_by(ServerId, tuple[Message, ...]))
    epochLeader: tuple[frozenset[ServerId], ...]   # by epoch 1..10
    proposalMsgsLog: frozenset[Proposal]
    violatedInvariants: Violations
    recorder: Recorder


_servers = shower(frozenset[ServerId])  # a set of servers as views show it: {s1, s2}


# -- actions -----------------------------------------------------------------------------


class UpdateLeader(NamedTuple):
    i: str


class FollowLeader(NamedTuple):
    i: str


class FollowerTimeout(NamedTuple):
    i: str


class LeaderTimeout(NamedTuple):
    i: str


class Timeout(NamedTuple):
    i: str
    j: str


class Restart(NamedTuple):
    i: str


class ConnectAndFollowerSendCEPOCH(NamedTuple):
    i: str
    j: str


class LeaderProcessCEPOCH(NamedTuple):
    i: str
    j: str


class FollowerProcessNEWEPOCH(NamedTuple):
    i: str
    j: str


class LeaderProcessACKEPOCH(NamedTuple):
    i: str
    j: str


class FollowerProcessNEWLEADER(NamedTuple):
    i: str
    j: str


class LeaderProcessACKLD(NamedTuple):
    i: str
    j: str


class FollowerProcessCOMMITLD(NamedTuple):
    i: str
    j: str


class LeaderProcessRequest(NamedTuple):
    i: str


class LeaderBroadcastPROPOSE(NamedTuple):
    i: str


class FollowerProcessPROPOSE(NamedTuple):
    i: str
    j: str


class LeaderProcessACK(NamedTuple):
    i: str
    j: str


class FollowerProcessCOMMIT(NamedTuple):
    i: str
    j: str


class FilterNonexistentMessage(NamedTuple):
    i: str
    j: str


ONE = (UpdateLeader, FollowLeader, FollowerTimeout, LeaderTimeout)
# Next, in its order: (action, method name, whether it takes i and j)
NEXT = ((UpdateLeader, "update_leader", False), (FollowLeader, "follow_leader", False),
        (FollowerTimeout, "follower_timeout", False), (LeaderTimeout, "leader_timeout", False),
        (Timeout, "timeout", True), (Restart, "restart", False),
        (ConnectAndFollowerSendCEPOCH, "connect_and_follower_send_cepoch", True),
        (LeaderProcessCEPOCH, "leader_process_cepoch", True),
        (FollowerProcessNEWEPOCH, "follower_process_newepoch", True),
        (LeaderProcessACKEPOCH, "leader_process_ackepoch", True),
        (FollowerProcessNEWLEADER, "follower_process_newleader", True),
        (LeaderProcessACKLD, "leader_process_ackld", True),
        (FollowerProcessCOMMITLD, "follower_process_commitld", True),
        (LeaderProcessRequest, "leader_process_request", False),
        (LeaderBroadcastPROPOSE, "leader_broadcast_propose", False),
        (FollowerProcessPROPOSE, "follower_process_propose", True),
        (LeaderProcessACK, "leader_process_ack", True),
        (FollowerProcessCOMMIT, "follower_process_commit", True))
ACTIONS = tuple(action for action, _, _ in NEXT) + (FilterNonexistentMessage,)
# the actions that take the head of the channel from j to i
RECEIPTS = (LeaderProcessCEPOCH, FollowerProcessNEWEPOCH, LeaderProcessACKEPOCH,
            FollowerProcessNEWLEADER, LeaderProcessACKLD, FollowerProcessCOMMITLD,
            FollowerProcessPROPOSE, LeaderProcessACK, FollowerProcessCOMMIT,
            FilterNonexistentMessage)


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


def last_zxid_of_history(his: tuple) -> tuple[int, int]:
    """LastZxidOfHistory(his): the last transaction's zxid, or <<0, 0>>."""
    return his[-1].zxid if his else ZERO


def zxid_to_index(his: tuple, zxid: tuple[int, int]) -> int:
    """ZxidToIndex(his, zxid): 0 for <<0, 0>>; the (1-based) index of the one
    transaction with that zxid; -1 if several have it; Len(his) + 1 if none."""
    if zxid == ZERO:
        return 0
    found = [index for index, txn in enumerate(his, 1) if txn.zxid == zxid]
    if not found:
        return len(his) + 1
    return found[0] if len(found) == 1 else -1


def txn_equal(txn1, txn2) -> bool:
    """TxnEqual: the same zxid and value (ackSid and epoch aside)."""
    return txn1.zxid == txn2.zxid and txn1.value == txn2.value


def is_next_zxid(cur: tuple[int, int], nxt: tuple[int, int]) -> bool:
    """IsNextZxid: the first proposal of a later epoch, or the next counter of
    this one."""
    return ((nxt[1] == 1 and cur[0] < nxt[0])
            or (nxt[1] > 1 and cur[0] == nxt[0] and cur[1] + 1 == nxt[1]))


def more_recent_or_equal(ss1: tuple, ss2: tuple) -> bool:
    """MoreResentOrEqual on (currentEpoch, lastZxid): f.a first, then zxid."""
    return ss1[0] > ss2[0] or (ss1[0] == ss2[0] and not ss2[1] > ss1[1])


class Zab(Symmetric, Model):
    name = "zab"
    summary = "ZooKeeper's atomic broadcast, Zab pre-1.0 (apache/zookeeper's Zab.tla)"
    params = (Param("servers", 3, "Cardinality(Server): servers s1..sN", minimum=1, maximum=5),
              Param("MaxTimeoutFailures", 0, "Parameters.MaxTimeoutFailures: timeouts and "
                    "restarts in all", minimum=0, maximum=6),
              Param("MaxTransactionNum", 1, "Parameters.MaxTransactionNum: a leader takes a "
                    "request while the longest history is shorter", minimum=0, maximum=6),
              Param("MaxEpoch", 1, "Parameters.MaxEpoch: leaders process CEPOCH while every "
                    "acceptedEpoch is below it", minimum=0, maximum=MAXEPOCH - 1),
              Param("MaxRestarts", 0, "Parameters.MaxRestarts: restarts in all", minimum=0,
                    maximum=6),
              Param("pc", 1, "1: keep recorder.pc (the last action) in the state, as the spec "
                    "does; 0: leave it out (TLC's VIEW without it)", minimum=0, maximum=1))
    actions = ACTIONS
    state_type = State
    symmetry_sets = ("servers",)  # Permutations(Server): permute and signatures derived from State

    def setup(self) -> None:
        self.everyone = tuple(range(self.servers))
        self.pairs = tuple((i, j) for j in self.everyone for i in self.everyone)  # i fastest

    # -- names -----------------------------------------------------------------------------

    @staticmethod
    def server(i: int | None) -> str | None:
        return None if i is None else f"s{i + 1}"

    def is_quorum(self, servers) -> bool:
        """Quorums: Cardinality(Q) * 2 > Cardinality(Server)."""
        return len(servers) * 2 > self.servers

    # -- Init --------------------------------------------------------------------------------

    def initial_states(self):
        n = self.servers
        yield State(state=(LOOKING,) * n, zabState=(ELECTION,) * n, acceptedEpoch=(0,) * n,
                    currentEpoch=(0,) * n, history=((),) * n,
                    lastCommitted=(Committed(0, ZERO),) * n, learners=(frozenset(),) * n,
                    cepochRecv=(frozenset(),) * n, ackeRecv=(frozenset(),) * n,
                    ackldRecv=(frozenset(),) * n, sendCounter=(0,) * n,
                    leaderAddr=(None,) * n, leaderOracle=None, msgs=(((),) * n,) * n,
                    epochLeader=(frozenset(),) * MAXEPOCH, proposalMsgsLog=frozenset(),
                    violatedInvariants=Violations(), recorder=self.initial_recorder())

    def initial_recorder(self) -> Recorder:
        return Recorder(pc=("Init",) if self.pc else None)

    # -- the recorder: UpdateRecorder(pc) and the limits it feeds -------------------------

    def update_recorder(self, s: State, new: State, pc) -> State:
        """UpdateRecorder(pc): count a failure, the longest history after a
        request, the largest acceptedEpoch after LeaderProcessCEPOCH, the
        requests; remember the action (pc)."""
        r = s.recorder
        kind = type(pc)
        changes: dict[str, Any] = {"pc": self.pc_of(pc) if self.pc else None}
        if kind in (Timeout, LeaderTimeout, FollowerTimeout, Restart):
            changes["nTimeout"] = r.nTimeout + 1
        if kind is Restart:
            changes["nRestart"] = r.nRestart + 1
        if kind is LeaderProcessRequest:
            changes["nTransaction"] = max(len(h) for h in new.history)
            changes["nClientRequest"] = r.nClientRequest + 1
        if kind is LeaderProcessCEPOCH:
            changes["maxEpoch"] = max(new.acceptedEpoch)
        return new._replace(recorder=r._replace(**changes))

    @staticmethod
    def pc_of(action) -> tuple:
        """The spec's pc of an action, <<"Timeout", i, j>>: its name, then its
        servers (as indices); a plain tuple, so that two actions with the
        same arguments are two values."""
        return (type(action).__name__,) + tuple(int(x[1:]) - 1 for x in action)

    def check_timeout(self, s: State) -> bool:
        return s.recorder.nTimeout < self.MaxTimeoutFailures

    def check_transaction_num(self, s: State) -> bool:
        return s.recorder.nTransaction < self.MaxTransactionNum

    def check_epoch(self, s: State) -> bool:
        return s.recorder.maxEpoch < self.MaxEpoch

    def check_restart(self, s: State) -> bool:
        return self.check_timeout(s) and s.recorder.nRestart < self.MaxRestarts

    # -- the network -------------------------------------------------------------------------

    @staticmethod
    def head(s: State, i: int, j: int, mtype: str):
        """msgs[j][i][1] if the channel from j to i is not empty and its head
        is of this type (PendingCEPOCH(i, j) and the like), else None."""
        channel = s.msgs[j][i]
        return channel[0] if channel and channel[0].mtype == mtype else None

    @staticmethod
    def channels(msgs: tuple, changes: dict) -> tuple:
        """msgs with the channels (i, j) in `changes` replaced."""
        rows = [list(row) for row in msgs]
        for (i, j), channel in changes.items():
            rows[i][j] = channel
        return tuple(tuple(row) for row in rows)

    def send(self, msgs: tuple, i: int, j: int, m) -> tuple:
        """Send(i, j, m): append m to the channel from i to j."""
        return self.channels(msgs, {(i, j): msgs[i][j] + (m,)})

    def discard(self, msgs: tuple, i: int, j: int) -> tuple:
        """Discard(i, j): drop the head of the channel from i to j."""
        return self.channels(msgs, {(i, j): msgs[i][j][1:]}) if msgs[i][j] else msgs

    def reply(self, msgs: tuple, i: int, j: int, m) -> tuple:
        """Reply(i, j, m): drop the head from j to i, append m from i to j."""
        return self.channels(msgs, {(j, i): msgs[j][i][1:], (i, j): msgs[i][j] + (m,)})

    def clean(self, msgs: tuple, i: int, j: int) -> tuple:
        """Clean(i, j): empty both channels between i and j."""
        return self.channels(msgs, {(j, i): (), (i, j): ()})

    def clean_input_buffer(self, msgs: tuple, targets) -> tuple:
        """CleanInputBuffer(S): empty every channel into a server of S."""
        return self.channels(msgs, {(k, v): () for k in self.everyone for v in targets})

    def discard_and_broadcast_to(self, msgs: tuple, i: int, j: int | None, infos, learners,
                                 m) -> tuple:
        """Broadcast(i, m) (j None) and the DiscardAndBroadcast* operators:
        drop the head from j to i, append m to every connected server of
        the set `infos` that is a learner of i, but i."""
        changes = {} if j is None else {(j, i): msgs[j][i][1:]}
        targets = {info.sid for info in infos if info.connected}
        for v in self.everyone:
            if v in targets and v in learners and v != i:
                changes[(i, v)] = msgs[i][v] + (m,)
        return self.channels(msgs, changes)

    # -- switching states --------------------------------------------------------------------

    def follower_shutdown(self, s: State, i: int) -> dict:
        """FollowerShutdown(i): LOOKING, ELECTION, no leader."""
        return {"state": _with(s.state, i, LOOKING), "zabState": _with(s.zabState, i, ELECTION),
                "leaderAddr": _with(s.leaderAddr, i, None)}

    def leader_shutdown(self, s: State, i: int) -> dict:
        """LeaderShutdown(i): every learner (i among them) LOOKING with no
        leader and an empty input buffer; no learners left."""
        learners = s.learners[i]
        pick = lambda values, new: tuple(new if k in learners else v  # noqa: E731
                                         for k, v in enumerate(values))
        return {"state": pick(s.state, LOOKING), "zabState": pick(s.zabState, ELECTION),
                "leaderAddr": pick(s.leaderAddr, None),
                "msgs": self.clean_input_buffer(s.msgs, learners),
                "learners": _with(s.learners, i, frozenset())}

    def switch_to_follower(self, s: State, i: int) -> dict:
        return {"state": _with(s.state, i, FOLLOWING),
                "zabState": _with(s.zabState, i, DISCOVERY)}

    def switch_to_leader(self, s: State, i: int) -> dict:
        """SwitchToLeader(i): LEADING, DISCOVERY, its own CEPOCH, ACKEPOCH and
        ACKLD counted, nothing sent."""
        return {"state": _with(s.state, i, LEADING), "zabState": _with(s.zabState, i, DISCOVERY),
                "learners": _with(s.learners, i, frozenset({i})),
                "cepochRecv": _with(s.cepochRecv, i, frozenset(
                    {CepochInfo(i, True, s.acceptedEpoch[i])})),
                "ackeRecv": _with(s.ackeRecv, i, frozenset(
                    {AckeInfo(i, True, s.currentEpoch[i], s.history[i])})),
                "ackldRecv": _with(s.ackldRecv, i, frozenset({AckldInfo(i, True)})),
                "sendCounter": _with(s.sendCounter, i, 0)}

    @staticmethod
    def disconnect(infos: frozenset, sid: int) -> frozenset:
        """RemoveCepochRecv and friends: the entry of sid, if any, now
        connected = FALSE."""
        return frozenset(info._replace(connected=False) if info.sid == sid else info
                         for info in infos)

    def remove_learner(self, s: State, i: int, j: int) -> dict:
        """RemoveLearner(i, j): j is no learner of i, and disconnected in i's
        cepochRecv, ackeRecv and ackldRecv."""
        return {"learners": _with(s.learners, i, s.learners[i] - {j}),
                "cepochRecv": _with(s.cepochRecv, i, self.disconnect(s.cepochRecv[i], j)),
                "ackeRecv": _with(s.ackeRecv, i, self.disconnect(s.ackeRecv[i], j)),
                "ackldRecv": _with(s.ackldRecv, i, self.disconnect(s.ackldRecv[i], j))}

    @staticmethod
    def updated(infos: frozenset, info) -> frozenset:
        """UpdateCepochRecv and friends: sid's entry replaced by `info`."""
        return frozenset({old for old in infos if old.sid != info.sid} | {info})

    @staticmethod
    def violated(s: State, field: str) -> Violations:
        return s.violatedInvariants._replace(**{field: True})

    # -- Next --------------------------------------------------------------------------------

    def successors(self, s: State):
        name = self.server
        for action, method, pair in NEXT:
            step = getattr(self, method)
            if pair:
                for i, j in self.pairs:
                    t = step(s, i, j)
                    if t is not None:
                        pc = action(name(i), name(j))
                        yield pc, self.update_recorder(s, t, pc)
            else:
                for i in self.everyone:
                    t = step(s, i)
                    if t is not None:
                        pc = action(name(i))
                        yield pc, self.update_recorder(s, t, pc)
        for i in self.everyone:  # \E i \in Server: \E j \in Server \ {i}
            for j in self.everyone:
                if j != i:
                    t = self.filter_nonexistent_message(s, i, j)
                    if t is not None:
                        yield FilterNonexistentMessage(name(i), name(j)), t

    # -- election and failures ---------------------------------------------------------------

    def update_leader(self, s: State, i: int) -> State | None:
        """UpdateLeader(i): a LOOKING server that is not the oracle's leader
        becomes it, and leads."""
        if not (s.state[i] == LOOKING and s.leaderOracle != i):
            return None
        return s._replace(leaderOracle=i, **self.switch_to_leader(s, i))

    def follow_leader(self, s: State, i: int) -> State | None:
        """FollowLeader(i): a LOOKING server follows the oracle's leader, or
        leads if it is that leader."""
        if not (s.state[i] == LOOKING and s.leaderOracle is not None):
            return None
        if s.leaderOracle == i:
            return s._replace(**self.switch_to_leader(s, i))
        return s._replace(**self.switch_to_follower(s, i))

    def follower_timeout(self, s: State, i: int) -> State | None:
        """FollowerTimeout(i): a follower that never connected gives up."""
        if not (self.check_timeout(s) and s.state[i] == FOLLOWING and s.leaderAddr[i] is None):
            return None
        return s._replace(msgs=self.clean_input_buffer(s.msgs, {i}),
                          **self.follower_shutdown(s, i))

    def leader_timeout(self, s: State, i: int) -> State | None:
        """LeaderTimeout(i): a leader without a quorum of learners shuts down."""
        if not (self.check_timeout(s) and s.state[i] == LEADING
                and not self.is_quorum(s.learners[i])):
            return None
        return s._replace(**self.leader_shutdown(s, i))

    def timeout(self, s: State, i: int, j: int) -> State | None:
        """Timeout(i, j): leader i and its follower j lose each other."""
        if not (self.check_timeout(s) and s.state[i] == LEADING and j in s.learners[i]
                and s.state[j] == FOLLOWING and s.leaderAddr[j] == i):
            return None
        return s._replace(msgs=self.clean(s.msgs, i, j), **self.remove_learner(s, i, j),
                          **self.follower_shutdown(s, j))

    def restart(self, s: State, i: int) -> State | None:
        """Restart(i): the server loses lastCommitted; a follower leaves its
        leader, a leader shuts down."""
        if not self.check_restart(s):
            return None
        changes: dict[str, Any] = {}
        if s.state[i] == FOLLOWING:
            changes.update(self.follower_shutdown(s, i))
            leader = s.leaderAddr[i]
            if leader is not None:
                changes.update(self.remove_learner(s, leader, i))
                changes["msgs"] = self.clean(s.msgs, leader, i)
            else:
                changes["msgs"] = self.clean_input_buffer(s.msgs, {i})
        elif s.state[i] == LEADING:
            changes.update(self.leader_shutdown(s, i))
        return s._replace(lastCommitted=_with(s.lastCommitted, i, Committed(0, ZERO)), **changes)

    # -- discovery and synchronization -------------------------------------------------------

    def connect_and_follower_send_cepoch(self, s: State, i: int, j: int) -> State | None:
        """ConnectAndFollowerSendCEPOCH(i, j): follower j, with no leader yet,
        connects to the oracle's leader i and sends CEPOCH with its f.p."""
        if not (s.state[i] == LEADING and j not in s.learners[i] and s.state[j] == FOLLOWING
                and s.leaderAddr[j] is None and s.leaderOracle == i):
            return None
        return s._replace(learners=_with(s.learners, i, s.learners[i] | {j}),
                          leaderAddr=_with(s.leaderAddr, j, i),
                          msgs=self.send(s.msgs, j, i, Cepoch(CEPOCH, s.acceptedEpoch[j])))

    def determine_new_epoch(self, s: State, i: int, cepoch_recv: frozenset) -> int:
        """DetermineNewEpoch(i): the largest epoch in cepochRecv'[i], plus one."""
        return max(c.epoch for c in cepoch_recv) + 1

    def leader_process_cepoch(self, s: State, i: int, j: int) -> State | None:
        """LeaderProcessCEPOCH(i, j): below MaxEpoch, a leader counts its
        learner's CEPOCH; the one that makes a quorum sets e' and broadcasts
        NEWEPOCH; after that each CEPOCH is answered with NEWEPOCH."""
        if not (self.check_epoch(s) and s.state[i] == LEADING):
            return None
        msg = self.head(s, i, j, CEPOCH)
        if msg is None or j not in s.learners[i]:
            return None
        cepoch_recv = self.updated(s.cepochRecv[i], CepochInfo(j, True, msg.mepoch))
        changes: dict[str, Any] = {"cepochRecv": _with(s.cepochRecv, i, cepoch_recv)}
        if not self.is_quorum({c.sid for c in s.cepochRecv[i]}):
            if s.zabState[i] != DISCOVERY:
                changes["violatedInvariants"] = self.violated(s, "stateInconsistent")
            if self.is_quorum({c.sid for c in cepoch_recv}):
                epoch = self.determine_new_epoch(s, i, cepoch_recv)
                changes["acceptedEpoch"] = _with(s.acceptedEpoch, i, epoch)
                changes["msgs"] = self.discard_and_broadcast_to(
                    s.msgs, i, j, cepoch_recv, s.learners[i], Newepoch(NEWEPOCH, epoch))
            else:
                changes["msgs"] = self.discard(s.msgs, j, i)
        else:
            changes["msgs"] = self.reply(s.msgs, i, j, Newepoch(NEWEPOCH, s.acceptedEpoch[i]))
        return s._replace(**changes)

    def epoch_ok_newepoch(self, s: State, i: int, msg: Newepoch) -> bool:
        """FollowerProcessNEWEPOCH's epochOk: e' >= f.p."""
        return msg.mepoch >= s.acceptedEpoch[i]

    def follower_process_newepoch(self, s: State, i: int, j: int) -> State | None:
        """FollowerProcessNEWEPOCH(i, j): a NEWEPOCH not below f.p is
        accepted (f.p = e', ACKEPOCH with f.a and the history, to
        SYNCHRONIZATION); a lower one sends the follower back to election."""
        if s.state[i] != FOLLOWING:
            return None
        msg = self.head(s, i, j, NEWEPOCH)
        if msg is None or s.leaderAddr[i] != j:
            return None
        if self.epoch_ok_newepoch(s, i, msg):
            if s.zabState[i] == DISCOVERY:
                return s._replace(
                    acceptedEpoch=_with(s.acceptedEpoch, i, msg.mepoch),
                    msgs=self.reply(s.msgs, i, j, Ackepoch(ACKEPOCH, s.currentEpoch[i],
                                                           s.history[i])),
                    zabState=_with(s.zabState, i, SYNCHRONIZATION))
            return s._replace(violatedInvariants=self.violated(s, "stateInconsistent"),
                              msgs=self.discard(s.msgs, j, i))
        leader = s.leaderAddr[i]
        return s._replace(msgs=self.clean(s.msgs, i, leader), **self.follower_shutdown(s, i),
                          **self.remove_learner(s, leader, i))

    def proposals_for_checking(self, i: int, epoch: int, his: tuple) -> frozenset:
        """SetPacketsForChecking: the history's transactions as proposals of
        (i, epoch)."""
        return frozenset(Proposal(i, epoch, txn.zxid, txn.value) for txn in his)

    def determine_initial_history(self, s: State, i: int, acke_recv: frozenset) -> tuple:
        """DetermineInitialHistory(i): the history of the most recent
        ACKEPOCH in ackeRecv'[i] (f.a first, then last zxid); CHOOSE takes
        the smallest server of equally recent ones."""
        for a in sorted(acke_recv, key=lambda a: a.sid):
            mine = (a.peerLastEpoch, last_zxid_of_history(a.peerHistory))
            if all(more_recent_or_equal(mine, (b.peerLastEpoch,
                                               last_zxid_of_history(b.peerHistory)))
                   for b in acke_recv if b.sid != a.sid):
                return a.peerHistory
        raise AssertionError("MoreResentOrEqual is total")

    @staticmethod
    def init_acksid(i: int, his: tuple) -> tuple:
        """InitAcksid(i, his): every transaction acknowledged by i alone."""
        return tuple(txn._replace(ackSid=frozenset({i})) for txn in his)

    def leader_process_ackepoch(self, s: State, i: int, j: int) -> State | None:
        """LeaderProcessACKEPOCH(i, j): a leader counts its learner's
        ACKEPOCH; the one that makes a quorum establishes it (f.a = e',
        epochLeader), sets the initial history to the most recent one and
        broadcasts NEWLEADER; later ones are answered with NEWLEADER."""
        if s.state[i] != LEADING:
            return None
        msg = self.head(s, i, j, ACKEPOCH)
        if msg is None or j not in s.learners[i]:
            return None
        acke_recv = self.updated(s.ackeRecv[i], AckeInfo(j, True, msg.mepoch, msg.mhistory))
        changes: dict[str, Any] = {"ackeRecv": _with(s.ackeRecv, i, acke_recv)}
        epoch = s.acceptedEpoch[i]
        if self.is_quorum({a.sid for a in s.ackeRecv[i]}):
            to_send = s.history[i]
            changes["msgs"] = self.reply(s.msgs, i, j, Newleader(NEWLEADER, epoch, to_send))
            changes["proposalMsgsLog"] = (s.proposalMsgsLog
                                          | self.proposals_for_checking(i, epoch, to_send))
            return s._replace(**changes)
        if s.zabState[i] != DISCOVERY:
            changes["violatedInvariants"] = self.violated(s, "stateInconsistent")
        if not self.is_quorum({a.sid for a in acke_recv}):
            changes["msgs"] = self.discard(s.msgs, j, i)
            return s._replace(**changes)
        history = self.init_acksid(i, self.determine_initial_history(s, i, acke_recv))
        changes["currentEpoch"] = _with(s.currentEpoch, i, epoch)
        if 1 <= epoch <= MAXEPOCH:  # EXCEPT ![newLeaderEpoch] outside the domain: no change
            changes["epochLeader"] = _with(s.epochLeader, epoch - 1,
                                           s.epochLeader[epoch - 1] | {i})
        changes["history"] = _with(s.history, i, history)
        changes["zabState"] = _with(s.zabState, i, SYNCHRONIZATION)
        changes["msgs"] = self.discard_and_broadcast_to(
            s.msgs, i, j, acke_recv, s.learners[i], Newleader(NEWLEADER, epoch, history))
        changes["proposalMsgsLog"] = (s.proposalMsgsLog
                                      | self.proposals_for_checking(i, epoch, history))
        return s._replace(**changes)

    def follower_process_newleader(self, s: State, i: int, j: int) -> State | None:
        """FollowerProcessNEWLEADER(i, j): with f.p = e', the follower sets
        f.a = e', takes the leader's history and acknowledges (ACKLD with
        its last zxid); otherwise it goes back to election."""
        if s.state[i] != FOLLOWING:
            return None
        msg = self.head(s, i, j, NEWLEADER)
        if msg is None or s.leaderAddr[i] != j:
            return None
        if s.acceptedEpoch[i] != msg.mepoch:
            leader = s.leaderAddr[i]
            return s._replace(msgs=self.clean(s.msgs, i, leader),
                              **self.follower_shutdown(s, i), **self.remove_learner(s, leader, i))
        changes: dict[str, Any] = {}
        if s.zabState[i] != SYNCHRONIZATION:
            changes["violatedInvariants"] = self.violated(s, "stateInconsistent")
        return s._replace(currentEpoch=_with(s.currentEpoch, i, s.acceptedEpoch[i]),
                          history=_with(s.history, i, msg.mhistory),
                          msgs=self.reply(s.msgs, i, j,
                                          Ackld(ACKLD, last_zxid_of_history(msg.mhistory))),
                          **changes)

    @staticmethod
    def update_acksid(his: tuple, target: int, end_zxid: tuple[int, int]) -> tuple:
        """UpdateAcksid(his, target, endZxid): target acknowledges every
        transaction up to endZxid."""
        return tuple(txn._replace(ackSid=txn.ackSid | {target}) if not txn.zxid > end_zxid
                     else txn for txn in his)

    def deliver_initial_history(self, s: State, i: int) -> Committed:
        """LeaderProcessACKLD's lastCommitted'[i] = [index |-> Len(history[i]),
        zxid |-> LastZxid(i)]: the leader delivers its initial history."""
        return Committed(len(s.history[i]), last_zxid_of_history(s.history[i]))

    def leader_process_ackld(self, s: State, i: int, j: int) -> State | None:
        """LeaderProcessACKLD(i, j): a leader counts its learner's ACKLD
        (and its acks up to the zxid); the one that makes a quorum commits
        the initial history, broadcasts COMMITLD and turns to BROADCAST;
        later ones are answered with COMMITLD of lastCommitted."""
        if s.state[i] != LEADING:
            return None
        msg = self.head(s, i, j, ACKLD)
        if msg is None or j not in s.learners[i]:
            return None
        ackld_recv = self.updated(s.ackldRecv[i], AckldInfo(j, True))
        changes: dict[str, Any] = {
            "ackldRecv": _with(s.ackldRecv, i, ackld_recv),
            "history": _with(s.history, i, self.update_acksid(s.history[i], j, msg.mzxid))}
        last = last_zxid_of_history(s.history[i])
        if not self.is_quorum({a.sid for a in s.ackldRecv[i]}):
            if s.zabState[i] != SYNCHRONIZATION:
                changes["violatedInvariants"] = self.violated(s, "stateInconsistent")
            if self.is_quorum({a.sid for a in ackld_recv}):
                changes["lastCommitted"] = _with(s.lastCommitted, i,
                                                 self.deliver_initial_history(s, i))
                changes["zabState"] = _with(s.zabState, i, BROADCAST)
                changes["msgs"] = self.discard_and_broadcast_to(
                    s.msgs, i, j, ackld_recv, s.learners[i], Commitld(COMMITLD, last))
            else:
                changes["msgs"] = self.discard(s.msgs, j, i)
            return s._replace(**changes)
        if s.zabState[i] != BROADCAST:
            changes["violatedInvariants"] = self.violated(s, "stateInconsistent")
        changes["msgs"] = self.reply(s.msgs, i, j,
                                     Commitld(COMMITLD, s.lastCommitted[i].zxid))
        return s._replace(**changes)

    def follower_process_commitld(self, s: State, i: int, j: int) -> State | None:
        """FollowerProcessCOMMITLD(i, j): the follower commits its history up
        to the zxid and turns to BROADCAST."""
        if s.state[i] != FOLLOWING:
            return None
        msg = self.head(s, i, j, COMMITLD)
        if msg is None or s.leaderAddr[i] != j:
            return None
        index = 0 if msg.mzxid == ZERO else zxid_to_index(s.history[i], msg.mzxid)
        changes: dict[str, Any] = {}
        if not 0 <= index <= len(s.history[i]):
            changes["violatedInvariants"] = self.violated(s, "proposalInconsistent")
        return s._replace(lastCommitted=_with(s.lastCommitted, i, Committed(index, msg.mzxid)),
                          zabState=_with(s.zabState, i, BROADCAST),
                          msgs=self.discard(s.msgs, j, i), **changes)

    # -- broadcast ---------------------------------------------------------------------------

    def inc_zxid(self, s: State, i: int, zxid: tuple[int, int]) -> tuple[int, int]:
        """IncZxid(s, zxid): the next counter of the epoch, or the epoch's first."""
        if s.currentEpoch[i] == zxid[0]:
            return (zxid[0], zxid[1] + 1)
        return (s.currentEpoch[i], 1)

    def leader_process_request(self, s: State, i: int) -> State | None:
        """LeaderProcessRequest(i): below MaxTransactionNum, a leader in
        BROADCAST appends a client's request (a new value) to its history."""
        if not (self.check_transaction_num(s) and s.state[i] == LEADING
                and s.zabState[i] == BROADCAST):
            return None
        txn = Txn(self.inc_zxid(s, i, last_zxid_of_history(s.history[i])),
                  s.recorder.nClientRequest, frozenset({i}), s.currentEpoch[i])
        return s._replace(history=_with(s.history, i, s.history[i] + (txn,)))

    def current_counter(self, s: State, i: int) -> int:
        """CurrentCounter(i): the counter of the last zxid if it is of the
        current epoch, else 0."""
        last = last_zxid_of_history(s.history[i])
        return last[1] if last[0] == s.currentEpoch[i] else 0

    def leader_broadcast_propose(self, s: State, i: int) -> State | None:
        """LeaderBroadcastPROPOSE(i): the leader broadcasts the next proposal
        of its epoch to its connected learners of ackeRecv."""
        if not (s.state[i] == LEADING and s.zabState[i] == BROADCAST
                and s.sendCounter[i] < self.current_counter(s, i)):
            return None
        counter = s.sendCounter[i] + 1
        index = zxid_to_index(s.history[i], (s.currentEpoch[i], counter))
        txn = s.history[i][index - 1]
        return s._replace(
            sendCounter=_with(s.sendCounter, i, counter),
            msgs=self.discard_and_broadcast_to(s.msgs, i, None, s.ackeRecv[i], s.learners[i],
                                               Propose(PROPOSE, txn.zxid, txn.value)),
            proposalMsgsLog=s.proposalMsgsLog | {Proposal(i, s.currentEpoch[i], txn.zxid,
                                                          txn.value)})

    def follower_process_propose(self, s: State, i: int, j: int) -> State | None:
        """FollowerProcessPROPOSE(i, j): the next proposal is appended and
        acknowledged; one already in the history is dropped."""
        if s.state[i] != FOLLOWING:
            return None
        msg = self.head(s, i, j, PROPOSE)
        if msg is None or s.leaderAddr[i] != j:
            return None
        if is_next_zxid(last_zxid_of_history(s.history[i]), msg.mzxid):
            txn = Txn(msg.mzxid, msg.mdata, frozenset(), s.currentEpoch[i])
            return s._replace(history=_with(s.history, i, s.history[i] + (txn,)),
                              msgs=self.reply(s.msgs, i, j, Ack(ACK, msg.mzxid)))
        index = zxid_to_index(s.history[i], msg.mzxid)
        changes: dict[str, Any] = {}
        if not 0 < index <= len(s.history[i]):
            changes["violatedInvariants"] = self.violated(s, "proposalInconsistent")
        return s._replace(msgs=self.discard(s.msgs, j, i), **changes)

    def leader_try_to_commit(self, s: State, i: int, index: int, zxid, txn: Txn, follower: int,
                             changes: dict) -> dict:
        """LeaderTryToCommit(s, index, zxid, newTxn, follower): commit the
        proposal if a quorum acknowledged it and every one before it is
        committed, and broadcast COMMIT to the connected learners of
        ackldRecv."""
        committed = s.lastCommitted[i].index
        if not (committed >= index - 1 and self.has_all_quorums(txn)):
            changes["msgs"] = self.discard(s.msgs, follower, i)
            return changes
        if committed + 1 != index:
            changes["violatedInvariants"] = self.violated(s, "commitInconsistent")
        changes["lastCommitted"] = _with(s.lastCommitted, i, Committed(index, zxid))
        changes["msgs"] = self.discard_and_broadcast_to(s.msgs, i, follower, s.ackldRecv[i],
                                                        s.learners[i], Commit(COMMIT, zxid))
        return changes

    def has_all_quorums(self, txn: Txn) -> bool:
        """A proposal acknowledged by a quorum."""
        return self.is_quorum(txn.ackSid)

    def leader_process_ack(self, s: State, i: int, j: int) -> State | None:
        """LeaderProcessACK(i, j): the leader counts the ack of the next
        proposal from j and tries to commit it if outstanding."""
        if s.state[i] != LEADING:
            return None
        msg = self.head(s, i, j, ACK)
        if msg is None or j not in s.learners[i]:
            return None
        history = s.history[i]
        index = zxid_to_index(history, msg.mzxid)
        acked = [k for k, txn in enumerate(history, 1) if j in txn.ackSid]
        ack_index = max(acked, default=-1)
        if not (1 <= index <= len(history) and (ack_index == -1 or ack_index + 1 == index)):
            return s._replace(violatedInvariants=self.violated(s, "ackInconsistent"),
                              msgs=self.discard(s.msgs, j, i))
        txn = history[index - 1]
        txn = txn._replace(ackSid=txn.ackSid | {j})
        changes: dict[str, Any] = {"history": _with(s.history, i,
                                                    _with(history, index - 1, txn))}
        outstanding = s.lastCommitted[i].index < len(history)
        has_committed = not msg.mzxid > s.lastCommitted[i].zxid
        if not outstanding or has_committed:
            changes["msgs"] = self.discard(s.msgs, j, i)
        else:
            changes = self.leader_try_to_commit(s, i, index, msg.mzxid, txn, j, changes)
        return s._replace(**changes)

    def follower_process_commit(self, s: State, i: int, j: int) -> State | None:
        """FollowerProcessCOMMIT(i, j): the follower commits its next pending
        transaction if the zxid is its."""
        if s.state[i] != FOLLOWING:
            return None
        msg = self.head(s, i, j, COMMIT)
        if msg is None or s.leaderAddr[i] != j:
            return None
        changes: dict[str, Any] = {}
        committed = s.lastCommitted[i].index
        if committed < len(s.history[i]):
            first = s.history[i][committed]
            if first.zxid != msg.mzxid:
                changes["violatedInvariants"] = self.violated(s, "commitInconsistent")
            else:
                changes["lastCommitted"] = _with(s.lastCommitted, i,
                                                 Committed(committed + 1, first.zxid))
        return s._replace(msgs=self.discard(s.msgs, j, i), **changes)

    def filter_nonexistent_message(self, s: State, i: int, j: int) -> State | None:
        """FilterNonexistentMessage(i), for the sender j: a message i should
        never receive is dropped, and messageIllegal set (the recorder is
        unchanged)."""
        channel = s.msgs[j][i]
        if not channel:
            return None
        mtype = channel[0].mtype
        to_follower = mtype in (NEWEPOCH, NEWLEADER, COMMITLD, PROPOSE, COMMIT)
        if s.state[i] == LEADING:
            illegal = to_follower or j not in s.learners[i]
        elif s.state[i] == FOLLOWING:
            illegal = not to_follower or s.leaderAddr[i] != j
        else:
            illegal = True
        if not illegal:
            return None
        return s._replace(msgs=self.discard(s.msgs, j, i),
                          violatedInvariants=self.violated(s, "messageIllegal"))

    # -- bounds ------------------------------------------------------------------------------

    def bound_reason(self, s: State) -> str | None:
        r = s.recorder
        used = []
        if r.nTimeout >= self.MaxTimeoutFailures:
            used.append(f"every timeout is used (MaxTimeoutFailures = {self.MaxTimeoutFailures})")
        if r.nTransaction >= self.MaxTransactionNum:
            used.append(f"every transaction is taken (MaxTransactionNum = "
                        f"{self.MaxTransactionNum})")
        if r.maxEpoch >= self.MaxEpoch:
            used.append(f"the epochs are used (MaxEpoch = {self.MaxEpoch})")
        return "; ".join(used) or None

    # -- symmetry: Permutations(Server) ------------------------------------------------------

    def permute_action(self, action, perm):
        """By hand: the actions name servers as TLC prints them ("s1"), and
        a string is no name to the derived renaming."""
        images = tuple(perm["servers"])
        return action._replace(**{field: f"s{images[int(value[1:]) - 1] + 1}"
                                  for field, value in action._asdict().items()})

    # -- reports -----------------------------------------------------------------------------

    def nodes(self):
        return tuple(self.server(i) for i in self.everyone)

    def show_history(self, his: tuple) -> list[str]:
        return [f"<<{t.zxid[0]},{t.zxid[1]}>>:v{t.value}" for t in his]

    def show_message(self, m) -> str:
        fields = []
        for field, value in m._asdict().items():
            if field == "mtype":
                continue
            if field == "mhistory":
                value = self.show_history(value)
            fields.append(f"{field}={value}")
        return f"{m.mtype}({', '.join(fields)})"

    def step_events(self, s: State, action, t: State):
        """For sequence charts, from the channels: the head a receipt takes
        (from j to i), the messages appended, the channels a shutdown
        empties, and what changed of each server's state and zabState."""
        name = self.server
        events: list = []
        taken = None
        if type(action) in RECEIPTS:
            i, j = (int(x[1:]) - 1 for x in action)
            taken = (j, i)
            events.append(Received(name(j), name(i), self.show_message(s.msgs[j][i][0])))
        for a in self.everyone:
            for b in self.everyone:
                before, after = s.msgs[a][b], t.msgs[a][b]
                if (a, b) == taken:
                    before = before[1:]
                if after[:len(before)] == before:
                    events.extend(Sent(name(a), name(b), self.show_message(m))
                                  for m in after[len(before):])
                else:
                    events.append(Note(name(b), f"drops {len(before)} from {name(a)}"))
        for k in self.everyone:
            changed = [str(getattr(t, field)[k]) for field in ("state", "zabState")
                       if getattr(t, field)[k] != getattr(s, field)[k]]
            if changed:
                events.append(Note(name(k), " ".join(changed)))
        return tuple(events)

    def state_view(self, s: State) -> dict:
        """The view derived from State's types (`Symmetric`), but
        ``epochLeader`` by epoch as the spec indexes it (1..10), those with
        a leader only, where the type knows only a tuple."""
        view = super().state_view(s)
        view["epochLeader"] = {str(e + 1): _servers(leaders)
                               for e, leaders in enumerate(s.epochLeader) if leaders}
        return view

    # -- properties --------------------------------------------------------------------------

    def committed(self, s: State, i: int) -> tuple:
        """history[i][1..lastCommitted[i].index]: what i has delivered."""
        return s.history[i][:s.lastCommitted[i].index]

    def beyond(self, s: State, servers) -> Fails | None:
        """Where lastCommitted[i].index passes the end of history[i] (a
        mutant's doing: the history was replaced by a shorter one), the
        spec's history[i][idx] is undefined and TLC stops with an error
        evaluating the invariant; the model reports the invariant violated
        there, naming the cause."""
        for i in servers:
            if s.lastCommitted[i].index > len(s.history[i]):
                return Fails(f"{self.server(i)} has committed {s.lastCommitted[i].index} "
                             f"transactions of a history of {len(s.history[i])}: "
                             "history[i][idx] is undefined")
        return None

    @invariant("ShouldNotBeTriggered")
    def should_not_be_triggered(self, s: State):
        """No action met a condition the authors expect never to hold."""
        met = [field for field, value in s.violatedInvariants._asdict().items() if value]
        if met:
            return Fails("violatedInvariants: " + ", ".join(met))
        return True

    @invariant("Leadership1")
    def leadership1(self, s: State):
        """At most one established leader (SYNCHRONIZATION or BROADCAST) per
        currentEpoch."""
        established = [i for i in self.everyone if s.state[i] == LEADING
                       and s.zabState[i] in (SYNCHRONIZATION, BROADCAST)]
        for a, b in permutations(established, 2):
            if s.currentEpoch[a] == s.currentEpoch[b]:
                return Fails(f"{self.server(a)} and {self.server(b)} both lead epoch "
                             f"{s.currentEpoch[a]}")
        return True

    @invariant("Leadership2")
    def leadership2(self, s: State):
        """At most one leader was ever established in each epoch (epochLeader)."""
        for e, leaders in enumerate(s.epochLeader, 1):
            if len(leaders) > 1:
                return Fails(f"epoch {e} had leaders "
                             + " and ".join(self.server(k) for k in sorted(leaders)))
        return True

    @invariant("PrefixConsistency")
    def prefix_consistency(self, s: State):
        """Any two servers' committed prefixes agree (zxid and value)."""
        for i, j in permutations(self.everyone, 2):
            smaller = min(s.lastCommitted[i].index, s.lastCommitted[j].index)
            if smaller == 0:
                continue
            if smaller > 0 and (undefined := self.beyond(s, (i, j))) is not None:
                return undefined
            if smaller < 0:
                return Fails(f"{self.server(i if s.lastCommitted[i].index < 0 else j)} has "
                             f"lastCommitted.index {smaller}")
            for index in range(smaller):
                if not txn_equal(s.history[i][index], s.history[j][index]):
                    return Fails(f"{self.server(i)} and {self.server(j)} committed different "
                                 f"transactions at index {index + 1}")
        return True

    @invariant("Integrity")
    def integrity(self, s: State):
        """A follower delivers only what some primary broadcast."""
        for i in self.everyone:
            if s.state[i] != FOLLOWING or s.lastCommitted[i].index <= 0:
                continue
            if (undefined := self.beyond(s, (i,))) is not None:
                return undefined
            for txn in self.committed(s, i):
                if not any(p.zxid == txn.zxid and p.data == txn.value
                           for p in s.proposalMsgsLog):
                    return Fails(f"{self.server(i)} delivered {self.show_history((txn,))[0]}, "
                                 "which no primary broadcast")
        return True

    @invariant("Agreement")
    def agreement(self, s: State):
        """If follower f delivers a and follower f' delivers b, then f'
        delivers a or f delivers b."""
        followers = [i for i in self.everyone
                     if s.state[i] == FOLLOWING and s.lastCommitted[i].index > 0]
        if (undefined := self.beyond(s, followers if len(followers) else ())) is not None:
            return undefined
        for i in followers:
            for j in followers:
                ci, cj = self.committed(s, i), self.committed(s, j)
                for a in ci:
                    for b in cj:
                        if not (any(txn_equal(x, a) for x in cj)
                                or any(txn_equal(x, b) for x in ci)):
                            return Fails(f"{self.server(i)} delivered "
                                         f"{self.show_history((a,))[0]} and {self.server(j)} "
                                         f"{self.show_history((b,))[0]}, neither the other's")
        return True

    @invariant("TotalOrder")
    def total_order(self, s: State):
        """If a server delivers a before b, any server that delivers b
        delivers a before it."""
        for i in self.everyone:
            for j in self.everyone:
                if s.lastCommitted[i].index < 2 or s.lastCommitted[j].index < 2:
                    continue
                if (undefined := self.beyond(s, (i, j))) is not None:
                    return undefined
                ci, cj = self.committed(s, i), self.committed(s, j)
                for x1 in range(len(ci) - 1):
                    for x2 in range(x1 + 1, len(ci)):
                        places = [y for y, txn in enumerate(cj) if txn_equal(txn, ci[x2])]
                        if places and not any(txn_equal(ci[x1], cj[y1])
                                              for y2 in places for y1 in range(y2)):
                            return Fails(f"{self.server(i)} delivered "
                                         f"{self.show_history((ci[x1],))[0]} before "
                                         f"{self.show_history((ci[x2],))[0]}, "
                                         f"{self.server(j)} not")
        return True

    def txn_set(self, s: State, i: int, e: int) -> set:
        """txn_set(i, e): the (zxid, value) of every proposal i broadcast in e."""
        return {(p.zxid, p.data) for p in s.proposalMsgsLog if p.source == i and p.epoch == e}

    def delivers_in_order(self, s: State, pre, nxt) -> Fails | bool:
        """For LocalPrimaryOrder: every server that delivers nxt (with two or
        more delivered) delivers pre before it."""
        for j in self.everyone:
            if s.lastCommitted[j].index >= 2 and (undefined := self.beyond(s, (j,))) is not None:
                return undefined
            cj = [(txn.zxid, txn.value) for txn in self.committed(s, j)]
            if len(cj) >= 2 and nxt in cj:
                if not any(cj[y2] == nxt and y2 > 0 and pre in cj[:y2] for y2 in range(len(cj))):
                    return Fails(f"{self.server(j)} delivered zxid {nxt[0]} without zxid "
                                 f"{pre[0]} before it")
        return True

    @invariant("LocalPrimaryOrder")
    def local_primary_order(self, s: State):
        """As written: for each primary and epoch, fewer than two
        transactions, or *some* two of them (one and itself will do) are
        equal or delivered in order. It cannot fail."""
        for i in self.everyone:
            for e in range(1, s.currentEpoch[i] + 1):
                txns = sorted(self.txn_set(s, i, e))
                if len(txns) < 2:
                    continue
                if not any(t1 == t2 or self.delivers_in_order(s, min(t1, t2), max(t1, t2))
                           is True for t1 in txns for t2 in txns):
                    return Fails(f"no two transactions of {self.server(i)} in epoch {e} "
                                 "are in order")
        return True

    @invariant("LocalPrimaryOrderForAll", default=False)
    def local_primary_order_for_all(self, s: State):
        """LocalPrimaryOrder read with \\A (ours, not the cfg's): if a primary
        broadcasts a before b, a follower that delivers b delivers a before b."""
        for i in self.everyone:
            for e in range(1, s.currentEpoch[i] + 1):
                txns = sorted(self.txn_set(s, i, e))
                for t1 in txns:
                    for t2 in txns:
                        if t1 < t2:
                            verdict = self.delivers_in_order(s, t1, t2)
                            if verdict is not True:
                                return verdict
        return True

    @invariant("GlobalPrimaryOrder")
    def global_primary_order(self, s: State):
        """A server that delivers a of epoch e and b of epoch e' > e delivers
        a before b."""
        for i in self.everyone:
            if s.lastCommitted[i].index < 2:
                continue
            if (undefined := self.beyond(s, (i,))) is not None:
                return undefined
            ci = self.committed(s, i)
            for x1, a in enumerate(ci):
                for x2, b in enumerate(ci):
                    if a.zxid[0] < b.zxid[0] and not x1 < x2:
                        return Fails(f"{self.server(i)} delivered "
                                     f"{self.show_history((b,))[0]} before "
                                     f"{self.show_history((a,))[0]}")
        return True

    @invariant("PrimaryIntegrity")
    def primary_integrity(self, s: State):
        """If primary p broadcasts and follower f of p delivered b of an
        epoch before p's, p delivered b too."""
        for i in self.everyone:
            for j in self.everyone:
                if not (s.state[i] == LEADING and j in s.learners[i]
                        and s.state[j] == FOLLOWING and s.leaderAddr[j] == i
                        and s.zabState[i] == BROADCAST and s.zabState[j] == BROADCAST
                        and s.lastCommitted[j].index >= 1):
                    continue
                if (undefined := self.beyond(s, (j,))) is not None:
                    return undefined
                ci = self.committed(s, i)
                for txn in self.committed(s, j):
                    if txn.zxid[0] < s.currentEpoch[i] and not any(txn_equal(x, txn)
                                                                  for x in ci):
                        return Fails(f"{self.server(j)} delivered "
                                     f"{self.show_history((txn,))[0]}, which its primary "
                                     f"{self.server(i)} of epoch {s.currentEpoch[i]} has not")
        return True

    @reachable("A transaction is committed by a follower")
    def follower_commits(self, s: State):
        return any(s.state[i] == FOLLOWING and s.lastCommitted[i].index > 0
                   for i in self.everyone)


# -- mutants: each overrides one method ---------------------------------------------------


@Zab.mutant("epoch_from_leader_only", "DetermineNewEpoch takes the leader's own f.p + 1, not the "
            "largest f.p of the quorum's CEPOCHs + 1 (step l.1.1 of the paper): a second leader "
            "is established in an epoch a follower has already accepted → Leadership1")
class EpochFromLeaderOnly(Zab):
    def determine_new_epoch(self, s: State, i: int, cepoch_recv: frozenset) -> int:
        return s.acceptedEpoch[i] + 1  # the bug: the followers' f.p are not read


@Zab.mutant("propose_twice", "FollowerProcessPROPOSE appends every proposal, without IsNextZxid "
            "(the double-proposal bug of the spec's README, issue 4): a txn the follower has "
            "from NEWLEADER is appended again → ShouldNotBeTriggered")
class ProposeTwice(Zab):
    def follower_process_propose(self, s: State, i: int, j: int) -> State | None:
        if s.state[i] != FOLLOWING:
            return None
        msg = self.head(s, i, j, PROPOSE)
        if msg is None or s.leaderAddr[i] != j:
            return None
        txn = Txn(msg.mzxid, msg.mdata, frozenset(), s.currentEpoch[i])
        return s._replace(history=_with(s.history, i, s.history[i] + (txn,)),
                          msgs=self.reply(s.msgs, i, j, Ack(ACK, msg.mzxid)))


@Zab.mutant("commit_to_ackerecv", "LeaderTryToCommit broadcasts COMMIT to the learners of "
            "ackeRecv, not ackldRecv (the spec's README, issue 3): a follower gets COMMIT "
            "before COMMITLD")
class CommitToAckeRecv(Zab):
    def leader_try_to_commit(self, s, i, index, zxid, txn, follower, changes):
        return super().leader_try_to_commit(s._replace(ackldRecv=s.ackeRecv), i, index, zxid,
                                            txn, follower, changes)


@Zab.mutant("newleader_keeps_own_history", "DetermineInitialHistory keeps the new leader's own "
            "history, not the most recent of the quorum's (step l.1.2): a committed "
            "transaction is lost")
class NewleaderKeepsOwnHistory(Zab):
    def leader_process_ackepoch(self, s: State, i: int, j: int) -> State | None:
        self._leader = i
        return super().leader_process_ackepoch(s, i, j)

    def determine_initial_history(self, s: State, i: int, acke_recv: frozenset) -> tuple:
        return next(a.peerHistory for a in acke_recv if a.sid == self._leader)


@Zab.mutant("leader_skips_initial_history", "LeaderProcessACKLD leaves lastCommitted as it was: "
            "the new primary does not deliver its initial history before it broadcasts (step "
            "l.2.2), while a follower delivers it from COMMITLD → PrimaryIntegrity")
class LeaderSkipsInitialHistory(Zab):
    def deliver_initial_history(self, s: State, i: int) -> Committed:
        return s.lastCommitted[i]  # the bug: I_e' is not delivered



@Zab.mutant("half_is_a_quorum", "Quorums are the sets of at least half the servers, "
            "Cardinality(Q) * 2 >= Cardinality(Server): on 4 servers two quorums need not "
            "intersect, and two leaders commit different transactions at one zxid "
            "→ Leadership1, PrefixConsistency, Agreement")
class HalfIsAQuorum(Zab):
    def is_quorum(self, servers) -> bool:
        return len(servers) * 2 >= self.servers  # the bug: >= for >


@Zab.mutant("commit_on_request", "LeaderProcessRequest delivers the new transaction at once, "
            "before it is proposed and acknowledged by a quorum (step l.3.3 commits on a "
            "quorum of ACKs): the leader, later a follower, has delivered a transaction no "
            "primary broadcast → Integrity")
class CommitOnRequest(Zab):
    def leader_process_request(self, s: State, i: int) -> State | None:
        t = super().leader_process_request(s, i)
        if t is None:
            return None
        last = t.history[i][-1]  # the bug: delivered before it is broadcast
        return t._replace(lastCommitted=_with(t.lastCommitted, i,
                                              Committed(len(t.history[i]), last.zxid)))
