"""A user's kit model of a published spec it was not written against:
tests/models/user/huang.py, after Huang.tla of the TLA+ examples
(specifications/Huang: Huang's termination detection by weight throwing),
its ``msgs[p]`` the kit's ``Inbox(receive="any")``, and the plain model
written before that, tests/models/user/huang_plain.py, the yardstick:
both compared figure by figure with TLC 2.15, one worker, breadth-first,
``-deadlock`` (Huang.cfg's CHECK_DEADLOCK FALSE, which this TLC does not
read, nor its ALIAS, left out).

TLC ran Huang.tla as published (tlaplus/Examples master of 2026-05-14; the
CommunityModules' DyadicRationals, with Max, RemoveAt and FoldFunction
written out) with a module of ours: processes L, P1, .. as model values (our
p0, p1, ..), the StateConstraint's 8 a constant ``MaxDen``, ``NoFair ==
Init /\\ [][Next]_vars`` and ``SYMMETRY Permutations(Procs \\ {L})``. Safe,
``[](TerminationDetected => []Terminated)``, is the model's ``once_always``:
its state is Huang.tla's, with no history variable, and its counts are
TLC's on Huang.tla as published (Spec, Safe a PROPERTY). A history variable
(``detected``, ``InitH == Init /\\ detected = TerminationDetected``, ``NextH
== Next /\\ detected' = (detected \\/ TerminationDetected')``, ``SafeInv ==
detected => Terminated`` an invariant of ``SpecH``), which the port kept
before that form, gave TLC the same counts on this model, where
TerminationDetected holds only in states where nothing is enabled. Each
mutant is Huang.tla with the one conjunct the mutant changes (the kit's
and the plain model's mutants override the same action). TLC prints a
depth one more than ours; its generated counts are ours, the kit's and the
plain model's alike.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from models.user import load_from_file

USER = Path(__file__).parent / "user"
SPEC = USER / "huang.yaml"
PROPERTIES = ("type_ok", "safe", "live")
# Spec: WF_vars(RcvLdr) /\ WF_vars(IdleLdr) /\ \A p # Leader :
# WF_vars(RcvMsg(p)) /\ WF_vars(Idle(p))
SPEC_FAIRNESS = (("weak", "RcvLdr"), ("weak", "IdleLdr"), ("weak", "RcvMsg(p=*)"),
                 ("weak", "Idle(p=*)"))


def _model(procs=3, max_den=8, mutant=None, plain=False):
    cls = (load_from_file("huang_plain.py:Huang", USER) if plain
           else load_spec(SPEC, REGISTRY).model_class)
    return cls(procs=procs, max_den=max_den, mutant=mutant)


def _check(model, properties, fairness=(), symmetry=()):
    return check(model, CheckConfig(properties=properties, fairness=fairness,
                                    symmetry=symmetry))


def test_the_spec_file_is_huang_cfg_on_three_processes():
    loaded = load_spec(SPEC, REGISTRY)
    assert loaded.fairness == SPEC_FAIRNESS
    assert (loaded.expect.distinct_states, loaded.expect.depth) == (8_476, 20)


@pytest.mark.slow
def test_the_spec_file_meets_its_expectation_through_the_command_line():
    # three processes: TLC 2.15, no error, 8,476 distinct states, depth 21
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


def test_the_small_spec_file_meets_its_expectation_through_the_command_line():
    # two processes: TLC 2.15, no error, 1,836 distinct states, depth 21
    result = CliRunner().invoke(cli, ["check", str(USER / "huang_small.yaml")])
    assert result.exit_code == 0, result.output
    assert "Live (live): holds" in result.output
    assert "expectation met" in result.output


@pytest.mark.parametrize("procs, max_den, distinct, generated, depth", [
    # TLC 2.15, Spec, INVARIANT TypeOK, PROPERTIES Safe Live: no error;
    # distinct and generated TLC's, its depth one more
    (2, 8, 1_836, 11_797, 20),
    (3, 4, 152, 917, 8),
    (4, 4, 308, 2_433, 8),
    (5, 4, 544, 5_329, 8),
    # TLC: 534 s on the busy machine, Safe's tableau the most of it
    pytest.param(3, 8, 8_476, 74_527, 20, marks=pytest.mark.slow),
])
@pytest.mark.parametrize("plain", [False, True], ids=["kit", "plain"])
def test_huang_has_tlc_s_counts_and_verdicts(procs, max_den, distinct, generated, depth, plain):
    result = _check(_model(procs, max_den, plain=plain), PROPERTIES, SPEC_FAIRNESS)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)


@pytest.mark.slow
@pytest.mark.parametrize("plain", [False, True], ids=["kit", "plain"])
def test_huang_cfg_s_five_processes(plain):
    # Huang.cfg (L, P1 .. P4, StateConstraint as published), SpecH,
    # INVARIANTS TypeOK SafeInv: TLC 2.15, no error, 81,256 distinct
    # states, 1,165,101 generated, depth 21 (4 min 16 s). With Safe and Live
    # as PROPERTIES TLC had 44,168 states after 39 minutes on the busy
    # machine; the manifest says it succeeds, and so does cmc (31 s)
    result = _check(_model(5, 8, plain=plain), PROPERTIES, SPEC_FAIRNESS)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (81_256, 1_165_101, 20)


@pytest.mark.slow
def test_four_processes_with_the_published_constraint():
    # TLC 2.15, INVARIANT TypeOK: 29,016 distinct states, 332,359
    # generated, depth 21
    result = _check(_model(4, 8), ("type_ok", "safe"))
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (29_016, 332_359, 20)


@pytest.mark.parametrize("procs, max_den, orbits", [
    # TLC 2.15, Spec, INVARIANT TypeOK, SYMMETRY Permutations(Procs \ {L}):
    # these distinct states, depth as without (the same with the history
    # variable: SpecH, INVARIANTS TypeOK SafeInv)
    (3, 4, 88), (4, 4, 96), (3, 8, 4_476)])
@pytest.mark.parametrize("plain", [False, True], ids=["kit", "plain"])
def test_the_processes_but_the_leader_are_interchangeable_as_in_tlc(procs, max_den, orbits,
                                                                    plain):
    # (Safe, [](P => []Q), holds on the orbits too: its graph is of orbits)
    result = _check(_model(procs, max_den, plain=plain), ("type_ok", "safe"),
                    symmetry=("procs",))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == result.stats.graph_states == orbits


def test_live_holds_without_fairness_as_tlc_says():
    # NoFair, two processes: TLC 2.15 reports no error (1,836 states). In
    # every reachable state where the computation has terminated, the
    # idle processes but the leader hold no weight and no message carries
    # any: the leader, idle, holds 1, and has detected termination
    # already. Live needs no fairness; Safe's history says the same
    model = _model(2)
    result = _check(model, ("live",))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 1_836


def test_safe_needs_no_history_variable(tmp_path):
    # [](TerminationDetected => []Terminated) as once_always: the state is
    # Huang.tla's three variables (active and weight per process, msgs the
    # inboxes), and Safe alone holds on TLC's 1,836 states of Spec (11,797
    # generated, depth 21), under no fairness
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'huang.py').as_posix()}:Huang\n"
                    "params: {procs: 2}\nproperties: [safe]\ndeadlock: false\n"
                    "expect: {verdict: holds, distinct_states: 1836, depth: 20}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 0, result.output
    assert "  Safe (safe): holds" in result.output.splitlines()
    model = _model(2)
    assert list(model.state_view(next(iter(model.initial_states())))) == [
        "p0.active", "p0.weight", "p1.active", "p1.weight", "inboxes"]
    assert _model(2, plain=True).state_type._fields == ("active", "weight", "msgs")


def test_two_orders_of_the_same_weights_are_two_states():
    # The leader sends 1/2 to itself, then 1/4 to itself; or 1/2 to p1, 1/4
    # to itself, and p1 throws the 1/2 back: msgs[p0] is <<1/2, 1/4>> or
    # <<1/4, 1/2>>, the processes' fields the same, two states (TLC counts
    # both), and from each the leader may take either weight
    model = _model(2)
    level = set(model.initial_states())
    seen = set(level)
    for _ in range(4):
        level = {state for before in level for _, state in model.successors(before)} - seen
        seen |= level
    views = [model.state_view(state) for state in seen]
    same = [view for view in views if (view["p0.active"], view["p0.weight"], view["p1.active"],
                                       view["p1.weight"]) == (True, "1/4", False, "0/1")
            and len(view["inboxes"]) == 1 and view["inboxes"][0].count("to=p0") == 2]
    assert sorted(view["inboxes"] for view in same) == [
        ["p0: Msg(to=p0, w=1/2), Msg(to=p0, w=1/4)"],
        ["p0: Msg(to=p0, w=1/4), Msg(to=p0, w=1/2)"]]
    state = next(state for state in seen if model.state_view(state) == same[0])
    assert sorted(str(action) for action, _ in model.successors(state)
                  if type(action).__name__ == "RcvLdr") == [
        "RcvLdr(p=p0, to=p0, w=1/2)", "RcvLdr(p=p0, to=p0, w=1/4)"]


# -- mutants: each property broken by one action ----------------------------------------


@pytest.mark.parametrize("plain", [False, True], ids=["kit", "plain"])
def test_an_idle_process_that_keeps_its_weight_breaks_type_ok(plain):
    # Idle with UNCHANGED msgs: TLC 2.15, TypeOK violated by 4 states, these
    model = _model(mutant="idle_loses_weight", plain=plain)
    violation = _check(model, PROPERTIES).violation("type_ok")
    assert [str(a) for a in violation.trace.actions] == (
        ["SendMsg(p=p0, q=p1)", "RcvMsg(p=p1, i=1)", "Idle(p=p1)"] if plain else
        ["SendMsg(p=p0, q=p1)", "RcvMsg(p=p1, to=p1, w=1/2)", "Idle(p=p1)"])
    assert violation.reason == ("the weights of the processes and the messages add up to "
                                "1/2, not 1")
    assert _final(model, violation) == {
        "p0.active": True, "p0.weight": "1/2", "p1.active": False, "p1.weight": "0/1",
        "p2.active": False, "p2.weight": "0/1", "msgs": ""}


# the kit's model under Spec's fairness by default; the others (1.4-3.4 s each) slow
@pytest.mark.parametrize("fairness, plain", [
    pytest.param((), False, marks=pytest.mark.slow, id="fairness0-kit"),
    pytest.param((), True, marks=pytest.mark.slow, id="fairness0-plain"),
    pytest.param(SPEC_FAIRNESS, False, id="fairness1-kit"),
    pytest.param(SPEC_FAIRNESS, True, marks=pytest.mark.slow, id="fairness1-plain")])
def test_a_leader_sending_while_idle_breaks_safe(fairness, plain):
    # SendMsg's active[p] \/ p = Leader: TLC 2.15, Safe under Spec violated
    # by 3 steps, then stuttering (IdleLdr, SendMsg, RcvLdr: not the
    # shortest); SafeInv of SpecH by 3 states, these. Ours is the shortest
    # path, those 2 steps, then stuttering, whatever the fairness
    model = _model(mutant="leader_sends_while_idle", plain=plain)
    result = _check(model, PROPERTIES, fairness)
    assert [v.property.name for v in result.violations] == ["safe"]
    violation = result.violation("safe")
    assert [str(a) for a in violation.trace.actions] == (
        ["IdleLdr()", "SendMsg(p=p0, q=p0)"] if plain else
        ["IdleLdr(p=p0)", "SendMsg(p=p0, q=p0)"])
    assert (violation.stem_length, violation.loop_length) == (2, 0)
    assert violation.reason == ("a behaviour breaks Safe: the first part holds at step 1 "
                                "and the second fails at step 2")
    assert _final(model, violation) == {
        "p0.active": False, "p0.weight": "1/2", "p1.active": False, "p1.weight": "0/1",
        "p2.active": False, "p2.weight": "0/1", "msgs": "p0: 1/2"}


@pytest.mark.parametrize("plain", [False, True], ids=["kit", "plain"])
def test_a_receiver_that_stays_idle_breaks_live(plain):
    # RcvMsg with UNCHANGED active, under Spec: TLC 2.15, TypeOK and SafeInv
    # hold (484 states) and Live is violated by 5 steps, then stuttering; ours is the
    # shortest, 3 then stuttering: P1 holds 1/2 for ever, idle, and the
    # leader 1/2
    model = _model(mutant="receive_stays_idle", plain=plain)
    result = _check(model, PROPERTIES, SPEC_FAIRNESS)
    assert [v.property.name for v in result.violations] == ["live"]
    assert result.stats.distinct_states == 484
    violation = result.violation("live")
    assert (violation.stem_length, violation.loop_length) == (3, 0)
    assert [str(a) for a in violation.trace.actions] == (
        ["SendMsg(p=p0, q=p1)", "RcvMsg(p=p1, i=1)", "IdleLdr()"] if plain else
        ["SendMsg(p=p0, q=p1)", "IdleLdr(p=p0)", "RcvMsg(p=p1, to=p1, w=1/2)"])
    assert _final(model, violation) == {
        "p0.active": False, "p0.weight": "1/2", "p1.active": False, "p1.weight": "1/2",
        "p2.active": False, "p2.weight": "0/1", "msgs": ""}


def _final(model, violation) -> dict:
    """The last state of `violation`'s trace as the kit's state view shows
    it, the weights in transit to each process as one line (``p0: 1/2``)."""
    view = model.state_view(violation.trace.final)
    if "inboxes" not in view:  # the plain model: its fields, weights per process
        final = violation.trace.final
        view = {f"p{p}.{field}": value for p in range(len(final.active))
                for field, value in (("active", final.active[p]),
                                     ("weight", "{}/{}".format(*final.weight[p])))}
        view["msgs"] = ", ".join(f"p{p}: " + ", ".join("{}/{}".format(*w) for w in sent)
                                 for p, sent in enumerate(final.msgs) if sent)
        return view
    queues = view.pop("inboxes")
    view["msgs"] = ", ".join(line.replace("Msg(to=", "").split(" ")[0] + " " + ", ".join(
        part.split("w=")[1].rstrip(")") for part in line.split(": ", 1)[1].split("), "))
        for line in queues)
    return view
