"""Invariants written in a spec as expressions (checker/expressions.py):
what they read, that they fail with the shortest counterexample like a
model's own property, that symmetry is refused when one tells nodes apart,
and the one-line error (exit 2) for each kind of bad expression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import check
from checker.errors import SpecError
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.spec_runs import checked_spec

SMALL = ("model: paxos-textbook\n"
         "params: {acceptors: 2, learners: 2, max_msgs: 3, drop: 0, duplicate: 0, crash: 0}\n"
         "deadlock: false\n")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    return path


def test_a_bundled_spec_pins_the_shortest_run_breaking_an_expression():
    _, model, result = checked_spec("paxos-textbook-invariant-nothing-learned.yaml")
    violation = result.violation("nothing_learned")
    assert [v.property.name for v in result.violations] == ["nothing_learned"]
    assert violation.reason == "all(l.learned == -1 for l in learners) is false"
    assert len(violation.trace) == 9
    assert model.learned(violation.trace.final) == [0]
    assert str(violation.trace.actions[-1]) == "ReceiveAccepted(a1→l0, n=0, v=v0)"


def test_expressions_read_records_messages_view_and_params(tmp_path):
    spec = load_spec(write(tmp_path, SMALL + """\
invariants:
  learners_agree_too: "len({l.learned for l in learners if l.learned >= 0}) <= 1"
  few_messages: "sum(len(messages[kind]) for kind in messages) <= params['max_msgs']"
  promise_in_view: "view['a0.promised'] in ('none', 0, 1) and acceptors[0].promised <= 1"
"""), REGISTRY)
    result = check(spec.build(), spec.config())
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 444  # as without the expressions
    assert [p.name for p in result.properties][-3:] == [
        "learners_agree_too", "few_messages", "promise_in_view"]


def test_an_expression_may_name_what_it_leaves_unread_with_underscore(tmp_path):
    # (`_` alone: a name starting with _ is refused, as _ itself was)
    spec = load_spec(write(tmp_path, SMALL + """invariants:
  numbered: "all(i < len(acceptors) for i, _ in enumerate(acceptors))"
  underscored: "all(_ < len(acceptors) for _ in range(len(acceptors)))"
"""), REGISTRY)
    assert check(spec.build(), spec.config()).verdict == "holds"


def test_expressions_pair_records_with_zip_and_number_them_with_enumerate(tmp_path):
    spec = load_spec(write(tmp_path, SMALL + """\
invariants:
  numbered: "all(i < len(acceptors) for i, a in enumerate(acceptors))"
  promises_ordered: "all(a.promised <= b.promised for a, b in zip(acceptors, acceptors[1:]))"
"""), REGISTRY)
    result = check(spec.build(), spec.config())
    assert [v.property.name for v in result.violations] == ["promises_ordered"]
    violation = result.violation("promises_ordered")
    assert len(violation.trace) == 2
    assert str(violation.trace.actions[-1]) == "ReceivePrepare(p0→a0, n=0)"


def test_expression_invariants_are_checked_whatever_properties_lists(tmp_path):
    spec = load_spec(write(tmp_path, SMALL + """\
properties: [agreement]
invariants: {nothing_sent: "not messages['PrepareMsg']"}
expect: {verdict: violated, property: nothing_sent, trace_length: 1}
"""), REGISTRY)
    result = check(spec.build(), spec.config())
    assert [v.property.name for v in result.violations] == ["nothing_sent"]
    assert spec.expect.mismatches(result) == []


SYMMETRIC = SMALL.replace("learners: 2", "learners: 1") + "symmetry: true\n"


@pytest.mark.parametrize("expression", [
    "min(a.promised for a in acceptors) <= 1",
    "sorted(a.promised for a in acceptors)[0] <= 1",
    "all(m.p <= 5 and m.n >= 0 for m in messages['PromiseMsg'])",  # proposers are not symmetric
    "len({a.promised for a in acceptors}) <= 3",
    "all(m.a in {x.a for x in messages['PromiseMsg']} for m in messages['PromiseMsg'])",
    "all(m.a is not None for m in messages['PromiseMsg'])",
    "all(a.promised >= -1 and +a.promised == a.promised for a in acceptors)",
    # inclusion between sets of acceptors (a field typed as one, or a set formed)
    "all(p.promised_by <= p.promised_by | {m.a for m in messages['PromiseMsg']} "
    "for p in proposers)",
    "{m.a for m in messages['PromiseMsg']} >= set(m.a for m in messages['PromiseMsg'])",
    "not frozenset(m.a for m in messages['PromiseMsg']) < {m.a for m in messages['PromiseMsg']}",
])
def test_symmetry_takes_an_expression_that_tells_no_acceptors_apart(tmp_path, expression):
    spec = load_spec(write(tmp_path, SYMMETRIC + f'invariants: {{fair: "{expression}"}}\n'),
                     REGISTRY)
    result = check(spec.build(), spec.config())
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 253  # the orbits of 482 states, as without it


@pytest.mark.parametrize("expression, read", [
    ("all(m.a + 0 != 1 for m in messages['PromiseMsg'])", "m.a + 0 != 1"),
    ("all(m.a for m in messages['PromiseMsg'])", "all((m.a for m in messages['PromiseMsg']))"),
    ("len([m for m in messages['PromiseMsg'] if m.a]) < 9",
     "for m in messages['PromiseMsg'] if m.a"),
    ("all([1, 2][m.a] > 0 for m in messages['PromiseMsg'])", "[1, 2][m.a]"),
    ("{m.a: m.n for m in messages['PromiseMsg']} != {0: 5}",
     "{m.a: m.n for m in messages['PromiseMsg']} != {0: 5}"),
    ("not messages['PromiseMsg'] or sorted(m.a for m in messages['PromiseMsg'])[0] >= 0",
     "sorted((m.a for m in messages['PromiseMsg']))[0] >= 0"),
])
def test_symmetry_refuses_an_expression_computing_with_an_acceptor(tmp_path, expression, read):
    path = write(tmp_path, SYMMETRIC + f'invariants: {{lopsided: "{expression}"}}\n')
    with pytest.raises(SpecError) as error:
        spec = load_spec(path, REGISTRY)
        check(spec.build(), spec.config())
    assert str(error.value).startswith(
        f"{path}:5: invariants.lopsided: {read} tells the interchangeable acceptors apart")


@pytest.mark.parametrize("expression, part", [
    # a third tester's false HOLDS: records compared with a literal
    ("set(messages['PromiseMsg']) != {(0, 0, 0, -1, -1)}", "set(messages['PromiseMsg']) != "
                                                          "{(0, 0, 0, -1, -1)}"),
    ("[acceptors][0][1].promised >= -1", "[acceptors][0]"),
    ("all(len(set([m.a, 0])) == 2 for m in messages['PromiseMsg'])", "[m.a, 0]"),
    ("all(not x.a < y.a for x in messages['PromiseMsg'] for y in messages['PromiseMsg'])",
     "x.a < y.a"),
    ("min(acceptors).promised >= -1", "min(acceptors)"),
    # inclusion in a set of named acceptors, and < between acceptors themselves
    ("all(p.promised_by <= {0, 1} for p in proposers)", "p.promised_by <= {0, 1}"),
    ("all(x.a <= y.a for x in messages['PromiseMsg'] for y in messages['PromiseMsg'])",
     "x.a <= y.a"),
    ("all(m[1] != 0 for m in messages['PromiseMsg'])", "m[1]"),
    # acceptors paired or numbered by position
    ("all(i >= 0 for i, a in enumerate(acceptors))", "enumerate(acceptors)"),
    ("all(a.promised <= b.promised for a, b in zip(acceptors, acceptors))",
     "zip(acceptors, acceptors)"),
    ("all(a.promised <= 5 for a in acceptors[1:])", "acceptors[1:]"),
])
def test_symmetry_takes_only_what_is_shown_to_commute_with_renaming(tmp_path, expression,
                                                                     part):
    path = write(tmp_path, SYMMETRIC + f'invariants: {{lopsided: "{expression}"}}\n')
    spec = load_spec(path, REGISTRY)
    with pytest.raises(SpecError) as error:
        check(spec.build(), spec.config())
    assert str(error.value).startswith(
        f"{path}:5: invariants.lopsided: {part} ")
    assert "the interchangeable acceptors apart" in str(error.value)


def test_an_inclusion_between_sets_of_acceptors_breaks_as_without_symmetry(tmp_path):
    # a proposer's promised_by (a frozenset[Acceptor] field) against the
    # acceptors whose promises are in flight: broken once the first promise
    # is taken off the network, in the same 3 steps either way
    expression = ("all(p.promised_by <= {m.a for m in messages['PromiseMsg']} "
                  "for p in proposers)")
    found = {}
    for symmetry in (True, False):
        text = SYMMETRIC.replace("symmetry: true", f"symmetry: {str(symmetry).lower()}")
        spec = load_spec(write(tmp_path, text + f'invariants: {{heard: "{expression}"}}\n'),
                         REGISTRY)
        result = check(spec.build(), spec.config())
        violation = result.violation("heard")
        found[symmetry] = (len(violation.trace), str(violation.trace.actions[-1]))
    assert found[True] == found[False] == (3, "ReceivePromise(a0→p0, n=0, accepted_n=none, "
                                              "accepted_v=none)")


def test_symmetry_refuses_the_view_which_names_acceptors(tmp_path):
    path = write(tmp_path, SYMMETRIC + "invariants: {lopsided: \"view['a0.promised'] != 7\"}\n")
    spec = load_spec(path, REGISTRY)
    with pytest.raises(SpecError) as error:
        check(spec.build(), spec.config())
    assert str(error.value) == (
        f"{path}:5: invariants.lopsided: view names the interchangeable acceptors in its keys, "
        "and symmetry over acceptors checks one state of each set of renamed copies; read "
        "the records instead, quantified (all(... for x in acceptors) or any(...)), or check "
        "without symmetry (symmetry: false)")


@pytest.mark.parametrize("model, params, read, told, instead", [
    # a plain model with hand-written symmetry offers only view and params
    ("toys.py:Tokens", "{}", "view['state'] != [2, 2, 2]", "processes",
     "this model offers no records of its processes to quantify over (only params, view), "
     "so check without symmetry (symmetry: false)"),
    # a typed one (Symmetric: KRaft.tla's port) offers its servers as records
    ("models/user/kraft.py:KRaft", "{servers: 2, values: 1, MaxElections: 1, MaxRestarts: 0}",
     "view['n1.state'] != 'Leader'", "servers",
     "read the records instead, quantified (all(... for x in servers) or any(...)), or "
     "check without symmetry (symmetry: false)"),
])
def test_symmetry_refuses_the_view_of_a_plain_model_saying_what_to_read(tmp_path, model,
                                                                       params, read, told,
                                                                       instead):
    path = write(tmp_path, f"model: {Path(__file__).parents[1] / model}\n"
                           f"params: {params}\nsymmetry: true\n"
                           f"invariants: {{lopsided: \"{read}\"}}\n")
    spec = load_spec(path, REGISTRY)
    with pytest.raises(SpecError) as error:
        check(spec.build(), spec.config())
    assert str(error.value) == (
        f"{path}:4: invariants.lopsided: view names the interchangeable {told} in its keys, "
        f"and symmetry over {told} checks one state of each set of renamed copies; {instead}")


@pytest.mark.parametrize("expression, read, unreduced", [
    ("acceptors[0].promised >= acceptors[1].promised", "acceptors[0]", "violated"),
    ("all(m.a != 0 for m in messages['PromiseMsg'])", "m.a != 0", "violated"),
    ("len(messages['PromiseMsg']) < 2 or messages['PromiseMsg'][0].n >= 0",
     "messages['PromiseMsg'][0]", "holds"),
    ("[a.promised for a in acceptors][1] <= 1", "[a.promised for a in acceptors][1]", "holds"),
    ("tuple(acceptors)[-1].promised <= 1", "tuple(acceptors)[-1]", "holds"),
])
def test_symmetry_refuses_an_expression_that_reads_an_acceptor_by_position(
        tmp_path, expression, read, unreduced):
    """Before the run, wherever the states that would show it lie (the
    sampling guard sees only some states), whether it holds or not."""
    path = write(tmp_path, SYMMETRIC + f'invariants: {{lopsided: "{expression}"}}\n')
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {path}:5: invariants.lopsided: {read} tells the interchangeable acceptors "
        "apart, and symmetry over acceptors checks one state of each set of renamed copies; "
        "quantify over them (all(... for x in acceptors) or any(...)) or check without "
        "symmetry (symmetry: false)\n")
    plain = load_spec(write(tmp_path, SYMMETRIC.replace("symmetry: true", "symmetry: false")
                            + f'invariants: {{lopsided: "{expression}"}}\n'), REGISTRY)
    assert check(plain.build(), plain.config()).verdict == unreduced


@pytest.mark.parametrize("expression, message", [
    ('"len(learners) >"', "not a Python expression (invalid syntax where it ends); write a "
                          "boolean expression over the state (see docs/writing-a-model.md)"),
    ('"__import__(\'os\').system(\'true\')"',
     "only abs, all, any, enumerate, frozenset, len, list, max, min, range, set, sorted, sum, tuple, zip "
     "may be called, by name; compute the rest with operators and comprehensions"),
    ('"learners.__class__"', "the attribute '__class__' is not allowed (no name starting "
                             "with _); read the record's fields"),
    ('"len(_x) > 0"', "the name '_x' is not allowed (no name starting with _ but _ itself)"),
    ('"learners[0].count(1)"', "only abs, all, any, enumerate, frozenset, len, list, max, min, range, "
                               "set, sorted, sum, tuple, zip may be called, by name; compute the "
                               "rest with operators and comprehensions"),
    ('"len(learners) ** 99 > 0"', "Pow is not allowed in an expression; use comparisons, "
                                  "boolean operators, comprehensions and the functions abs, "
                                  "all, any, enumerate, frozenset, len, list, max, min, range, set, "
                                  "sorted, sum, tuple, zip"),
    ('"[x := 1]"', "NamedExpr is not allowed in an expression; use comparisons, boolean "
                   "operators, comprehensions and the functions abs, all, any, enumerate, frozenset, "
                   "len, list, max, min, range, set, sorted, sum, tuple, zip"),
    ('"servers[0].term > 0"', "unknown name 'servers'; the names are acceptors, learners, "
                              "messages, params, proposers, view and the functions abs, all, "
                              "any, enumerate, frozenset, len, list, max, min, range, set, sorted, sum, "
                              "tuple, zip"),
    ('""', 'give the invariant as an expression in quotes, e.g. "len(learners) > 0"'),
    ("5", "expected an expression in quotes, got 5"),
    ('"learners[0].term > 0"', "raised AttributeError: 'LearnerState' object has no "
                               "attribute 'term' (LearnerState's fields: learned, heard) in "
                               "the state p0.round=0"),
    # not a boolean (TLC: an error): a count is no truth
    ('"len(learners)"', "gave 2, of type int, not True or False, in the state p0.round=0"),
    ('"learners[0].lerned > 0"', "raised AttributeError: 'LearnerState' object has no "
                                 "attribute 'lerned' (did you mean 'learned'? LearnerState's "
                                 "fields: learned, heard) in the state p0.round=0"),
])
def test_a_bad_expression_is_one_line_naming_file_field_and_fix(tmp_path, expression, message):
    path = write(tmp_path, SMALL + f"invariants:\n  broken: {expression}\n")
    with pytest.raises(SpecError) as error:
        load_spec(path, REGISTRY)
    assert str(error.value).startswith(f"{path}:5: invariants.broken: {message}")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"error: {path}:5: invariants.broken: {message}")


def test_an_expression_failing_at_a_later_state_names_that_state_and_its_line(tmp_path):
    path = write(tmp_path, SMALL + """\
invariants: {divides: "1 // (len(messages['PrepareMsg']) - 2) <= 1"}
""")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    # the run to that state first (one step), then the error's line
    lines = result.output.splitlines()
    assert lines[0] == "the run to the state where it raised (1 steps):"
    assert lines[-1].startswith(
        f"error: {path}:4: invariants.divides: raised ZeroDivisionError: integer division or "
        "modulo by zero in the state p0.round=0, p0.phase=preparing")
    assert lines[-1].endswith("; fix the expression")


def test_an_invariant_may_not_take_a_name_the_model_uses_itself(tmp_path):
    # (it would replace the model's own method: here its state_view)
    with pytest.raises(SpecError) as error:
        load_spec(write(tmp_path, SMALL + 'invariants: {state_view: "True"}\n'), REGISTRY)
    assert str(error.value).split(": ", 1)[1] == (
        "invariants.state_view: paxos-textbook uses the name 'state_view' itself (a method "
        "or attribute of the model); give the invariant another name")


def test_an_invariant_may_not_take_a_models_property_name_or_a_bad_name(tmp_path):
    with pytest.raises(SpecError) as error:
        load_spec(write(tmp_path, SMALL + 'invariants: {agreement: "True"}\n'), REGISTRY)
    assert error.value.field == "invariants.agreement"
    assert "already has a property 'agreement'; give the invariant another name" in str(
        error.value)
    with pytest.raises(SpecError) as error:
        load_spec(write(tmp_path, SMALL + 'invariants: {Bad-Name: "True"}\n'), REGISTRY)
    assert str(error.value).endswith("invariants: expected a name of letters, digits and _ "
                                     "(TypeOK, type_ok), got 'Bad-Name'")


def test_json_report_lists_the_expression_property(tmp_path):
    path = write(tmp_path, SMALL + """\
invariants: {nothing_sent: "not messages['PrepareMsg']"}
""")
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(path)])
    document = json.loads(result.output)
    names = json.dumps(document)
    assert "nothing_sent" in names and "not messages['PrepareMsg'] is false" in names


def test_symmetry_takes_a_node_no_renaming_moves_by_position(tmp_path):
    """A partition keeps s1 apart: servers[0] is s1 in every renamed copy."""
    text = ("model: raft\nparams: {servers: 3, values: 1, max_term: 2, max_log: 1, "
            "max_msgs: 1}\nproperties: [election_safety]\npartition: {groups: [[s1], "
            "[s2, s3]]}\nsymmetry: true\nbounds: {max_depth: 2}\n")
    taken = load_spec(write(tmp_path, text + 'invariants: {x: "servers[0].current_term >= 1"}\n'),
                      REGISTRY)
    assert check(taken.build(), taken.config()).verdict == "incomplete"
    refused = load_spec(write(tmp_path, text + 'invariants: {x: "servers[1].current_term >= 1"}\n'),
                        REGISTRY)
    with pytest.raises(SpecError, match=r":7: invariants.x: servers\[1\] tells the "
                                        "interchangeable servers apart"):
        check(refused.build(), refused.config())


def test_the_kit_says_which_fields_hold_sets_of_elements_from_their_types():
    # frozenset[Acceptor] and frozenset[tuple[int, Value, Acceptor]]: sets of
    # elements, which `<=` may compare; an id alone (`a`) or indexed by one
    # (`next_index`) is not
    positions = REGISTRY["paxos-textbook"](acceptors=2, learners=1).expression_positions(
        ("acceptors", "learners"))
    assert positions["sets"] == {"promised_by": "acceptors", "heard": "acceptors"}
    positions = REGISTRY["raft"](servers=2).expression_positions(("servers",))
    assert positions["sets"] == {"votes_responded": "servers", "votes_granted": "servers",
                                 "recent_active": "servers"}


def test_symmetry_refuses_a_kit_global_holding_a_node_read_by_its_name(tmp_path):
    # DoorLock's global `holder: Proc | None`: `holder != 0` names p1. Before,
    # a name was taken to hold no element, and only the sampling guard, on
    # the states it happened to draw, could refuse it
    door_lock = Path(__file__).parents[1] / "models" / "test_kit_globals.py"
    path = write(tmp_path, f"model: {door_lock}:DoorLock\nsymmetry: true\ndeadlock: false\n"
                           "invariants: {p1_never: \"holder != 0\"}\n")
    spec = load_spec(path, REGISTRY)
    with pytest.raises(SpecError) as error:
        check(spec.build(), spec.config())
    assert str(error.value).startswith(
        f"{path}:4: invariants.p1_never: holder != 0 tells the interchangeable procs apart")
    positions = spec.build().expression_positions(("procs",))
    assert positions["elements"] == {"holder": "procs"}
