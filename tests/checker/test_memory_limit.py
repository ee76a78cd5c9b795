"""`CheckConfig.memory_limit` sends the levels to disk and, if that is not
enough, stops a run as a bound does, with what it explored; the compact
frontier (`checker.frontier`), in memory or on disk, changes no result."""

from __future__ import annotations

import dataclasses
import os

import pytest

from checker import CheckConfig, check, explore, frontier as frontiers, partition, workers
from checker.frontier import Frontier, WorkDirectory
from tests.checker.test_workers import Grid, tiny_chunks
from tests.spec_runs import outcome

MIB = 2**20


@pytest.fixture
def meter(monkeypatch):
    """The memory the run is told it holds: 1 MiB more at every look."""
    looks = []

    def resident_memory() -> int:
        looks.append(1)
        return len(looks) * MIB

    monkeypatch.setattr(workers, "resident_memory", resident_memory)
    return looks


def test_a_run_past_its_memory_limit_stops_with_what_it_explored(meter):
    # one look before each level and one before each chunk (one per level
    # here): the 11th look, before level 5, is over 10 MiB; the levels go
    # to disk and the 12th look is still over
    result = check(Grid(side=30), CheckConfig(memory_limit=10 * MIB))
    assert (result.verdict, result.stopped_by) == ("incomplete", "memory_limit")
    assert (result.stats.distinct_states, result.stats.depth) == (1 + 2 + 3 + 4 + 5 + 6, 5)
    assert len(meter) == 12
    assert result.stats.generated_states == 1 + 2 * (1 + 2 + 3 + 4 + 5)


@pytest.fixture
def growing(monkeypatch):
    """The memory the run is told it holds: 1 MiB more at every look until
    the levels go to disk, which gives back 5 MiB and keeps it from
    growing; the list of those spills."""
    held, spilled = [0], []

    def resident_memory() -> int:
        held[0] += 0 if spilled else MIB
        return held[0]

    def release_memory() -> None:
        spilled.append(1)
        held[0] -= 5 * MIB

    monkeypatch.setattr(workers, "resident_memory", resident_memory)
    monkeypatch.setattr(explore, "release_memory", release_memory)
    return spilled


def test_a_run_past_its_memory_limit_goes_on_with_its_levels_on_disk(monkeypatch, growing):
    spilled, files = growing, []
    made = WorkDirectory.file
    monkeypatch.setattr(WorkDirectory, "file",
                        lambda directory: files.append(1) or made(directory))
    config = CheckConfig(keep_going=True)
    with tiny_chunks(2, whole=4):
        limited = check(Grid(side=12), dataclasses.replace(config, memory_limit=10 * MIB,
                                                           workers=1))
    assert (limited.verdict, limited.stopped_by) == ("violated", None)
    assert outcome(limited) == outcome(check(Grid(side=12), config))
    # the 11th look, before level 4, is over 10 MiB: from then on every
    # level is written to disk, levels 4 to 23 (the last, 24, is a single
    # state, never a whole chunk)
    assert len(spilled) == 1 and len(files) == 20
    assert limited.stats.distinct_states == 13 * 13


def test_a_run_within_its_memory_limit_is_complete(meter):
    result = check(Grid(side=30), CheckConfig(keep_going=True, memory_limit=10**6 * MIB))
    assert (result.verdict, result.stopped_by) == ("violated", None)
    assert result.stats.distinct_states == 31 * 31


def test_partitions_stop_at_the_memory_limit_between_levels(meter):
    # once the partitions hold the search, the limit is looked at before
    # each level, and counts what the partition processes really hold too
    with tiny_chunks(1):
        result = check(Grid(side=30), CheckConfig(workers=2, memory_limit=10 * MIB))
    assert (result.verdict, result.stopped_by, result.stats.workers) == (
        "incomplete", "memory_limit", 2)
    assert 0 < result.stats.distinct_states < 31 * 31


def test_a_frontier_pickles_the_chunks_past_its_budget_and_gives_back_every_state():
    frontier = Frontier(4, [(0, k) for k in range(6)], whole=4)
    frontier.extend([(1, k) for k in range(7)])
    assert len(frontier) == 13
    # 12 states in whole chunks, the first 4 within the budget
    assert [type(chunk) for chunk in frontier.chunks] == [list, bytes, bytes]
    assert frontier.states() == [(0, k) for k in range(6)] + [(1, k) for k in range(7)]
    restored = Frontier(4)  # as a checkpoint keeps it (`raw`) and reads it back
    restored.restore(frontier.raw(), len(frontier))
    assert [len(chunk) for chunk in restored.take()] == [4, 4, 4, 1]
    assert list(restored.take()) == []  # read once


def test_states_that_cannot_be_pickled_are_kept_as_they_are():
    class Opaque(tuple):
        def __reduce__(self):
            raise TypeError("not picklable")

    frontier = Frontier(2, [Opaque((k,)) for k in range(5)], whole=0)
    assert [type(chunk) for chunk in frontier.chunks] == [list, list]
    assert [len(chunk) for chunk in frontier.take()] == [2, 2, 1]


def test_a_frontier_pickled_two_states_at_a_time_gives_the_same_result():
    config = CheckConfig(keep_going=True)  # complete: chunks cannot change counts
    with tiny_chunks(2, whole=0):
        pickled = check(Grid(side=12), config)
    whole = check(Grid(side=12), config)  # levels of 13 states or fewer: none pickled
    assert outcome(pickled) == outcome(whole)
    assert (pickled.stats.distinct_states, pickled.stats.depth) == (13 * 13, 24)


def test_a_frontier_past_its_bytes_in_memory_spills_to_disk_and_reads_back_in_order(tmp_path):
    directory = WorkDirectory(str(tmp_path))
    # 1 chunk of objects, then pickled chunks: 2 in memory (the budget is
    # the size of two), the others on disk
    first = frontiers.pack([(1, k) for k in range(3)])
    frontier = Frontier(3, [(0, k) for k in range(3)], whole=3, directory=directory,
                        memory=2 * len(first))
    for level in range(1, 6):
        frontier.extend([(level, k) for k in range(3)])
    frontier.extend([(6, 0)])
    assert [type(chunk) for chunk in frontier.chunks] == [list, bytes, bytes, int, int, int]
    assert frontier.on_disk == 3 and len(os.listdir(directory.path)) == 1
    everything = [(level, k) for level in range(6) for k in range(3)] + [(6, 0)]
    assert frontier.states() == everything  # not consumed
    restored = Frontier(3)  # as a checkpoint keeps it (`raw`) and reads it back
    restored.restore(frontier.raw(), len(frontier))
    assert [type(chunk) for chunk in restored.chunks] == [list] + [bytes] * 5 + [list]
    assert [state for chunk in frontier.take() for state in chunk] == everything
    assert os.listdir(directory.path) == []  # the level's file, once read
    assert [state for chunk in restored.take() for state in chunk] == everything
    directory.close()
    assert not os.path.exists(tmp_path / "cmc-levels") and os.listdir(tmp_path) == []


def test_a_frontier_told_to_spill_writes_its_objects_and_bytes_to_disk_in_order(tmp_path):
    directory = WorkDirectory(str(tmp_path))
    frontier = Frontier(2, [(0, k) for k in range(7)], whole=2, directory=directory)
    assert [type(chunk) for chunk in frontier.chunks] == [list, bytes, bytes]
    frontier.spill()
    frontier.extend([(1, 0)])  # and later chunks go to disk too
    assert [type(chunk) for chunk in frontier.chunks] == [int] * 4
    assert frontier.states() == [(0, k) for k in range(7)] + [(1, 0)]
    assert [frontier.at(k) for k in (0, 3, 7)] == [(0, 0), (0, 3), (1, 0)]
    assert [len(chunk) for chunk in frontier.take()] == [2, 2, 2, 2]
    directory.close()


def test_a_frontier_gives_its_last_states_from_disk_bytes_and_objects(tmp_path):
    # states given away before a level is read: objects, pickled in memory
    # and on disk; a chunk they split keeps its first states as objects
    directory = WorkDirectory(str(tmp_path))
    first = frontiers.pack([(1, k) for k in range(3)])
    states = [(0, k) for k in range(14)]
    frontier = Frontier(3, states, whole=3, directory=directory, memory=len(first))
    assert [type(chunk) for chunk in frontier.chunks] == [list, bytes, int, int]
    assert frontier.pending == [(0, 12), (0, 13)]
    # any state read without consuming the level: an object, pickled, on disk, pending
    assert [frontier.at(k) for k in (1, 4, 10, 13)] == [states[k] for k in (1, 4, 10, 13)]
    assert frontier.pop_tail(1) == [(0, 13)] and frontier.pending == [(0, 12)]
    # the rest of pending, a chunk from disk and the last state of another
    assert frontier.pop_tail(5) == states[8:13]
    assert [type(chunk) for chunk in frontier.chunks] == [list, bytes, list]
    [level] = os.listdir(directory.path)
    assert os.path.getsize(os.path.join(directory.path, level)) == 0  # cut from the file
    assert frontier.pop_tail(2) == states[6:8]  # what the split chunk kept
    assert len(frontier) == 6 and frontier.states() == states[:6]
    frontier.extend([(2, k) for k in range(4)])  # on disk again, read in order
    assert frontier.on_disk == 1
    assert [state for chunk in frontier.take() for state in chunk] == states[:6] + [
        (2, k) for k in range(4)]
    assert os.listdir(directory.path) == []  # the file, once read
    directory.close()


def test_a_frontier_not_read_to_its_end_leaves_no_file(tmp_path):
    directory = WorkDirectory(str(tmp_path))
    frontier = Frontier(1, [(k,) for k in range(4)], whole=0, directory=directory,
                        memory=0)
    assert frontier.on_disk == 4
    assert next(frontier.take()) == [(0,)]
    frontier.discard()
    assert os.listdir(directory.path) == []
    directory.close()


def test_a_level_the_disk_cannot_take_stops_the_run_with_what_it_explored(monkeypatch):
    # /dev/full takes no byte (ENOSPC), as a full temporary folder
    monkeypatch.setattr(WorkDirectory, "file", lambda directory: "/dev/full")
    with tiny_chunks(2, whole=4):
        monkeypatch.setattr(frontiers, "MEMORY", 0)
        result = check(Grid(side=12), CheckConfig(keep_going=True, workers=1))
    assert (result.verdict, result.stopped_by) == ("incomplete", "disk")
    # levels 0 to 5 stored; level 6, the first of over 4 states built, could not be written
    assert (result.stats.distinct_states, result.stats.depth) == (1 + 2 + 3 + 4 + 5 + 6, 5)


def test_a_full_disk_is_incomplete_in_the_cli_whatever_the_spec_expects(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from cmc.main import cli

    monkeypatch.setattr(WorkDirectory, "file", lambda directory: "/dev/full")
    spec = tmp_path / "spec.yaml"
    spec.write_text("model: paxos\nparams: {acceptors: 3, values: 2, ballots: 2}\n"
                    "expect: {verdict: holds}\n")
    with tiny_chunks(2, whole=4):
        monkeypatch.setattr(frontiers, "MEMORY", 0)
        result = CliRunner().invoke(cli, ["check", "--workers", "1", str(spec)])
    assert result.exit_code == 3
    assert ("verdict: INCOMPLETE (a level of states could not be written to disk (free space "
            "in the temporary folder, or point TMPDIR at a larger one))") in result.output
    assert "expectation not judged: the run did not finish" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def files_made(monkeypatch, tmp_path):
    """The level files made in any process (forked partitions included),
    one line each in a log file."""
    log = tmp_path / "made"
    log.touch()
    made = WorkDirectory.file

    def file(directory):
        path = made(directory)
        with open(log, "a") as out:
            out.write(f"{os.getpid()} {os.path.dirname(path)}\n")
        return path

    monkeypatch.setattr(WorkDirectory, "file", file)
    return lambda: [tuple(line.split()) for line in log.read_text().splitlines()]


@pytest.mark.skipif(not workers.AVAILABLE, reason="needs os.fork")
@pytest.mark.parametrize("count", [2, 3])
def test_partitions_keep_their_levels_on_disk_past_their_budgets(count, monkeypatch,
                                                                 files_made, equal_speeds):
    # no pickled chunk is kept in memory: every chunk past the first 4
    # states of a partition's level goes to disk
    monkeypatch.setattr(frontiers, "MEMORY", 0)
    config = CheckConfig(keep_going=True)
    with tiny_chunks(2, whole=4):
        spilled = check(Grid(side=20), dataclasses.replace(config, workers=count))
    assert outcome(spilled) == outcome(check(Grid(side=20), config))
    # every partition spilled, the children into the main process's folder,
    # which is gone with the run
    made = files_made()
    assert len({pid for pid, _ in made}) == count
    [folder] = {folder for _, folder in made}
    assert not os.path.exists(folder)


@pytest.mark.skipif(not workers.AVAILABLE, reason="needs os.fork")
def test_partitions_past_the_memory_limit_go_on_with_their_levels_on_disk(
        monkeypatch, files_made, growing, equal_speeds):
    # the levels go to disk in both processes, and the run to its end
    spilled = growing
    monkeypatch.setattr(workers, "private_memory", lambda: 0)
    config = CheckConfig(keep_going=True)
    with tiny_chunks(2, whole=4):
        limited = check(Grid(side=20), dataclasses.replace(config, memory_limit=10 * MIB,
                                                           workers=2))
    assert (limited.verdict, limited.stopped_by, limited.stats.workers) == (
        "violated", None, 2)
    assert outcome(limited) == outcome(check(Grid(side=20), config))
    assert len(spilled) == 1 and len({pid for pid, _ in files_made()}) == 2


@pytest.fixture
def spools(monkeypatch):
    """How the main process's partition holds its candidates (which become
    its new states) at each `hold`: the sizes of the chunks held as
    objects, the states pending, and the chunks pickled in memory and on
    disk."""
    held = []
    hold = partition.Part.hold

    def holding(part, *arguments):
        spool = part.candidates.states
        held.append(([len(chunk) for chunk in spool.chunks if type(chunk) is list],
                     len(spool.pending), sum(type(chunk) is bytes for chunk in spool.chunks),
                     sum(type(chunk) is int for chunk in spool.chunks)))
        return hold(part, *arguments)

    monkeypatch.setattr(partition.Part, "hold", holding)
    return held


@pytest.mark.skipif(not workers.AVAILABLE, reason="needs os.fork")
def test_partitions_hold_their_candidates_as_a_level(spools, equal_speeds):
    # within the partition's share of the budget of objects (4 states for 2
    # partitions: a chunk of 2), the rest pickled
    config = CheckConfig(keep_going=True)
    with tiny_chunks(2, whole=4):
        shared = check(Grid(side=20), dataclasses.replace(config, workers=2))
    assert outcome(shared) == outcome(check(Grid(side=20), config))
    assert len(spools) == 38  # the levels shared
    assert all(lists in ([], [2]) and pending <= 1 and not disk
               for lists, pending, _, disk in spools)
    # up to 11 candidates of a level: 2 as objects, 8 pickled, 1 pending
    assert max(2 * pickled + sum(lists) + pending for lists, pending, pickled, _ in spools) == 11
    assert max(pickled for _, _, pickled, _ in spools) == 4


@pytest.mark.skipif(not workers.AVAILABLE, reason="needs os.fork")
def test_partitions_past_the_memory_limit_hold_candidates_and_new_states_on_disk(
        monkeypatch, spools, growing, equal_speeds):
    monkeypatch.setattr(workers, "private_memory", lambda: 0)
    config = CheckConfig(keep_going=True)
    with tiny_chunks(2, whole=4):
        limited = check(Grid(side=20), dataclasses.replace(config, memory_limit=10 * MIB,
                                                           workers=2))
    assert outcome(limited) == outcome(check(Grid(side=20), config))
    # once the levels went to disk, every chunk of candidates did (from the
    # fourth level shared on), where they were objects and pickled before
    first = next(k for k, chunks in enumerate(spools) if chunks[3])
    assert (len(spools), first) == (38, 3)
    assert all(lists for lists, _, _, _ in spools[:first])
    assert all(not lists and not pickled for lists, _, pickled, _ in spools[first:])


@pytest.mark.skipif(os.name != "posix", reason="asks whether a process runs (POSIX)")
def test_work_folders_left_by_processes_gone_are_removed_by_the_next(tmp_path):
    # A run killed with kill -9 leaves its folders (in /dev/shm: memory);
    # the next run of the kind removes those whose process is gone, and
    # only those.
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)  # gone
    left = {name: tmp_path / name for name in (
        f"cmc-partitions-{pid}-a1b2", f"cmc-partitions-{os.getpid()}-c3d4",  # gone, running
        "cmc-partitions-x9y8", f"cmc-levels-{pid}-e5f6", f"other-{pid}-g7h8")}
    for folder in left.values():
        folder.mkdir()
        (folder / "0-c-1-0").write_bytes(b"candidates")
    made = frontiers.work_folder("partitions", str(tmp_path))
    assert os.path.basename(made).startswith(f"cmc-partitions-{os.getpid()}-")
    assert sorted(os.listdir(tmp_path)) == sorted(
        [os.path.basename(made)] + [name for name in left
                                    if name != f"cmc-partitions-{pid}-a1b2"])
    WorkDirectory(str(tmp_path)).folder()  # levels: those of the gone process go
    assert not (tmp_path / f"cmc-levels-{pid}-e5f6").exists()


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc (Linux)")
def test_a_work_folder_of_a_killed_process_not_yet_reaped_is_removed(tmp_path):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    try:
        while open(f"/proc/{pid}/stat", "rb").read().rpartition(b")")[2].split()[0] != b"Z":
            pass  # (until it is a zombie: exited, not reaped)
        (tmp_path / f"cmc-levels-{pid}-a1b2").mkdir()
        WorkDirectory(str(tmp_path)).folder()
        assert not (tmp_path / f"cmc-levels-{pid}-a1b2").exists()
    finally:
        os.waitpid(pid, 0)
