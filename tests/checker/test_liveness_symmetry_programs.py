"""Temporal properties under symmetry against the same check without it, on
random programs over interchangeable processes (tests/tlc_diff/symmetric.py's,
their VIEW left out): each program is given one to three temporal properties
over its symmetric predicates (``<>P``, ``P ~> Q``, ``[]<>P``, ``<>[]P``,
``[](P => []Q)``; the model's methods on some seeds, the spec's expressions
on the others) and fairness to families closed under renaming (action names,
``A | B``, ``*``; weak or strong), and is checked with ``symmetry: true`` and
without. cmc without symmetry is the ground truth: every property's outcome
must be the same, every lasso shown under symmetry, a run of the model,
as short as without it (stem and loop), and confirmed by a replay
(`checker.replay`) without symmetry. The first
seeds run by default, a few hundred under ``-m slow``.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker
from checker.errors import CheckerError
from checker.replay import Script, replay
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from reports.json import trace_document
from tests.tlc_diff.symmetric import _Draw, cmc_model, program

KINDS = ("eventually", "leads_to", "always_eventually", "eventually_always", "once_always")
PAIRED = ("leads_to", "once_always")


@dataclasses.dataclass(frozen=True)
class Temporal:
    name: str
    kind: str
    python: tuple[str, ...]        # P (and Q) over the model's state s
    spec: tuple[str, ...] | None   # the same as the spec's expressions, where they say it


def temporal_program(seed: int, per_value: bool = False):
    """The program of `seed`, without its VIEW, with temporal properties and
    fairness drawn (from a generator of their own: the program is
    symmetric.py's as drawn there); with `per_value`, a family more, per
    value of an action's argument (`per_value_family`)."""
    p = dataclasses.replace(program(seed), view=None)
    rng = random.Random(f"temporal {seed}")
    draw = _Draw(rng, p.variables, p.procs, p.domain, False)

    def predicate():
        drawn = draw.predicate()
        if rng.random() < 0.4:
            return (f"not ({drawn.py})",
                    None if drawn.spec is None else f"not ({drawn.spec})")
        return drawn.py, drawn.spec

    properties = []
    for k in range(rng.randint(1, 3)):
        kind = rng.choice(KINDS)
        parts = [predicate() for _ in range(2 if kind in PAIRED else 1)]
        spec = tuple(s for _, s in parts)
        properties.append(Temporal(f"T{k + 1}", kind, tuple(py for py, _ in parts),
                                   None if None in spec else spec))
    names = [a.name for a in p.actions]
    fairness: dict[str, list[str]] = {"weak": [], "strong": []}
    if rng.random() < 0.15:
        fairness[rng.choice(("weak", "strong"))].append("*")
    else:
        for name in names:
            strength = rng.choice(("weak", "weak", "strong", None, None))
            if strength:
                fairness[strength].append(name)
        if len(names) > 1 and rng.random() < 0.3:
            fairness[rng.choice(("weak", "strong"))].append(" | ".join(rng.sample(names, 2)))
    in_spec = seed % 2 == 1 and all(t.spec is not None for t in properties)
    if per_value:
        family = per_value_family(seed, p)
        fairness[random.Random(f"strength {seed}").choice(("weak", "strong"))].append(family)
    return p, properties, fairness, in_spec


def per_value_family(seed: int, p) -> str:
    """A fairness family per value of one of an action's arguments drawn for
    `seed`'s program (``A2(p=*)``, ``A2(*)``: one condition per process or
    message; ``A1(q=p2)``: naming a process): renaming the processes moves
    its conditions wherever such a step is taken, so symmetry must refuse
    it there, and may check without refusing only where it is sound."""
    rng = random.Random(f"per value {seed}")
    action = rng.choice(p.actions)
    argument = {"": "", "p": "p", "pq": rng.choice("pq"), "m": "m"}[action.bound]
    forms = ["*"] + ([f"{argument}=*"] if argument else []) + (
        [f"{argument}=p{rng.randint(1, p.procs)}"] if argument in ("p", "q") else [])
    return f"{action.name}({rng.choice(forms)})"


#: What a property of each process may say of process i, by the variable it
#: reads (``ctr`` says the same of every process)
MEMBER = {"val": ("s.val[i] > 0", "s.val[i] == 0"), "flag": ("s.flag[i]", "not s.flag[i]"),
          "members": ("i in s.members", "i not in s.members"),
          "msgs": ("any(m.dst == i for m in s.msgs)", "all(m.src != i for m in s.msgs)"),
          "ctr": ("s.ctr > 0", "s.ctr == 0")}


def each_property(seed: int, p) -> tuple[str, str]:
    """A temporal property of each process drawn for `seed`'s program: its
    kind, and its method's body, one answer per process by name (``p1``)."""
    rng = random.Random(f"each {seed}")
    kind = rng.choice(KINDS)
    said = [rng.choice(MEMBER[rng.choice(p.variables)])
            for _ in range(2 if kind in PAIRED else 1)]
    answer = f"({', '.join(said)})" if kind in PAIRED else said[0]
    return kind, f"{{f'p{{i + 1}}': {answer} for i in range(self.procs)}}"


def write(seed: int, folder: Path, symmetry: bool, per_value: bool = False,
          each: bool = False) -> Path:
    """The model (symmetric.py's, with the temporal properties as methods of
    a subclass, or none) and a spec of `seed`'s temporal program; with
    `each`, a property of each process more (`each_property`), as a method."""
    p, properties, fairness, in_spec = temporal_program(seed, per_value)
    source = cmc_model(p)
    source += ("\n\nfrom checker import (always_eventually, eventually, eventually_always, "
               "leads_to, once_always)\n\n\nclass Live(Prog):\n    pass\n")
    if each:
        kind, body = each_property(seed, p)
        source += (f'\n    @{kind}("E", each="process")\n    def E(self, s):  # noqa: N802\n'
                   f"        return {body}\n")
    if not in_spec:
        for t in properties:
            value = (f"({t.python[0]}), ({t.python[1]})" if t.kind in PAIRED
                     else t.python[0])
            source += (f'\n    @{t.kind}("{t.name}")\n    def {t.name}(self, s):  # noqa: N802\n'
                       f"        return {value}\n")
    (folder / f"live_{seed}.py").write_text(source)
    lines = [f"model: ./live_{seed}.py:Live", f"params: {{procs: {p.procs}, VIEW: false}}",
             f"symmetry: {str(symmetry).lower()}", "deadlock: false"]
    if in_spec:
        lines += ["properties: [E]" if each else "properties: []", "temporal:"]
        for t in properties:
            form = (f'["{t.spec[0]}", "{t.spec[1]}"]' if t.kind in PAIRED else f'"{t.spec[0]}"')
            lines.append(f"  {t.name}: {{{t.kind}: {form}}}")
    else:
        lines.append(f"properties: [{', '.join(['E'] * each + [t.name for t in properties])}]")
    fair = {k: v for k, v in fairness.items() if v}
    if fair:
        lines.append("fairness: {" + ", ".join(
            f"{k}: [{', '.join(repr(f) for f in v)}]" for k, v in fair.items()) + "}")
    if p.constraint is not None and not p.constraint_in_model:
        lines += ["constraints:", f'  constr: "{p.constraint.spec}"']
    spec = folder / f"live_{seed}_{int(symmetry)}.yaml"
    spec.write_text("\n".join(lines) + "\n")
    return spec


def outcomes(result) -> list[tuple[str, str]]:
    return [(o.property.name, o.outcome) for o in result.outcomes()]


def lengths(result) -> dict[str, tuple[int, int]]:
    """Each temporal finding's stem and loop lengths, by property."""
    return {f.property.name: (f.loop_start, len(f.trace) - f.loop_start)
            for f in result.violations + result.witnesses
            if f.trace is not None and f.property.temporal}


def compare(seed: int, folder: Path, per_value: bool = False,
            each: bool = False) -> tuple[int, int] | None:
    """Check `seed`'s program with symmetry and without: the same outcome of
    every property; each lasso shown under symmetry replayed without it
    breaks its property again. The orbits and the states; with `per_value`
    (a family per value: `per_value_family`) or `each` (a property of each
    process: `each_property`), None where symmetry refused it."""
    results, models, configs = {}, {}, {}
    for symmetry in (False, True):
        spec = load_spec(str(write(seed, folder, symmetry, per_value, each)), REGISTRY)
        models[symmetry], configs[symmetry] = spec.build(), spec.config()
        try:
            results[symmetry] = checker.check(models[symmetry], configs[symmetry])
        except CheckerError as refused:
            assert symmetry and (per_value or each), (seed, refused)
            assert "symmetry" in str(refused) and (
                "fairness" in str(refused) if per_value else
                "of each process" in str(refused)), (seed, refused)
            return None
    whole, reduced = results[False], results[True]
    # the graph's states are the orbits the safety run counts (as TLC does:
    # tests/tlc_diff/test_symmetric_against_tlc.py), no more than the states;
    # fewer where every temporal property is a once_always settled before
    # the last level (`Graph.settled_at`)
    for result in (reduced, whole):
        settled = result.stats.graph_settled_at is not None
        assert (result.stats.graph_states <= result.stats.distinct_states) if settled else (
            result.stats.graph_states == result.stats.distinct_states), seed
    if reduced.stats.graph_settled_at is whole.stats.graph_settled_at is None:
        assert reduced.stats.graph_states <= whole.stats.graph_states, seed
    assert outcomes(reduced) == outcomes(whole), seed
    assert reduced.verdict == whole.verdict, seed
    # every lasso as short as the model's shortest: the stem, and the loop
    # (found again among the renamings where the orbits' closes only after
    # going round more than once)
    assert lengths(reduced) == lengths(whole), seed
    for finding in reduced.violations + reduced.witnesses:
        if finding.trace is None or not finding.property.temporal:
            continue
        trace = finding.trace
        if finding.loop_start < len(trace.steps) - 1:  # a loop: back where it started
            assert trace.final == trace.steps[finding.loop_start].state, seed
        # as --replay reads a report's lasso: its actions, its states' views
        recorded = trace_document(models[False], trace)
        script = Script(f"seed {seed}", tuple(step["action"]["text"] for step in recorded[1:]),
                        tuple(step["state"] for step in recorded),
                        loop_start=finding.loop_start)
        again = replay(models[False], dataclasses.replace(
            configs[False], properties=(finding.property.name,)), script)
        assert again.stopped_by == "replay", seed  # every step taken, the loop closed
        replayed = [f for f in again.violations + again.witnesses if f.trace is not None]
        assert [(f.property.name, f.bound is None) for f in replayed] == [
            (finding.property.name, finding.bound is None)], seed
    return reduced.stats.graph_states or 0, whole.stats.graph_states or 0


#: the first seeds, and two whose lassos go round the reduced loop two and
#: three times before the run closes (found again among the renamings: as
#: short as without symmetry)
DEFAULT = [*range(20), 29, 42]


@pytest.mark.parametrize("seed", DEFAULT)
def test_symmetry_keeps_every_temporal_outcome(seed, tmp_path):
    compare(seed, tmp_path)


@pytest.mark.slow
def test_symmetry_keeps_every_temporal_outcome_on_hundreds_of_programs(tmp_path):
    for seed in range(20, 400):
        if seed not in DEFAULT:
            compare(seed, tmp_path)


#: seeds whose family per value symmetry refuses (A1(p=*), A3(p=p2),
#: A2(p=*), A3(p=p3), A1(q=*)), and seeds where it is sound and the check
#: goes on, with the answers it gives without symmetry: every property a
#: once_always, which fairness plays no part in (1, 13: A2(q=p2),
#: A1(p=p1)), an action of no argument (6: A2(*), one condition), one never
#: taken (25: A2(m=*))
REFUSED, ACCEPTED = [0, 2, 3, 5, 7], [1, 6, 13, 25]


@pytest.mark.parametrize("seed", REFUSED + ACCEPTED)
def test_fairness_per_value_is_refused_or_gives_the_answers_without_symmetry(seed, tmp_path):
    assert (compare(seed, tmp_path, per_value=True) is None) == (seed in REFUSED)


@pytest.mark.slow
def test_fairness_per_value_never_changes_an_answer_on_hundreds_of_programs(tmp_path):
    checked = [compare(seed, tmp_path, per_value=True) is not None for seed in range(400)]
    assert 0 < sum(checked) < len(checked)  # some refused, some accepted


#: seeds whose property of each process symmetry refuses (what it says of
#: a process renaming gives another: s.flag[i], i in s.members, ...), and
#: seeds where renaming leaves every process's answers alone in every
#: reachable state (4: s.ctr's; 7, 18, 25: i in s.members or a message to
#: i, which no reachable state tells apart), so that the check goes on,
#: with the answers it gives without symmetry
EACH_REFUSED, EACH_ACCEPTED = [0, 1, 2, 3], [4, 7, 18, 25]


@pytest.mark.parametrize("seed", EACH_REFUSED + EACH_ACCEPTED)
def test_a_property_of_each_process_is_refused_or_gives_the_answers_without_symmetry(
        seed, tmp_path):
    assert (compare(seed, tmp_path, each=True) is None) == (seed in EACH_REFUSED)


@pytest.mark.slow
def test_a_property_of_each_process_never_changes_an_answer_on_hundreds_of_programs(tmp_path):
    checked = [compare(seed, tmp_path, each=True) is not None for seed in range(400)]
    assert 0 < sum(checked) < len(checked)  # some refused, some accepted


@pytest.mark.parametrize("seed, unrolled, shortest", [
    (29, {"T1": (1, 0), "T2": (0, 3), "T3": (0, 2)}, {"T1": (1, 0), "T2": (0, 2), "T3": (0, 2)}),
    (42, {"T1": (1, 6)}, {"T1": (1, 3)}),
])
def test_past_the_states_it_may_take_the_orbits_loop_gone_round_is_shown(
        seed, unrolled, shortest, tmp_path, monkeypatch):
    import checker.lassos

    spec = load_spec(str(write(seed, tmp_path, True)), REGISTRY)
    assert lengths(checker.check(spec.build(), spec.config())) == shortest
    # the renamings of the component allowed no more states than the orbits
    # (60 and 4): the loop gone round until it closes, longer, still a run
    monkeypatch.setattr(checker.lassos, "UNREDUCED_FLOOR", 0)
    assert lengths(checker.check(spec.build(), spec.config())) == unrolled


def test_a_spec_expression_telling_processes_apart_is_refused_before_the_run(tmp_path):
    spec = write(5, tmp_path, True)
    text = spec.read_text()
    assert '  T1: {eventually: "all(x.val <= 0 for x in procs)"}\n' in text
    spec.write_text(text.replace("all(x.val <= 0 for x in procs)", "procs[0].val <= 0"))
    result = CliRunner().invoke(cli, ["check", str(spec), "--no-progress"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: {spec}:7: temporal.T1.eventually: procs[0] tells the interchangeable procs "
        "apart, and symmetry over procs checks one state of each set of renamed copies; "
        "quantify over them (all(... for x in procs) or any(...)) or check without symmetry "
        "(symmetry: false)\n")
