"""A run killed with kill -9 and resumed from its last checkpoint gives
exactly the result of an uninterrupted run."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import time
from itertools import chain
from pathlib import Path

import pytest

from checker import CheckConfig, check, checkpoint, fingerprints, frontier
from checker.checkpoint import FILE, Checkpoints
from checker.traces import NO_PARENT, BackPointers
from checker.errors import CheckerError
from checker.spec import load_spec
from models import REGISTRY
from reports.text import render_stats
from checker import partitioned
from tests.checker.test_workers import Grid, counting_forks, tiny_chunks
from tests.spec_runs import outcome

ROOT = Path(__file__).resolve().parents[2]


def saved_depth(directory: Path) -> int:
    _, values, _ = checkpoint.header(str(directory / FILE))
    return values["depth"]


def kill_when_saved(pid: int, directory: Path, depth: int, seconds: float = 120) -> int:
    """kill -9 the run once it saved a checkpoint at `depth` or deeper;
    the depth of the checkpoint left."""
    waited = time.monotonic() + seconds
    while time.monotonic() < waited:
        try:
            if saved_depth(directory) >= depth:
                break
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            pass
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return saved_depth(directory)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("chunk", [None, 4], ids=["levels-whole", "levels-pickled"])
def test_a_run_killed_mid_run_resumes_to_the_uninterrupted_result(tmp_path, chunk):
    # with chunks of 4 states and no budget of whole states, the levels
    # saved are pickled chunks (`checker.frontier`); with the engine's
    # chunks and budget, these small levels are kept as they are
    with tiny_chunks(chunk, whole=0) if chunk else contextlib.nullcontext():
        config = CheckConfig(keep_going=True)
        pid = os.fork()
        if pid == 0:  # the run to be killed: slow enough to be caught mid-run
            try:
                check(Grid(on_expand=lambda state: time.sleep(0.002), side=30, back=True), config,
                      checkpoints=Checkpoints(str(tmp_path), every=0.01))
            finally:
                os._exit(0)
        depth = kill_when_saved(pid, tmp_path, 20)
        assert 20 <= depth < 60  # killed mid-run: 60 levels in all
        saved = checkpoint.chunks(str(tmp_path / FILE))
        assert any(type(part) is bytes for part in saved) == bool(chunk)
        resumed = check(Grid(side=30, back=True), config,
                        checkpoints=Checkpoints(str(tmp_path), every=0.01, resume=True))
    assert outcome(resumed) == outcome(check(Grid(side=30, back=True), config))
    assert (resumed.stats.distinct_states, resumed.stats.depth) == (31 * 31, 60)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("workers, exact", [(1, False), (2, False),
                                            pytest.param(3, False, marks=pytest.mark.slow),
                                            (2, True)])
def test_a_partitioned_run_killed_mid_run_resumes_to_the_uninterrupted_result(
        tmp_path, monkeypatch, workers, exact):
    # a run shared by 2 processes saves as one process holds the search (the
    # partitions go on), and is resumed by `workers` processes; it ran in
    # one process whenever it checkpointed
    snapshot = partitioned.Partitions.snapshot

    def said(partitions):
        with open(tmp_path / "snapshots", "a") as marks:
            marks.write(f"{partitions.count}\n")
        return snapshot(partitions)

    monkeypatch.setattr(partitioned.Partitions, "snapshot", said)
    # the visited set is copied out a slice at a time (16 of each 1,024 slots)
    monkeypatch.setattr(fingerprints, "PART", 64)
    with tiny_chunks(4, whole=0):
        pid = os.fork()
        if pid == 0:  # the run to be killed, by 2 processes, mid-run
            try:
                check(Grid(on_expand=lambda state: time.sleep(0.002), side=30, back=True),
                      CheckConfig(keep_going=True, workers=2, exact=exact),
                      checkpoints=Checkpoints(str(tmp_path / "run"), every=0.01))
            finally:
                os._exit(0)
        depth = kill_when_saved(pid, tmp_path / "run", 20)
        assert 20 <= depth < 60  # killed mid-run: 60 levels in all
        assert set((tmp_path / "snapshots").read_text().split()) == {"2"}
        # the visited set is saved as its parts (each region, or each
        # partition's own set), not gathered into one first
        _, values, _ = checkpoint.header(str(tmp_path / "run" / FILE))
        assert len(values["store"]) == 0
        config = CheckConfig(keep_going=True, workers=workers, exact=exact)
        with counting_forks() as started:
            resumed = check(Grid(side=30, back=True), config, checkpoints=Checkpoints(
                str(tmp_path / "run"), every=0.01, resume=True))
        assert len(started) == (workers > 1)  # shared again from the checkpoint
        whole = check(Grid(side=30, back=True), CheckConfig(keep_going=True))
    assert outcome(resumed) == outcome(whole)
    assert (resumed.stats.distinct_states, resumed.stats.depth) == (31 * 31, 60)
    assert [len(f.trace) for f in resumed.violations] == [56]  # (to the first sum past 55)


def test_a_checkpoint_of_another_check_is_refused_saying_what_differs(tmp_path):
    check(Grid(side=5), CheckConfig(), checkpoints=Checkpoints(str(tmp_path), every=0))
    for model, config, differs in [
            (Grid(side=6), CheckConfig(), "parameters (('side', 5),) there, (('side', 6),) here"),
            (Grid(side=5), CheckConfig(keep_going=True), "keep_going False there, True here"),
            (Grid(side=5), CheckConfig(max_depth=5), "max_depth None there, 5 here")]:
        with pytest.raises(CheckerError) as refused:
            check(model, config, checkpoints=Checkpoints(str(tmp_path), resume=True))
        assert str(refused.value) == (f"{tmp_path}: the checkpoint is of another check "
                                      f"({differs}); resume it with the same spec and options")


def test_a_checkpoint_is_refused_where_the_spec_changed_its_invariants_init_or_partition(
        tmp_path):
    """Each is part of what was checked: a resumed run of another would
    report the old one's verdict."""
    base = ("model: raft\nparams: {servers: 2, values: 1, max_term: 2, max_log: 1, "
            "max_msgs: 1}\ninvariants: {fine: \"True\"}\n")
    path = tmp_path / "spec.yaml"
    path.write_text(base)
    spec = load_spec(path, REGISTRY)
    folder = str(tmp_path / "ck")
    check(spec.build(), spec.config(), checkpoints=Checkpoints(folder, every=0))
    for changed, differs in [
            (base.replace('"True"', '"len(servers) == 2"'),
             "its properties (or a spec's invariants) differ"),
            (base + "init: {s1: {current_term: 1}}\n",
             "init None there, {'s1': {'current_term': 1}} here"),
            (base + "partition: {groups: [[s1], [s2]]}\n",
             "partition None there, {'groups': [['s1'], ['s2']]} here")]:
        path.write_text(changed)
        spec = load_spec(path, REGISTRY)
        with pytest.raises(CheckerError) as refused:
            check(spec.build(), spec.config(), checkpoints=Checkpoints(folder, resume=True))
        assert str(refused.value) == (f"{folder}: the checkpoint is of another check "
                                      f"({differs}); resume it with the same spec and options")


def test_a_checkpoint_is_refused_where_the_models_code_changed(tmp_path):
    """A user edits the model file between the kill and the resume (a third
    tester's find: the resumed run held, a fresh one is violated)."""
    source = tmp_path / "edited.py"
    spec = tmp_path / "spec.yaml"
    spec.write_text("model: ./edited.py:Edited\n")
    model = ("from tests.toys import Counter\n\n\nclass Edited(Counter):\n"
             "    name = 'edited'\n    FORBIDDEN = {}\n")
    source.write_text(model.format(999))
    loaded = load_spec(spec, REGISTRY)
    check(loaded.build(), loaded.config(), checkpoints=Checkpoints(str(tmp_path / "ck"),
                                                                   every=0))
    source.write_text(model.format(2))
    import sys
    for name in [name for name in sys.modules if name.startswith("cmc_user_models.edited")]:
        del sys.modules[name]  # as a new process would read it
    loaded = load_spec(spec, REGISTRY)
    with pytest.raises(CheckerError) as refused:
        check(loaded.build(), loaded.config(),
              checkpoints=Checkpoints(str(tmp_path / "ck"), resume=True))
    assert str(refused.value) == (f"{tmp_path / 'ck'}: the checkpoint is of another check "
                                  "(the model's code, or cmc's, changed since); resume it with "
                                  "the same spec and options")


def test_a_folder_holding_a_checkpoint_is_not_overwritten_unasked(tmp_path):
    check(Grid(side=5), CheckConfig(), checkpoints=Checkpoints(str(tmp_path), every=0))
    with pytest.raises(CheckerError) as refused:
        Checkpoints(str(tmp_path))
    assert str(refused.value) == (
        f"{tmp_path}: holds a checkpoint already; resume it with --resume {tmp_path}, or give "
        f"another folder (or delete {tmp_path / FILE})")


@pytest.mark.parametrize("content", ["fifo", "directory", "list", "junk"])
def test_a_checkpoint_file_of_another_kind_is_one_line(tmp_path, content):
    path = tmp_path / FILE
    if content == "fifo":
        os.mkfifo(path)
    elif content == "directory":
        path.mkdir()
    else:
        path.write_bytes(pickle.dumps([1, 2, 3]) if content == "list" else b"junk")
    with pytest.raises(CheckerError) as refused:
        check(Grid(side=5), CheckConfig(), checkpoints=Checkpoints(str(tmp_path), resume=True))
    assert str(refused.value) == {
        "fifo": f"{path}: not a file a run wrote; give the folder a run wrote with --checkpoint",
        "directory": f"{path}: not a file a run wrote; give the folder a run wrote with "
                     "--checkpoint",
        "list": f"{path}: not a readable checkpoint (ValueError: not a checkpoint of this "
                "version of cmc); start the run again",
        "junk": f"{path}: not a readable checkpoint (UnpicklingError: pickle data was "
                "truncated); start the run again"}[content]


def test_a_checkpoint_cut_short_is_refused_in_one_line(tmp_path):
    # (a copy cut off before its end mark: the level's last chunks may be missing)
    check(Grid(side=30), CheckConfig(), checkpoints=Checkpoints(str(tmp_path), every=0))
    path = tmp_path / FILE
    end = pickle.dumps(checkpoint.END, protocol=pickle.HIGHEST_PROTOCOL)
    data = path.read_bytes()  # (the end mark, then the sum of all before it)
    path.write_bytes(data[:data.rindex(end)])
    with pytest.raises(CheckerError) as refused:
        check(Grid(side=30), CheckConfig(), checkpoints=Checkpoints(str(tmp_path), resume=True))
    assert str(refused.value) == (f"{path}: not a readable checkpoint (EOFError: Ran out of "
                                  "input); start the run again")


def test_a_damaged_checkpoint_is_refused_not_resumed_into_another_search(tmp_path):
    # a byte changed on disk that still reads back: a state of the level
    # another (a helper's flips were blamed on the model, or could pass)
    check(Grid(side=30), CheckConfig(), checkpoints=Checkpoints(str(tmp_path), every=0))
    path = tmp_path / FILE
    data = path.read_bytes()
    level = data.rindex(pickle.dumps(checkpoint.LEVEL, protocol=pickle.HIGHEST_PROTOCOL))
    at = data.index(b"K\x1e", level)  # a coordinate 30 of a state of the level, pickled
    path.write_bytes(data[:at] + b"K\x1d" + data[at + 2:])
    with pytest.raises(CheckerError) as refused:
        check(Grid(side=30), CheckConfig(), checkpoints=Checkpoints(str(tmp_path), resume=True))
    assert str(refused.value) == (
        f"{path}: the checkpoint is damaged (its bytes are not those written: their sum "
        "differs); start the run again, or resume an undamaged copy")


def test_a_checkpoint_that_cannot_be_written_stops_the_run_with_what_it_explored(tmp_path):
    (tmp_path / (FILE + ".partial")).mkdir()  # where the checkpoint is written first
    result = check(Grid(side=30), CheckConfig(), checkpoints=Checkpoints(str(tmp_path), every=0))
    assert result.stopped_by == "disk"
    assert result.verdict == "incomplete"
    assert result.stats.distinct_states == 1  # the first level, then the first checkpoint
    assert not (tmp_path / FILE).exists()


def test_resuming_from_a_folder_without_a_checkpoint_is_refused(tmp_path):
    with pytest.raises(CheckerError, match=r"no checkpoint there \(checkpoint.pickle\)"):
        check(Grid(side=5), CheckConfig(), checkpoints=Checkpoints(str(tmp_path), resume=True))


def cli(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "checker", *arguments]


def result_without_timings(output: str) -> dict:
    import json

    document = json.loads(output)["results"][0]
    # (model_stats: the kit's memo figures, counted by the process that ran:
    # a resumed run's are its own; workers, one_process_from and store_bytes:
    # the processes --workers auto picked for the resumed run by the
    # machine's load, where it went on in one, and their visited set's bytes)
    for key in ("seconds", "seconds_before", "states_per_second", "peak_memory_bytes",
                "worker_memory_bytes",
                "model_stats", "workers", "one_process_from", "store_bytes"):
        document["stats"].pop(key, None)
    return document


@pytest.mark.slow
def test_cmc_check_killed_with_kill_9_resumes_to_the_uninterrupted_result(tmp_path):
    spec = "specs/paxos-3a-2v-3b.yaml"
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.Popen(cli("check", spec, "--checkpoint", str(tmp_path),
                               "--checkpoint-every", "0.01", "--workers", "2",
                               "--format", "json"),
                           cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
    depth = kill_when_saved(run.pid, tmp_path, 12)
    assert 12 <= depth < 24  # 24 levels in all
    resumed = subprocess.run(cli("check", spec, "--resume", str(tmp_path), "--format", "json"),
                             cwd=ROOT, env=environment, capture_output=True, text=True)
    whole = subprocess.run(cli("check", spec, "--workers", "1", "--format", "json"),
                           cwd=ROOT, env=environment, capture_output=True, text=True)
    assert resumed.returncode == whole.returncode == 0
    ours, theirs = result_without_timings(resumed.stdout), result_without_timings(whole.stdout)
    assert {key: (value, theirs["stats"].get(key)) for key, value in ours["stats"].items()
            if value != theirs["stats"].get(key)} == {}
    assert ours == theirs


def test_cmc_check_refuses_to_resume_another_spec(tmp_path):
    from click.testing import CliRunner

    from cmc.main import cli as cmc

    runner = CliRunner()
    saved = runner.invoke(cmc, ["check", "specs/paxos-3a-2v-2b.yaml", "--checkpoint", str(tmp_path),
                                "--checkpoint-every", "0.001"])
    assert saved.exit_code == 0, saved.output
    refused = runner.invoke(cmc, ["check", "specs/raft-2s.yaml", "--resume", str(tmp_path)])
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"error: {tmp_path}: the checkpoint is of another check (model 'paxos' there, 'raft' "
        "here); resume it with the same spec and options\n")
    two = runner.invoke(cmc, ["check", "specs/raft-2s.yaml", "specs/paxos-3a-2v-2b.yaml",
                              "--resume", str(tmp_path)])
    assert two.exit_code == 2 and "--checkpoint and --resume take one SPEC" in two.stderr


def test_cmc_check_refuses_a_checkpoint_folder_it_cannot_make_before_searching(tmp_path):
    from click.testing import CliRunner

    from cmc.main import cli as cmc

    a_file = tmp_path / "a-file"
    a_file.write_text("kept\n")
    # (a plain file itself is refused by the option's own check)
    for target in (str(a_file / "below"), os.devnull):
        refused = CliRunner().invoke(cmc, ["check", "specs/raft-2s.yaml", "--checkpoint", target])
        assert refused.exit_code == 2
        assert refused.stderr.startswith(f"error: {target}: cannot keep checkpoints there (")
        assert refused.stderr.endswith("); give a folder (it is created if missing)\n")
        assert "distinct states" not in refused.output
    assert a_file.read_text() == "kept\n"


def test_a_kit_model_with_a_clock_checkpoints_and_resumes(tmp_path):
    # the clock's action types are made per id type at run time: a
    # checkpoint counts steps by action type, and pickling them failed
    # (an internal error at the first checkpoint of any clocked kit model)
    spec = load_spec(ROOT / "specs" / "lease-mutant-trusts-expired-lease.yaml", REGISTRY)
    config = spec.config()
    saved = check(spec.build(), config, checkpoints=Checkpoints(str(tmp_path), every=1e-9))
    assert saved_depth(tmp_path) >= 1
    resumed = check(spec.build(), config,
                    checkpoints=Checkpoints(str(tmp_path), every=1e-9, resume=True))
    assert outcome(resumed) == outcome(saved) == outcome(check(spec.build(), config))
    assert (resumed.stats.distinct_states, len(resumed.violations[0].trace.actions)) == (6598, 12)


def test_a_level_on_disk_is_saved_and_read_back_a_chunk_at_a_time(tmp_path, monkeypatch):
    # A level that spilled (memory short) goes into the checkpoint from
    # disk and back into a level that keeps to its budgets: read back with
    # room for 2 pickled chunks, the other 23 of its 25 go to disk again.
    states = [(k, "x" * (k % 7)) for k in range(100)]
    spilled = frontier.Frontier(4, whole=0, memory=0,
                                directory=frontier.WorkDirectory(str(tmp_path)))
    spilled.extend(states)
    assert (spilled.on_disk, len(spilled)) == (25, 100)
    read = []
    raw = spilled.raw()

    def one_at_a_time():
        for chunk in raw:
            read.append(chunk)
            assert len(read) - len(written) <= 1  # written before the next is read
            yield chunk

    written: list = []
    dump = pickle.dump
    monkeypatch.setattr(checkpoint.pickle, "dump", lambda part, file, **options: (
        written.append(part), dump(part, file, **options)))
    # the back-pointers too, a segment at a time: 3 in the file, 1 held
    pointers = BackPointers(held=3)
    pointers.extend([NO_PARENT, 0, 0], [0, 1, 2])
    pointers.extend([2], [0])
    Checkpoints(str(tmp_path / "run")).save(
        ("check",), {"depth": 3, "store": (), "pointers": pointers}, one_at_a_time(),
        len(spilled))
    assert len(read) == 25 and written[1:5:3] == [checkpoint.POINTERS, checkpoint.LEVEL]
    assert [list(map(list, part)) for part in written[2:4]] == [
        [[NO_PARENT, 0, 0], [0, 1, 2]], [[2], [0]]]
    assert written[5:-2] == read and written[-2] == checkpoint.END  # (then the sum)
    monkeypatch.setattr(checkpoint.pickle, "dump", dump)
    room = 2 * max(len(chunk) for chunk in read)
    monkeypatch.setattr(frontier, "MEMORY", room)
    values, level = Checkpoints(str(tmp_path / "run"), resume=True).load(
        ("check",), 4, frontier.WorkDirectory(str(tmp_path)))
    pointers = values.pop("pointers")
    assert values == {"depth": 3, "store": ()}
    assert [pointers.location(n) for n in range(4)] == [(NO_PARENT, 0), (0, 1), (0, 2), (2, 0)]
    assert (pointers.first, pointers.held) == (3, 3)  # past the budget in its file again
    assert (len(level), level.on_disk, level.pickled) == (100, 23, 25)
    assert list(chain.from_iterable(level.take())) == states


# -- a run the time limit stops leaves a checkpoint to go on from -----------------------------


def test_a_run_with_a_time_limit_saves_each_level_it_may_not_finish(tmp_path, monkeypatch):
    # a level that would take the time left at LATE times the last level's
    # pace is saved before it is expanded (a new user's --time-limit 20 with
    # checkpoints every 60 s stopped with an empty folder); with LATE huge,
    # every level but the first is such a level
    from checker import explore

    monkeypatch.setattr(explore, "LATE", 1e12)
    config = CheckConfig(keep_going=True, time_limit=3600)
    saving = Checkpoints(str(tmp_path), every=3600)
    whole = check(Grid(side=6, back=True), config, checkpoints=saving)
    assert (whole.stats.distinct_states, whole.stats.depth) == (49, 12)
    assert saving.written == 12 and saving.saved_at == (12, 49)  # the last level's
    assert saved_depth(tmp_path) == 12


def test_a_run_the_time_limit_stops_resumes_to_the_uninterrupted_result(tmp_path):
    config = CheckConfig(keep_going=True)
    saving = Checkpoints(str(tmp_path), every=3600)  # none due by the clock
    slow = Grid(on_expand=lambda state: time.sleep(0.002), side=30, back=True)
    stopped = check(slow, CheckConfig(keep_going=True, time_limit=0.6), checkpoints=saving)
    assert stopped.stopped_by == "time_limit" and saving.saved_at is not None
    depth, states = saving.saved_at
    assert 0 < depth <= stopped.stats.depth and states <= stopped.stats.distinct_states
    resumed = check(Grid(side=30, back=True), config,
                    checkpoints=Checkpoints(str(tmp_path), every=3600, resume=True))
    assert outcome(resumed) == outcome(check(Grid(side=30, back=True), config))


class StateClock:
    """The engine's clock, which a model's successors move on by a second:
    a search's seconds are then the states it expanded (and the steps of
    its traces, taken again)."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def expand(self, state) -> None:
        self.now += 1.0


def test_a_resumed_run_counts_the_seconds_before_its_checkpoint(tmp_path, monkeypatch):
    # its states/s divided every state, those found before the checkpoint
    # too, by its own seconds alone (Raft 3 servers resumed at depth 18 of
    # 38: 71,328 states/s, where the search ran at about 48,000)
    from types import SimpleNamespace

    from checker import explore
    from reports.json import result_document

    clock = StateClock()
    monkeypatch.setattr(explore, "time", SimpleNamespace(monotonic=clock))
    grid = Grid(on_expand=clock.expand, side=6, back=True)  # 49 states, 13 levels
    whole = check(grid, CheckConfig(keep_going=True))
    # its 49 states expanded, and the 8 and 6 steps of its two traces
    assert [len(f.trace) for f in whole.violations + whole.witnesses] == [8, 6]
    assert (whole.stats.distinct_states, whole.stats.seconds) == (49, 63.0)
    stopped = check(grid, CheckConfig(keep_going=True, time_limit=10),
                    checkpoints=Checkpoints(str(tmp_path), every=0))
    assert (stopped.stopped_by, stopped.stats.seconds_before) == ("time_limit", 0.0)
    said: list[str] = []
    resumed = check(grid, CheckConfig(keep_going=True), checkpoints=Checkpoints(
        str(tmp_path), every=0, resume=True, said=said.append))
    # levels 0 to 4 expanded (15 states, 15 s), level 5 not yet
    assert said[0].startswith(f"resuming from the checkpoint in {tmp_path}: depth 5, 21 "
                              "distinct states in 15.00 s, saved at ")
    assert outcome(resumed) == outcome(whole)
    stats = resumed.stats
    assert (stats.seconds, stats.seconds_before, stats.states_per_second) == (
        63.0, 15.0, 49 / 63)
    document = result_document("grid", grid, resumed)["stats"]
    assert (document["seconds"], document["seconds_before"],
            document["states_per_second"]) == (63.0, 15.0, 0.8)
    assert ("distinct states 49 · generated 127 · depth 12 · 63.00 s (15.00 s of them before "
            "the checkpoint resumed) · 1 distinct states/s") in render_stats(resumed)[0]


def test_cmc_check_stopped_with_a_checkpoint_says_how_to_go_on(tmp_path):
    from click.testing import CliRunner

    from cmc.main import cli as cmc

    stopped = CliRunner().invoke(cmc, [
        "check", "specs/paxos-3a-2v-2b.yaml", "--checkpoint", str(tmp_path),
        "--checkpoint-every", "0.001", "--max-states", "1000", "--workers", "1"])
    assert stopped.exit_code == 1, stopped.output  # (its expect: holds, not judged so)
    assert saved_depth(tmp_path) == 8  # the last level before the bound, 837 states in all
    assert stopped.stderr.splitlines()[-1] == (
        f"checkpoint: {tmp_path} holds the search at depth 8 (837 states); go on with cmc "
        f"check specs/paxos-3a-2v-2b.yaml --resume {tmp_path}")


def test_a_checkpoint_is_refused_where_code_the_model_imports_changed(tmp_path):
    # a helper beside the model, or the engine's and the kit's own code (a
    # helper's find: Paxos resumed after an edit of models/quorum.py held
    # over 159,929 states, which neither the old code nor the new reaches)
    import sys

    (tmp_path / "limits.py").write_text("FORBIDDEN = 999\n")
    (tmp_path / "guarded.py").write_text(
        "from limits import FORBIDDEN\nfrom tests.toys import Counter\n\n\n"
        "class Guarded(Counter):\n    name = 'guarded'\n    limit_seen = FORBIDDEN\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text("model: ./guarded.py:Guarded\n")
    loaded = load_spec(spec, REGISTRY)
    check(loaded.build(), loaded.config(), checkpoints=Checkpoints(str(tmp_path / "ck"),
                                                                   every=0))
    (tmp_path / "limits.py").write_text("FORBIDDEN = 2\n")
    for name in [name for name in sys.modules if "guarded" in name or name == "limits"]:
        del sys.modules[name]  # as a new process would read them
    loaded = load_spec(spec, REGISTRY)
    with pytest.raises(CheckerError) as refused:
        check(loaded.build(), loaded.config(),
              checkpoints=Checkpoints(str(tmp_path / "ck"), resume=True))
    assert "(the model's code, or cmc's, changed since)" in str(refused.value)


def test_the_code_a_checkpoint_names_covers_the_engine_and_the_kit(monkeypatch):
    from checker import model as model_module
    from models.paxos import Paxos

    before = model_module._code_digest(Paxos)
    for edited in ("models/quorum.py", "models/kit/memo.py", "checker/successors.py",
                   "reports/timeline.py", "cmc/check.py"):
        real = model_module._file_digest
        monkeypatch.setattr(model_module, "_file_digest",
                            lambda path, real=real, edited=edited: b"edited"
                            if path.endswith(edited) else real(path))
        assert model_module._code_digest(Paxos) != before, edited
        monkeypatch.undo()
    assert model_module._code_digest(Paxos) == before


def test_the_code_a_checkpoint_names_is_the_same_whatever_this_process_imported():
    # reports' modules came into it once imported (a model's properties
    # take names from them): a checkpoint a run wrote before the command
    # line imported them was refused as of other code
    program = ("from checker import model\nfrom models.paxos import Paxos\n"
               "bare = model._code_digest(Paxos)\nimport cmc.main, reports.html, reports.run\n"
               "print(bare == model._code_digest(Paxos))")
    ran = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert (ran.returncode, ran.stdout) == (0, "True\n"), ran.stderr


def test_a_folder_that_cannot_be_written_is_refused_before_the_search(tmp_path):
    # (a read-only folder stopped the run at its first checkpoint, blaming
    # the temporary folder; here the probe's own file cannot be made: a
    # folder is in its place, as a read-only mount makes none)
    (tmp_path / f".cmc-probe-{os.getpid()}").mkdir()
    for resume in (False, True):
        with pytest.raises(CheckerError) as refused:
            Checkpoints(str(tmp_path), resume=resume)
        assert str(refused.value) == (
            f"{tmp_path}: cannot write checkpoints there (Is a directory); give a folder that "
            "can be written" + (" (copy the checkpoint into one and resume from there)"
                                if resume else ""))


def test_a_checkpoint_of_a_spec_with_constraints_names_them_where_they_are_gone(tmp_path):
    # (the message said nothing: "of another check ()")
    base = ("model: raft\nparams: {servers: 2, values: 1, max_term: 2, max_log: 1, "
            "max_msgs: 1}\n")
    path = tmp_path / "spec.yaml"
    path.write_text(base + "constraints: {low: \"all(s.current_term <= 1 for s in servers)\"}\n")
    spec = load_spec(path, REGISTRY)
    folder = str(tmp_path / "ck")
    check(spec.build(), spec.config(), checkpoints=Checkpoints(folder, every=0))
    path.write_text(base)
    spec = load_spec(path, REGISTRY)
    with pytest.raises(CheckerError) as refused:
        check(spec.build(), spec.config(), checkpoints=Checkpoints(folder, resume=True))
    assert str(refused.value) == (
        f"{folder}: the checkpoint is of another check (constraints {{'low': 'all(s.current_term "
        "<= 1 for s in servers)'} there, None here); resume it with the same spec and options")
