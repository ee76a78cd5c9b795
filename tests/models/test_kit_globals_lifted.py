"""Globals where the kit once refused them: read and written by the handlers
of a bag delivering message by message (``per_message``), by receivers
without a record there, and by timers (`on_timer`), beside crash handlers;
and a partition of `Delayed` messages.

Each is pinned on a small model (tests/models/kit_globals/) whose distinct
states and violated invariant's shortest counterexample equal TLC's on the
hand-written TLA+ module next to it (`Fencing.tla`, `LeaseTimer.tla`,
`DelayedPartition.tla`; TLC 2.15, one worker: its depth counts the
initial state, one more than cmc's), and, where the kit has two ways to
plan the same steps, on the agreement of the two. The TLC runs themselves
are under ``-m slow``, where java and the jar are. What the kit still
cannot do is refused in one line naming the handler.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from checker import CheckConfig, ModelDefinitionError, Param, ParamError, check
from checker.result import HOLDS, VIOLATED
from models.kit import ActorModel, Bag, Node, ids, on, on_crash, step
from models.kit.clock import Clock, Delayed, on_timer
from tests.brute_force import orbit_counts_agree, reachable_states
from tests.models.kit_globals.delayed_partition import DelayedPartition
from tests.models.kit_globals.fencing import Fencing
from tests.models.kit_globals.lease_timer import Campaign, LeaseTimer, ServerNode
from tests.models.test_kit_frictions import Calls
from tests.models.test_kit_frictions import ClientNode as CallingClient
from tests.models.test_kit_frictions import ServerNode as CalledServer
from tests.models.test_kit_globals import DoorLock
from tests.models.tlc_pins import figures, needs_tlc, tlc

FIXTURES = Path(__file__).parent / "kit_globals"


# -- a bag delivering message by message: receipts that read and write globals ----------


def test_fencing_tokens_per_message_agree_with_tlc():
    """The lock service and the storage keep no record: each receipt reads
    and writes the globals (the next token; the highest token stored) in
    the same step as it takes the message and sends. TLC on Fencing.tla:
    1,018 distinct states, depth 14; StoredIssued holds; WriterLatest is
    violated after 7 steps (a client writes with token 1 once 2 is out)."""
    assert figures(Fencing()) == (1018, 13, {
        "stored_issued": (HOLDS, None),
        "writer_latest": (VIOLATED, [
            "Ask(client=0)", "Ask(client=1)", "ReceiveAcquire(service=0, client=0)",
            "ReceiveGrant(client=0, granted=0, token=1)", "Put(client=0)",
            "ReceiveAcquire(service=0, client=1)",
            "ReceiveWrite(store=0, client=0, token=1)"])})


@pytest.mark.parametrize("per_message", [False, True])
def test_fencing_tokens_deadlock_as_tlc_finds(per_message):
    """Whether a receipt is enabled (`Deliveries.enabled`) reads the globals
    too: TLC finds a deadlock after 7 steps (a token's grant lost, the
    other client's write taken)."""
    model = type("Variant", (Fencing,), {
        "network": Bag(drop="drops", duplicate="dups", per_message=per_message)})()
    result = check(model, CheckConfig(deadlock=True, keep_going=True))
    deadlock = [o for o in result.outcomes() if o.property.name == "deadlock"]
    assert [(o.outcome, len(o.finding.trace)) for o in deadlock] == [(VIOLATED, 7)]


def test_fencing_tokens_delivered_all_at_once_are_the_same_states():
    # the same program planned by `Group` (each receiver's receipts at once)
    at_once = type("AtOnce", (Fencing,), {"network": Bag(drop="drops", duplicate="dups")})
    assert figures(at_once())[:2] == (1018, 13)


def test_fencing_tokens_per_message_under_symmetry():
    # the writer, a global naming a client, is renamed with the clients
    symmetric = type("Symmetric", (Fencing,), {"symmetry_sets": ("clients",)})
    assert orbit_counts_agree(symmetric, [("clients",)]) == (1018, 511)


@pytest.mark.parametrize("per_message", [False, True])
def test_a_receipt_guarded_by_a_derived_global_per_message(per_message):
    """The doorman's grant reads ``free`` (derived from the global
    ``holder``) and writes ``holder``: message by message, the states and
    orbits of the bag delivering all at once."""
    variant = type("Variant", (DoorLock,), {"name": "door-lock",
                                            "network": Bag(per_message=per_message)})
    assert orbit_counts_agree(lambda: variant(procs=3, max_grants=2), [("procs",)]) == (72, 24)


@pytest.mark.parametrize("per_message", [False, True])
def test_receivers_without_a_record_write_globals_per_message(per_message):
    """Clients keeping nothing but a global history take their replies
    message by message: the states of the same taken all at once."""
    variant = type("Variant", (Calls,), {
        "network": Bag(per_message=per_message), "network_choices": (),
        "next": ((CallingClient.invoke,), (CallingClient.respond,), (CalledServer.serve,))})
    assert orbit_counts_agree(lambda: variant(clients=3), [("clients",)]) == (550, 94)


# -- timers that read and write globals, beside crash handlers that do ------------------


def test_a_lease_election_by_timers_agrees_with_tlc():
    """Each node's election timer reads who holds the lease and the term,
    and writes them; a crash frees a crashing holder's lease. TLC on
    LeaseTimer.tla: 139 distinct states, depth 11; HolderLeads holds;
    OneElection is violated after 4 steps (a tick, n0 elected, n0
    crashes, n1 elected)."""
    assert figures(LeaseTimer()) == (139, 10, {
        "holder_leads": (HOLDS, None),
        "one_election": (VIOLATED, ["Tick(now=1, lagging=none)", "Campaign(server=0)",
                                    "Crash(server=0)", "Campaign(server=1)"])})


def test_a_due_timer_whose_global_guard_is_off_holds_time_back():
    """Whether a timer is due reads its deadline alone: n1's timer, due at
    1, is not enabled while n0 holds the lease, and time waits at 1 (the
    docstring of `on_timer`): no state has n0 leading past tick 1."""

    class Waiting(ServerNode):
        @on_timer(Campaign, deadline="timeout",
                  reads_globals=("holder", "term"), writes_globals=("holder", "term"))
        def campaign(self, s, now, holder, term):
            if holder is not None:
                return None  # waits for the lease to be free
            return (s._replace(role="leader", timeout=None), [],
                    {"holder": self.id, "term": term + 1})

    model = type("Waiting", (LeaseTimer,), {"roles": (Waiting,),
                                            "params": LeaseTimer.params[:2] + (
                                                Param("crashes", 0, "crashes"),
                                                Param("restarts", 0, "restarts"))})()
    states = reachable_states(model)
    # the initial state, the tick to 1, then n0 or n1 elected: time stops there
    assert len(states) == 4
    assert max(state[-2].now for state in states) == 1


# -- delayed messages across a partition ----------------------------------------------


def test_delayed_pings_across_a_partition_agree_with_tlc():
    """A ping sent while the link is down is lost, and is never due; the
    link splits once and heals. TLC on DelayedPartition.tla: 293 distinct
    states, depth 14; Counted holds; NoPingLost is violated after 2 steps."""
    assert figures(DelayedPartition()) == (293, 13, {
        "counted": (HOLDS, None),
        "no_ping_lost": (VIOLATED, ["Split()", "SendPing(peer=0)"])})


def test_a_spec_gives_delayed_messages_their_partition():
    spec_s = type("SpecS", (DelayedPartition,), {"network": Delayed("latency", partition=True)})
    given = {"groups": [["n0"], ["n1"]], "from_start": False, "splits": 1}
    assert figures(spec_s(partition_choice=given))[:2] == (293, 13)
    # without one, the states of delayed messages with no partition
    assert figures(spec_s())[:2] == figures(
        type("Plain", (DelayedPartition,), {"network": Delayed("latency")})())[:2] == (39, 11)
    model = spec_s(partition_choice={"groups": [["n0"], ["n1"]]})
    view = model.state_view(model.initial_states()[0])
    assert (view["partition"], view["splits_left"]) == ("down", 0)


# -- what is still refused, in one line naming the handler ------------------------------

P = ids("ps", "p")


class Tally(NamedTuple):
    count: int = 0


class Record(NamedTuple):
    got: int = 0


class Ping(NamedTuple):
    frm: P
    to: P
    src, dst = "frm", "to"


class Fire(NamedTuple):
    node: P


class Take(NamedTuple):
    node: P
    frm: P
    to: P


class Crash(NamedTuple):
    node: P


def _model(node: type, **members) -> ActorModel:
    return type("Tiny", (ActorModel,), {
        "name": "tiny", "params": (Param("ps", 2, "peers"), Param("horizon", 1, "ticks"),
                                   Param("crashes", 1, "crashes"),
                                   Param("latency", 1, "ticks a message may take")),
        "roles": (node,), "messages": (Ping,), "globals": Tally, **members})


class TimerWithoutRecord(Node):
    ids = P

    @on_timer(Fire, deadline="deadline", reads_globals="count")
    def fire(self, now, count):
        return []


class TimerWithoutField(Node):
    ids = P
    state = Record

    @on_timer(Fire, deadline="deadline")
    def fire(self, s, now):
        return s, []


class CrashWithoutRecord(Node):
    ids = P

    @on_crash(Crash, budget="crashes", reads_globals="count", writes_globals="count")
    def crash(self, count):
        return None, {"count": count + 1}


class ReadingPerMessage(Node):
    ids = P
    state = Record

    @on(Ping, Take, reads=Ping, reads_globals="count")
    def take(self, s, m, pings, count):
        return s, []


@pytest.mark.parametrize("node, members, message", [
    (TimerWithoutRecord, {"clock": Clock(P, horizon="horizon")},
     "TimerWithoutRecord.fire is a timer, whose deadline is the field 'deadline' of the "
     "node's record, but TimerWithoutRecord keeps no record (state = None); give it a "
     "record with that field"),
    (TimerWithoutField, {"clock": Clock(P, horizon="horizon")},
     "TimerWithoutField.fire is a timer whose deadline is the field 'deadline', which "
     "Record has not; add it (None: not set), or fix the name in deadline="),
    (CrashWithoutRecord, {},
     "CrashWithoutRecord.crash crashes or restarts the node, but CrashWithoutRecord keeps "
     "no record (state = None) for what survives; give it one (a NamedTuple of no fields "
     "keeps nothing)"),
    (ReadingPerMessage, {"network": Bag(per_message=True)},
     "ReadingPerMessage.take reads messages (Ping), which the handlers of a bag delivering "
     "message by message (per_message) cannot yet; use a Bag without per_message"),
])
def test_what_is_still_refused_is_one_line_naming_the_handler(node, members, message):
    with pytest.raises(ModelDefinitionError) as error:
        _model(node, **members)()
    assert str(error.value) == f"model 'tiny': {message}"


class Delivering(Node):
    ids = P
    state = Record

    @on(Ping, Take, reads_globals="count")
    def take(self, s, m, now, count):
        return s._replace(got=1), []


def test_a_spec_s_partition_of_delayed_messages_not_declared_is_refused_in_one_line():
    model = _model(Delivering, network=Delayed("latency"), partitions=True,
                   clock=Clock(P, horizon="horizon"))
    with pytest.raises(ParamError) as error:
        model(partition_choice={"groups": [["p0"], ["p1"]]})
    assert str(error.value) == (
        "<spec>: partition: tiny takes no partition from a spec (its network is no Bag, "
        "Fifo, Inbox or Delayed declared with partition=); remove partition:")


# -- a type that two handlers take, message by message ---------------------------------


class Marks(NamedTuple):
    taken_by_a: int = 0             # whether handler a took a ping


class Pinged(NamedTuple):
    got: str = ""
    sent: int = 0


class TakeA(NamedTuple):
    node: P
    frm: P
    to: P


class TwoTakersNode(Node):
    ids = P
    state = Pinged

    @step(Fire)
    def send(self, s):
        if s.sent == 2:
            return None
        return s._replace(sent=s.sent + 1), [Ping(self.id, 1 - self.id)]

    @on(Ping, TakeA, reads_globals="taken_by_a", writes_globals="taken_by_a")
    def take_a(self, s, m, taken_by_a):
        """Taken by a: once of all pings (a global guard)."""
        if taken_by_a:
            return None
        return s._replace(got=s.got + "a"), [], {"taken_by_a": 1}

    @on(Ping, Take)
    def take_b(self, s, m):
        return s._replace(got=s.got + "b"), []


@pytest.mark.parametrize("per_message", [False, True])
def test_a_type_two_handlers_take_is_received_by_either_per_message(per_message):
    # (message by message the kit planned only the last handler of a type,
    # and found 36 of these 84 states)
    model = type("TwoTakers", (ActorModel,), {
        "name": "two-takers", "params": (Param("ps", 2, "peers"),),
        "roles": (TwoTakersNode,), "messages": (Ping,), "globals": Marks,
        "network": Bag(per_message=per_message),
        "next": ((TwoTakersNode.send,), (TwoTakersNode.take_a, TwoTakersNode.take_b))})
    assert figures(model())[:2] == (84, 8)


# -- the TLA+ modules, run by TLC (where java and the jar are) ---------------------------


@pytest.mark.slow
@needs_tlc
@pytest.mark.parametrize("module, config, expected", [
    ("Fencing", "Fencing", (1018, 14, None)),
    ("Fencing", "deadlock", (None, None, 7)),
    ("Fencing", "Fencing_violated", (None, None, 7)),
    ("LeaseTimer", "LeaseTimer", (139, 11, None)),
    ("LeaseTimer", "LeaseTimer_violated", (None, None, 4)),
    ("DelayedPartition", "DelayedPartition", (293, 14, None)),
    ("DelayedPartition", "DelayedPartition_violated", (None, None, 2)),
])
def test_tlc_gives_the_figures_pinned_above(tmp_path, module, config, expected):
    deadlock = config == "deadlock"
    distinct, depth, length = tlc(tmp_path, FIXTURES, module,
                                  module if deadlock else config, deadlock)
    if expected[2] is None:
        assert (distinct, depth, length) == expected
    else:
        assert length == expected[2]
