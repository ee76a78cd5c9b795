"""Steven German's cache-coherence protocol, the classic benchmark of
Murphi and SMV, a user's model written with the kit after GermanData.tla of
the TLA+ examples (specifications/GermanProtocol, Markus Kuppe's
translation of Chou, Mannava and Park's Murphi model, FMCAD 2004;
tlaplus/Examples 475781d) and its MCGermanData.cfg.

Caches ``n1`` .. ``nN`` and one home node (the directory and the memory)
talk over three channels per cache, each holding at most one message:
``chan1[i]`` carries cache i's request (ReqS: a shared copy, ReqE: an
exclusive one) to the home, ``chan2[i]`` the home's invalidation (Inv) or
grant (GntS, GntE, with the memory's data) to cache i, and ``chan3[i]``
cache i's acknowledgement of an invalidation (InvAck, with its data if it
held the line exclusive) back. The home serves one request at a time
(``curCmd`` and ``curPtr``): it invalidates the caches that share the line
(``invSet``, a copy of ``shrSet`` taken when the request is received), and
grants once none conflicts. ``auxData``, a history variable, is the latest
value stored; DataProp says every valid copy and, outside an exclusive
grant, the memory hold it.

One handler per action of Next, in the spec's words:

- Store(i, d): a cache holding the line exclusive writes d (auxData' = d);
- SendReq(i): a cache whose chan1 is empty asks for a shared copy (if
  invalid) or an exclusive one (if invalid or shared);
- RecvReq(i): the idle home takes the request, remembers who asked and
  copies shrSet to invSet;
- SendInv(i): for an exclusive request, or a shared one while a copy is
  exclusive, the home invalidates a cache of invSet whose chan2 is empty;
- SendInvAck(i): a cache takes the invalidation, drops its copy and
  acknowledges on an empty chan3, with its data if it was exclusive;
- RecvInvAck(i): the home takes the acknowledgement, removes i from
  shrSet and, after an exclusive grant, ends it and writes the data back;
- SendGnt(i): with no exclusive copy out (and, for an exclusive request,
  no sharer left) the home grants cache i what it asked, with the memory's
  data, and becomes idle;
- RecvGnt(i): the cache takes the grant: shared or exclusive, the data.

The caches (`CacheNode`) and the home (`HomeNode`) are nodes; the channels
are the kit's FIFO channels of capacity one, ``Fifo(capacity=1)``, each
message type naming its channel (``channel = "chan1"``): chan1 and chan3
are two queues on the one link cache i -> home, chan2 the queue home ->
cache i. A send into a full channel is not enabled (the sender waits), so
the spec's guards ``chan1[i].cmd = "Empty"`` (SendReq), ``chan2[i].cmd =
"Empty"`` (SendInv, SendGnt) and ``chan3[i].cmd = "Empty"`` (SendInvAck)
are the channels' own. Each message names both ends (the home too, always
``home0``), so that it prints as an arrow and is received by its cache
alone. `TypeOK`'s channel part, that no channel ever holds two messages,
holds by the capacity. Where the model differs, in form:
- A channel's data field. The spec's channels are records ``[cmd, data]``
  whose data an empty channel keeps where an action clears only ``cmd``
  (RecvReq, SendInv, RecvInvAck's ELSE branch); here an empty channel is
  no message. The counts equal TLC's, so no empty channel holds data in a
  reachable state of the spec.
- Several initial states. Init chooses ``memData = auxData = d`` for each d
  of DATA: the home's `initial` gives one record per d, the globals'
  `initial_globals` one per d, and `initial_states` keeps the combinations
  where the two agree.
- Steps that change nothing. Store(i, d) of the value the cache holds
  changes nothing (auxData holds it too); TLC generates it and finds the
  state known, the kit does not generate it: the distinct states and
  depths are TLC's, its generated states ours and those Stores.
- Refinement (the cfg's PROPERTY, GermanControl's Spec under the mapping
  that forgets the data) is a step property, `refines_control`: each step
  forgets to one of GermanControl's actions, or to a stutter (Store).

FairSpec's three leads-to properties (RequestEventuallyServed,
SharedRequestEventuallyGranted, ExclusiveRequestEventuallyGranted), which
no cfg checks, are here each cache apart (``each="cache"``); FairSpec's
fairness is ``strong: ["RecvReq(cache=*)"]`` and ``weak: ["SendInv(cache=*)",
"SendInvAck(cache=*)", "RecvInvAck(cache=*)", "SendGnt(cache=*)",
"RecvGnt(cache=*)"]`` (german_fair.yaml).

NODE and DATA are interchangeable (MCGermanData's ``Symmetry ==
Permutations(NODE) \\union Permutations(DATA)``): the renaming is derived
from the fields typed `Cache` and `Data`.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Param, invariant, leads_to, transition
from models.kit import ActorModel, Fifo, Node, ids, on, step

Cache = ids("nodes", "n", first=1, named=True)     # NODE = {n1, n2, ...}
Data = ids("data", "d", first=1, named=True)       # DATA = {d1, d2, ...}
Home = ids("home", "home", named=True)

REQUESTS = ("ReqS", "ReqE")


def shown(d: int | None) -> str:
    """A payload as the spec names it: d1, d2, ... or NoData."""
    return "NoData" if d is None else Data.name_of(d)


# -- the spec's variables: each cache's, the home's, the history -----------------------------


class CacheState(NamedTuple):
    """cache[i]: the line's state (I, S or E) and its data (None: NoData)."""

    state: str = "I"
    data: Data | None = None


class HomeState(NamedTuple):
    """invSet, shrSet, exGntd, curCmd, curPtr (None: NoNode) and memData."""

    inv_set: frozenset[Cache] = frozenset()
    shr_set: frozenset[Cache] = frozenset()
    ex_gntd: bool = False
    cur_cmd: str = "Empty"
    cur_ptr: Cache | None = None
    mem_data: Data = 0


class History(NamedTuple):
    """auxData: the latest value stored."""

    aux_data: Data = 0


# -- the channels' messages: each names its cache and the home, sender and receiver ----------


class Req(NamedTuple):
    """chan1[i]: cache i's request, ReqS or ReqE."""

    cache: Cache
    home: Home
    cmd: str
    src, dst = "cache", "home"
    channel = "chan1"


class Inv(NamedTuple):
    """chan2[i] = Inv: the home invalidates cache i."""

    home: Home
    cache: Cache
    src, dst = "home", "cache"
    channel = "chan2"


class Gnt(NamedTuple):
    """chan2[i]: the home grants cache i a shared (GntS) or exclusive (GntE)
    copy, with the memory's data."""

    home: Home
    cache: Cache
    cmd: str
    data: Data
    src, dst = "home", "cache"
    channel = "chan2"


class InvAck(NamedTuple):
    """chan3[i]: cache i gave its copy up; its data if it was exclusive."""

    cache: Cache
    home: Home
    data: Data | None
    src, dst = "cache", "home"
    channel = "chan3"


# -- actions: the node taking the step, then what it acts on ---------------------------------


class Store(NamedTuple):
    cache: Cache
    d: Data


class SendReq(NamedTuple):
    cache: Cache
    cmd: str


class SendInvAck(NamedTuple):
    at: Cache
    home: Home
    cache: Cache


class RecvGnt(NamedTuple):
    at: Cache
    home: Home
    cache: Cache
    cmd: str
    data: Data


class RecvReq(NamedTuple):
    at: Home
    cache: Cache
    home: Home
    cmd: str


class SendInv(NamedTuple):
    home: Home
    cache: Cache


class RecvInvAck(NamedTuple):
    at: Home
    cache: Cache
    home: Home
    data: Data | None


class SendGnt(NamedTuple):
    home: Home
    cache: Cache


HOME = 0  # the one home node


class CacheNode(Node):
    ids = Cache
    state = CacheState

    @step(Store, choose="data", writes_globals="aux_data")
    def store(self, s, d):
        """Store(i, d): a cache holding the line exclusive writes d."""
        if s.state == "E":
            return s._replace(data=d), [], {"aux_data": d}
        return None

    @step(SendReq, choose=lambda node, s: REQUESTS)
    def send_req(self, s, cmd):
        """SendReq(i): on an empty chan1 (the channel's), ReqS from an
        invalid cache, ReqE from an invalid or a shared one."""
        if s.state in (("I",) if cmd == "ReqS" else ("I", "S")):
            return s, [Req(self.id, HOME, cmd)]
        return None

    @on(Inv, SendInvAck)
    def send_inv_ack(self, s, m):
        """SendInvAck(i): take the invalidation, drop the copy and acknowledge
        on an empty chan3 (the channel's), with the data if it was exclusive."""
        data = s.data if s.state == "E" else None
        return CacheState(), [InvAck(self.id, HOME, data)]

    @on(Gnt, RecvGnt)
    def recv_gnt(self, s, m):
        """RecvGnt(i): take the grant, shared or exclusive, and its data."""
        return CacheState("S" if m.cmd == "GntS" else "E", m.data), []


class HomeNode(Node):
    ids = Home
    state = HomeState
    count = 1

    def initial(self):
        """Init's memData = d, for each d of DATA."""
        return [HomeState(mem_data=d) for d in range(self.model.data)]

    @on(Req, RecvReq)
    def recv_req(self, s, m):
        """RecvReq(i): the idle home takes i's request; invSet' = shrSet."""
        if s.cur_cmd != "Empty":
            return None
        return s._replace(cur_cmd=m.cmd, cur_ptr=m.cache, inv_set=s.shr_set), []

    @step(SendInv, choose="nodes")
    def send_inv(self, s, i):
        """SendInv(i): invalidate a cache of invSet on an empty chan2 (the
        channel's), for an exclusive request, or a shared one while a copy
        is exclusive."""
        if (i in s.inv_set
                and (s.cur_cmd == "ReqE" or (s.cur_cmd == "ReqS" and s.ex_gntd))):
            return s._replace(inv_set=s.inv_set - {i}), [Inv(HOME, i)]
        return None

    @on(InvAck, RecvInvAck)
    def recv_inv_ack(self, s, m):
        """RecvInvAck(i): i no longer shares; an exclusive copy's data is
        written back."""
        if s.cur_cmd == "Empty":
            return None
        s = s._replace(shr_set=s.shr_set - {m.cache})
        if s.ex_gntd:
            s = s._replace(ex_gntd=False, mem_data=m.data)
        return s, []

    @step(SendGnt, choose="nodes")
    def send_gnt(self, s, i):
        """SendGnt(i): grant the request of i on an empty chan2 (the
        channel's), with no exclusive copy out and, for ReqE, no sharer left."""
        if (s.cur_cmd in REQUESTS and s.cur_ptr == i and not s.ex_gntd
                and (s.cur_cmd != "ReqE" or not s.shr_set)):
            grant = Gnt(HOME, i, "GntS" if s.cur_cmd == "ReqS" else "GntE", s.mem_data)
            return s._replace(shr_set=s.shr_set | {i}, ex_gntd=s.cur_cmd == "ReqE",
                              cur_cmd="Empty", cur_ptr=None), [grant]
        return None


class German(ActorModel):
    name = "german"
    summary = "German's cache-coherence protocol (GermanData.tla)"
    params = (Param("nodes", 2, "caches (the spec's NODE)", minimum=1, maximum=5),
              Param("data", 2, "data values (the spec's DATA)", minimum=1, maximum=4))
    roles = (CacheNode, HomeNode)
    messages = (Req, Inv, Gnt, InvAck)
    network = Fifo(capacity=1)  # chan1[i], chan2[i], chan3[i]: each holds one message
    globals = History
    symmetry_sets = ("nodes", "data")

    def initial_globals(self):
        """Init's auxData = d, for each d of DATA."""
        return [History(aux_data=d) for d in range(self.data)]

    def initial_states(self):
        """Init: \\E d \\in DATA : memData = d /\\ auxData = d."""
        return [state for state in super().initial_states()
                if self.home(state).mem_data == self.globals_of(state).aux_data]

    # -- the state as the spec's variables ------------------------------------------------

    def caches(self, state) -> tuple[CacheState, ...]:
        return self.records(state, CacheNode)

    def home(self, state) -> HomeState:
        return self.record(state, HomeNode, 0)

    def channels(self, state) -> tuple[list, list, list]:
        """chan1, chan2 and chan3, each one list of the messages in flight per cache."""
        chan1, chan2, chan3 = ([[] for _ in range(self.nodes)] for _ in range(3))
        for kind, where in ((Req, chan1), (Inv, chan2), (Gnt, chan2), (InvAck, chan3)):
            for m in self.network.messages(state[-1], kind):
                where[m.cache].append(m)
        return chan1, chan2, chan3

    def commands(self, state) -> tuple[list, list, list]:
        """chan1[i].cmd, chan2[i].cmd and chan3[i].cmd for every i."""
        chan1, chan2, chan3 = self.channels(state)
        return ([c[0].cmd if c else "Empty" for c in chan1],
                [("Inv" if type(c[0]) is Inv else c[0].cmd) if c else "Empty" for c in chan2],
                ["InvAck" if c else "Empty" for c in chan3])

    # -- the cfg's invariants --------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, state):
        """TypeOK: each variable in its domain; here also, each channel holds
        one message at most (the spec's channels hold one by construction)."""
        for name, chan in zip(("chan1", "chan2", "chan3"), self.channels(state)):
            for i, held in enumerate(chan):
                if len(held) > 1:
                    return Fails(f"{name}[{Cache.name_of(i)}] holds {len(held)} messages")
        for i, c in enumerate(self.caches(state)):
            if c.state not in ("I", "S", "E") or not (c.data is None or 0 <= c.data < self.data):
                return Fails(f"cache[{Cache.name_of(i)}] is {c}")
        home = self.home(state)
        if home.cur_cmd not in ("Empty",) + REQUESTS:
            return Fails(f"curCmd is {home.cur_cmd}")
        for name, value in (("memData", home.mem_data),
                            ("auxData", self.globals_of(state).aux_data)):
            if value is None or not 0 <= value < self.data:
                return Fails(f"{name} is {shown(value)}, not in DATA")
        return True

    @invariant("Coherence")
    def coherence(self, state):
        """CtrlProp: an exclusive copy excludes every other; a shared one
        excludes exclusive ones."""
        caches = self.caches(state)
        for i, a in enumerate(caches):
            for j, b in enumerate(caches):
                if i != j and ((a.state == "E" and b.state != "I")
                               or (a.state == "S" and b.state == "E")):
                    return Fails(f"{Cache.name_of(i)} holds {a.state} and "
                                 f"{Cache.name_of(j)} holds {b.state}")
        return True

    @invariant("DataProp")
    def data_prop(self, state):
        """Outside an exclusive grant the memory holds the latest value; every
        valid copy does."""
        home, latest = self.home(state), self.globals_of(state).aux_data
        if not home.ex_gntd and home.mem_data != latest:
            return Fails(f"memData is {shown(home.mem_data)}, the latest {shown(latest)}, "
                         "and no exclusive grant")
        for i, c in enumerate(self.caches(state)):
            if c.state != "I" and c.data != latest:
                return Fails(f"{Cache.name_of(i)} holds {c.state} with {shown(c.data)}, "
                             f"the latest {shown(latest)}")
        return True

    @invariant("TransactionConsistency")
    def transaction_consistency(self, state):
        """The home is idle exactly when it points at no cache."""
        home = self.home(state)
        if (home.cur_cmd == "Empty") != (home.cur_ptr is None):
            pointer = "NoNode" if home.cur_ptr is None else Cache.name_of(home.cur_ptr)
            return Fails(f"curCmd is {home.cur_cmd} and curPtr {pointer}")
        return True

    @invariant("DirectoryAccurate")
    def directory_accurate(self, state):
        """Every valid copy is in shrSet."""
        shr_set = self.home(state).shr_set
        for i, c in enumerate(self.caches(state)):
            if c.state in ("S", "E") and i not in shr_set:
                return Fails(f"{Cache.name_of(i)} holds {c.state} and is not in shrSet")
        return True

    @invariant("ExclusiveIsolation")
    def exclusive_isolation(self, state):
        """An exclusive copy is granted, and no other cache holds or is
        granted a copy or acknowledges."""
        caches, home = self.caches(state), self.home(state)
        _, chan2, chan3 = self.commands(state)
        for i, c in enumerate(caches):
            if c.state != "E":
                continue
            if not home.ex_gntd:
                return Fails(f"{Cache.name_of(i)} holds E and exGntd is FALSE")
            for j in range(self.nodes):
                if j != i and (caches[j].state != "I" or chan2[j] in ("GntS", "GntE")
                               or chan3[j] == "InvAck"):
                    return Fails(f"{Cache.name_of(i)} holds E and {Cache.name_of(j)} "
                                 f"holds {caches[j].state}, chan2 {chan2[j]}, chan3 {chan3[j]}")
        return True

    @invariant("WritebackCarriesLatest")
    def writeback_carries_latest(self, state):
        """An acknowledgement that ends an exclusive grant carries the latest
        value, and no other cache is exclusive, granted E or acknowledging."""
        caches, home = self.caches(state), self.home(state)
        if home.cur_cmd == "Empty" or not home.ex_gntd:
            return True
        latest = self.globals_of(state).aux_data
        _, chan2, chan3 = self.channels(state)
        for i, acks in enumerate(chan3):
            if not acks:
                continue
            if acks[0].data != latest:
                return Fails(f"{Cache.name_of(i)} writes back {shown(acks[0].data)}, the "
                             f"latest {shown(latest)}")
            for j in range(self.nodes):
                if j != i and (caches[j].state == "E" or chan3[j]
                               or any(type(m) is Gnt and m.cmd == "GntE" for m in chan2[j])):
                    return Fails(f"{Cache.name_of(i)} writes back while {Cache.name_of(j)} "
                                 "holds, is granted or acknowledges an exclusive copy")
        return True

    # -- the spec's liveness (FairSpec; no cfg checks it) ----------------------------------

    def each_cache(self, state, requested, served) -> dict[str, tuple[bool, bool]]:
        """For each cache by name: (`requested`, `served`) of its chan1
        command and its line's state."""
        chan1, _, _ = self.commands(state)
        return {Cache.name_of(i): (requested(chan1[i]), served(chan1[i], c.state))
                for i, c in enumerate(self.caches(state))}

    @leads_to("RequestEventuallyServed", each="cache")
    def request_eventually_served(self, state):
        """\\A i : (chan1[i].cmd \\in {ReqS, ReqE}) ~> (chan1[i].cmd = Empty)."""
        return self.each_cache(state, lambda cmd: cmd in REQUESTS,
                               lambda cmd, line: cmd == "Empty")

    @leads_to("SharedRequestEventuallyGranted", each="cache")
    def shared_request_eventually_granted(self, state):
        """\\A i : (chan1[i].cmd = ReqS) ~> (cache[i].state # I)."""
        return self.each_cache(state, lambda cmd: cmd == "ReqS", lambda cmd, line: line != "I")

    @leads_to("ExclusiveRequestEventuallyGranted", each="cache")
    def exclusive_request_eventually_granted(self, state):
        """\\A i : (chan1[i].cmd = ReqE) ~> (cache[i].state = E)."""
        return self.each_cache(state, lambda cmd: cmd == "ReqE", lambda cmd, line: line == "E")

    # -- the cfg's PROPERTY Refinement ---------------------------------------------------

    def control(self, state) -> tuple:
        """GermanControl's variables: the state with the data forgotten."""
        chan1, chan2, chan3 = self.commands(state)
        home = self.home(state)
        return (tuple(c.state for c in self.caches(state)), tuple(chan1), tuple(chan2),
                tuple(chan3), home.inv_set, home.shr_set, home.ex_gntd, home.cur_cmd,
                home.cur_ptr)

    @transition("Refinement")
    def refines_control(self, state, action, next_state):
        """Abstract!Spec: each step is one of GermanControl's actions of the
        same name and cache on the forgotten state, or, Store, a stutter."""
        before, after = self.control(state), self.control(next_state)
        if type(action) is Store:
            return before == after or Fails("Store changed the control state")
        i = action.cache
        if after not in control_steps(before, type(action).__name__, i, self.nodes):
            return Fails(f"{type(action).__name__}({Cache.name_of(i)}) is no step of "
                         "GermanControl's")
        return True


def control_steps(v: tuple, name: str, i: int, nodes: int) -> list[tuple]:
    """GermanControl's action `name`(i) from its state `v`: the states it
    may lead to (none where it is not enabled)."""
    cache, chan1, chan2, chan3, inv_set, shr_set, ex_gntd, cur_cmd, cur_ptr = v

    def put(t: tuple, x) -> tuple:
        return t[:i] + (x,) + t[i + 1:]

    out = []
    if name == "SendReq" and chan1[i] == "Empty":
        for c in REQUESTS:
            if cache[i] in (("I",) if c == "ReqS" else ("I", "S")):
                out.append((cache, put(chan1, c)) + v[2:])
    elif name == "RecvReq" and cur_cmd == "Empty" and chan1[i] in REQUESTS:
        out.append((cache, put(chan1, "Empty"), chan2, chan3, shr_set, shr_set, ex_gntd,
                    chan1[i], i))
    elif (name == "SendInv" and chan2[i] == "Empty" and i in inv_set
          and (cur_cmd == "ReqE" or (cur_cmd == "ReqS" and ex_gntd))):
        out.append((cache, chan1, put(chan2, "Inv"), chan3, inv_set - {i}) + v[5:])
    elif name == "SendInvAck" and chan2[i] == "Inv" and chan3[i] == "Empty":
        out.append((put(cache, "I"), chan1, put(chan2, "Empty"), put(chan3, "InvAck")) + v[4:])
    elif name == "RecvInvAck" and chan3[i] == "InvAck" and cur_cmd != "Empty":
        out.append((cache, chan1, chan2, put(chan3, "Empty"), inv_set, shr_set - {i}, False,
                    cur_cmd, cur_ptr))
    elif (name == "SendGnt" and cur_cmd in REQUESTS and cur_ptr == i and chan2[i] == "Empty"
          and not ex_gntd and (cur_cmd != "ReqE" or not shr_set)):
        grant = "GntS" if cur_cmd == "ReqS" else "GntE"
        out.append((cache, chan1, put(chan2, grant), chan3, inv_set, shr_set | {i},
                    cur_cmd == "ReqE", "Empty", None))
    elif name == "RecvGnt" and chan2[i] in ("GntS", "GntE"):
        out.append((put(cache, "S" if chan2[i] == "GntS" else "E"), chan1,
                    put(chan2, "Empty")) + v[3:])
    return out


# -- mutants: one handler each -------------------------------------------------------


@German.mutant("exclusive_to_sharers", "the home grants an exclusive copy while others still "
                                       "share the line → Coherence")
class GrantExclusiveToSharers(HomeNode):
    @step(SendGnt, choose="nodes")
    def send_gnt(self, s, i):
        if s.cur_cmd in REQUESTS and s.cur_ptr == i and not s.ex_gntd:
            grant = Gnt(HOME, i, "GntS" if s.cur_cmd == "ReqS" else "GntE", s.mem_data)
            return s._replace(shr_set=s.shr_set | {i}, ex_gntd=s.cur_cmd == "ReqE",
                              cur_cmd="Empty", cur_ptr=None), [grant]
        return None


@German.mutant("no_writeback", "the home ends an exclusive grant without writing the "
                               "returned data back to memory → DataProp")
class NoWriteback(HomeNode):
    @on(InvAck, RecvInvAck)
    def recv_inv_ack(self, s, m):
        if s.cur_cmd == "Empty":
            return None
        return s._replace(shr_set=s.shr_set - {m.cache}, ex_gntd=False), []


@German.mutant("grant_keeps_pointer", "the home, done with a request, still points at its "
                                      "cache → TransactionConsistency")
class GrantKeepsPointer(HomeNode):
    @step(SendGnt, choose="nodes")
    def send_gnt(self, s, i):
        if (s.cur_cmd in REQUESTS and s.cur_ptr == i and not s.ex_gntd
                and (s.cur_cmd != "ReqE" or not s.shr_set)):
            grant = Gnt(HOME, i, "GntS" if s.cur_cmd == "ReqS" else "GntE", s.mem_data)
            return s._replace(shr_set=s.shr_set | {i}, ex_gntd=s.cur_cmd == "ReqE",
                              cur_cmd="Empty"), [grant]
        return None


@German.mutant("grant_unrecorded", "the home grants a copy without adding the cache to "
                                   "shrSet → DirectoryAccurate")
class GrantUnrecorded(HomeNode):
    @step(SendGnt, choose="nodes")
    def send_gnt(self, s, i):
        if (s.cur_cmd in REQUESTS and s.cur_ptr == i and not s.ex_gntd
                and (s.cur_cmd != "ReqE" or not s.shr_set)):
            grant = Gnt(HOME, i, "GntS" if s.cur_cmd == "ReqS" else "GntE", s.mem_data)
            return s._replace(ex_gntd=s.cur_cmd == "ReqE", cur_cmd="Empty",
                              cur_ptr=None), [grant]
        return None


@German.mutant("ack_keeps_copy", "a cache acknowledges an invalidation but keeps its copy "
                                 "→ ExclusiveIsolation")
class AckKeepsCopy(CacheNode):
    @on(Inv, SendInvAck)
    def send_inv_ack(self, s, m):
        return s, [InvAck(self.id, HOME, s.data if s.state == "E" else None)]


@German.mutant("ack_without_data", "an exclusive cache acknowledges an invalidation without "
                                   "its data → WritebackCarriesLatest")
class AckWithoutData(CacheNode):
    @on(Inv, SendInvAck)
    def send_inv_ack(self, s, m):
        return CacheState(), [InvAck(self.id, HOME, None)]


@German.mutant("writeback_shared", "the home writes back the data of every acknowledgement, "
                                   "a shared copy's NoData too → TypeOK")
class WritebackShared(HomeNode):
    @on(InvAck, RecvInvAck)
    def recv_inv_ack(self, s, m):
        if s.cur_cmd == "Empty":
            return None
        return s._replace(shr_set=s.shr_set - {m.cache}, ex_gntd=False, mem_data=m.data), []


@German.mutant("request_on_full_channel", "a cache sends a request while its chan1 holds one: "
                                          "the channel of capacity one blocks the send, so "
                                          "TypeOK holds (the spec without SendReq's guard "
                                          "overwrites chan1[i].cmd)")
class RequestOnFullChannel(CacheNode):
    # SendReq without its guard is the model's own: the guard is the channel's
    @step(SendReq, choose=lambda node, s: REQUESTS)
    def send_req(self, s, cmd):
        if s.state in (("I",) if cmd == "ReqS" else ("I", "S")):
            return s, [Req(self.id, HOME, cmd)]
        return None


@German.mutant("store_downgrades", "a store leaves the cache shared, a step GermanControl "
                                   "does not take → Refinement")
class StoreDowngrades(CacheNode):
    @step(Store, choose="data", writes_globals="aux_data")
    def store(self, s, d):
        if s.state == "E":
            return s._replace(state="S", data=d), [], {"aux_data": d}
        return None
