"""The kit's global variables (`ActorModel.globals`, `derived`, a handler's
``reads_globals=`` and ``writes_globals=``), on a toy lock service.

Processes ask a doorman for a lock by message; the doorman grants it,
through an ``@on`` handler guarded by the global ``free`` (derived from the
lock's ``holder``, a global that names a process); the process holding it
enters and leaves, and leaving frees it (a write that reads nothing). The
toy is checked against a plain `checker.Model` written the obvious way,
with and without symmetry, and its orbits against brute force.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from click.testing import CliRunner

from checker import CheckConfig, Fails, Model, ModelDefinitionError, Param, check, invariant
from cmc.main import cli
from models.kit import ActorModel, Bag, MessageSet, Node, derived, ids, on, step
from models.kit.clock import Clock
from tests.brute_force import orbit_counts_agree, reachable_states

Proc = ids("procs", "p", first=1, named=True)
Door = ids("doors", "d", first=1, named=True)


class Lock(NamedTuple):
    """The global: which process holds the lock."""

    holder: Proc | None = None


class ProcState(NamedTuple):
    pc: str = "idle"  # idle, waiting, critical


class DoorState(NamedTuple):
    grants: int = 0


class Want(NamedTuple):
    src: Proc


class Ask(NamedTuple):
    p: Proc


class Grant(NamedTuple):
    d: Door
    src: Proc


class Enter(NamedTuple):
    p: Proc


class Leave(NamedTuple):
    p: Proc


class ProcNode(Node):
    ids = Proc
    state = ProcState

    @step(Ask, reads_globals="free", sends=Want)
    def ask(self, s, free):
        """An idle process that sees the lock free asks for it."""
        if s.pc != "idle" or not free:
            return None
        return s._replace(pc="waiting"), [Want(self.id)]

    @step(Enter, reads_globals="holder")
    def enter(self, s, holder):
        """A waiting process that holds the lock enters."""
        if s.pc != "waiting" or holder != self.id:
            return None
        return s._replace(pc="critical"), []

    @step(Leave, writes_globals="holder")
    def leave(self, s):
        """The process in its critical section leaves and frees the lock."""
        if s.pc != "critical":
            return None
        return s._replace(pc="idle"), [], {"holder": None}


class DoorNode(Node):
    ids = Door
    state = DoorState
    count = 1

    @on(Want, Grant, reads_globals="free", writes_globals="holder")
    def grant(self, s, m, free):
        """The doorman grants a request while the lock is free, at most
        max_grants times."""
        if not free or s.grants >= self.model.max_grants:
            return None
        return s._replace(grants=s.grants + 1), [], {"holder": m.src}


class DoorLock(ActorModel):
    name = "door-lock"
    params = (Param("procs", 3, "processes", minimum=1, maximum=4),
              Param("max_grants", 2, "grants the doorman gives", minimum=0, maximum=4))
    roles = (ProcNode, DoorNode)
    messages = (Want,)
    network = Bag()
    globals = Lock
    symmetry_sets = ("procs",)

    @derived
    def free(self, lock: Lock) -> bool:
        return lock.holder is None

    def pcs(self, state):
        return [s.pc for s in self.records(state, ProcNode)]

    @invariant("Mutual Exclusion")
    def mutual_exclusion(self, state):
        inside = [f"p{i}" for i, pc in enumerate(self.pcs(state), 1) if pc == "critical"]
        return len(inside) <= 1 or Fails(f"{' and '.join(inside)} are both critical")

    @invariant("The Holder Is Inside")
    def holder_inside(self, state):
        holder = self.globals_of(state).holder
        inside = [i for i, pc in enumerate(self.pcs(state)) if pc == "critical"]
        return all(i == holder for i in inside) or Fails(
            f"p{inside[0] + 1} is critical while the lock names "
            f"{'nobody' if holder is None else f'p{holder + 1}'}")


@DoorLock.mutant("stale_free", "the doorman trusts the asker's view of the lock, which was free "
                               "when it asked: a stale read of a global")
class TrustingDoor(DoorNode):
    @on(Want, Grant, writes_globals="holder")
    def grant(self, s, m):
        if s.grants >= self.model.max_grants:
            return None  # the bug: not whether the lock is free now
        return s._replace(grants=s.grants + 1), [], {"holder": m.src}


# -- the same protocol as a plain model -------------------------------------------------


class PlainAsk(NamedTuple):
    p: int


class PlainGrant(NamedTuple):
    p: int


class PlainEnter(NamedTuple):
    p: int


class PlainLeave(NamedTuple):
    p: int


class PlainDoorLock(Model):
    """(pcs, wants in flight, holder, grants given)."""

    name = "plain-door-lock"
    params = DoorLock.params
    actions = (PlainAsk, PlainGrant, PlainEnter, PlainLeave)
    symmetry_sets = ("procs",)

    def initial_states(self):
        return [(("idle",) * self.procs, frozenset(), None, 0)]

    def successors(self, state):
        pcs, wants, holder, grants = state

        def with_pc(p, pc):
            return pcs[:p] + (pc,) + pcs[p + 1:]

        for p in range(self.procs):
            if pcs[p] == "idle" and holder is None:
                yield PlainAsk(p), (with_pc(p, "waiting"), wants | {p}, holder, grants)
        for p in sorted(wants):
            if holder is None and grants < self.max_grants:
                yield PlainGrant(p), (pcs, wants - {p}, p, grants + 1)
        for p in range(self.procs):
            if pcs[p] == "waiting" and holder == p:
                yield PlainEnter(p), (with_pc(p, "critical"), wants, holder, grants)
            if pcs[p] == "critical":
                yield PlainLeave(p), (with_pc(p, "idle"), wants, None, grants)

    def symmetry_groups(self):
        return {"procs": [list(range(self.procs))]}

    def permute(self, state, perm):
        images = perm["procs"]
        pcs, wants, holder, grants = state
        moved = [None] * len(pcs)
        for p, pc in enumerate(pcs):
            moved[images[p]] = pc
        return (tuple(moved), frozenset(images[p] for p in wants),
                None if holder is None else images[holder], grants)

    def permute_action(self, action, perm):
        return type(action)(perm["procs"][action.p])


# -- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("procs, max_grants, states, orbits, depth", [
    (2, 2, 28, 17, 10),
    (3, 2, 72, 24, 11),
])
def test_a_guard_over_a_global_gives_the_plain_model_s_states(procs, max_grants, states,
                                                              orbits, depth):
    # the same over a bag delivering message by message (another planner)
    per_message = type("PerMessage", (DoorLock,), {"network": Bag(per_message=True)})
    for symmetry, expected in (((), states), (("procs",), orbits)):
        found = [check(model(procs=procs, max_grants=max_grants),
                       CheckConfig(symmetry=symmetry, deadlock=False))
                 for model in (DoorLock, PlainDoorLock, per_message)]
        assert [(r.verdict, r.stats.distinct_states, r.stats.depth) for r in found] == \
            [("holds", expected, depth)] * 3


def test_symmetry_renames_the_process_a_global_names():
    # the holder is a global typed Proc: orbits as brute force finds them
    assert orbit_counts_agree(lambda: DoorLock(procs=3, max_grants=2), [("procs",)]) == (72, 24)
    model = DoorLock(procs=3)
    state = model.initial_states()[0]
    held = state[:model._globals_at] + (Lock(holder=0),) + state[model._globals_at + 1:]
    assert model.globals_of(model.permute(held, {"procs": (2, 0, 1)})) == Lock(holder=2)


def test_a_handler_runs_once_per_value_of_what_it_reads():
    # each handler once per (node, record, input, values of the globals it
    # reads), as counted here over every reachable state: Ask and Grant per
    # value of `free`, not of the lock, and Leave on its record alone
    model = DoorLock(procs=3, max_grants=2)
    check(model, CheckConfig(deadlock=False))
    runs = set()
    for state in reachable_states(DoorLock(procs=3, max_grants=2)):
        holder = model.globals_of(state).holder
        for p, s in enumerate(model.records(state, ProcNode)):
            runs |= {("ask", p, s, holder is None), ("enter", p, s, holder), ("leave", p, s)}
        door = model.record(state, DoorNode, 0)
        runs |= {("grant", door, want, holder is None) for want in model.sent(state, Want)}
    assert model.memo_stats()["handler_runs"] == len(runs) == 63


def test_a_doorman_reading_a_stale_global_breaks_mutual_exclusion():
    model = DoorLock(procs=2, max_grants=2, mutant="stale_free")
    reduced = check(model, CheckConfig(properties=("mutual_exclusion",), symmetry=("procs",)))
    assert len(reduced.violation("mutual_exclusion").trace) == 6
    violation = check(model, CheckConfig(properties=("mutual_exclusion",))).violation(
        "mutual_exclusion")
    assert violation.reason == "p1 and p2 are both critical"
    assert "\n".join(map(str, violation.trace.actions)) == "\n".join([
        "Ask(p=p1)",
        "Ask(p=p2)",                 # both saw the lock free
        "Grant(d=d1, src=p1)",
        "Enter(p=p1)",
        "Grant(d=d1, src=p2)",       # the lock is p1's, but p2 saw it free
        "Enter(p=p2)",
    ])
    # the globals print by field name, the holder by its name
    assert model.state_view(violation.trace.steps[-1].state) == {
        "p1.pc": "critical", "p2.pc": "critical", "d1.grants": 2, "holder": "p2",
        "network": []}
    sooner = check(model, CheckConfig(properties=("holder_inside",))).violation("holder_inside")
    assert len(sooner.trace) == 5
    assert sooner.reason == "p1 is critical while the lock names p2"


class Tally(NamedTuple):
    beeps: int = 0


class Beeps(NamedTuple):
    """A global counter."""

    count: int = 0


class Beep(NamedTuple):
    b: Proc


class Beeper(Node):
    ids = Proc
    state = Tally

    @step(Beep, reads_globals="count", writes_globals="count")
    def beep(self, s, count, now):
        """Beep while the beeps counted are fewer than the clock reads."""
        if count >= now:
            return None
        return s._replace(beeps=s.beeps + 1), [], {"count": count + 1}


class Beeping(ActorModel):
    name = "beeping"
    params = (Param("procs", 2, "beepers"), Param("horizon", 3, "ticks"))
    roles = (Beeper,)
    globals = Beeps
    clock = Clock(Proc, horizon="horizon")


def test_a_handler_reads_the_clock_and_a_global_together():
    # (now, count) with count <= now <= 3, and each count split between the
    # two beepers in count + 1 ways
    states = reachable_states(Beeping())
    assert {(s[-2].now, s[2].count) for s in states} == {
        (now, count) for now in range(4) for count in range(now + 1)}
    assert all(s[0].beeps + s[1].beeps == s[2].count for s in states)
    assert len(states) == sum(count + 1 for now in range(4) for count in range(now + 1))


# -- mistakes, each one line naming the handler and the fix --------------------------------


def _variant(node: type, **members) -> DoorLock:
    """DoorLock with `node`'s class replaced by a subclass defining `members`."""
    changed = type(node.__name__, (node,), members)
    roles = tuple(changed if role is node else role for role in DoorLock.roles)
    return type("Variant", (DoorLock,), {"roles": roles, "name": "door-lock"})


def _reads_free_undeclared():
    def enter(self, s, free):
        return None
    return enter


def _declares_but_takes_no_parameter():
    def enter(self, s):
        return None
    return enter


def _leaves_undeclared():
    def leave(self, s):
        return (s._replace(pc="idle"), [], {"holder": None}) if s.pc == "critical" else None
    return leave


@pytest.mark.parametrize("node, members, message", [
    (ProcNode, {"enter": step(Enter)(_reads_free_undeclared())},
     "ProcNode.enter takes a parameter 'free', a global it does not declare: add "
     "reads_globals=('free',) to its mark, or rename the parameter"),
    (ProcNode, {"enter": step(Enter, reads_globals="holder")(_declares_but_takes_no_parameter())},
     "ProcNode.enter reads the global 'holder' but takes no parameter holder; add one "
     "(def enter(self, ..., holder))"),
    (ProcNode, {"enter": step(Enter, reads_globals="holdr")(_reads_free_undeclared())},
     "ProcNode.enter reads the global 'holdr', which is neither a field of Lock (holder) nor "
     "a @derived method of the model; fix the name or declare it"),
    (ProcNode, {"leave": step(Leave, writes_globals="free")(_leaves_undeclared())},
     "ProcNode.leave writes 'free', which is derived (@derived); write the fields it is "
     "derived from"),
])
def test_a_mistake_in_declaring_globals_is_a_definition_error(node, members, message):
    with pytest.raises(ModelDefinitionError) as error:
        _variant(node, **members)()
    assert str(error.value) == f"model 'door-lock': {message}"


def test_writing_a_global_not_declared_is_a_definition_error():
    model = _variant(ProcNode, leave=step(Leave)(_leaves_undeclared()))()
    with pytest.raises(ModelDefinitionError) as error:
        check(model, CheckConfig(deadlock=False))
    assert str(error.value) == (
        "model 'door-lock': ProcNode.leave wrote the global 'holder', which it does not "
        "declare; add writes_globals=('holder',) to its mark")


class Crowd(NamedTuple):
    holder: Proc | None = None
    procs: int = 0


@pytest.mark.parametrize("members, message", [
    ({"globals": Crowd},
     "the global 'procs' (Crowd.procs) has the name of what a spec's expressions read by it; "
     "rename the field"),
])
def test_what_the_kit_cannot_do_with_globals_is_said_in_one_line(members, message):
    variant = type("Variant", (DoorLock,), {"name": "door-lock", **members})
    with pytest.raises(ModelDefinitionError) as error:
        variant()
    assert str(error.value) == f"model 'door-lock': {message}"


def test_globals_in_a_model_without_them_is_a_definition_error():
    variant = type("NoGlobals", (DoorLock,), {"globals": None, "name": "door-lock"})
    with pytest.raises(ModelDefinitionError) as error:
        variant()
    assert str(error.value) == (
        "model 'door-lock': ProcNode.ask reads or writes the global 'free', but the model "
        "declares no globals; declare them as one record, globals = <a NamedTuple>")


def test_a_spec_s_expression_reads_a_global_by_its_name(tmp_path):
    (tmp_path / "lock.py").write_text("from tests.models.test_kit_globals import DoorLock\n")
    (tmp_path / "lock.yaml").write_text(
        "model: ./lock.py:DoorLock\n"
        "params: {procs: 3, max_grants: 2}\n"
        "deadlock: false\n"
        "invariants:\n"
        "  holder_waits_or_is_inside: \"holder is None or procs[holder].pc != 'idle'\"\n"
        "  few_wait_on_a_holder: \"holder is None or len(messages['Want']) < 2\"\n"
        "expect: {verdict: violated, property: few_wait_on_a_holder, trace_length: 4}\n")
    result = CliRunner().invoke(cli, ["check", "--keep-going", str(tmp_path / "lock.yaml")])
    assert result.exit_code == 0, result.output
    assert "holder_waits_or_is_inside): holds" in result.output


BAD_MODEL = '''
from tests.models.test_kit_globals import DoorLock, Enter, ProcNode, step


class Peeking(ProcNode):
    @step(Enter)
    def enter(self, s, holder=None):
        return None


class PeekingLock(DoorLock):
    roles = (Peeking,) + DoorLock.roles[1:]
'''


def test_the_command_line_says_the_mistake_in_one_line(tmp_path):
    (tmp_path / "peeking.py").write_text(BAD_MODEL)
    (tmp_path / "peeking.yaml").write_text("model: ./peeking.py:PeekingLock\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "peeking.yaml")])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1].endswith(
        "model 'door-lock': Peeking.enter takes a parameter 'holder', a global it does not "
        "declare: add reads_globals=('holder',) to its mark, or rename the parameter")


# -- a choice function reading globals ----------------------------------------------------


class Baton(NamedTuple):
    holder: Proc = 0


class Laps(NamedTuple):
    passes: int = 0


class Pass(NamedTuple):
    p: Proc
    q: Proc


class Runner(Node):
    ids, state = Proc, Laps

    @step(Pass, reads_globals="holder", writes_globals="holder",
          choose=lambda node, s, holder: [q for q in range(node.model.procs) if q != node.id]
          if holder == node.id else [])
    def pass_baton(self, s, q, holder):
        """The holder passes the baton to another runner (only the holder has
        whom to choose)."""
        if s.passes >= self.model.max_passes:
            return None
        return s._replace(passes=s.passes + 1), [], {"holder": q}


class Relay(ActorModel):
    name = "relay"
    params = (Param("procs", 3, "runners"), Param("max_passes", 1, "passes each runner makes"))
    roles = (Runner,)
    network = MessageSet()
    globals = Baton


class GuardedRunner(Runner):
    @step(Pass, reads_globals="holder", writes_globals="holder",
          choose=lambda node, s: [q for q in range(node.model.procs) if q != node.id])
    def pass_baton(self, s, q, holder):
        """The same, the holder's guard in the handler."""
        if holder != self.id or s.passes >= self.model.max_passes:
            return None
        return s._replace(passes=s.passes + 1), [], {"holder": q}


class GuardedRelay(Relay):
    roles = (GuardedRunner,)


@pytest.mark.parametrize("procs, max_passes, states", [(3, 1, 10), (3, 2, 37), (4, 1, 29)])
def test_a_choice_function_reads_the_globals_its_handler_declares(procs, max_passes, states):
    model = Relay(procs=procs, max_passes=max_passes)
    assert [action for action, _ in model.successors(model.initial_states()[0])] == [
        Pass(0, q) for q in range(1, procs)]
    reached = reachable_states(model)
    assert len(reached) == check(model).stats.distinct_states == states
    assert set(reached) == set(reachable_states(GuardedRelay(procs=procs,
                                                             max_passes=max_passes)))


def test_a_choice_function_taking_an_undeclared_global_is_a_definition_error():
    class Unread(Runner):
        @step(Pass, writes_globals="holder",
              choose=lambda node, s, holder: [] if holder != node.id else [0])
        def pass_baton(self, s, q):
            return s, [], {"holder": q}

    variant = type("Unreading", (Relay,), {"roles": (Unread,)})
    with pytest.raises(ModelDefinitionError) as error:
        variant()
    assert str(error.value) == (
        "model 'relay': Unread.pass_baton chooses with a function taking 'holder', a global "
        "the handler does not declare: add reads_globals=('holder',) to its mark, or rename "
        "the parameter")
