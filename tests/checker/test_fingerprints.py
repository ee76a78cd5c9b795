"""Fingerprints: a real 64-bit hash of a canonical encoding, and the exact
mode that keeps the states themselves.

Python's `hash` collides structurally (hash(-1) == hash(-2), hash(n) ==
hash(n + 2**61 - 1), tuples hash from their items' hashes): the toy models
here are made of such pairs, and must give their exact counts and catch
their violations in both modes.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import pickle
import random
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import pytest
from xxhash import xxh3_64_intdigest

from checker import CheckConfig, ModelDefinitionError, check, fingerprints
from checker.fingerprints import ExactStore, Fingerprints, FingerprintStore
from checker.spec import load_spec
from models import REGISTRY
from tests.spec_runs import checked_spec, outcome
from tests.toys import DieHard, Fill, Lookalikes, Tick, Unhashable

ROOT = Path(__file__).resolve().parents[2]
N = 2**61 - 1  # Python hashes ints modulo this prime


@dataclasses.dataclass(frozen=True)
class Box:
    value: int


@dataclasses.dataclass(frozen=True)
class OtherBox:
    value: int


class Pair(NamedTuple):
    left: int
    right: int


class Colour(enum.Enum):
    RED = 1
    BLUE = 2


LOOKALIKES = {
    "sentinels": ((1, (5, -1)), (1, (5, -2))),
    "modulus": ((1, 5), (1, 5 + N)),
    "negative-modulus": ((-7,), (-7 - N,)),
    "nested": (((-1, 0), ((-1,), 3)), ((-2, 0), ((-2,), 3))),
    "frozensets": ((frozenset({-1, 3}), "x"), (frozenset({-2, 3}), "x")),
    "dataclasses": ((Box(-1),), (Box(-2),)),
    "named-tuples": ((Pair(-1, 8),), (Pair(-2, 8),)),
}


@pytest.mark.parametrize("exact", [False, True], ids=["fingerprints", "exact"])
@pytest.mark.parametrize("case", LOOKALIKES, ids=str)
def test_states_that_python_hash_confuses_are_told_apart(case, exact):
    first, second = LOOKALIKES[case]
    assert first != second and hash(first) == hash(second)  # the trap is set
    result = check(Lookalikes(first, second), CheckConfig(exact=exact))
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) == (
        "violated", 3, 1)
    [violation] = result.violations
    assert violation.property.name == "second_not_reached"
    assert [step.state for step in violation.trace.steps] == [("start",), second]
    assert result.stats.collision_probability == (0.0 if exact else 3 * 0 / 2**64)


def test_frozensets_built_in_other_orders_have_one_fingerprint():
    built_up, built_down = frozenset([1, 9, 17]), frozenset([17, 9, 1])
    assert list(built_up) != list(built_down)  # they iterate differently
    fingerprint = Fingerprints()
    assert fingerprint(built_up) == fingerprint(built_down)
    assert fingerprint((2, built_up)) == fingerprint((2, built_down))
    result = check(Lookalikes((built_up,), (built_down,)), CheckConfig())
    assert (result.verdict, result.stats.distinct_states) == ("violated", 2)


def test_equal_values_have_one_fingerprint():
    fingerprint = Fingerprints()
    # the engine takes equal values for one state: 1 == True == 1.0, and a
    # named tuple equals the plain tuple of its fields
    assert len({fingerprint(value) for value in (1, True, 1.0)}) == 1
    assert fingerprint(Pair(3, -1)) == fingerprint((3, -1))
    assert fingerprint(0.0) == fingerprint(-0.0) == fingerprint(0)


def test_unequal_values_have_distinct_fingerprints():
    values = [-1, -2, 5, 5 + N, -5 - N, 2**64, -(2**64), 0, 1.5, -1.5, "a", "b", b"a", "",
              b"", (), ("a",), ("a", ""), (("a",),), frozenset(), frozenset({()}),
              frozenset({-1}), frozenset({-2}), None, Box(1), OtherBox(1), Colour.RED,
              Colour.BLUE, (1, 2), (2, 1), ((1,), 2), (1, (2,)), "é", "\udc80"]
    assert len(set(values)) == len(values)
    fingerprint = Fingerprints()
    assert len({fingerprint(value) for value in values}) == len(values)


def test_fingerprints_are_the_same_in_another_process_and_hash_seed():
    state = (("s1", frozenset({"a", "b", ("c", -1)})), frozenset({Box(-2), Box(3)}))
    program = ("from tests.checker.test_fingerprints import Box; "
               "from checker.fingerprints import Fingerprints; "
               "print(Fingerprints()((('s1', frozenset({'a', 'b', ('c', -1)})), "
               "frozenset({Box(-2), Box(3)}))))")
    here = Fingerprints()(state)
    for seed in ("0", "1", "4242"):
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                              cwd=ROOT, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)})
        assert int(done.stdout) == here
    # pinned: the encoding (tuple of 2: int of 1 byte 1, then the inner
    # tuple by its fingerprint) and XXH3-64 of it, seed 0
    inner = b"(\x02i\x01\x05i\x01\xfe"  # tuple of 2: int 5, int -2
    assert Fingerprints().encode((5, -2)) == inner
    encoding = b"(\x02i\x01\x01#" + xxh3_64_intdigest(inner).to_bytes(8, "little")
    assert Fingerprints().encode((1, (5, -2))) == encoding
    assert Fingerprints()((1, (5, -2))) == xxh3_64_intdigest(encoding) == 11466505768795296220


def test_another_seed_gives_other_fingerprints_and_the_same_results():
    states = [(1, (5, -1)), frozenset({1, 2}), ("a", None)]
    assert all(Fingerprints(0)(state) != Fingerprints(1)(state) for state in states)
    spec = load_spec(ROOT / "specs" / "paxos-3a-2v-2b.yaml", REGISTRY)
    seeded = check(spec.build(), spec.config(fp_seed=12345))
    _, _, plain = checked_spec("paxos-3a-2v-2b.yaml")
    assert (seeded.verdict, seeded.stats.distinct_states, seeded.stats.generated_states,
            seeded.stats.depth) == ("holds", 3921, plain.stats.generated_states, 16)
    assert (seeded.stats.fp_seed, plain.stats.fp_seed) == (12345, 0)


def test_a_state_without_a_canonical_encoding_is_a_definition_error():
    class Opaque:  # equal only to itself: nothing to encode
        pass

    class Holds(DieHard):
        def initial_states(self):
            return [(0, Opaque())]

    with pytest.raises(ModelDefinitionError, match=r"model 'die-hard': a state is not hashable "
                       r"or cannot be fingerprinted \(a state holds a .*Opaque, which has no "
                       r"canonical encoding"):
        check(Holds())


def test_a_dataclass_compared_by_identity_has_no_canonical_encoding():
    @dataclasses.dataclass(frozen=True, eq=False)
    class Token:  # two tokens of one value are two states: nothing canonical to encode
        value: int

    with pytest.raises(TypeError, match="a state holds a .*Token, which has no canonical"):
        Fingerprints()((Token(1),))


class Frozen(Mapping):
    """An immutable, hashable mapping (as a library's frozendict would be)."""

    def __init__(self, items):
        self._items = dict(items)

    def __getitem__(self, key):
        return self._items[key]

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __hash__(self):
        return hash(frozenset(self._items.items()))


def test_an_immutable_mapping_is_fingerprinted_by_its_items_in_any_order():
    assert Fingerprints()(Frozen([("a", 1), ("b", 2)])) == \
        Fingerprints()(Frozen([("b", 2), ("a", 1)]))
    assert Fingerprints()(Frozen([("a", 1)])) != Fingerprints()(Frozen([("a", 2)]))


@pytest.mark.parametrize("depth", [0, 300])
def test_a_dict_in_a_state_is_a_definition_error_however_deep(depth):
    # A dict is mutable: refused, not encoded, at the first level (where
    # states are hashed to see that successors() leaves them alone) or
    # past it (where they are not)
    class Dicts(DieHard):
        def initial_states(self):
            return [0]

        def successors(self, state):
            if isinstance(state, int):
                yield Fill(0), state + 1 if state < depth else {"jug": state}

    with pytest.raises(ModelDefinitionError, match=r"model 'die-hard': a state is not hashable "
                       r"or cannot be fingerprinted \((a state holds a dict, which has no "
                       r"canonical encoding|unhashable type: 'dict')"):
        check(Dicts(), CheckConfig(properties=()))


def test_an_unhashable_state_is_a_definition_error_in_exact_mode_too():
    with pytest.raises(ModelDefinitionError, match=r"not hashable.*\(unhashable type: 'list'\)"):
        check(Unhashable(), CheckConfig(exact=True))


BATCHES = {
    # tuples of one length: encoded in C-level loops, parts remembered
    "one-length": [(1, (5, -1), frozenset({-1, 3})), (1, (5, -2), frozenset({-2, 3})),
                   (True, (5, -1), frozenset({3, -1})), (1, (5, -1), frozenset({-1, 3}))],
    "named-tuples": [Pair(-1, 8), (-1, 8), Pair(-2, 8), (Box(1), None)],
    "nested-named-tuples": [(0, Pair(-1, 8)), (0, (-1, 8)), (0, Pair(8, -1))],
    "mixed-lengths": [(1,), (1, 2), (), ((1,), 2), (1, (2,))],
    "not-tuples": [frozenset({(1, 2)}), 5, "x", Box(-1), (frozenset(),), None],
}


@pytest.mark.parametrize("case", BATCHES, ids=str)
def test_a_batch_has_the_fingerprints_of_its_states_one_by_one(case):
    states = BATCHES[case]
    one_by_one = [Fingerprints()(state) for state in states]  # a fresh table each
    assert Fingerprints().of_all(states) == one_by_one
    fingerprints = Fingerprints()
    assert fingerprints.of_all(states) == fingerprints.of_all(states) == one_by_one
    assert [fingerprints(state) for state in states] == one_by_one
    assert len(set(one_by_one)) == len(set(states))  # equal states, and only they, share one


def test_fingerprints_do_not_change_when_the_table_of_parts_starts_over(monkeypatch):
    # 40 states sharing parts, nested three deep; a table of 3 parts starts
    # over within a state's encoding and within a batch
    states = [((k % 3, (k % 5, -1 - k % 2)), frozenset({(k % 4,), -k % 3}), (-1, (-2,)))
              for k in range(40)]
    expected = [Fingerprints()(state) for state in states]
    assert len(set(expected)) == len(set(states)) == 40
    monkeypatch.setattr("checker.fingerprints.ENCODINGS_REMEMBERED", 3)
    small = Fingerprints()
    assert small.of_all(states) == expected
    assert small.of_all(states[::-1]) == expected[::-1]
    assert [small(state) for state in states] == expected
    assert len(small._parts) <= 3


def test_the_fingerprint_store_adds_new_ones_once_and_in_order():
    store = FingerprintStore()
    first = store.add_new([7, 2**64 - 1, 7, 0, 5], record=False)
    assert (first, len(store)) == ([0, 1, 3, 4], 0)  # the first of equal ones
    store.add_all([[7, 2**64 - 1, 7, 0, 5][k] for k in first])
    assert (len(store), store.unseen([5, 6, 0, 2**64 - 1, 8])) == (4, [1, 4])
    assert store.add_new([6, 7, 6, 9], limit=1) == [0]
    assert (len(store), store.unseen([6, 9])) == (5, [1])


@pytest.mark.parametrize("moved", [fingerprints._MOVED, 512])
def test_the_fingerprint_store_places_and_finds_values_that_share_a_slot(moved, monkeypatch):
    # (with 512, the old table is moved and given back a page at a time)
    monkeypatch.setattr(fingerprints, "_MOVED", moved)
    # 300 fingerprints whose stored forms all start at the last slot of any
    # table (their probes wrap around to the first), among 3,000 others, in
    # batches with repeats, through the table's growing steps: as a set
    inverse = pow(0x9E3779B97F4A7C15, -1, 2**64)  # of the table's multiplier
    crowded = [((2**64 - j) * inverse % 2**64) ^ 0x2545F4914F6CDD1D for j in range(1, 301)]
    rng = random.Random(11)
    values = crowded + [rng.getrandbits(64) for _ in range(3000)] + [0, 2**64 - 1]
    rng.shuffle(values)
    store, seen, low = FingerprintStore(bits=4), set(), 0
    while low < len(values):
        size = rng.randint(1, 700)
        batch = values[low:low + size] + rng.sample(values[:low + size], min(50, low + size))
        first = {}
        for position, value in enumerate(batch):
            if value not in seen:
                first.setdefault(value, position)
        assert store.add_new(batch) == sorted(first.values())
        seen.update(batch)
        low += size
    others = [rng.getrandbits(64) for _ in range(1000)]
    assert len(store) == len(set(values)) == 3302
    assert store.unseen(values + others) == list(range(len(values), len(values) + 1000))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX")
def test_a_table_gives_back_its_pages_and_a_forked_process_writes_its_own():
    table = fingerprints._Table(4096)  # 8 pages
    table.slots[:] = 7
    table.give_back(1024, 1024)  # the third and fourth pages: they read as 0
    assert (table.slots[:1024] == 7).all() and (table.slots[1024:2048] == 0).all()
    assert (table.slots[2048:] == 7).all()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's writes
        table.slots[:] = 9
        os._exit(0)
    os.waitpid(child, 0)
    assert int(table.slots[0]) == 7 and int(table.slots.sum()) == 7 * 3072


def test_a_pickled_store_holds_what_it_held():
    store = FingerprintStore(bits=4)
    store.add_new(list(range(1, 200)))
    again = pickle.loads(pickle.dumps(store))
    assert len(again) == 199 and again.unseen([0, 5, 199, 200]) == [0, 3]
    again.add_new([200])
    assert store.unseen([200]) == [0]


def test_shared_regions_hold_each_owners_fingerprints_and_what_was_sent_until_decided():
    # three partitions; fingerprints owned by value % 3 (as partition_exchange.owners_of)
    prefix = FingerprintStore()
    prefix.add_new([3, 4, 5, fingerprints._SALT])  # (the last is stored as a stand-in)
    regions = fingerprints.Regions(prefix, 3, stride=12)
    views = [fingerprints.SharedVisited(regions, index) for index in range(3)]
    assert [len(view) for view in views] == [1, 1, 2]  # SALT % 3 == 2
    one = views[1]
    # visited (any owner's) or twice in the batch: dropped; 6 is owned by 0: sent
    assert one.add_new([3, 7, 6, 7, 8, fingerprints._SALT]) == [1, 2, 4]
    assert one.add_new([6, 7, 8]) == []  # 7 is one's own now; 6 and 8 sent
    assert views[2].add_new([8, 6], record=False) == [0, 1]  # not visited: only sent
    one.decided()  # the owners did not admit them: forgotten by the sender
    assert one.add_new([6, 8], record=False) == [0, 1]
    views[0].add_new([6])
    views[2].add_new([8])
    assert one.add_new([6, 8, 7]) == []
    every = [3, 4, 5, int(fingerprints._SALT), 6, 7, 8]
    assert sorted(regions.private().entries().tolist()) == sorted(
        FingerprintStore._stored_form(every).tolist())


def test_a_region_grows_in_place_and_no_further_than_its_stride():
    regions = fingerprints.Regions(FingerprintStore(), 2, stride=13)
    view = fingerprints.SharedVisited(regions, 1)
    rng = random.Random(5)
    values = [rng.getrandbits(63) * 2 + 1 for _ in range(5000)]  # all owned by 1
    for low in range(0, 5000, 700):
        assert view.add_new(values[low:low + 700]) == list(range(len(values[low:low + 700])))
    assert (len(view), int(regions.bits[1]), int(regions.bits[0])) == (5000, 13, 10)
    assert view.add_new(values + [2, 4]) == [5000, 5001]  # 2 and 4: sent to 0
    with pytest.raises(MemoryError):
        view.add_new([rng.getrandbits(63) * 2 + 1 for _ in range(2000)])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX")
def test_what_a_forked_owner_admits_is_visited_in_every_process():
    regions = fingerprints.Regions(FingerprintStore(), 2, stride=16)
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's writes
        fingerprints.SharedVisited(regions, 1).add_new(list(range(1, 4001, 2)))
        os._exit(0)
    os.waitpid(child, 0)
    assert fingerprints.SharedVisited(regions, 0).add_new([1, 2, 3999, 4001]) == [1, 3]
    assert len(regions.private()) == 2001


def test_the_exact_store_keeps_the_first_of_equal_states():
    store = ExactStore()
    assert store.add_new([(1, -1), (1, -2), (1, -1), Tick()], limit=None) == [0, 1, 3]
    assert store.unseen([(1, -2), (1, -3)]) == [1]
    assert store.add_new([(1, -3), (1, -4)], limit=1) == [0]
    assert store.add_new([(2,)], record=False) == [0]
    assert (len(store), store.unseen([(2,)])) == (4, [0])


#: Specs that take over a couple of seconds exactly: under `-m slow`.
SLOW = {"paxos-3a-2v-3b", "paxos-textbook", "raft-election", "raft-log-healing",
        "raft-membership-joint-leader-crash", "raft-membership-single-server-bug",
        "raft-mutant-commit-previous-term", "raft-mutant-forget-vote-on-restart",
        "paxos-textbook-symmetry", "lease-slow-link", "lease-zookeeper-single-writer-no-fencing",
        "raft-membership-joint", "raft-membership-single-server", "raft-prevote",
        "raft-prevote-stable-leader",
        # over ~1.5 s exactly on 2 cores (each model keeps quicker specs here)
        "raft-kv-lease-read-drift", "lease-mutant-expiry-tells-no-watcher",
        "lease-mutant-counts-from-answer",
        "paxos-textbook-mutant-forgetful-acceptor", "raft-liveness-split-vote",
        "lease-drift-within-margin", "raft-partition-isolated-leader", "raft-checkquorum",
        "lease-learns-first-etcd", "raft-kv-mutant-no-term-commit-check", "lease-resign",
        "lease-single-writer-no-fencing", "lease-mutant-resource-ignores-tokens",
        "lease-mutant-keepalive-never-renews", "lease-two-believe-with-fencing", "raft-kv-log-read",
        "lease-slow-link-2000ms", "raft-kv-lease-read", "paxos-3a-2v-3b-symmetry",
        "paxos-textbook-mutant-accept-below-promise", "paxos-textbook-mutant-no-adopt",
        "raft-checkquorum-off", "raft-membership-direct", "lease-crash-failover-ttl-5s",
        "raft-kv-read-index-partition", "raft-kv-lease-read-partition",
        # over half a second each in exact mode, on the 2-core machine
        "lease-slow-link-1000ms", "raft-kv-mutant-no-quorum-check",
        "paxos-textbook-mutant-duplicate-ballots", "raft-kv-serializable-partition",
        "raft-kv-mutant-no-quorum-check-partition", "raft-kv-read-index",
        "paxos-liveness-dueling", "lease-drift-beyond-margin",
        "lease-mutant-trusts-expired-lease",
        # 0.4-1.1 s each, their models' other specs quick
        "raft-kv-serializable-two-keys", "raft-kv-serializable-sequential",
        "raft-kv-serializable-sticky", "paxos-textbook-mutant-learner-without-quorum",
        "lease-zookeeper-learns-late"}


@pytest.mark.parametrize("path", [
    path if path.stem not in SLOW else pytest.param(path, marks=pytest.mark.slow)
    for path in sorted((ROOT / "specs").glob("*.yaml"))], ids=lambda path: path.stem)
def test_every_bundled_spec_gives_the_same_result_exactly(path):
    spec, _, by_fingerprint = checked_spec(path)
    exact = check(spec.build(), dataclasses.replace(spec.config(), exact=True))
    assert outcome(exact) == outcome(by_fingerprint)
    assert (exact.stats.exact, exact.stats.collision_probability) == (True, 0.0)
    assert by_fingerprint.stats.exact is False


def test_exact_mode_with_workers_gives_the_one_process_result():
    from tests.checker.test_workers import tiny_chunks

    spec = load_spec(ROOT / "specs" / "raft-2s-symmetry.yaml", REGISTRY)
    with tiny_chunks(8):
        several = check(spec.build(), dataclasses.replace(spec.config(), exact=True,
                                                          workers=2))
    _, _, one = checked_spec("raft-2s-symmetry.yaml")
    assert outcome(several) == outcome(one)
    assert several.stats.workers == 2
