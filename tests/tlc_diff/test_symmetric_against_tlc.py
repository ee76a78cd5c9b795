"""cmc against TLC on random programs over model values (`symmetric.py`):
symmetry reduction and VIEW.

Each stored seed's program is drawn again, written as a plain model typed
for `models.kit.Symmetric` and a spec file, checked by `cmc` (every
invariant and the deadlock check at once, going on after violations)
without and with ``symmetry: true``, and where the program has a VIEW,
with the view, without and with the symmetry; each is compared with what
TLC 2.15 printed on the TLA+ rendering (`run_tlc_symmetric.py`, one TLC
run per check, ``SYMMETRY Perms`` and ``VIEW View``, stored in
tlc_results_symmetric.json): distinct states (orbits under symmetry),
generated states, depth (TLC's counts the initial states: one more), each
invariant's and the deadlock's verdict and shortest trace length.

A third opinion, written here apart from both: a breadth-first search of
the model's successors (`search`) that identifies states by their view, or
by the least renaming of it by `symmetric.rename` (not `Symmetric`'s
derived renaming), keeping the first met: its distinct and generated
states and depth must be cmc's in every mode; and the model's whole graph
explored without reduction (`reachable`), each state renamed every way,
gives the true number of orbits (and of the views' orbits, where the view
leaves out a variable nothing else reads), which must be the search's.
TLC's representative is the least renaming of the state in its order of
values and `cmc`'s the least in its own (checker/symmetry.py): both are
canonical forms, and their counts are the true orbits on every program.
Under VIEW and SYMMETRY together TLC 2.15 takes the least renaming of the
whole state and fingerprints its view, which is no canonical form of the
views: it counts more states than there are orbits of views where two
states of one view orbit differ in what the view leaves out
(`TLC_OVERCOUNTS`).
The first seeds run by default, the rest under ``-m slow``, and under
``-m slow`` too every program with a VIEW again with the search shared by
two processes from tiny levels on (which state of a view is kept must not
depend on it).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import checker
from checker.result import VIOLATED
from checker.spec import load_spec
from checker.symmetry import order_key
from models import REGISTRY
from tests.tlc_diff.run_tlc import check_key, digest, safety_verdict
from tests.tlc_diff.run_tlc_symmetric import RESULTS
from tests.tlc_diff.symmetric import (HANDWRITTEN, ORDERED, Program, canonical, holds,
                                      program, tla_module, write_cmc)

STORED = json.loads(RESULTS.read_text())
SEEDS = sorted(int(seed) for seed, figures in STORED.items() if "checks" in figures)
#: the default suite's seeds (about a second), of the small programs: the
#: first few, the first two with a VIEW, the first whose VIEW leaves out
#: what others read, and TLC's over-count under VIEW and SYMMETRY by hand
SMALL = [seed for seed in SEEDS if STORED[str(seed)]["checks"]["plain/space"]["distinct"] <= 40]
#: (read from the stored keys: drawing every program would slow collection)
VIEWED = [seed for seed in SEEDS if "view/space" in STORED[str(seed)]["checks"]]
DEFAULT = list(dict.fromkeys(
    SMALL[:4] + [seed for seed in SMALL if seed in VIEWED and seed < ORDERED][:2]
    + [seed for seed in SMALL if ORDERED <= seed < min(HANDWRITTEN)][:1] + [90001]))

MODES = {"plain": (False, False), "symmetry": (True, False), "view": (False, True),
         "view+symmetry": (True, True)}


def check_cmc(p: Program, folder: Path, mode: str, workers: int = 1) -> checker.Result:
    """cmc's result on `p` in `mode` (`MODES`), from its spec file, going on
    after violations and through the whole state space."""
    symmetry, view = MODES[mode]
    spec = load_spec(write_cmc(p, folder, symmetry, view), REGISTRY)
    config = dataclasses.replace(spec.config(keep_going=True), stop_when_settled=False,
                                 workers=workers)
    return checker.check(spec.build(), config)


def differences(seed: int, folder: Path, workers: int = 1) -> list[str]:
    """Where cmc, TLC's stored figures and the search by hand (`search`,
    `reachable`) disagree on `seed`'s program."""
    p, stored = program(seed), STORED[str(seed)]
    if digest(tla_module(p)) != stored["digest"]:
        return [f"seed {seed}: the generator no longer draws the program TLC checked; run "
                f"python tests/tlc_diff/run_tlc_symmetric.py {seed} {seed + 1} --again"]
    tlc = stored["checks"]
    failed = [key for key, figures in tlc.items() if figures["verdict"] == "error"]
    if failed:
        return [f"seed {seed}: TLC failed on {', '.join(failed)}; run "
                f"python tests/tlc_diff/run_tlc_symmetric.py {seed} {seed + 1} --again"]
    found = []
    model, within = built(p, folder)
    for mode in dict.fromkeys(mode for _, _, mode in p.checks()):
        result = check_cmc(p, folder, mode, workers)
        found += compare(p, mode, tlc, result)
        found += [f"seed {seed} {mode} {problem}" for problem in replayed(p, model, within, result)]
        ours = (result.stats.distinct_states, result.stats.generated_states, result.stats.depth)
        by_hand = search(p, model, within, *MODES[mode])
        if ours != by_hand:
            found.append(f"seed {seed} {mode} (distinct, generated, depth): cmc {ours}, "
                         f"by hand {by_hand}")
    # the orbits (and the views' orbits, where the view's successors do not
    # depend on which state is kept) from the whole graph
    states = reachable(model, within)
    counted = {"plain": len(states), "symmetry": orbits(p, states)}
    if p.view is not None and p.view_free:
        counted["view"] = len({s._replace(**{p.view: None}) for s in states})
        counted["view+symmetry"] = orbits(p, states, p.view)
    for mode, count in counted.items():
        if count != search(p, model, within, *MODES[mode])[0]:
            found.append(f"seed {seed} {mode}: whole graph {count}, by hand "
                         f"{search(p, model, within, *MODES[mode])[0]}")
    return found


def compare(p: Program, mode: str, tlc: dict, result: checker.Result) -> list[str]:
    """Where cmc's `result` on `p` in `mode` and TLC's figures disagree."""
    found = []
    outcomes = {o.property.name: o for o in result.outcomes()}

    def differ(what, ours, theirs):
        if ours != theirs:
            found.append(f"seed {p.seed} {mode} {what}: cmc {ours}, TLC {theirs}")

    space = tlc[f"{mode}/space"]
    differ("distinct states", result.stats.distinct_states, space["distinct"])
    differ("generated states", result.stats.generated_states, space["generated"])
    differ("depth + 1", result.stats.depth + 1, space["depth"])
    for kind, name, in_mode in p.checks():
        if in_mode != mode or kind == "space":
            continue
        theirs = tlc[f"{mode}/{check_key(kind, name)}"]
        differ(f"{name or kind} (verdict, trace length)", safety_verdict(outcomes, name),
               (theirs["verdict"], theirs.get("length")))
    return found


def replayed(p: Program, model, within, result: checker.Result) -> list[str]:
    """What is wrong with cmc's counterexamples (under symmetry, rebuilt
    through renamings) taken as runs of the model without reduction: each
    step one of the model's own from the state before, every state but the
    last within the constraint and satisfying the invariant, the last
    breaking it, or, for a deadlock, without successors."""
    problems = []
    for outcome in result.outcomes():
        if outcome.outcome != VIOLATED:
            continue
        name, steps = outcome.property.name, outcome.finding.trace.steps
        broken = (None if name == "deadlock" else
                  next(f for invariant, f in p.invariants if invariant == name))
        if steps[0].state not in set(model.initial_states()):
            problems.append(f"{name}: the trace starts in {steps[0].state}, no initial state")
        for before, step in zip(steps, steps[1:]):
            if (step.action, step.state) not in list(model.successors(before.state)):
                problems.append(f"{name}: no step {step.action} from {before.state} "
                                f"to {step.state}")
        for step in steps[:-1]:
            if not within(step.state) or (broken is not None and not holds(broken, step.state)):
                problems.append(f"{name}: the trace passes {step.state}")
        final = steps[-1].state
        if broken is not None and holds(broken, final):
            problems.append(f"{name}: holds at the trace's end {final}")
        if broken is None and list(model.successors(final)):
            problems.append(f"deadlock: {final} has steps")
    return problems


# -- the search by hand ------------------------------------------------------------------


def built(p: Program, folder: Path):
    """`p`'s model (without symmetry or view) and its constraint as a function."""
    model = load_spec(write_cmc(p, folder, False), REGISTRY).build()
    within = (eval(f"lambda s: {p.constraint.py}") if p.constraint is not None  # noqa: S307
              else lambda s: True)
    return model, within


def search(p: Program, model, within, symmetry: bool, view: bool) -> tuple[int, int, int]:
    """(distinct, generated, depth) of a breadth-first search of `model`
    written here, apart from cmc's engine: states within the constraint
    only, each identified by its view (with `view`, the left-out variable
    blanked) or, with `symmetry`, by the least renaming of that
    (`symmetric.canonical`, its own renaming), the first met kept and
    expanded; every initial state and every successor generated counted."""
    def identity(state):
        if view:
            state = state._replace(**{p.view: None})
        return canonical(p, state, order_key) if symmetry else state

    generated, depth, seen, frontier = 0, 0, set(), []
    for state in model.initial_states():
        generated += 1
        if within(state) and identity(state) not in seen:
            seen.add(identity(state))
            frontier.append(state)
    while frontier:
        following = []
        for state in frontier:
            for _, successor in model.successors(state):
                generated += 1
                if within(successor) and identity(successor) not in seen:
                    seen.add(identity(successor))
                    following.append(successor)
        depth += bool(following)
        frontier = following
    return len(seen), generated, depth


def reachable(model, within) -> set:
    """Every state of `model` within the constraint reached from initial
    states within it (TLC neither counts nor expands a state outside, nor
    does cmc)."""
    frontier = [state for state in model.initial_states() if within(state)]
    seen = set(frontier)
    while frontier:
        following = []
        for state in frontier:
            for _, successor in model.successors(state):
                if within(successor) and successor not in seen:
                    seen.add(successor)
                    following.append(successor)
        frontier = following
    return seen


def orbits(p: Program, states: set, leave_out: str | None = None) -> int:
    """How many orbits `states` fall into under the renamings of the
    processes; with `leave_out`, of their views (that variable blanked)."""
    if leave_out is not None:
        states = {s._replace(**{leave_out: None}) for s in states}
    return len({canonical(p, s, order_key) for s in states})


#: Seeds where TLC 2.15 counts more states under VIEW and SYMMETRY than
#: there are orbits of views: (TLC's count, cmc's), cmc's being the search
#: by hand's and, where the view's successors do not depend on which state
#: is kept, the orbits of the views in the whole graph. TLC takes the least
#: renaming of the whole state and fingerprints the view of that, so two
#: states whose views are renamings of each other, but whose left-out
#: variables differ, can be two (tlaplus/tlaplus#206 and #1368; TLC's
#: master now renames the view itself). Which state TLC then keeps
#: changes its generated states, depth and traces in that mode too: on 1039
#: TLC keeps a state whose view is its parent's, and finds Inv3 broken from
#: it in 3 steps, where the VIEW alone (TLC's too) hides the violation.
TLC_OVERCOUNTS: dict[int, tuple[int, int]] = {
    47: (97, 27), 53: (27, 9), 57: (4, 3), 110: (78, 22), 114: (20, 11), 145: (8, 4),
    149: (20, 11), 161: (8, 4), 202: (23, 11), 203: (11, 9), 236: (194, 59), 267: (4, 3),
    296: (9, 6), 310: (8, 4), 314: (4, 3), 1011: (7, 3), 1014: (40, 20), 1017: (7, 3),
    1018: (8, 4), 1020: (60, 33), 1022: (6, 4), 1026: (11, 10), 1035: (32, 16), 1037: (39, 33),
    1039: (12, 6), 1040: (24, 12), 1042: (12, 7), 1050: (46, 32), 1059: (4, 3), 1073: (23, 9),
    1077: (24, 12), 1078: (12, 10), 1089: (27, 9), 1092: (27, 9), 1093: (8, 4), 1094: (32, 20),
    90001: (4, 3),
}


def agrees(seed: int, folder: Path, workers: int = 1) -> None:
    found = differences(seed, folder, workers)
    if seed in TLC_OVERCOUNTS:
        theirs, ours = TLC_OVERCOUNTS[seed]
        assert f"seed {seed} view+symmetry distinct states: cmc {ours}, TLC {theirs}" in found
        # (the rest of that mode's figures against TLC's follow from it;
        # cmc's against the search by hand and the whole graph still count)
        found = [line for line in found
                 if not (line.startswith(f"seed {seed} view+symmetry ") and ", TLC " in line)]
    assert found == []


@pytest.mark.parametrize("seed", DEFAULT)
def test_agrees_with_tlc(seed, tmp_path):
    agrees(seed, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [seed for seed in SEEDS if seed not in DEFAULT])
def test_agrees_with_tlc_more_seeds(seed, tmp_path):
    agrees(seed, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("seed", VIEWED)
def test_agrees_with_tlc_in_two_processes(seed, tmp_path):
    """The same with the search shared by two processes from levels of 4
    states on: which state of a view is kept must not depend on it."""
    from tests.checker.test_workers import tiny_chunks  # (a heavy module: only here)

    with tiny_chunks(2):
        agrees(seed, tmp_path, workers=2)
