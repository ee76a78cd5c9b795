"""Every bundled model on parameters drawn at random: each draw is either
refused when the model is built, in one line naming the parameter
(`ParamError`), or checked without the model raising (a property or a
step that raises is reported as the model's fault, exit 2, which no
parameter a model accepts may cause). lease-election's failover property
raised on a crashed leader whose process was paused, found so."""

from __future__ import annotations

import random

import pytest

from checker import CheckConfig, check
from checker.errors import ParamError
from models import REGISTRY


def lease_election(rng: random.Random) -> dict:
    tick = rng.choice([100, 200, 500, 1000])  # every time a multiple of the tick
    pauses = rng.randint(0, 2)  # (and a pause's length where they happen: one alone is refused)
    return dict(tick_ms=tick, candidates=rng.randint(1, 3),
                session=rng.choice(["etcd", "zookeeper"]), ttl_ms=tick * rng.randint(1, 6),
                heartbeat_ms=tick * rng.randint(1, 4), latency_ms=tick * rng.randint(0, 3),
                pause_ms=tick * rng.randint(1, 3) if pauses else 0, pauses=pauses,
                drift_ms=tick * rng.randint(0, 2), margin_ms=tick * rng.randint(0, 2),
                drops=rng.randint(0, 2), crashes=rng.randint(0, 1),
                campaigns=rng.randint(1, 2), resign=rng.random() < 0.3,
                writes=rng.random() < 0.7, fencing=rng.random() < 0.7,
                horizon_ms=tick * rng.randint(0, 8))


def raft(rng: random.Random) -> dict:
    n = rng.randint(1, 5)
    drawn = dict(servers=n, values=rng.randint(1, 2), max_term=rng.randint(1, 3),
                 max_log=rng.randint(0, 2), max_msgs=rng.randint(0, 2),
                 pre_vote=rng.random() < 0.3, check_quorum=rng.random() < 0.3,
                 terms=rng.choice(["absolute", "relative"]), faults=rng.random() < 0.7)
    some = lambda: sorted(rng.sample(range(1, n + 1), rng.randint(1, n)))  # noqa: E731
    kind = rng.random()
    if kind < 0.2:
        drawn["membership"] = {"change": rng.choice(["direct", "joint", "single_server"]),
                               "from": rng.randint(1, n), "to": some()}
    elif kind < 0.35:
        drawn["partition"] = some()
    if rng.random() < 0.2:
        drawn["timeouts"] = {"servers": some(), "round_trip": rng.random() < 0.5}
    if rng.random() < 0.15:
        drawn["quorum"] = {"threshold": rng.randint(1, n)}
    return drawn


def raft_kv(rng: random.Random) -> dict:
    n = rng.randint(1, 3)
    drawn = dict(servers=n, clients=rng.randint(1, 2), ops=rng.randint(0, 2),
                 values=rng.randint(1, 2), keys=rng.randint(1, 2),
                 read_path=rng.choice(["read_index", "log_read", "serializable", "lease_read",
                                       "leaseholder"]),
                 max_term=rng.randint(1, 3), max_log=rng.randint(1, 3),
                 max_msgs=rng.randint(1, 3), drops=rng.randint(0, 1),
                 election_timeout=rng.randint(1, 4), lease=rng.randint(0, 3),
                 horizon=rng.randint(0, 5))
    # (clocks where a read path reads them: elsewhere drift is refused)
    if drawn["read_path"] in ("lease_read", "leaseholder"):
        drawn["drift"] = rng.randint(0, 2)
    if drawn["read_path"] == "leaseholder":
        drawn["max_offset"] = rng.randint(0, 2)
    if drawn["read_path"] == "lease_read":
        drawn["renewals"] = rng.randint(0, 1)
    if rng.random() < 0.3:
        drawn["timeouts"] = sorted(rng.sample(range(1, n + 1), rng.randint(0, n)))
    return drawn


def by_range(name: str):
    """Each int parameter of the model within its range (near its default),
    each boolean either way, the rest at their defaults."""
    def draw(rng: random.Random) -> dict:
        drawn = {}
        for p in REGISTRY[name].params:
            if isinstance(p.default, bool):
                drawn[p.name] = rng.random() < 0.5
            elif isinstance(p.default, int):
                low = p.minimum if p.minimum is not None else 0
                high = min(p.maximum if p.maximum is not None else p.default + 2,
                           max(p.default, low) + 2)
                drawn[p.name] = rng.randint(low, max(low, high))
        return drawn
    return draw


DRAWS = {"lease-election": lease_election, "raft": raft, "raft-kv": raft_kv,
         "paxos": by_range("paxos"), "paxos-textbook": by_range("paxos-textbook"),
         "paxos-liveness": by_range("paxos-liveness")}


def outcomes(name: str, seed: int, draws: int, states: int) -> tuple[int, int]:
    """(checked, refused) of `draws` parameter sets drawn for model `name`."""
    rng, checked, refused = random.Random(f"{name} {seed}"), 0, 0
    for _ in range(draws):
        try:
            model = REGISTRY[name](**DRAWS[name](rng))
        except ParamError:
            refused += 1
            continue
        check(model, CheckConfig(max_states=states))  # a model error raises here
        checked += 1
    return checked, refused


def test_crashes_with_pauses_are_checked_without_the_model_raising():
    # twelve lease-election draws, crashes and pauses among them: their
    # check raised TypeError in the failover property before
    assert outcomes("lease-election", 3, 12, 4000) == (11, 1)


@pytest.mark.slow
@pytest.mark.parametrize("name, checked, refused", [
    ("lease-election", 87, 13), ("paxos", 100, 0), ("paxos-liveness", 100, 0),
    ("paxos-textbook", 65, 35), ("raft", 90, 10), ("raft-kv", 100, 0)])
def test_every_parameter_set_drawn_is_checked_or_refused_in_one_line(name, checked, refused):
    assert outcomes(name, 1, 100, 4000) == (checked, refused)
