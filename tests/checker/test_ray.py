"""Ray actors as partition owners give exactly the one-process result.

One Ray instance (2 CPUs, started here) serves every test of this module.
Chunks and the smallest shared level are made tiny (`tiny_chunks`), so
that small models are shared between the actors chunk by chunk, and every
test counts the Ray partitions started, so that none can pass without
them. Skipped only where Ray is not installed (``pip install -e '.[ray]'``),
but for the message that says so.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
import time
from functools import partial
from itertools import chain
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check, checkpoint, ray_search
from checker.checkpoint import FILE, Checkpoints
from checker.frontier import unpack
from checker.errors import ModelDefinitionError
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.checker.test_workers import QUICK, FencedGrid, FlagAndBudget, Grid, tiny_chunks
from tests.models.test_user_kraft import RESTART_INVARIANTS
from tests.models.user.kraft import KRaft
from tests.spec_runs import outcome

try:
    import ray
except ImportError:
    ray = None
needs_ray = pytest.mark.skipif(ray is None, reason="Ray is not installed: pip install -e '.[ray]'")

SPECS = Path(__file__).resolve().parents[2] / "specs"
USER_SPEC = Path(__file__).resolve().parents[1] / "models" / "user" / "two-phase.yaml"


@pytest.fixture(scope="module")
def cluster():
    """A local Ray of 2 CPUs for every test here (it takes seconds to start),
    shut down after them, so that the rest of the suite runs without it."""
    if ray is None:
        pytest.skip("Ray is not installed: pip install -e '.[ray]'")
    started = ray_search.connect("auto")
    yield started
    started.close()


class Shared(list):
    """The Ray partitioned searches started (one item each), and `failed`,
    why any of them failed (its run then started again in one process)."""

    failed: list[str]


@pytest.fixture
def started(monkeypatch):
    """The Ray partitioned searches the test started and did not give up."""
    shared = Shared()
    shared.failed = []
    original = ray_search.RayPartitions.__init__

    def init(self, *args):
        original(self, *args)
        shared.append(1)

    class Failed(ray_search.Failed):
        def __init__(self, message, died):
            shared.failed.append(message)
            super().__init__(message, died)

    monkeypatch.setattr(ray_search.RayPartitions, "__init__", init)
    monkeypatch.setattr(ray_search, "Failed", Failed)
    return shared


def on_ray(cluster, build, config: CheckConfig = CheckConfig(), actors: int = 2):
    """The result of checking `build()` with `actors` Ray actors."""
    return check(build(), dataclasses.replace(config, workers=actors),
                 owners=ray_search.Owners(build, cluster))


def both(cluster, build, config: CheckConfig = CheckConfig(), actors: int = 2) -> tuple:
    return outcome(check(build(), config)), outcome(on_ray(cluster, build, config, actors))


# -- in the default suite: small specs, a few seconds each ----------------------------------


def test_two_actors_give_the_one_process_result_on_a_bundled_spec(cluster, started):
    spec = load_spec(SPECS / "paxos-3a-2v-2b.yaml", REGISTRY)
    with tiny_chunks(64):
        one, two = both(cluster, spec.build, spec.config())
    assert started and not started.failed and one == two
    assert (two[0], two[2], two[4], two[-2]) == ("holds", 3921, 16, 368)
    [(name, reason, trace)] = two[-1]  # the first bound stop, 8 steps in
    assert (name, reason, len(trace) - 1) == (
        "bound_stop", "every ballot 0..1 has begun (ballots = 2)", 8)


@pytest.mark.slow  # the quick one: two actors on a bundled spec
def test_a_mutants_shortest_counterexample_is_the_one_process_one(cluster, started):
    spec = load_spec(SPECS / "paxos-mutant-no-adopt.yaml", REGISTRY)
    with tiny_chunks(64):
        one, two = both(cluster, spec.build, spec.config())
    assert started and not started.failed and one == two
    assert (two[0], two[2], two[4]) == ("violated", 3468, 12)
    [(name, reason, trace)] = two[7]
    assert (name, reason, len(trace) - 1, str(trace[-1][0])) == (
        "agreement", "value 0 is chosen in ballot 0 by acceptors 1, 2; value 1 is chosen in "
        "ballot 1 by acceptors 0, 1", 12, "Phase2b(a=1, b=1, v=1)")


@pytest.mark.slow  # the quick one: two actors on a bundled spec
def test_states_given_from_actor_to_actor_keep_the_one_process_result(
        cluster, started, given):
    # the states given travel through the object store, as the rest of
    # the exchange
    spec = load_spec(SPECS / "raft-mutant-no-step-down.yaml", REGISTRY)
    with tiny_chunks(16):
        one, two = both(cluster, spec.build, spec.config(keep_going=True))
    assert started and not started.failed and one == two and one[0] == "violated"
    assert len(given) > 10


@pytest.mark.slow  # the quick one: two actors on a bundled spec
def test_a_record_and_a_budget_equal_as_tuples_are_given_away_apart(cluster, started, given):
    # a state given is rebuilt from the taker's parts by type and value
    with tiny_chunks(4):
        one, two = both(cluster, FlagAndBudget, CheckConfig())
    assert started and not started.failed and one == two
    assert one[:5] == ("holds", None, 196, 631, 14) and len(given) > 5


@pytest.mark.slow  # the quick one: two actors on a bundled spec
def test_a_users_model_file_is_sent_to_the_actors(cluster, started):
    # the file is imported from a path, by a name no actor can import
    spec = load_spec(USER_SPEC, REGISTRY)
    with tiny_chunks(16):
        one, two = both(cluster, spec.build, spec.config())
    assert started and not started.failed and one == two
    assert spec.model_class.__module__.startswith(ray_search.USER_MODULES)


@pytest.mark.slow  # the quick one: two actors on a bundled spec
def test_temporal_properties_have_their_safety_part_shared_by_the_actors(cluster, started):
    spec = load_spec(SPECS / "paxos-liveness-single-proposer.yaml", REGISTRY)
    with tiny_chunks(4):
        one, two = both(cluster, spec.build, spec.config())
    assert started and not started.failed and one == two
    assert (two[0], two[2]) == ("holds", 57)


@pytest.mark.slow  # (2.5 s; two actors' results checked by default above)
def test_a_models_view_is_the_actors_too(cluster, started):
    # KRaft.cfg's VIEW (tests/models/test_user_kraft.py): TLC's 217 states
    build = partial(KRaft, servers=2, values=1, MaxElections=1, MaxRestarts=1, VIEW=True)
    with tiny_chunks(4):
        one, two = both(cluster, build, CheckConfig(properties=RESTART_INVARIANTS))
    assert started and not started.failed and one == two
    assert (two[0], two[2]) == ("holds", 217)


@pytest.mark.slow  # (2.8 s)
def test_the_actors_stop_where_one_process_stops_once_every_property_is_settled(
        cluster, started):
    # tests/checker/test_settled.py: Corner is first met in chunk 0 of level 29
    config = CheckConfig(properties=("corner",), stop_when_settled=True)
    with tiny_chunks(4):
        one, two = both(cluster, partial(Grid, side=30), config)
    assert started and not started.failed and one == two
    assert (two[0], two[1], two[2], two[4]) == ("holds", "settled", 470, 30)


# -- slow: a run a level per second or so, the bundled specs, a larger level --------------


@pytest.mark.slow
def test_a_counterexample_and_a_witness_are_those_of_one_process(cluster, started):
    with tiny_chunks(4):
        one, two = both(cluster, partial(Grid, side=30), CheckConfig(keep_going=True))
    assert started and not started.failed and one == two
    verdict, _, distinct, _, depth, _, _, violations, witnesses, _, _ = two
    assert (verdict, distinct, depth) == ("violated", 31 * 31, 60)
    [(name, reason, trace)] = violations
    assert (name, reason, len(trace) - 1, trace[-1][1]) == (
        "small_sum", "(30, 26) is too far", 56, (30, 26))
    assert [(name, len(trace) - 1) for name, _, trace in witnesses] == [("corner", 30)]


@pytest.mark.slow
def test_the_first_violation_stops_the_actors_where_one_process_stops(cluster, started):
    with tiny_chunks(4):
        one, two = both(cluster, partial(FencedGrid, side=30, fence=56),
                        CheckConfig(deadlock=True))
    assert started and not started.failed and one == two
    verdict, stopped_by, distinct, _, depth, _, _, violations, _, stops, _ = two
    assert (verdict, stopped_by, depth, stops) == ("violated", None, 56, 0)
    assert distinct < sum(range(1, 58))
    assert [(name, len(trace) - 1) for name, _, trace in violations] == [("small_sum", 56)]


def fail_at_9_9(state):
    if state == (9, 9):
        raise ZeroDivisionError("the model divided by zero at (9, 9)")


@pytest.mark.slow
def test_an_error_in_the_model_is_raised_as_in_one_process(cluster, started):
    # the actor fails; the run starts again in this process, which raises
    # (one line for the command line's exit 2, naming the model's line)
    line = f"{os.path.relpath(__file__)}:{fail_at_9_9.__code__.co_firstlineno + 2}"
    said = ("model 'grid': successors() raised ZeroDivisionError: the model divided by zero "
            f"at (9, 9) at {line}, in fail_at_9_9; fix the model")
    with tiny_chunks(2), pytest.raises(ModelDefinitionError) as raised:
        on_ray(cluster, partial(Grid, on_expand=fail_at_9_9, side=20))
    assert str(raised.value) == said
    assert started and started.failed == [f"ModelDefinitionError: {said}"]


def die_past_level_20(state, driver: int):
    if os.getpid() != driver and state[0] + state[1] >= 20:
        os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.slow
def test_a_killed_actor_is_reported_and_its_work_redone(cluster, started):
    with tiny_chunks(4):
        alone = check(Grid(side=30), CheckConfig(keep_going=True))
        shared = on_ray(cluster, partial(Grid, on_expand=partial(die_past_level_20,
                                                                 driver=os.getpid()), side=30),
                        CheckConfig(keep_going=True))
    assert started and len(started.failed) == 1
    assert started.failed[0].startswith("a partition actor died (")
    assert outcome(shared) == outcome(alone)
    assert (shared.stats.workers, shared.stats.workers_lost) == (2, 1)


# -- the command line --------------------------------------------------------------------------

SPEC = str(SPECS / "paxos-3a-2v-2b.yaml")


def run(*args: str):
    return CliRunner().invoke(cli, ["check", *args])


@needs_ray
def test_an_address_where_no_cluster_answers_is_refused_in_one_line():
    result = run("--ray", "127.0.0.1:1", SPEC)
    assert result.exit_code == 2
    assert result.output == (
        "error: --ray 127.0.0.1:1: no Ray cluster answers there (Connection refused); give "
        "the head node's address as HOST:PORT (`ray start --head` prints it), or auto to "
        "start Ray here\n")


@needs_ray
@pytest.mark.parametrize("address", ["head-node", "head-node:\u00b2"])
def test_an_address_that_is_not_host_and_port_is_refused_in_one_line(address):
    result = run("--ray", address, SPEC)
    assert result.exit_code == 2
    assert result.output == (
        f"error: --ray {address!r} is not HOST:PORT; give the head node's address as "
        "HOST:PORT (`ray start --head` prints it), or auto to start Ray here\n")


def test_without_ray_installed_the_fix_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    result = run("--ray", "auto", SPEC)
    assert result.exit_code == 2
    assert result.output == ("error: --ray needs Ray, which is not installed; install it "
                             "with pip install -e '.[ray]'\n")


class TwentyFifth(Checkpoints):
    """Saves the search once: before the 25th level it is due at."""

    calls = 0

    def save(self, *arguments):
        self.calls += 1
        if self.calls == 25:
            super().save(*arguments)


@pytest.mark.slow  # (seconds: the default suite keeps under 5 minutes)
def test_a_checkpoint_of_the_actors_resumes_to_the_one_process_result(
        cluster, started, tmp_path):
    # saved as one process holds the search (the actors go on), before
    # level 24, where the actors hold 25 states; resumed in one process
    # and by the actors again
    config = CheckConfig(keep_going=True)
    with tiny_chunks(4):
        saving = TwentyFifth(str(tmp_path), every=0.0)
        whole = check(Grid(side=30), dataclasses.replace(config, workers=2),
                      checkpoints=saving, owners=ray_search.Owners(partial(Grid, side=30),
                                                                    cluster))
        assert started and not started.failed and saving.calls == 61
        _, values, size = checkpoint.header(str(tmp_path / FILE))
        level = list(chain.from_iterable(map(unpack, checkpoint.chunks(str(tmp_path / FILE)))))
        assert (values["depth"], size, len(level)) == (24, 25, 25)
        resumed = [check(Grid(side=30), dataclasses.replace(config, workers=workers),
                         checkpoints=Checkpoints(str(tmp_path), every=1e9, resume=True),
                         owners=owners)
                   for workers, owners in [(1, None),
                                           (2, ray_search.Owners(partial(Grid, side=30),
                                                                 cluster))]]
    assert len(started) == 2  # the actors again, from the checkpoint
    alone = outcome(check(Grid(side=30), config))
    assert outcome(whole) == outcome(resumed[0]) == outcome(resumed[1]) == alone


def test_help_says_what_workers_count_with_ray():
    text = " ".join(CliRunner().invoke(cli, ["check", "--help"]).output.split())
    assert "--ray auto|HOST:PORT" in text
    assert ("With --ray: the Ray actors that own the partitions, auto one per CPU of the "
            "Ray cluster, never more than its CPUs (1 runs in this process).") in text


def test_the_command_reports_what_one_process_reports(cluster, started):
    with tiny_chunks(64):
        alone = run("--workers", "1", SPEC)
        shared = run("--ray", "auto", "--workers", "3", SPEC)  # 2 CPUs: 2 actors
    assert started and not started.failed
    assert (alone.exit_code, shared.exit_code) == (0, 0)
    assert shared.output.startswith("note: --workers 3: using 2 Ray actors, the CPUs of the "
                                    "Ray cluster\n")

    def counts(output):
        return [line for line in output.splitlines() if "states" in line
                and "MiB" not in line and " s " not in line]

    assert counts(shared.output) == counts(alone.output)
    assert ray.is_initialized()  # the session's Ray, which the command did not start


@needs_ray
@pytest.mark.slow
def test_bench_runs_on_ray_paired_with_one_process(tmp_path):
    # each run starts a Ray of its own, in a process of its own
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(cli, ["bench", "--repeat", "1", "--ray", "auto",
                                      "--json", str(out), "specs/paxos-3a-2v-3b.yaml"])
    assert result.exit_code == 0, result.output
    cells = result.output.splitlines()[1].split()
    assert cells[:2] == ["specs/paxos-3a-2v-3b.yaml", "185,369"] and cells[-2] == "2"
    document = json.loads(out.read_text())
    assert (document["ray"], document["workers"]) == ("auto", None)  # auto: 2 CPUs here
    (run,) = document["runs"]
    assert run["workers"] == 2 and run["worker_memory_bytes"] > 0
    assert run["speed_up"] == run["one_process_seconds"] / run["seconds"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(p for p in SPECS.glob("*.yaml") if p.stem in QUICK),
                         ids=lambda path: path.stem)
def test_quick_bundled_specs_give_the_one_process_result(cluster, path):
    spec = load_spec(path, REGISTRY)
    with tiny_chunks(64):
        one, two = both(cluster, spec.build, spec.config())
    assert one == two


@pytest.mark.slow
def test_exact_states_are_owned_alike_by_every_actor(cluster, started):
    # owned by `hash`: the actors share a hash seed
    with tiny_chunks(4):
        one, two = both(cluster, partial(Grid, side=20),
                        CheckConfig(keep_going=True, exact=True))
    assert started and not started.failed and one == two and (two[2], two[4]) == (21 * 21, 40)


@pytest.mark.slow
def test_a_spec_with_a_large_level_is_shared_at_the_normal_sizes(cluster, started):
    spec = load_spec(SPECS / "paxos-3a-2v-3b.yaml", REGISTRY)
    one, two = both(cluster, spec.build, spec.config())
    assert len(started) == 1 and not started.failed and one == two and two[2] == 185369


def slow(state):
    time.sleep(0.001)


@pytest.mark.slow
def test_a_time_limit_stops_the_actors(cluster):
    with tiny_chunks(2):
        started_at = time.monotonic()
        result = on_ray(cluster, partial(Grid, on_expand=slow, side=60),
                        CheckConfig(time_limit=2))
    assert (result.verdict, result.stopped_by) == ("incomplete", "time_limit")
    assert 0 < result.stats.distinct_states < 61 * 61
    assert time.monotonic() - started_at < 30
