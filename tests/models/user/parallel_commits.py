"""CockroachDB's parallel commits, written as a user would from
ParallelCommits.tla (cockroachdb/cockroach,
docs/tla-plus/ParallelCommits/ParallelCommits.tla at 808ed23ca445, last
modified 2020-09-12, with ParallelCommits.cfg at 20a5ad69a67c): a plain
`checker.Model`, one action per PlusCal label.

A transaction commits in one round of consensus: its coordinator (the
``committer`` process) writes its intents and stages its transaction
record in parallel; once every intent and the STAGING record are written
the transaction is implicitly committed, the client is acked and the
record is later made explicitly COMMITTED. Keys written before the final
batch (``pipelined_keys``, any subset of KEYS, chosen in Init) are
pipelined: their consensus may fail, and the final batch queries them
(QueryIntent). A write that finds the key's timestamp cache at or above
its timestamp is prevented, and the coordinator retries: a refresh at a
new timestamp (StageWritesAndRecord again) or a restart at a new epoch
(BeginTxnEpoch), at most MAX_ATTEMPTS attempts in all. Concurrent
transactions (the fair ``preventer`` processes) push the record: a
PENDING one is aborted; a STAGING one is recovered: each intent of its
epoch and timestamp is looked for, and the first one missing is prevented
(the key's timestamp cache raised to the record's timestamp); then the
record is aborted (a write was prevented and the record has not moved on
since) or committed (every intent was there: it was implicitly
committed). Every preventer then resolves every intent.

The state is the translation's variables: the globals ``record``,
``intent_writes`` and ``tscache`` (by key, in KEYS order), ``commit_ack``,
``pc`` (the committer's, then each preventer's), the committer's locals
and the preventers' (by preventer). KEYS are ``k1..kK`` and PREVENTERS
``p1..pP``, as ParallelCommits.cfg names them; MAX_ATTEMPTS is a
parameter. A step is the label it executes, with what it chose:
``PipelineWrites(key='k1', written=True)`` (``written``: the ``either``
of async consensus), ``ParallelWrite(key='k2', refresh=True)`` (a
prevented write retried by a refresh; False: at a new epoch),
``StageWritesAndRecordLoop(to='StageRecord')`` (the ``either`` that picks
the next label), ``PreventWrites(self='p1', key=None)`` (a loop leaving,
with no key). Steps come out in the order TLC tries them: the committer,
then each preventer, a key ``\\E key \\in S`` in KEYS order.

Properties, each conjunct of the cfg's apart so that a failure says which
broke: the invariants TypeInvariants (the ranges of epochs, timestamps
and the cache: 0..MAX_ATTEMPTS; the domains and field types are the
Python types' and vacuous) and AckImpliesCommit; PlusCal's ``assert``
statements as the step property `assertions` (TLC checks them whenever it
takes the step; a failure names the label and the assertion);
TemporalTxnRecordProperties' ``[](P => []P)`` and ``[][...]_record``
conjuncts as step properties (``[](P => []P)`` is ``[][P => P']_vars``)
and its ``<>[]RecordFinalized`` as `record_finalized`;
TemporalIntentProperties' two step properties and ``<>[](\\A k :
resolved)`` (`intents_resolved`); TemporalTSCacheProperties (a step
property); ImplicitCommitLeadsToExplicitCommit and
AckLeadsToExplicitCommit (leads-to); and the translation's Termination,
``<>(\\A self \\in ProcSet : pc[self] = "Done")``, which the cfg does not
check.

Fairness is the translation's: ``\\A self \\in PREVENTERS :
WF_vars(preventer(self))``, the family ``FAIR_PROCESS`` below; the
committer is not fair (it may stop at any step: a coordinator that
crashes). Once every process is Done the translation's Terminating
stutters (`stutters`): no deadlock.

Reports draw a lifeline per process (`nodes`, `step_events`: a note of
what a step did to the record, the ack, the intents and the cache).

Deliberate differences: none in the reachable states. An ``either``
whose branches reach the same state (async consensus that succeeds by
rewriting an intent already there, or fails) is two steps here, as TLC
generates both, so generated counts can be compared; a branch the
PlusCal leaves empty but for comments is ``skip``. An assertion that
fails is a violation of `assertions` on that step, after which the step
is taken as the translation's other conjuncts say; TLC stops at the
failing step instead (so its trace is the states before it, one fewer).
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

from checker import (Fails, Model, Param, eventually, eventually_always, invariant, leads_to,
                     transition)
from checker.model import Note

STATUSES = ("pending", "staging", "committed", "aborted")
FAIR_PROCESS = ("PreventLoop(self=*) | PushRecord(self=*) | PreventWrites(self=*)"
                " | RecoverRecord(self=*) | ResolveIntents(self=*)")


class Record(NamedTuple):
    status: str
    epoch: int
    ts: int


class Intent(NamedTuple):
    epoch: int
    ts: int
    resolved: bool


class State(NamedTuple):
    record: Record
    intent_writes: tuple[Intent, ...]       # by key, in KEYS order
    tscache: tuple[int, ...]                # by key
    commit_ack: bool
    pc: tuple[str, ...]                     # the committer's, then each preventer's
    # the committer's variables
    pipelined_keys: frozenset[str]
    parallel_keys: frozenset[str]
    attempt: int
    txn_epoch: int
    txn_ts: int
    to_write: frozenset[str]
    to_check: frozenset[str]
    have_staging_record: bool
    # each preventer's, by preventer
    prevent_epoch: tuple[int, ...]
    prevent_ts: tuple[int, ...]
    found_writes: tuple[frozenset[str], ...]
    to_resolve: tuple[frozenset[str], ...]


# -- the committer's labels ---------------------------------------------------------


class BeginTxnEpoch(NamedTuple):
    pass


class PipelineWrites(NamedTuple):
    key: str | None         # None: the loop ends
    written: bool | None    # the either: async consensus succeeded (None: no either)


class StageWritesAndRecord(NamedTuple):
    pass


class StageWritesAndRecordLoop(NamedTuple):
    to: str                 # the label the either goes to (AckClient: the loop ends)


class QueryPipelinedWrite(NamedTuple):
    key: str


class ParallelWrite(NamedTuple):
    key: str
    refresh: bool | None    # a prevented write's retry: a refresh (True) or a new epoch


class StageRecord(NamedTuple):
    pass


class AckClient(NamedTuple):
    pass


class AsyncExplicitlyCommitted(NamedTuple):
    pass


class AsyncResolveIntents(NamedTuple):
    key: str | None


class EndCommitter(NamedTuple):
    pass


# -- each preventer's ---------------------------------------------------------------------


class PreventLoop(NamedTuple):
    self: str


class PushRecord(NamedTuple):
    self: str


class PreventWrites(NamedTuple):
    self: str
    key: str | None


class RecoverRecord(NamedTuple):
    self: str


class ResolveIntents(NamedTuple):
    self: str
    key: str | None


class ParallelCommits(Model):
    name = "parallel-commits"
    summary = "CockroachDB's parallel commits and transaction recovery (ParallelCommits.tla)"
    params = (
        Param("KEYS", 2, "keys the transaction writes (k1, k2, ...)", minimum=1, maximum=6),
        Param("PREVENTERS", 2, "concurrent transactions recovering it (p1, p2, ...)",
              minimum=1, maximum=6),
        Param("MAX_ATTEMPTS", 3, "attempts before the coordinator gives up", minimum=1,
              maximum=9),
    )
    actions = (BeginTxnEpoch, PipelineWrites, StageWritesAndRecord, StageWritesAndRecordLoop,
               QueryPipelinedWrite, ParallelWrite, StageRecord, AckClient,
               AsyncExplicitlyCommitted, AsyncResolveIntents, EndCommitter,
               PreventLoop, PushRecord, PreventWrites, RecoverRecord, ResolveIntents)

    def setup(self):
        self.keys = tuple(f"k{i}" for i in range(1, self.KEYS + 1))
        self.preventers = tuple(f"p{i}" for i in range(1, self.PREVENTERS + 1))
        self.key_index = {k: i for i, k in enumerate(self.keys)}
        self.all_keys = frozenset(self.keys)

    # -- Init ---------------------------------------------------------------------------

    def initial_states(self):
        """``pipelined_keys \\in SUBSET KEYS``, everything else fixed."""
        n, p = self.KEYS, self.PREVENTERS
        for size in range(n + 1):
            for pipelined in combinations(self.keys, size):
                pipelined = frozenset(pipelined)
                yield State(
                    record=Record("pending", 0, 0),
                    intent_writes=(Intent(0, 0, False),) * n, tscache=(0,) * n,
                    commit_ack=False, pc=("BeginTxnEpoch",) + ("PreventLoop",) * p,
                    pipelined_keys=pipelined, parallel_keys=self.all_keys - pipelined,
                    attempt=1, txn_epoch=0, txn_ts=0, to_write=frozenset(),
                    to_check=frozenset(), have_staging_record=False,
                    prevent_epoch=(0,) * p, prevent_ts=(0,) * p,
                    found_writes=(frozenset(),) * p, to_resolve=(self.all_keys,) * p)

    # -- Next: committer \/ \E self \in PREVENTERS : preventer(self) --------------------

    def successors(self, s: State):
        label = s.pc[0]
        if label != "Done":
            yield from getattr(self, _METHOD[label])(s)
        for i, me in enumerate(self.preventers):
            label = s.pc[i + 1]
            if label != "Done":
                yield from getattr(self, _METHOD[label])(s, i, me)

    def stutters(self, s: State) -> bool:
        """Terminating: every process Done, UNCHANGED vars."""
        return all(label == "Done" for label in s.pc)

    def goto(self, s: State, label: str, **changes) -> State:
        """The committer's step: its pc set to `label`."""
        return s._replace(pc=(label,) + s.pc[1:], **changes)

    def goto_p(self, s: State, i: int, label: str, **changes) -> State:
        """Preventer i's step: its pc set to `label`."""
        return s._replace(pc=_with(s.pc, i + 1, label), **changes)

    def query_intent(self, s: State, key: str, epoch: int, ts: int) -> bool:
        """QueryIntent(key, query_epoch, query_ts): an unresolved intent of
        that epoch at or below that timestamp."""
        intent = s.intent_writes[self.key_index[key]]
        return intent.epoch == epoch and intent.ts <= ts and not intent.resolved

    def write(self, s: State, key: str, intent: Intent) -> tuple[Intent, ...]:
        return _with(s.intent_writes, self.key_index[key], intent)

    # -- the committer ------------------------------------------------------------------

    def begin_txn_epoch(self, s: State):
        """BeginTxnEpoch: a new epoch and timestamp, the pipelined keys to
        write; maybe_abandon_retry()."""
        label = "EndCommitter" if s.attempt > self.MAX_ATTEMPTS else "PipelineWrites"
        yield BeginTxnEpoch(), self.goto(s, label, txn_epoch=s.txn_epoch + 1,
                                         txn_ts=s.txn_ts + 1, to_write=s.pipelined_keys)

    def pipeline_writes(self, s: State):
        """PipelineWrites: write each pipelined key; a resolved one is not
        written over, and async consensus may fail (either)."""
        if not s.to_write:
            yield PipelineWrites(None, None), self.goto(s, "StageWritesAndRecord")
            return
        for key in sorted(s.to_write):
            rest = s.to_write - {key}
            if s.intent_writes[self.key_index[key]].resolved:
                yield PipelineWrites(key, None), s._replace(to_write=rest)
            elif s.tscache[self.key_index[key]] >= s.txn_ts:
                yield PipelineWrites(key, None), s._replace(to_write=rest)   # assert FALSE
            else:
                yield PipelineWrites(key, True), s._replace(
                    to_write=rest,
                    intent_writes=self.write(s, key, Intent(s.txn_epoch, s.txn_ts, False)))
                yield PipelineWrites(key, False), s._replace(to_write=rest)

    def stage_writes_and_record(self, s: State):
        """StageWritesAndRecord: the parallel keys to write, the pipelined
        ones to check, the record to stage; maybe_abandon_retry()."""
        label = ("EndCommitter" if s.attempt > self.MAX_ATTEMPTS
                 else "StageWritesAndRecordLoop")
        yield StageWritesAndRecord(), self.goto(s, label, to_write=s.parallel_keys,
                                                to_check=s.pipelined_keys,
                                                have_staging_record=False)

    def stage_writes_and_record_loop(self, s: State):
        """StageWritesAndRecordLoop: while a key is to check or to write or
        the record is not staged, one of them (either); then AckClient."""
        if s.to_check or s.to_write or not s.have_staging_record:
            if s.to_check:
                yield StageWritesAndRecordLoop("QueryPipelinedWrite"), self.goto(
                    s, "QueryPipelinedWrite")
            if s.to_write:
                yield StageWritesAndRecordLoop("ParallelWrite"), self.goto(s, "ParallelWrite")
            if not s.have_staging_record:
                yield StageWritesAndRecordLoop("StageRecord"), self.goto(s, "StageRecord")
        else:
            yield StageWritesAndRecordLoop("AckClient"), self.goto(s, "AckClient")

    def query_pipelined_write(self, s: State):
        """QueryPipelinedWrite: a pipelined intent found is checked off;
        one missing sends the coordinator to the record (QueryTxn): not
        finalized, restart at a new epoch; aborted, give up; committed,
        ack."""
        for key in sorted(s.to_check):
            if self.query_intent(s, key, s.txn_epoch, s.txn_ts):
                yield QueryPipelinedWrite(key), self.goto(s, "StageWritesAndRecordLoop",
                                                          to_check=s.to_check - {key})
            elif s.record.status in ("pending", "staging"):
                yield QueryPipelinedWrite(key), self.goto(s, "BeginTxnEpoch",
                                                          attempt=s.attempt + 1)
            elif s.record.status == "aborted":
                yield QueryPipelinedWrite(key), self.goto(s, "EndCommitter")
            else:
                yield QueryPipelinedWrite(key), self.goto(s, "AckClient")

    def parallel_write(self, s: State):
        """ParallelWrite: an intent of this epoch is already there; a write
        at or below the key's timestamp cache, or onto a resolved intent, is
        prevented and retried (either a refresh at a new timestamp or a
        restart at a new epoch); else the intent is written."""
        for key in sorted(s.to_write):
            cur_intent = s.intent_writes[self.key_index[key]]
            rest = s.to_write - {key}
            if cur_intent.epoch == s.txn_epoch:
                yield ParallelWrite(key, None), self.goto(s, "StageWritesAndRecordLoop",
                                                          to_write=rest)
            elif s.tscache[self.key_index[key]] >= s.txn_ts or cur_intent.resolved:
                yield ParallelWrite(key, True), self.goto(s, "StageWritesAndRecord",
                                                          to_write=rest, txn_ts=s.txn_ts + 1,
                                                          attempt=s.attempt + 1)
                yield ParallelWrite(key, False), self.goto(s, "BeginTxnEpoch", to_write=rest,
                                                           attempt=s.attempt + 1)
            else:
                yield ParallelWrite(key, None), self.goto(
                    s, "StageWritesAndRecordLoop", to_write=rest,
                    intent_writes=self.write(s, key, Intent(s.txn_epoch, s.txn_ts, False)))

    def stage_record(self, s: State):
        """StageRecord: a PENDING or STAGING record is staged at the
        transaction's epoch and timestamp; an aborted one ends the
        coordinator."""
        staged = Record("staging", s.txn_epoch, s.txn_ts)
        match s.record.status:
            case "pending" | "staging":
                yield StageRecord(), self.goto(s, "StageWritesAndRecordLoop",
                                               have_staging_record=True, record=staged)
            case "aborted":
                yield StageRecord(), self.goto(s, "EndCommitter", have_staging_record=True)
            case "committed":
                yield StageRecord(), self.goto(s, "StageWritesAndRecordLoop",
                                               have_staging_record=True)   # assert FALSE

    def ack_client(self, s: State):
        """AckClient: assert Committed; the client is acked."""
        yield AckClient(), self.goto(s, "AsyncExplicitlyCommitted", commit_ack=True)

    def async_explicitly_committed(self, s: State):
        """AsyncExplicitlyCommitted: a STAGING record is made COMMITTED
        (assert ImplicitlyCommitted); then every key's intent is to be
        resolved."""
        record = s.record
        if record.status == "staging":
            record = record._replace(status="committed")
        yield AsyncExplicitlyCommitted(), self.goto(s, "AsyncResolveIntents", record=record,
                                                    to_write=self.all_keys)

    def async_resolve_intents(self, s: State):
        """AsyncResolveIntents: resolve each key's intent, then EndCommitter."""
        if not s.to_write:
            yield AsyncResolveIntents(None), self.goto(s, "EndCommitter")
            return
        for key in sorted(s.to_write):
            yield AsyncResolveIntents(key), s._replace(intent_writes=self.resolve(s, key),
                                                       to_write=s.to_write - {key})

    def resolve(self, s: State, key: str) -> tuple[Intent, ...]:
        """``intent_writes[key].resolved := TRUE`` where it is not."""
        intent = s.intent_writes[self.key_index[key]]
        return s.intent_writes if intent.resolved else self.write(
            s, key, intent._replace(resolved=True))

    def end_committer(self, s: State):
        yield EndCommitter(), self.goto(s, "Done")

    # -- a preventer (self = me, its index i) ----------------------------------------------

    def prevent_loop(self, s: State, i: int, me: str):
        """PreventLoop: found_writes := {}."""
        yield PreventLoop(me), self.goto_p(s, i, "PushRecord",
                                           found_writes=_with(s.found_writes, i, frozenset()))

    def push_record(self, s: State, i: int, me: str):
        """PushRecord: abort a PENDING record; recover a STAGING one at its
        epoch and timestamp; a finalized one needs nothing."""
        match s.record.status:
            case "pending":
                yield PushRecord(me), self.goto_p(
                    s, i, "ResolveIntents", record=s.record._replace(status="aborted"))
            case "staging":
                yield PushRecord(me), self.goto_p(
                    s, i, "PreventWrites", prevent_epoch=_with(s.prevent_epoch, i, s.record.epoch),
                    prevent_ts=_with(s.prevent_ts, i, s.record.ts))
            case _:
                yield PushRecord(me), self.goto_p(s, i, "ResolveIntents")

    def prevent_writes(self, s: State, i: int, me: str):
        """PreventWrites: look for each key's intent; the first missing one
        is prevented: the key's timestamp cache raised to prevent_ts."""
        found = s.found_writes[i]
        if found == self.all_keys:
            yield PreventWrites(me, None), self.goto_p(s, i, "RecoverRecord")
            return
        for key in sorted(self.all_keys - found):
            if self.query_intent(s, key, s.prevent_epoch[i], s.prevent_ts[i]):
                yield PreventWrites(me, key), s._replace(
                    found_writes=_with(s.found_writes, i, found | {key}))
            else:
                yield PreventWrites(me, key), self.goto_p(s, i, "RecoverRecord",
                                                          tscache=self.prevent(s, i, key))

    def prevent(self, s: State, i: int, key: str) -> tuple[int, ...]:
        """``if tscache[key] < prevent_ts then tscache[key] := prevent_ts``."""
        k = self.key_index[key]
        return (_with(s.tscache, k, s.prevent_ts[i]) if s.tscache[k] < s.prevent_ts[i]
                else s.tscache)

    def recover_record(self, s: State, i: int, me: str):
        """RecoverRecord: a write prevented, a STAGING record that has not
        moved on (legal_change: a later epoch and timestamp) is aborted, one
        that has is recovered again (PreventLoop); every write found, a
        STAGING record is committed (it was implicitly committed)."""
        record, label = s.record, "ResolveIntents"
        if s.found_writes[i] != self.all_keys:
            legal_change = record.epoch >= s.prevent_epoch[i] and record.ts > s.prevent_ts[i]
            if record.status == "staging":
                if legal_change:
                    label = "PreventLoop"
                else:
                    record = record._replace(status="aborted")
        elif record.status == "staging":
            record = record._replace(status="committed")
        yield RecoverRecord(me), self.goto_p(s, i, label, record=record)

    def resolve_intents(self, s: State, i: int, me: str):
        """ResolveIntents: resolve each key's intent, then Done."""
        if not s.to_resolve[i]:
            yield ResolveIntents(me, None), self.goto_p(s, i, "Done")
            return
        for key in sorted(s.to_resolve[i]):
            yield ResolveIntents(me, key), s._replace(
                intent_writes=self.resolve(s, key),
                to_resolve=_with(s.to_resolve, i, s.to_resolve[i] - {key}))

    # -- the spec's definitions ------------------------------------------------------------

    def implicitly_committed(self, s: State) -> bool:
        """RecordStaging and every key's intent of the record's epoch, at
        or below its timestamp."""
        return s.record.status == "staging" and all(
            w.epoch == s.record.epoch and w.ts <= s.record.ts for w in s.intent_writes)

    def committed(self, s: State) -> bool:
        return self.implicitly_committed(s) or s.record.status == "committed"

    def state_view(self, s: State) -> dict:
        view = {"record": f"{s.record.status} epoch={s.record.epoch} ts={s.record.ts}"}
        for k, key in enumerate(self.keys):
            w = s.intent_writes[k]
            view[f"intent_writes[{key}]"] = (f"epoch={w.epoch} ts={w.ts}"
                                             + (" resolved" if w.resolved else ""))
        for k, key in enumerate(self.keys):
            view[f"tscache[{key}]"] = s.tscache[k]
        view["commit_ack"] = s.commit_ack
        view["pc[committer]"] = s.pc[0]
        for field in ("pipelined_keys", "parallel_keys", "attempt", "txn_epoch", "txn_ts",
                      "to_write", "to_check", "have_staging_record"):
            value = getattr(s, field)
            view[field] = sorted(value) if isinstance(value, frozenset) else value
        for i, me in enumerate(self.preventers):
            view[f"pc[{me}]"] = s.pc[i + 1]
            view[f"prevent_epoch[{me}]"] = s.prevent_epoch[i]
            view[f"prevent_ts[{me}]"] = s.prevent_ts[i]
            view[f"found_writes[{me}]"] = sorted(s.found_writes[i])
            view[f"to_resolve[{me}]"] = sorted(s.to_resolve[i])
        return view

    # -- sequence charts: a lifeline per process ------------------------------------------

    def nodes(self):
        return ("committer",) + self.preventers

    def step_events(self, s: State, action, t: State):
        """A note on the lifeline of the process taking the step, saying
        what it did to the record, the client's ack and the shared keys."""
        said = []
        if t.record != s.record:
            said.append(f"record {t.record.status} epoch={t.record.epoch} ts={t.record.ts}")
        if t.commit_ack != s.commit_ack:
            said.append("client acked")
        for key, before, after in zip(self.keys, s.intent_writes, t.intent_writes):
            if after != before:
                said.append(f"{key} intent resolved" if after.resolved and not before.resolved
                            else f"{key} intent epoch={after.epoch} ts={after.ts}")
        for key, before, after in zip(self.keys, s.tscache, t.tscache):
            if after != before:
                said.append(f"tscache[{key}] = {after}")
        return (Note(getattr(action, "self", "committer"), "; ".join(said)),)

    # -- invariants -------------------------------------------------------------------

    @invariant("TypeInvariants")
    def type_invariants(self, s: State):
        """Epochs and timestamps of the record and the intents, and the
        timestamp cache, in 0..MAX_ATTEMPTS (the rest, domains and field
        types, the Python types make true)."""
        top = self.MAX_ATTEMPTS
        if s.record.status not in STATUSES or not (0 <= s.record.epoch <= top
                                                   and 0 <= s.record.ts <= top):
            return Fails(f"record {tuple(s.record)} is not in [status: RecordStatuses, "
                         f"epoch: 0..{top}, ts: 0..{top}]")
        for key, w in zip(self.keys, s.intent_writes):
            if not (0 <= w.epoch <= top and 0 <= w.ts <= top):
                return Fails(f"intent_writes[{key}] = {tuple(w)}: epoch or ts not in 0..{top}")
        for key, t in zip(self.keys, s.tscache):
            if not 0 <= t <= top:
                return Fails(f"tscache[{key}] = {t} is not in 0..{top}")
        return True

    @invariant("AckImpliesCommit")
    def ack_implies_commit(self, s: State):
        """commit_ack => Committed."""
        if s.commit_ack and not self.committed(s):
            return Fails(f"the client is acked and the record is {s.record.status} "
                         f"(epoch {s.record.epoch}, ts {s.record.ts}), not committed")
        return True

    # -- PlusCal's assert statements -------------------------------------------------------

    @transition("Assertions")
    def assertions(self, s: State, action, t: State):
        """Each ``assert`` of the PlusCal on the step that evaluates it."""
        match action:
            case PipelineWrites(key=key) if key is not None:
                k = self.key_index[key]
                if not s.intent_writes[k].resolved and s.tscache[k] >= s.txn_ts:
                    return Fails(f"PipelineWrites: assert FALSE (a pipelined write to {key} "
                                 f"prevented: tscache {s.tscache[k]} >= txn_ts {s.txn_ts})")
            case StageRecord():
                r = s.record
                if r.status == "staging" and not (r.epoch <= s.txn_epoch and r.ts < s.txn_ts):
                    return Fails(f"StageRecord: assert record.epoch <= txn_epoch /\\ "
                                 f"record.ts < txn_ts (record epoch {r.epoch} ts {r.ts}, "
                                 f"txn epoch {s.txn_epoch} ts {s.txn_ts})")
                if r.status == "committed":
                    return Fails("StageRecord: assert FALSE (the record is already committed)")
            case AckClient():
                if not self.committed(s):
                    return Fails(f"AckClient: assert Committed (the record is "
                                 f"{s.record.status})")
            case AsyncExplicitlyCommitted():
                if s.record.status == "staging" and not self.implicitly_committed(s):
                    return Fails("AsyncExplicitlyCommitted: assert ImplicitlyCommitted")
                if s.record.status not in ("staging", "committed"):
                    return Fails(f"AsyncExplicitlyCommitted: assert FALSE (the record is "
                                 f"{s.record.status})")
            case RecoverRecord(self=me):
                i, r = self.preventers.index(me), s.record
                if s.found_writes[i] != self.all_keys:
                    if r.status == "pending":
                        return Fails("RecoverRecord: assert FALSE (prevented, the record "
                                     "pending)")
                elif r.status in ("pending", "aborted"):
                    return Fails(f"RecoverRecord: assert FALSE (every write found, the "
                                 f"record {r.status})")
                elif r.epoch != s.prevent_epoch[i] or r.ts != s.prevent_ts[i]:
                    return Fails(f"RecoverRecord: assert record.epoch = prevent_epoch /\\ "
                                 f"record.ts = prevent_ts (record {r.epoch}, {r.ts}; "
                                 f"prevent {s.prevent_epoch[i]}, {s.prevent_ts[i]})")
                elif r.status == "staging" and not self.implicitly_committed(s):
                    return Fails("RecoverRecord: assert ImplicitlyCommitted")
        return True

    # -- TemporalTxnRecordProperties -----------------------------------------------------

    @eventually_always("Record Finalized")
    def record_finalized(self, s: State):
        """``<>[]RecordFinalized``: the record ends COMMITTED or ABORTED."""
        return s.record.status in ("committed", "aborted")

    @transition("Record Committed Stays")
    def record_committed_stays(self, s: State, action, t: State):
        """``[](RecordCommitted => []RecordCommitted)``."""
        if s.record.status == "committed" and t.record.status != "committed":
            return Fails(f"a committed record became {t.record.status}")
        return True

    @transition("Record Aborted Stays")
    def record_aborted_stays(self, s: State, action, t: State):
        """``[](RecordAborted => []RecordAborted)``."""
        if s.record.status == "aborted" and t.record.status != "aborted":
            return Fails(f"an aborted record became {t.record.status}")
        return True

    @transition("Committed Stays")
    def committed_stays(self, s: State, action, t: State):
        """``[](Committed => []Committed)``: implicitly or explicitly."""
        if self.committed(s) and not self.committed(t):
            return Fails(f"a committed transaction is no longer: the record is "
                         f"{t.record.status}")
        return True

    @transition("Record Epoch Grows")
    def record_epoch_grows(self, s: State, action, t: State):
        """``[][record'.epoch >= record.epoch]_record``."""
        if t.record.epoch < s.record.epoch:
            return Fails(f"the record's epoch went from {s.record.epoch} to {t.record.epoch}")
        return True

    @transition("Record Timestamp Grows")
    def record_ts_grows(self, s: State, action, t: State):
        """``[][record'.ts >= record.ts]_record``."""
        if t.record.ts < s.record.ts:
            return Fails(f"the record's timestamp went from {s.record.ts} to {t.record.ts}")
        return True

    # -- TemporalIntentProperties ---------------------------------------------------------

    @transition("Intent Epochs Grow")
    def intent_epochs_grow(self, s: State, action, t: State):
        """``[][\\A k : intent_writes'[k].epoch >= intent_writes[k].epoch]_intent_writes``."""
        for key, before, after in zip(self.keys, s.intent_writes, t.intent_writes):
            if after.epoch < before.epoch:
                return Fails(f"{key}'s intent epoch went from {before.epoch} to {after.epoch}")
        return True

    @transition("Intent Timestamps Grow")
    def intent_ts_grow(self, s: State, action, t: State):
        """``[][\\A k : intent_writes'[k].ts >= intent_writes[k].ts]_intent_writes``."""
        for key, before, after in zip(self.keys, s.intent_writes, t.intent_writes):
            if after.ts < before.ts:
                return Fails(f"{key}'s intent timestamp went from {before.ts} to {after.ts}")
        return True

    @eventually_always("Intents Resolved")
    def intents_resolved(self, s: State):
        """``<>[](\\A k \\in KEYS : intent_writes[k].resolved)``."""
        return all(w.resolved for w in s.intent_writes)

    # -- TemporalTSCacheProperties --------------------------------------------------------

    @transition("Timestamp Cache Grows")
    def tscache_grows(self, s: State, action, t: State):
        """``[][\\A k : tscache'[k] >= tscache[k]]_tscache``."""
        for key, before, after in zip(self.keys, s.tscache, t.tscache):
            if after < before:
                return Fails(f"tscache[{key}] went from {before} to {after}")
        return True

    # -- leads-to ------------------------------------------------------------------------

    @leads_to("ImplicitCommitLeadsToExplicitCommit")
    def implicit_commit_leads_to_explicit_commit(self, s: State):
        """``ImplicitlyCommitted ~> ExplicitlyCommitted``."""
        return self.implicitly_committed(s), s.record.status == "committed"

    @leads_to("AckLeadsToExplicitCommit")
    def ack_leads_to_explicit_commit(self, s: State):
        """``commit_ack ~> ExplicitlyCommitted``."""
        return s.commit_ack, s.record.status == "committed"

    @eventually("Termination")
    def termination(self, s: State):
        """The translation's ``<>(\\A self \\in ProcSet : pc[self] = "Done")``."""
        return all(label == "Done" for label in s.pc)


_METHOD = {
    "BeginTxnEpoch": "begin_txn_epoch", "PipelineWrites": "pipeline_writes",
    "StageWritesAndRecord": "stage_writes_and_record",
    "StageWritesAndRecordLoop": "stage_writes_and_record_loop",
    "QueryPipelinedWrite": "query_pipelined_write", "ParallelWrite": "parallel_write",
    "StageRecord": "stage_record", "AckClient": "ack_client",
    "AsyncExplicitlyCommitted": "async_explicitly_committed",
    "AsyncResolveIntents": "async_resolve_intents", "EndCommitter": "end_committer",
    "PreventLoop": "prevent_loop", "PushRecord": "push_record",
    "PreventWrites": "prevent_writes", "RecoverRecord": "recover_record",
    "ResolveIntents": "resolve_intents",
}


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


class WithAsserts(ParallelCommits):
    """AckClient's ``assert Committed`` as Python's ``assert`` (the engine's
    `assertion` check) rather than as the `assertions` step property: the
    run ends at the state the failing step leaves from, where TLC stops at
    its failed Assert."""

    def ack_client(self, s: State):
        assert self.committed(s), f"assert Committed (the record is {s.record.status})"
        yield from super().ack_client(s)


# -- mutants: each a subclass overriding one label (``ParallelCommits(mutant=name)``) --------


@ParallelCommits.mutant(
    "recover_aborts_implicit_commit",
    "RecoverRecord aborts a STAGING record whose every intent it found, where the "
    "spec commits it: a recovery that aborts an implicitly committed transaction "
    "→ AckImpliesCommit, Committed Stays, ImplicitCommitLeadsToExplicitCommit")
class RecoverAbortsImplicitCommit(ParallelCommits):
    def recover_record(self, s, i, me):
        for action, t in super().recover_record(s, i, me):
            if s.found_writes[i] == self.all_keys and s.record.status == "staging":
                t = t._replace(record=t.record._replace(status="aborted"))   # the bug
            yield action, t


@ParallelCommits.mutant(
    "ack_before_writes",
    "StageWritesAndRecordLoop leaves for AckClient once the record is staged, "
    "whatever is left to write or check: a coordinator that reports success before "
    "its writes are done → the assertion Committed at AckClient")
class AckBeforeWrites(ParallelCommits):
    def stage_writes_and_record_loop(self, s):
        if s.have_staging_record:       # the bug: to_check and to_write not awaited
            yield StageWritesAndRecordLoop("AckClient"), self.goto(s, "AckClient")
            return
        yield from super().stage_writes_and_record_loop(s)


@ParallelCommits.mutant(
    "refresh_uncounted",
    "ParallelWrite's refresh does not count an attempt: a coordinator that refreshes "
    "for ever, its timestamp past MAX_ATTEMPTS → TypeInvariants")
class RefreshUncounted(ParallelCommits):
    def parallel_write(self, s):
        for action, t in super().parallel_write(s):
            if action.refresh:
                t = t._replace(attempt=s.attempt)        # the bug: no attempt + 1
            yield action, t


@ParallelCommits.mutant(
    "recover_aborts_committed",
    "RecoverRecord, a write prevented, aborts a COMMITTED record as it aborts a "
    "STAGING one that has not moved on → Record Committed Stays")
class RecoverAbortsCommitted(ParallelCommits):
    def recover_record(self, s, i, me):
        for action, t in super().recover_record(s, i, me):
            if s.found_writes[i] != self.all_keys and s.record.status == "committed":
                t = t._replace(record=s.record._replace(status="aborted"))   # the bug
            yield action, t


@ParallelCommits.mutant(
    "stage_aborted",
    "StageRecord stages an ABORTED record as it stages a PENDING one → Record "
    "Aborted Stays")
class StageAborted(ParallelCommits):
    def stage_record(self, s):
        if s.record.status == "aborted":     # the bug: not the end of the coordinator
            s = s._replace(record=s.record._replace(status="pending"))
        yield from super().stage_record(s)


@ParallelCommits.mutant(
    "recover_resets_record",
    "RecoverRecord aborts by writing a new record, [status |-> \"aborted\", epoch "
    "|-> 0, ts |-> 0] → Record Epoch Grows, Record Timestamp Grows")
class RecoverResetsRecord(ParallelCommits):
    def recover_record(self, s, i, me):
        for action, t in super().recover_record(s, i, me):
            if t.record.status == "aborted" and s.record.status != "aborted":
                t = t._replace(record=Record("aborted", 0, 0))   # the bug
            yield action, t


@ParallelCommits.mutant(
    "resolve_resets_intent",
    "ResolveIntents resolves an intent by writing [epoch |-> 0, ts |-> 0, resolved "
    "|-> TRUE] → Intent Epochs Grow, Intent Timestamps Grow")
class ResolveResetsIntent(ParallelCommits):
    def resolve_intents(self, s, i, me):
        for action, t in super().resolve_intents(s, i, me):
            if action.key is not None and not s.intent_writes[self.key_index[action.key]].resolved:
                t = t._replace(intent_writes=self.write(s, action.key, Intent(0, 0, True)))
            yield action, t


@ParallelCommits.mutant(
    "prevent_overwrites_tscache",
    "PreventWrites sets the key's timestamp cache to prevent_ts even where it is "
    "higher: a preventer of an older timestamp lowers it → Timestamp Cache Grows")
class PreventOverwritesTscache(ParallelCommits):
    def prevent(self, s, i, key):
        return _with(s.tscache, self.key_index[key], s.prevent_ts[i])   # the bug: no max


@ParallelCommits.mutant(
    "recover_retries_for_ever",
    "RecoverRecord, a write prevented, recovers a STAGING record again (goto "
    "PreventLoop) even when it has not moved on, where the spec aborts it → Record "
    "Finalized")
class RecoverRetriesForEver(ParallelCommits):
    def recover_record(self, s, i, me):
        for action, t in super().recover_record(s, i, me):
            if s.found_writes[i] != self.all_keys and s.record.status == "staging":
                t = self.goto_p(s, i, "PreventLoop")   # the bug: no abort
            yield action, t


@ParallelCommits.mutant(
    "recover_leaves_staging",
    "RecoverRecord, every intent found, leaves the STAGING record as it is, where "
    "the spec commits it → ImplicitCommitLeadsToExplicitCommit, "
    "AckLeadsToExplicitCommit")
class RecoverLeavesStaging(ParallelCommits):
    def recover_record(self, s, i, me):
        for action, t in super().recover_record(s, i, me):
            if s.found_writes[i] == self.all_keys:
                t = t._replace(record=s.record)   # the bug: no commit
            yield action, t


@ParallelCommits.mutant(
    "no_resolve",
    "ResolveIntents ends the preventer without resolving an intent → Intents "
    "Resolved")
class NoResolve(ParallelCommits):
    def resolve_intents(self, s, i, me):
        yield ResolveIntents(me, None), self.goto_p(s, i, "Done")   # the bug
