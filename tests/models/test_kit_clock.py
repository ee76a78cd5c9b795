"""The kit's clock (`models.kit.clock`) on tiny models: timers, urgency,
drift, pauses and delayed messages, each count pinned and checked against
a literal enumeration written here from the clock's docstring."""

from __future__ import annotations

from collections import deque
from typing import NamedTuple

import pytest

from checker import CheckConfig, Param, check
from models.kit import ActorModel, MessageSet, Node, ids, on, step
from models.kit.clock import Clock, ClockValue, Delayed, on_timer

Alarm = ids("alarms", "a")
Echo = ids("echoes", "e")


class AlarmState(NamedTuple):
    rings: int = 0
    alarm: int | None = 0      # timer: rings at 0, then every `period` ticks


class Ring(NamedTuple):
    a: Alarm


class AlarmNode(Node):
    ids = Alarm
    state = AlarmState

    @on_timer(Ring, deadline="alarm")
    def ring(self, s, now):
        rings = s.rings + 1
        return AlarmState(rings, now + self.model.period if rings < self.model.rings else None), []


class Alarms(ActorModel):
    """One or two alarms ringing `rings` times, every `period` ticks of their own clocks."""

    name = "alarms"
    params = (Param("alarms", 1, ""), Param("period", 2, ""), Param("rings", 2, ""),
              Param("horizon", 4, ""), Param("drift", 0, ""), Param("pause", 0, ""),
              Param("pauses", 0, ""))
    roles = (AlarmNode,)
    messages = ()
    network = MessageSet()
    clock = Clock(Alarm, horizon="horizon", drift="drift", pause="pause", pauses="pauses")
    symmetry_sets = ("alarms",)


def reachable(model) -> tuple[set, int]:
    (initial,) = model.initial_states()
    seen, queue, edges = {initial}, deque([initial]), 0
    while queue:
        for _, successor in model.successors(queue.popleft()):
            edges += 1
            if successor not in seen:
                seen.add(successor)
                queue.append(successor)
    return seen, edges


def literal_alarm(period: int, rings: int, horizon: int, drift: int, pause: int,
                  pauses: int) -> int:
    """The distinct states of one alarm, from the clock's docstring alone:
    (now, skew, pause left, pauses left, rings, alarm)."""
    start = (0, 0, 0, pauses if pause else 0, 0, 0)
    seen, queue = {start}, deque([start])
    while queue:
        now, skew, left, budget, rung, alarm = queue.popleft()
        reading = now + skew
        due = not left and alarm is not None and reading >= alarm
        nexts = []
        if due:
            rung2 = rung + 1
            nexts.append((now, skew, left, budget, rung2,
                          reading + period if rung2 < rings else None))
        if not due and now < horizon:
            nexts.append((now + 1, skew, max(left - 1, 0), budget, rung, alarm))
            if skew > -drift:
                nexts.append((now + 1, skew - 1, max(left - 1, 0), budget, rung, alarm))
        if skew < drift:
            nexts.append((now, skew + 1, left, budget, rung, alarm))
        if budget and not left:
            nexts.append((now, skew, pause, budget - 1, rung, alarm))
        for state in nexts:
            if state not in seen:
                seen.add(state)
                queue.append(state)
    return len(seen)


def test_a_timer_fires_at_its_deadline_and_time_waits_for_it():
    model = Alarms()
    (initial,) = model.initial_states()
    assert initial == (AlarmState(0, 0), ClockValue(0, (0,), (0,), 0), ())
    # the alarm is due at 0: time cannot pass until it rings
    assert [action for action, _ in model.successors(initial)] == [Ring(0)]
    states, _ = reachable(model)
    # (now, rings): (0,0) (0,1) (1,1) (2,1) (2,2) (3,2) (4,2)
    assert len(states) == 7
    assert sorted((s[1].now, s[0].rings) for s in states) == [
        (0, 0), (0, 1), (1, 1), (2, 1), (2, 2), (3, 2), (4, 2)]


@pytest.mark.parametrize("drift, pause, pauses, expected", [
    (0, 0, 0, 7), (1, 0, 0, 34), (0, 2, 1, 30), (1, 2, 1, 145)])
def test_drift_and_pauses_give_the_states_of_the_literal_clock(drift, pause, pauses, expected):
    model = Alarms(drift=drift, pause=pause, pauses=pauses)
    states, _ = reachable(model)
    assert len(states) == expected
    assert literal_alarm(2, 2, 4, drift, pause, pauses) == expected


def test_a_drifting_clock_stays_within_its_bound_and_never_runs_backwards():
    model = Alarms(drift=1, horizon=5)
    states, _ = reachable(model)
    assert {s[1].skew[0] for s in states} == {-1, 0, 1}
    for state in states:
        for _, successor in model.successors(state):
            assert successor[1].now + successor[1].skew[0] >= state[1].now + state[1].skew[0]


def test_a_paused_node_neither_steps_nor_holds_time_back():
    model = Alarms(pause=2, pauses=1)
    (initial,) = model.initial_states()
    paused = dict(model.successors(initial))[model.clock.Pause(0)]
    # due but paused: only time passes (the alarm rings once the pause is over)
    assert [type(action).__name__ for action, _ in model.successors(paused)] == ["Tick"]
    later = dict(model.successors(paused))[model.clock.Tick(1, None)]
    after = dict(model.successors(later))[model.clock.Tick(2, None)]
    assert after[1].paused == (0,)
    assert [action for action, _ in model.successors(after)] == [Ring(0)]


def test_clocks_are_renamed_with_their_nodes():
    model = Alarms(alarms=2, drift=1, horizon=2)
    state = (AlarmState(1, 2), AlarmState(0, 0), ClockValue(1, (1, -1), (0, 0), 0), ())
    assert model.permute(state, {"alarms": [1, 0]}) == (
        AlarmState(0, 0), AlarmState(1, 2), ClockValue(1, (-1, 1), (0, 0), 0), ())
    assert model.permute_action(model.clock.Tick(2, 0), {"alarms": [1, 0]}) == \
        model.clock.Tick(2, 1)


def test_timer_handlers_are_memoized_on_record_and_reading():
    model = Alarms(drift=1)
    states, _ = reachable(model)
    due = {(s[0], s[1].now + s[1].skew[0]) for s in states
           if s[0].alarm is not None and s[1].now + s[1].skew[0] >= s[0].alarm}
    # Ring runs once per distinct (record, reading) at which it is due
    assert model.memo_stats()["handler_runs"] == len(due) == 8


# -- delayed messages -----------------------------------------------------------------------


class Ping(NamedTuple):
    to: Echo


Ping.dst = "to"


class Send(NamedTuple):
    a: Alarm


class Receive(NamedTuple):
    e: Echo
    to: Echo


class Sender(Node):
    ids = Alarm
    state = AlarmState

    @step(Send, sends=Ping)
    def send(self, s, now):
        if s.rings:
            return None
        return s._replace(rings=1, alarm=None), [Ping(0)]


class EchoState(NamedTuple):
    got: int | None = None  # the reading when the ping arrived


class Receiver(Node):
    ids = Echo
    state = EchoState
    count = 1

    @on(Ping, Receive)
    def receive(self, s, m, now):
        return EchoState(now), []


class Pinging(ActorModel):
    name = "pinging"
    params = (Param("latency", 2, ""), Param("horizon", 3, ""), Param("drops", 0, ""))
    roles = (Sender, Receiver)
    messages = (Ping,)
    network = Delayed(latency="latency", drop="drops")
    clock = Clock(Alarm, horizon="horizon")
    symmetry_sets = ("alarms",)

    alarms = 1


def test_a_message_arrives_within_its_latency_and_time_waits_for_it():
    model = Pinging()
    states, _ = reachable(model)
    # sent at any tick up to the horizon (3), received 0 to 2 ticks later
    assert {(s[1].got, s[2].now) for s in states if s[1].got is not None} == {
        (got, now) for got in range(4) for now in range(got, 4)}
    due = [s for s in states if s[-1][0] and s[-1][0][0][1] == 0]
    assert due and all(not isinstance(action, model.clock.Tick)
                       for s in due for action, _ in model.successors(s))
    # not sent (now 0..3); in flight (now, ticks left): 1 + 2 + 3 + 3; received
    # (reading then, now) with reading <= now <= 3: 4 + 3 + 2 + 1
    assert len(states) == 4 + 9 + 10


def test_a_lost_message_lets_time_pass():
    model = Pinging(drops=1)
    states, _ = reachable(model)
    assert {s[1].got for s in states} == {None, 0, 1, 2, 3}
    assert max(s[2].now for s in states if s[1].got is None and s[0].rings) == 3
    assert len(states) == 23 + 4  # and the lost ping, now 0..3


def test_a_delayed_run_checks_end_to_end():
    result = check(Pinging(), CheckConfig())
    assert result.stats.distinct_states == 23


def test_a_crashed_nodes_due_timer_does_not_hold_the_clock():
    # (a crashed node runs nothing: its timer, kept in what survived, is not due)
    from models.kit import on_crash

    class Crash(NamedTuple):
        a: Alarm

    class CrashingAlarm(AlarmNode):
        @on_crash(Crash, budget="crashes")
        def crash(self, s):
            return s  # the alarm, due at 0, survives

    class CrashingAlarms(Alarms):
        name = "crashing-alarms"
        params = Alarms.params + (Param("crashes", 1, ""),)
        roles = (CrashingAlarm,)

    model = CrashingAlarms()
    (initial,) = model.initial_states()
    (crashed,) = [after for action, after in model.successors(initial)
                  if type(action).__name__ == "Crash"]
    steps = [type(action).__name__ for action, _ in model.successors(crashed)]
    assert steps and "Ring" not in steps and "Crash" not in steps  # time goes on


def test_a_message_due_to_a_crashed_receiver_does_not_hold_the_clock():
    # (a crashed receiver runs nothing: a message due to it holds no tick
    # back, as its due timer does not; it waits for the receiver, which here
    # never restarts: the world's time went on stopping with it)
    from models.kit import on_crash

    class Crash(NamedTuple):
        e: Echo

    class CrashingReceiver(Receiver):
        @on_crash(Crash, budget="crashes")
        def crash(self, s):
            return s

    class CrashingPinging(Pinging):
        name = "crashing-pinging"
        params = Pinging.params + (Param("crashes", 1, ""),)
        roles = (Sender, CrashingReceiver)

    model = CrashingPinging()
    states, _ = reachable(model)
    down = [s for s in states if type(s[1]).__name__ == "Down"]
    due = [s for s in down if s[-1][0] and s[-1][0][0][1] == 0]
    assert due and all(any(isinstance(action, model.clock.Tick)
                           for action, _ in model.successors(s))
                       for s in due if s[-2].now < 3)
    assert {s[-2].now for s in due} == {2, 3}  # (sent at 0 or 1, due 2 ticks later)
    assert check(model, CheckConfig()).stats.distinct_states == len(states) == 46
