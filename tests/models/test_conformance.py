"""The contract every registered model keeps, checked on each automatically:
deterministic successors, states left unchanged, symmetry that matches
brute force and commutes with steps, and mutants that each break a property
on a bundled spec.

Per-state checks run on the first states of a breadth-first search from the
model's defaults (`PREFIX`): the contract holds state by state, so a prefix
tests it without exploring everything.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest
import yaml

from checker.spec import load_spec
from checker.symmetry import Symmetry
from models import REGISTRY

SPECS = Path(__file__).parents[2] / "specs"
PREFIX = 1500
MODELS = sorted(REGISTRY)
#: a user's model written with the kit (tests/models/user), held to the same contract
USER_MODEL = load_spec(Path(__file__).parent / "user" / "two-phase.yaml", REGISTRY).model_class


def prefix(model, count: int = PREFIX) -> list:
    """The first `count` states of a breadth-first search of `model`."""
    seen = dict.fromkeys(model.initial_states())
    queue = deque(seen)
    while queue and len(seen) < count:
        for _, successor in model.successors(queue.popleft()):
            if successor not in seen:
                seen[successor] = None
                queue.append(successor)
    return list(seen)[:count]


def bundled_specs() -> list[dict]:
    return [yaml.safe_load(path.read_text()) for path in sorted(SPECS.glob("*.yaml"))]


@pytest.fixture(scope="module", params=MODELS + ["user: two-phase-commit"])
def explored(request):
    model = REGISTRY[request.param]() if request.param in REGISTRY else USER_MODEL()
    return model, prefix(model)


def test_successors_are_deterministic(explored):
    """The same steps in the same order, again and from a fresh instance
    (which has remembered nothing)."""
    model, states = explored
    fresh = type(model)()
    for state in states:
        steps = list(model.successors(state))
        assert list(model.successors(state)) == steps
        assert list(fresh.successors(state)) == steps


def test_successors_leave_the_state_unchanged(explored):
    model, states = explored
    for state in states:
        before = (hash(state), repr(state))
        list(model.successors(state))
        assert (hash(state), repr(state)) == before


def test_canonical_form_is_the_least_image_over_all_renamings(explored):
    model, states = explored
    symmetry = Symmetry(model, model.symmetry_sets)
    for state in states[:300]:
        fast, to_fast = symmetry.canonical(state)
        assert fast == symmetry.reference(state)[0]
        assert model.permute(state, to_fast) == fast


def test_renaming_commutes_with_steps(explored):
    model, states = explored
    generators = Symmetry(model, model.symmetry_sets).generators()
    assert generators, "every bundled model declares an interchangeable set"
    for state in states[:500]:
        steps = list(model.successors(state))
        for perm in generators:
            renamed = {(model.permute_action(action, perm), model.permute(successor, perm))
                       for action, successor in steps}
            assert set(model.successors(model.permute(state, perm))) == renamed


@pytest.mark.parametrize("name", MODELS)
def test_every_mutant_breaks_a_property_on_a_bundled_spec(name):
    specs = {spec["mutant"]: spec for spec in bundled_specs()
             if spec["model"] == name and spec.get("mutant")}
    assert set(specs) == set(REGISTRY[name].mutants)
    for mutant, spec in specs.items():
        expect = spec["expect"]
        assert expect["verdict"] == "violated", mutant
        # the model's own property, or the spec's invariant (a scenario's
        # promise, as raft's no_lease breaks "s1 leads term 2")
        assert (expect["property"] in spec.get("invariants", {})
                or REGISTRY[name].properties[expect["property"]].kind in SAFETY), mutant


SAFETY = ("invariant", "transition")

#: Safety properties of a design choice rather than of correctness, which a
#: bundled spec shows failing under another choice (Raft without PreVote;
#: serializable reads missing the client's own write), not a mutant.
BROKEN_BY_A_CONFIGURATION: dict[str, set[str]] = {"raft": {"no_disruptive_rejoin"},
                                                  "raft-kv": {"sequential_consistency"}}


@pytest.mark.parametrize("name", MODELS)
def test_every_safety_property_is_broken_by_some_mutant(name):
    safety = {p.name for p in REGISTRY[name].properties.values() if p.kind in SAFETY}
    failing = [spec for spec in bundled_specs()
               if spec["model"] == name and spec.get("expect", {}).get("verdict") == "violated"]
    by_mutant = {spec["expect"]["property"] for spec in failing if spec.get("mutant")}
    otherwise = BROKEN_BY_A_CONFIGURATION.get(name, set())
    assert safety - by_mutant == otherwise
    assert otherwise <= {spec["expect"]["property"] for spec in failing}


#: Temporal properties shown failing by a test rather than a bundled spec:
#: Paxos.tla's Termination, without fairness to Phase2b
#: (tests/checker/test_liveness.py, as TLC reports).
TEMPORAL_BROKEN_IN_TESTS: dict[str, set[str]] = {"paxos": {"termination"}}


@pytest.mark.parametrize("name", MODELS)
def test_every_temporal_property_is_broken_by_a_bundled_spec_with_its_lasso(name):
    """A mutant or an option (Raft without CheckQuorum) breaks each, and the
    spec pins the shortest lasso's stem and loop."""
    temporal = {p.name for p in REGISTRY[name].properties.values() if p.temporal}
    failing = [spec["expect"] for spec in bundled_specs() if spec["model"] == name
               and spec.get("expect", {}).get("verdict") == "violated"
               and spec["expect"]["property"] in temporal]
    assert temporal - {expect["property"] for expect in failing} == \
        TEMPORAL_BROKEN_IN_TESTS.get(name, set())
    for expect in failing:
        assert {"stem_length", "loop_length"} <= set(expect), expect["property"]
