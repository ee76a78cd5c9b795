"""A spec's expressions over a typed plain model (`models.kit.Symmetric`):
what the model offers by name, derived from `state_type` as the kit offers
its roles' records, and where those names tell elements apart, so that an
expression doing so is refused under symmetry before the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import check
from checker.errors import SpecError
from checker.spec import load_spec
from models import REGISTRY
from tests.models.test_kit_plain_view import Election, Peer, _elected

TOY = Path(__file__).resolve().parent / "test_kit_plain_view.py"


def test_each_indexing_set_is_a_list_of_records_and_other_fields_are_names():
    model = Election()
    names = model.expression_names()
    assert sorted(names) == ["ballots", "chosen", "disks", "last", "leader", "nodes",
                             "notes", "params", "view"]
    state = _elected()
    n1, n2, n3 = names["nodes"](state)
    assert type(n1).__name__ == "StateEntry" and type(n1)._fields == ("peers", "inbox")
    assert n1.peers == Peer(term=1, voted_for=0, granted=frozenset({0, 1}),
                            heard=(0, 0, 0), log=n1.peers.log)
    assert [n.peers.voted_for for n in (n1, n2, n3)] == [0, 0, None]
    assert names["leader"](state) == 0
    assert [entry.backups for entry in names["disks"](state)] == [0, 0]


def test_where_the_names_hold_elements_comes_from_the_types():
    positions = Election().expression_positions(("nodes",))
    assert positions["sequences"] == {"nodes": "nodes"}
    assert positions["elements"] == {"leader": "nodes", "notes": "nodes"}
    assert positions["sets"] == {"granted": "nodes"}
    assert positions["indexed"] == {"heard": "nodes"}
    assert {field for field in positions["ids"]} == {
        "peers", "inbox", "voted_for", "granted", "heard", "src", "dst"}


def write(tmp_path: Path, invariant: str, symmetry: bool = True) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(f"model: {TOY}:Election\nsymmetry: {str(symmetry).lower()}\n"
                    "deadlock: false\n"
                    f"invariants: {{x: \"{invariant}\"}}\n")
    return path


@pytest.mark.parametrize("invariant", [
    "leader is None or any(len(n.peers.granted) >= 2 for n in nodes)",
    "all(n.peers.voted_for in {m.peers.voted_for for m in nodes} for n in nodes)",
    "leader is None or leader in {n.peers.voted_for for n in nodes}",
    "all(n.peers.granted <= n.peers.granted | {n.peers.voted_for} for n in nodes)",
])
def test_an_expression_telling_no_node_apart_runs_under_symmetry(tmp_path, invariant):
    reduced = load_spec(write(tmp_path, invariant), REGISTRY)
    whole = load_spec(write(tmp_path, invariant, symmetry=False), REGISTRY)
    found = check(reduced.build(), reduced.config())
    assert (found.verdict, found.stats.distinct_states) == ("holds", 37)
    assert check(whole.build(), whole.config()).stats.distinct_states == 197


@pytest.mark.parametrize("invariant, part", [
    ("leader != 0", "leader != 0"),                      # a global holding a node
    ("leader is None or leader < 2", "leader < 2"),
    ("nodes[0].peers.term <= 1", "nodes[0]"),
    ("all(n.peers.voted_for != 1 for n in nodes)", "n.peers.voted_for != 1"),
    ("all(p.src != 0 for p in notes if p is not None)", "p.src != 0"),
])
def test_an_expression_telling_nodes_apart_is_refused_under_symmetry(tmp_path, invariant,
                                                                     part):
    path = write(tmp_path, invariant)
    with pytest.raises(SpecError) as error:
        spec = load_spec(path, REGISTRY)
        check(spec.build(), spec.config())
    assert str(error.value).startswith(
        f"{path}:4: invariants.x: {part} tells the interchangeable nodes apart")
