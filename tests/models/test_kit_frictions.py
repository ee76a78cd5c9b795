"""Frictions new users met writing kit models from the docs alone (chain
replication the latest), each on a small model of its own: a declared write
of a global that never happens, a role without a record writing globals,
who crashed as a global (the docs' model), a FIFO queue's change in a
report.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from checker import CheckConfig, ModelDefinitionError, Param, check
from cmc.main import cli
from reports.text import state_changes
from models.kit import ActorModel, Fifo, MessageSet, Node, ids, on, on_crash, on_restart, step
from tests.brute_force import orbit_counts_agree, reachable_states

Proc = ids("procs", "p", first=1, named=True)


# -- a declared write of a global that never happens ---------------------------------------


class Tally(NamedTuple):
    """The global: how many additions were made, all processes together."""

    total: int = 0


class Count(NamedTuple):
    count: int = 0


class Add(NamedTuple):
    p: Proc


class Adder(Node):
    ids = Proc
    state = Count

    @step(Add, reads_globals="total", writes_globals="total")
    def add(self, s, total):
        """A process adds once, and the total counts it."""
        if s.count:
            return None
        return s._replace(count=1), [], {"total": total + 1}


class Adding(ActorModel):
    name = "adding"
    params = (Param("procs", 2, "processes", minimum=1, maximum=3),)
    roles = (Adder,)
    network = MessageSet()
    globals = Tally


class ForgetfulAdder(Adder):
    @step(Add, reads_globals="total", writes_globals="total")
    def add(self, s, total):
        if s.count:
            return None
        return s._replace(count=1), []  # the mistake: the total is not returned


class CappedAdder(Adder):
    @step(Add, reads_globals="total", writes_globals="total")
    def add(self, s, total):
        """As Adder's, the total counting the first addition only: {} writes nothing."""
        if s.count:
            return None
        return s._replace(count=1), [], {"total": total + 1} if total < 1 else {}


def _adding(adder: type) -> ActorModel:
    return type("Variant", (Adding,), {"roles": (adder,)})()


def test_a_handler_declaring_a_write_and_returning_no_globals_is_a_definition_error():
    with pytest.raises(ModelDefinitionError) as error:
        check(_adding(ForgetfulAdder), CheckConfig(deadlock=False))
    assert str(error.value) == (
        "model 'adding': ForgetfulAdder.add declares writes_globals=('total',) but returned "
        "no globals; return (the new record, [messages sent], {'total': new value}), or {} "
        "as the last item where this step writes none")


def test_a_handler_writing_no_global_returns_an_empty_mapping():
    assert sorted(s[:-1] for s in reachable_states(_adding(Adder))) == [
        (Count(0), Count(0), Tally(0)), (Count(0), Count(1), Tally(1)),
        (Count(1), Count(0), Tally(1)), (Count(1), Count(1), Tally(2))]
    assert sorted(s[:-1] for s in reachable_states(_adding(CappedAdder))) == [
        (Count(0), Count(0), Tally(0)), (Count(0), Count(1), Tally(1)),
        (Count(1), Count(0), Tally(1)), (Count(1), Count(1), Tally(1))]


FORGETFUL = '''
from tests.models.test_kit_frictions import Adding, ForgetfulAdder


class Forgetful(Adding):
    roles = (ForgetfulAdder,)
'''


def test_the_command_line_says_the_forgotten_write_in_one_line(tmp_path):
    (tmp_path / "forgetful.py").write_text(FORGETFUL)
    (tmp_path / "forgetful.yaml").write_text("model: ./forgetful.py:Forgetful\n"
                                             "deadlock: false\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "forgetful.yaml")])
    assert result.exit_code == 2
    # (after the run to the state whose step forgot it: the initial state)
    assert result.output.splitlines()[0] == "the run to the state where it raised (0 steps):"
    assert result.output.splitlines()[-1] + "\n" == (
        f"error: {tmp_path / 'forgetful.yaml'}: model 'adding': ForgetfulAdder.add declares "
        "writes_globals=('total',) but returned no globals; return (the new record, "
        "[messages sent], {'total': new "
        "value}), or {} as the last item where this step writes none\n")


# -- a role without a record writing globals ------------------------------------------------

Client = ids("clients", "c", first=1, named=True)
Server = ids("servers", "s", first=1, named=True)


class Event(NamedTuple):
    kind: str  # invoke or respond
    client: Client


class History(NamedTuple):
    """The global: the clients' calls, as a history checker reads them."""

    history: tuple[Event, ...] = ()


class Request(NamedTuple):
    src: Client
    dst: Server


class Reply(NamedTuple):
    src: Server
    dst: Client


class Served(NamedTuple):
    served: frozenset[Client] = frozenset()


class Invoke(NamedTuple):
    client: Client


class Serve(NamedTuple):
    server: Server
    src: Client
    dst: Server


class Respond(NamedTuple):
    client: Client
    src: Server
    dst: Client


class ClientNode(Node):
    """A client keeps nothing of its own: its calls are in the global history
    (docs/writing-a-model.md's example)."""

    ids = Client                      # no state: nothing of its own

    @step(Invoke, reads_globals="history", writes_globals="history", sends=Request)
    def invoke(self, history):
        if Event("invoke", self.id) in history:
            return None
        return [Request(self.id, 0)], {"history": history + (Event("invoke", self.id),)}

    @on(Reply, Respond, reads_globals="history", writes_globals="history")
    def respond(self, m, history):
        if Event("respond", self.id) in history:
            return None  # (a message set keeps the reply)
        return [], {"history": history + (Event("respond", self.id),)}


class ServerNode(Node):
    ids = Server
    state = Served
    count = 1

    @on(Request, Serve, sends=Reply)
    def serve(self, s, m):
        if m.src in s.served:
            return None
        return s._replace(served=s.served | {m.src}), [Reply(0, m.src)]


class Calls(ActorModel):
    name = "calls"
    params = (Param("clients", 2, "clients calling once each", minimum=1, maximum=3),)
    roles = (ClientNode, ServerNode)
    messages = (Request, Reply)
    network = MessageSet()
    network_choices = ("set", "bag", "fifo")
    globals = History
    symmetry_sets = ("clients",)


class Nothing(NamedTuple):
    """The workaround the kit asked for: a record of no fields."""


class RecordedClient(ClientNode):
    state = Nothing

    @step(Invoke, reads_globals="history", writes_globals="history", sends=Request)
    def invoke(self, s, history):
        outcome = ClientNode.invoke(self, history)
        return outcome and (s,) + outcome

    @on(Reply, Respond, reads_globals="history", writes_globals="history")
    def respond(self, s, m, history):
        outcome = ClientNode.respond(self, m, history)
        return outcome and (s,) + outcome


class RecordedCalls(Calls):
    roles = (RecordedClient, ServerNode)


@pytest.mark.parametrize("network, clients, states, orbits", [
    ("set", 2, 33, 17), ("set", 3, 550, 94), ("bag", 2, 33, 17), ("fifo", 3, 550, 94)])
def test_a_role_without_a_record_writes_globals(network, clients, states, orbits):
    # as the same clients with a record of no fields do; with 2 clients, each
    # not called, called (requested or replied to) or answered: the sum over
    # their pairs of the orders of their events in the history, 33
    build = [lambda kind=kind: kind(clients=clients, network_choice={"kind": network})
             for kind in (Calls, RecordedCalls)]
    assert orbit_counts_agree(build[0], [("clients",)]) == (states, orbits)
    assert orbit_counts_agree(build[1], [("clients",)]) == (states, orbits)
    model = build[0]()
    last = [s for s in reachable_states(model) if len(model.globals_of(s).history) == 2 * clients]
    assert len(last) == {2: 6, 3: 90}[clients]
    assert {model.records(s, ServerNode) for s in last} == {(Served(frozenset(range(clients))),)}


class SilentClient(ClientNode):
    @step(Invoke, reads_globals="history", writes_globals="history", sends=Request)
    def invoke(self, history):
        return None if history else [Request(self.id, 0)]  # the mistake: no history


def test_a_role_without_a_record_returning_no_globals_is_a_definition_error():
    model = type("Variant", (Calls,), {"roles": (SilentClient, ServerNode)})()
    with pytest.raises(ModelDefinitionError) as error:
        check(model, CheckConfig(deadlock=False))
    assert str(error.value) == (
        "model 'calls': SilentClient.invoke declares writes_globals=('history',) but "
        "returned no globals; return ([messages sent], {'history': new value}), or {} as "
        "the last item where this step writes none")


# -- who crashed: the failure-detector idiom docs/writing-a-model.md gives --------------------

DOCS = Path(__file__).parents[2] / "docs" / "writing-a-model.md"


def test_the_failure_detector_of_the_docs_is_a_model_that_runs(tmp_path):
    # a handler cannot see another node's record (whether it is up): the
    # docs give the idiom, a global written by the crash, as a whole model
    blocks = re.findall(r"^```python\n(# a perfect failure detector.*?)^```$",
                        DOCS.read_text(), re.S | re.M)
    assert len(blocks) == 1
    (tmp_path / "detected.py").write_text(blocks[0])
    (tmp_path / "detected.yaml").write_text(
        "model: ./detected.py:Detected\n"
        "params: {servers: 3, max_crashes: 2}\n"
        "symmetry: false\n"
        "deadlock: false\n"
        "expect: {verdict: holds, distinct_states: 19, depth: 4}\n")
    (tmp_path / "detected-symmetry.yaml").write_text(
        "model: ./detected.py:Detected\n"
        "params: {servers: 3, max_crashes: 2}\n"
        "symmetry: true\n"
        "deadlock: false\n"
        "expect: {verdict: holds, distinct_states: 6, depth: 4}\n")
    for spec in ("detected.yaml", "detected-symmetry.yaml"):
        result = CliRunner().invoke(cli, ["check", str(tmp_path / spec)])
        assert result.exit_code == 0, result.output
        assert "expectation met" in result.output.splitlines()


def _detected(tmp_path) -> type:
    """The docs' model, imported from the page's block."""
    block = re.findall(r"^```python\n(# a perfect failure detector.*?)^```$",
                       DOCS.read_text(), re.S | re.M)[0]
    (tmp_path / "detected_model.py").write_text(block)
    namespace: dict = {"__name__": "detected_model"}
    # (not under this file's `from __future__ import annotations`)
    exec(compile(block, str(tmp_path / "detected_model.py"), "exec", dont_inherit=True),
         namespace)
    return namespace["Detected"], namespace


def test_a_restart_handler_writes_globals_too(tmp_path):
    Detected, names = _detected(tmp_path)
    ServerNode = names["ServerNode"]

    class Restart(NamedTuple):
        server: Server

    class Restarting(ServerNode):
        @on_restart(Restart, budget="restarts", reads_globals="failed",
                    writes_globals="failed")
        def restart(self, s, failed):
            """Back up, with what it kept; the detector forgets it."""
            return s, {"failed": failed - {self.id}}

    variant = type("Restarting", (Detected,), {
        "roles": (Restarting,) + Detected.roles[1:],
        "params": Detected.params + (Param("restarts", 1, "restarts"),)})
    model = variant(servers=2, max_crashes=1, restarts=1)
    # none crashed; s crashed (2), then removed (2); back up, not removed (1,
    # either) or removed (2): the master removed a server up again
    reached = reachable_states(model)
    assert len(reached) == 8
    assert Counter(model.globals_of(s).failed for s in reached) == {
        frozenset(): 4, frozenset({0}): 2, frozenset({1}): 2}
    assert check(model, CheckConfig(deadlock=False)).verdict == "violated"


def test_a_crash_handler_declaring_a_write_and_returning_none_is_a_definition_error(tmp_path):
    Detected, names = _detected(tmp_path)

    class Forgetful(names["ServerNode"]):
        @on_crash(names["Crash"], budget="max_crashes", reads_globals="failed",
                  writes_globals="failed")
        def crash(self, s, failed):
            return s

    model = type("Forgetting", (Detected,), {"roles": (Forgetful,) + Detected.roles[1:]})()
    with pytest.raises(ModelDefinitionError) as error:
        check(model, CheckConfig(deadlock=False))
    assert str(error.value) == (
        "model 'detected': Forgetful.crash declares writes_globals=('failed',) but returned "
        "no globals; return (what survives the crash, {'failed': new value}), or {} as the "
        "last item where this step writes none")


# -- a FIFO channel's change in a report: messages left and joined, not lines by position ----


class Forward(NamedTuple):
    sender: Server
    receiver: Server
    value: int
    src, dst = "sender", "receiver"


class Log(NamedTuple):
    log: tuple[int, ...] = ()


class Send(NamedTuple):
    server: Server
    value: int


class Pass(NamedTuple):
    server: Server
    sender: Server
    receiver: Server
    value: int


class Append(NamedTuple):
    server: Server
    sender: Server
    receiver: Server
    value: int


class Rewrite(NamedTuple):
    server: Server


class LineNode(Node):
    """s1 sends 0 and 1 to s2, s2 passes each on to s3, s3 logs it (and may
    rewrite its first entry: a log, changed in place)."""

    ids = Server
    state = Log

    @step(Send, choose=2)
    def send(self, s, value):
        if self.id != 0 or value in s.log:
            return None
        return s._replace(log=s.log + (value,)), [Forward(0, 1, value)]

    @on(Forward, Pass)
    def pass_on(self, s, m):
        if self.id != 1:
            return None
        return s, [Forward(1, 2, m.value)]

    @on(Forward, Append)
    def append(self, s, m):
        if self.id != 2:
            return None
        return s._replace(log=s.log + (m.value,)), []

    @step(Rewrite)
    def rewrite(self, s):
        if self.id != 2 or len(s.log) != 2 or s.log[0] == 9:
            return None
        return s._replace(log=(9,) + s.log[1:]), []


class Line(ActorModel):
    name = "line"
    params = (Param("servers", 3, "servers in a line", minimum=3, maximum=3),)
    roles = (LineNode,)
    messages = (Forward,)
    network = Fifo()
    network_choices = ("fifo", "inbox")


def _after(model, state, *actions):
    for action in actions:
        state = dict(model.successors(state))[action]
    return state


@pytest.mark.parametrize("network, queue", [("fifo", "channels"), ("inbox", "inboxes")])
def test_a_queue_s_change_is_the_messages_that_left_its_head_and_joined_its_tail(network, queue):
    model = Line(network_choice={"kind": network})
    sent = _after(model, model.initial_states()[0], Send(0, 0))
    passed = _after(model, sent, Pass(1, 0, 1, 0))
    into = {"fifo": ("s1→s2", "s2→s3"), "inbox": ("s2", "s3")}[network]
    assert model.state_view(sent)[queue] == [f"{into[0]}: Forward(s1→s2, value=0)"]
    # (by position, it read channels[0]: s1→s2: Forward(s1→s2, value=0) → s2→s3: ...)
    assert state_changes(model.state_view(sent), model.state_view(passed)) == [
        f"{queue}[{into[0]}]: - Forward(s1→s2, value=0)",
        f"{queue}[{into[1]}]: + Forward(s2→s3, value=0)"]
    both = _after(model, sent, Send(0, 1))
    assert model.state_view(both)[queue] == [
        f"{into[0]}: Forward(s1→s2, value=0), Forward(s1→s2, value=1)"]
    assert state_changes(model.state_view(both), model.state_view(
        _after(model, both, Pass(1, 0, 1, 0)))) == [
        f"{queue}[{into[0]}]: - Forward(s1→s2, value=0)",
        f"{queue}[{into[1]}]: + Forward(s2→s3, value=0)"]


def test_a_log_s_change_stays_by_position():
    model = Line()
    logged = _after(model, model.initial_states()[0], Send(0, 0), Send(0, 1),
                    Pass(1, 0, 1, 0), Pass(1, 0, 1, 1), Append(2, 1, 2, 0),
                    Append(2, 1, 2, 1))
    assert state_changes(model.state_view(logged), model.state_view(
        _after(model, logged, Rewrite(2)))) == ["s3.log[0]: 0 → 9"]


def test_a_counterexample_shows_a_queue_s_change_by_message(tmp_path):
    (tmp_path / "line.py").write_text(LINE)
    (tmp_path / "line.yaml").write_text("model: ./line.py:Unlogged\n"
                                        "deadlock: false\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "line.yaml")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[lines.index("  1  Send(server=s1, value=0)"):][:10] == [
        "  1  Send(server=s1, value=0)",
        "       s1.log: + 0",
        "       channels[s1→s2]: + Forward(s1→s2, value=0)",
        "  2  Pass(s1→s2, value=0)",
        "       channels[s1→s2]: - Forward(s1→s2, value=0)",
        "       channels[s2→s3]: + Forward(s2→s3, value=0)",
        "  3  Append(s2→s3, value=0)",
        "       s3.log: + 0",
        "       channels[s2→s3]: - Forward(s2→s3, value=0)",
        "       ✗ s3 logs nothing violated in this state"]


LINE = '''
from checker import invariant
from tests.models.test_kit_frictions import Line, LineNode


class Unlogged(Line):
    @invariant("s3 logs nothing")
    def nothing_logged(self, state):
        return not self.record(state, LineNode, 2).log
'''


# -- a message handler's action: the message alone, where the message names its receiver ----


class Hello(NamedTuple):
    sender: Proc
    greeting: int


class Addressed(NamedTuple):
    sender: Proc
    receiver: Proc
    greeting: int
    dst = "receiver"


class Receive(NamedTuple):
    """The message alone: its fields are not repeated under the action's names."""

    m: Addressed


class ReceiveHello(NamedTuple):
    m: Hello


class Greet(NamedTuple):
    p: Proc


class Heard(NamedTuple):
    heard: frozenset[Proc] = frozenset()


class Greeter(Node):
    ids = Proc
    state = Heard

    @step(Greet)
    def greet(self, s):
        """p1 greets each of the others once."""
        if self.id or s.heard:
            return None
        return s._replace(heard=frozenset({0})), [
            Addressed(0, q, 7) for q in range(1, self.model.procs)]

    @on(Addressed, Receive)
    def receive(self, s, m):
        if m.sender in s.heard:
            return None
        return s._replace(heard=s.heard | {m.sender}), []


class Greeting(ActorModel):
    name = "greeting"
    params = (Param("procs", 3, "processes", minimum=1, maximum=4),)
    roles = (Greeter,)
    messages = (Addressed,)
    network = MessageSet()


def test_a_message_handler_s_action_may_be_the_message_alone():
    model = Greeting()
    greeted = _after(model, model.initial_states()[0], Greet(0))
    assert [action for action, _ in model.successors(greeted)] == [
        Receive(Addressed(0, 1, 7)), Receive(Addressed(0, 2, 7))]
    assert str(Receive(Addressed(0, 1, 7))) == (
        "Receive(m=Addressed(sender=p1, receiver=p2, greeting=7))")
    assert check(model, CheckConfig(deadlock=False)).stats.distinct_states == 5


class Broadcaster(Greeter):
    @step(Greet)
    def greet(self, s):
        return None

    @on(Hello, ReceiveHello)
    def receive(self, s, m):
        return None


def test_the_message_alone_naming_no_receiver_is_refused_where_several_nodes_take_it():
    variant = type("Variant", (Greeting,), {"roles": (Broadcaster,),
                                            "messages": (Addressed, Hello)})
    assert variant(procs=1).initial_states()  # one node: the step is its own
    with pytest.raises(ModelDefinitionError) as error:
        variant(procs=2)
    assert str(error.value) == (
        "model 'greeting': Broadcaster.receive's action ReceiveHello is the message alone, "
        "but Hello names no receiver: each of the 2 nodes of Broadcaster would receive one as "
        "the same step; name the receiver in Hello (dst = \"<its field>\"), or give "
        "ReceiveHello the node first, then the message's fields")


def test_a_subclass_of_a_kit_model_keeps_its_mutants():
    # (a new user's trial: `class V(ABD): symmetry_sets = (...)` had no mutant)
    from models.paxos_textbook import PaxosTextbook

    class Bounded(PaxosTextbook):
        name = "paxos-textbook-bounded"

    assert Bounded.mutants == PaxosTextbook.mutants
    # the model's own subclass (its quorums), on top of the subclass
    result = check(Bounded(mutant="non_intersecting_quorums", acceptors=2, max_msgs=3))
    assert result.stats.distinct_states == 7186
    assert [(v.property.name, len(v.trace)) for v in result.violations] == [("agreement", 12)]
    # a node class's mutant: a restarted acceptor forgets, reaching more states
    assert check(Bounded(acceptors=2, max_msgs=2)).stats.distinct_states == 1878
    forgetful = check(Bounded(mutant="forgetful_acceptor", acceptors=2, max_msgs=2))
    assert forgetful.stats.distinct_states == 4316


def test_a_crashed_nodes_record_reads_down_with_the_fields_it_kept(tmp_path):
    # (a new user's trial: `s.value` on a crashed server raised "'Down' object
    # has no attribute 'value'", and nothing said whether a node was down)
    _detected(tmp_path)
    spec = tmp_path / "detected.yaml"
    spec.write_text("""\
model: ./detected_model.py:Detected
params: {servers: 3, max_crashes: 2}
symmetry: false
deadlock: false
invariants:
  removed_are_down: "all(servers[i].down for i in masters[0].removed)"
  kept_history: "all(s.history == () for s in servers)"
  few_down: "len([s for s in servers if s.down]) <= params['max_crashes']"
  none_down: "not any(s.down for s in servers)"
expect: {verdict: violated, property: none_down, trace_length: 1}
""")
    result = CliRunner().invoke(cli, ["check", str(spec), "--keep-going"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert ("None down (none_down) violated after 1 step: not any(s.down for s in servers) "
            "is false") in lines
    for holding in ("Removed are down (removed_are_down)", "Kept history (kept_history)",
                    "Few down (few_down)"):
        assert f"  {holding}: holds" in lines
    # the view says so too: up, then down (it said "s1.down: none → True")
    assert "       s1.down = False" in lines and "       s1.down: False → True" in lines
    from models.kit.handlers import Down

    record = Down(_detected(tmp_path)[1]["ServerState"]())
    assert (record.down, record.history) == (True, ())
    with pytest.raises(AttributeError, match="a crashed node's record has no field 'value'; "
                                             r"it kept ServerState \(history\)"):
        record.value


# -- symmetry declared over nodes a handler tells apart ---------------------------------------


class Flag(NamedTuple):
    up: bool = False


class Raise(NamedTuple):
    proc: Proc


class FirstRaises(Node):
    ids = Proc
    state = Flag

    @step(Raise)
    def raise_flag(self, s):
        """Only the first process raises its flag: processes are not alike."""
        if self.id != 0 or s.up:
            return None
        return s._replace(up=True), []


class Lopsided(ActorModel):
    name = "lopsided"
    params = (Param("procs", 2, "processes"),)
    roles = (FirstRaises,)
    network = MessageSet()
    symmetry_sets = ("procs",)


def test_symmetry_over_nodes_a_handler_tells_apart_names_the_fix_a_kit_user_can_make():
    # (a new user's trial: the message said to fix permute(), which a kit
    # user never writes)
    with pytest.raises(ModelDefinitionError) as error:
        check(Lopsided(), CheckConfig(symmetry=("procs",), deadlock=False))
    assert str(error.value).endswith(
        "; the sets declared symmetric are not interchangeable in this model: a step treats "
        "some element apart (a handler comparing its node's id or a field with a constant, a "
        "parameter naming one element); declare symmetric only sets whose elements the model "
        "treats alike (symmetry_sets), or check without symmetry (symmetry: false)")
    assert str(error.value).startswith(
        "model 'lopsided': renaming by {'procs': (1, 0)} does not commute with successors()")


# -- a mutant's handler taking a step of its own ----------------------------------------------


class AddAgain(NamedTuple):
    p: Proc


class Summing(Adding):
    name = "summing"


@Summing.mutant("add_again", "a process adds a second time → the total passes the processes")
class AgainAdder(Adder):
    @step(AddAgain, reads_globals="total", writes_globals="total")
    def add(self, s, total):
        """Adds up to twice, a step of an action of its own."""
        if s.count == 2:
            return None
        return s._replace(count=s.count + 1), [], {"total": total + 1}


def test_a_mutant_node_class_may_take_a_step_of_its_own(tmp_path):
    # it was refused at its first step: "successors() yielded an action of
    # type AddAgain, which is not among the model's actions (Add); add it to
    # `actions`", where a kit model's `actions` are its handlers'
    model = Summing(mutant="add_again")
    assert model.actions == (AddAgain,)
    assert Summing.actions == (Add,) and Summing().actions == (Add,)
    result = check(model, CheckConfig(deadlock=False))
    assert (result.stats.distinct_states, result.stats.depth) == (9, 4)
    assert dict(result.stats.actions) == {"AddAgain": 12}
    # a spec's fairness names it, as the run does
    (tmp_path / "again.py").write_text(
        "from tests.models.test_kit_frictions import Summing  # noqa: F401\n")
    (tmp_path / "again.yaml").write_text(
        "model: ./again.py:Summing\nmutant: add_again\n"
        "deadlock: false\nfairness: {weak: [AddAgain]}\n")
    run = CliRunner().invoke(cli, ["check", str(tmp_path / "again.yaml"), "--workers", "1"])
    assert run.exit_code == 0, run.output
    assert "AddAgain: 12 steps, 8 new states" in run.output


# -- cmc list of a model a check would refuse --------------------------------------------------


def test_cmc_list_refuses_a_model_a_check_would_refuse(tmp_path):
    # it listed it as if sound, and the first check refused it
    (tmp_path / "bad.py").write_text(
        "from typing import NamedTuple\n"
        "from models.kit import on\n"
        "from tests.models.test_kit_deterministic import Proc, Tell, Writer, Writing\n\n\n"
        "class Heard(NamedTuple):\n    p: Proc\n\n\n"
        "class BadWriter(Writer):\n    @on(Tell, Heard)\n    def hear(self, s, m):\n"
        "        return s, []\n\n\n"
        "class Bad(Writing):\n    name = 'bad'\n    roles = (BadWriter,)\n")
    listed = CliRunner().invoke(cli, ["list", f"{tmp_path}/bad.py:Bad"])
    assert listed.exit_code == 2
    assert listed.stderr == (
        "error: model 'bad': the action Heard of BadWriter.hear must be a named tuple of 4 "
        "fields: the node, then the message's fields\n")
    # a sound one is listed, its mutant built too (a step of its own)
    (tmp_path / "good.py").write_text(
        "from tests.models.test_kit_frictions import Summing  # noqa: F401\n")
    fine = CliRunner().invoke(cli, ["list", f"{tmp_path}/good.py:Summing"])
    assert fine.exit_code == 0, fine.output
    assert "    add_again: a process adds a second time → the total passes the processes" in (
        fine.output.splitlines())
