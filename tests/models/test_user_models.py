"""Users' own models: a spec names a class in a file next to it, or a model
an installed package registers under the ``cmc.models`` entry points.

The models used are tests/models/user/two_phase_commit.py, two-phase commit
written with the kit over a lossy bag (its counts are checked against brute
force, orbits, and TLC's as well as pinned), and tests/models/user/ewd840.py,
termination detection on a ring as a plain `checker.Model` (TLC's counts
and liveness verdicts), and tests/models/user/peterson.py, Peterson's
algorithm as PlusCal writes it (TLC's verdicts under its fairness forms),
and tests/models/user/simple_allocator.py, SimpleAllocator.tla (fairness to
particular steps, strong fairness: TLC's counts and verdicts).
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, SpecError, check
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.brute_force import orbit_counts_agree
from tests.spec_runs import written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "two-phase.yaml"


def test_a_spec_names_a_model_class_in_a_file_next_to_it():
    spec = load_spec(SPEC, REGISTRY)
    assert spec.model_class.__name__ == "TwoPhaseCommit"
    assert spec.model_name == "two-phase-commit"
    assert spec.params == {"rms": 3, "drops": 1}
    result = check(spec.build())
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (1190, 10)
    assert result.witness("all_committed").trace.actions[-1].__class__.__name__ == \
        "RMRcvCommitMsg"
    # Commit(rm=0) and Abort(rm=0) are equal tuples: each still lands in its
    # own part of the network, as itself
    witness = result.witness("all_committed").trace
    after_commit = witness.steps[7].state
    module = sys.modules[spec.model_class.__module__]
    assert {type(m).__name__ for m in spec.build().sent(after_commit, module.Commit)} == {
        "Commit"}
    assert spec.build().sent(after_commit, module.Abort) == []
    # loading it again gives the same class, not a second copy of the module
    assert load_spec(SPEC, REGISTRY).model_class is spec.model_class


def test_the_command_line_checks_a_users_model():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "two-phase-commit" in result.output


@pytest.mark.parametrize("params, counts", [
    # (reachable states, orbits under renaming the resource managers)
    (dict(rms=2, drops=0), (69, 41)),
    (dict(rms=3, drops=0), (415, 108)),
    (dict(rms=3, drops=1), (1190, 261)),
])
def test_the_kit_derives_symmetry_for_a_users_model(params, counts):
    # The TM's set of prepared RMs, the messages naming RMs and the network's
    # Drop(message) are renamed from their declared field types alone.
    model_class = load_spec(SPEC, REGISTRY).model_class
    assert orbit_counts_agree(lambda: model_class(**params), [("rms",)]) == counts


@pytest.mark.parametrize("rms, states, orbits, depth", [
    (1, 12, 12, 4), (2, 56, 34, 7), (3, 288, 80, 10), (4, 1_568, 166, 13),
    (5, 8_832, 314, 16)])
def test_a_users_model_on_a_message_set_has_tlc_s_counts_for_two_phase_tla(
        tmp_path, rms, states, orbits, depth):
    # TLC 2.15 on TwoPhase.tla (tlaplus/Examples, transaction_commit), RM of
    # `rms` elements, with and without SYMMETRY Permutations(RM), reported
    # these counts (its depth is one more). With `network: set` the user's
    # model keeps every message as the spec's msgs does; its Commit and
    # Abort go to each RM, all in the TM's one step, where the spec has one
    # broadcast message: a renaming of the same states.
    for symmetry, expected in ((False, states), (True, orbits)):
        spec = tmp_path / f"two-phase-set-{symmetry}.yaml"
        spec.write_text(f"model: {(USER / 'two_phase_commit.py').as_posix()}:TwoPhaseCommit\n"
                        f"params: {{rms: {rms}}}\nnetwork: set\nsymmetry: {str(symmetry).lower()}\n"
                        "deadlock: false\n")  # the protocol ends
        result = check(load_spec(spec, REGISTRY).build(), load_spec(spec, REGISTRY).config())
        assert (result.stats.distinct_states, result.stats.depth) == (expected, depth)


@pytest.mark.parametrize("rms, drops, states, depth", [
    (2, 0, 69, 7), (3, 0, 415, 10), (3, 1, 1_190, 10), (4, 1, 9_554, 13), (3, 2, 1_866, 10)])
def test_a_users_model_over_a_lossy_bag_has_tlc_s_counts(rms, drops, states, depth):
    # TLC 2.15 on TwoPhase.tla rewritten over a bag whose receipts use up
    # their message, a Drop(m) step and a budget of drops (the module is in
    # docs/tlc.md): these distinct states and depths (plus one)
    model_class = load_spec(SPEC, REGISTRY).model_class
    result = check(model_class(rms=rms, drops=drops), CheckConfig(properties=("consistent",)))
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)


def test_a_step_that_changes_nothing_keeps_a_state_from_deadlock(tmp_path):
    # On a message set every decided RM can still receive the decision, a
    # step to the same state: TLC reports no deadlock on TwoPhase.tla, and
    # neither does the checker, though the kit generates no such step.
    # Over a bag the decision is used up: all aborted, nothing is enabled.
    found = {}
    for network in ("set", "bag"):
        spec = tmp_path / f"two-phase-{network}.yaml"
        spec.write_text(f"model: {(USER / 'two_phase_commit.py').as_posix()}:TwoPhaseCommit\n"
                        f"params: {{rms: 3}}\nnetwork: {network}\n")
        loaded = load_spec(spec, REGISTRY)
        found[network] = check(loaded.build(), loaded.config())
    assert found["set"].verdict == "holds"
    assert found["set"].stats.distinct_states == 288
    deadlock = found["bag"].violation("deadlock")
    assert [str(action) for action in deadlock.trace.actions] == [
        "TMAbort(tm=0)", "RMRcvAbortMsg(rm=0, to=0)", "RMRcvAbortMsg(rm=1, to=1)",
        "RMRcvAbortMsg(rm=2, to=2)"]
    assert deadlock.reason == "no action is enabled and no bound explains why"


def test_a_users_mutant_is_an_override_and_is_caught():
    model_class = load_spec(SPEC, REGISTRY).model_class
    assert model_class.mutants == {
        "commit_early": "the TM commits once any RM prepared; breaks Consistency"}
    result = check(model_class(mutant="commit_early"), CheckConfig(properties=("consistent",)))
    violation = result.violation("consistent")
    assert violation.reason == "rm0 committed and rm1 aborted"
    assert "\n".join(map(str, violation.trace.actions)) == "\n".join([
        "RMPrepare(rm=0)",
        "RMChooseToAbort(rm=1)",
        "TMRcvPrepared(tm=0, rm=0, to=0)",
        "TMCommit(tm=0)",
        "RMRcvCommitMsg(rm=0, to=0)",
    ])


def test_a_parameter_s_type_is_its_default_s(tmp_path):
    # Bakery's `inductive` is declared Param("inductive", False, ...), no schema
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'bakery.py').as_posix()}:Bakery\n"
                    "params: {N: 2, inductive: 3}\n")
    with pytest.raises(SpecError) as error:
        load_spec(spec, REGISTRY)
    assert str(error.value) == f"{spec}:2: params.inductive: expected true or false, got 3"


# -- a plain checker.Model: EWD 840, termination detection on a ring -----------------------

EWD840 = USER / "ewd840.yaml"


def _checked(tmp_path, model: str, lines: str):
    """The result of a spec of `lines` for `model` (``file.py:Class``, a file
    of tests/models/user)."""
    return written_and_checked(tmp_path, model, lines)[2]


def _ewd840(tmp_path, lines: str):
    return _checked(tmp_path, "ewd840.py:EWD840", f"deadlock: false\n{lines}")


@pytest.mark.parametrize("nodes, states, depth", [
    (1, 6, 1), (2, 54, 5), (3, 302, 8), (4, 1_566, 11), (5, 7_742, 14)])
def test_a_plain_users_model_has_tlc_s_counts_for_ewd840(tmp_path, nodes, states, depth):
    # TLC 2.15 on EWD840.tla (tlaplus/Examples, ewd840), N = `nodes`,
    # invariants TerminationDetection and Inv: these distinct states (its
    # depth is one more)
    result = _ewd840(tmp_path, f"params: {{N: {nodes}}}\nproperties: [termination_detection, inv]\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)


def test_ewd840_detects_termination_under_fairness_to_the_token_s_actions_together():
    # The spec file's fairness, 'InitiateProbe | PassToken', is EWD840.tla's
    # WF_vars(System): TLC 2.15 reports no error for Liveness (N = 2, 3, 4)
    loaded = load_spec(EWD840, REGISTRY)
    assert loaded.fairness == (("weak", "InitiateProbe | PassToken"),)
    result = check(loaded.build(), loaded.config())
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 302


@pytest.mark.parametrize("fairness, property, verdict", [
    # as TLC 2.15 reports with N = 3: no fairness, Liveness violated; weak
    # fairness to each token action apart (WF_vars(InitiateProbe) /\ \A i :
    # WF_vars(PassToken(i))), no error; WF_vars(Next): Liveness holds, but
    # nodes may wake each other for ever, so "all inactive" does not
    ("{}", "liveness", "violated"),
    ("{weak: [InitiateProbe, 'PassToken(i=*)']}", "liveness", "holds"),
    ("{weak: ['*']}", "liveness", "holds"),
    ("{weak: ['*']}", "all_inactive", "violated"),
    # <>[]terminationDetected under WF_vars(System): violated (nodes may
    # wake each other for ever), as TLC says
    ("{weak: ['InitiateProbe | PassToken']}", "detected_for_good", "violated"),
])
def test_ewd840_s_liveness_under_other_fairness_is_tlc_s_verdict(tmp_path, fairness, property,
                                                                  verdict):
    result = _ewd840(tmp_path, f"properties: [{property}]\nfairness: {fairness}\n")
    assert result.verdict == verdict


def test_ewd840_deadlocks_once_termination_is_detected_as_tlc_reports(tmp_path):
    # TLC 2.15, PROPERTY Liveness without -deadlock: "Deadlock reached" after
    # InitiateProbe and two PassToken steps (N = 3)
    result = _checked(tmp_path, "ewd840.py:EWD840", "properties: [liveness]\n"
                      "fairness: {weak: ['InitiateProbe | PassToken']}\n")
    assert [str(a) for a in result.violation("deadlock").trace.actions] == [
        "InitiateProbe()", "PassToken(i=2)", "PassToken(i=1)"]


def test_ewd840_s_mutant_is_caught_in_tlc_s_shortest_counterexample(tmp_path):
    # TLC 2.15 with PassToken's guard made TRUE: InitiateProbe, then two
    # PassToken steps past an active white node (N = 3)
    result = _ewd840(tmp_path, "mutant: pass_while_active\nproperties: [termination_detection]\n")
    trace = result.violation("termination_detection").trace
    assert [str(a) for a in trace.actions] == [
        "InitiateProbe()", "PassToken(i=2)", "PassToken(i=1)"]
    assert trace.steps[0].state.active == (False, False, True)


# -- Peterson's algorithm, as PlusCal writes it: fair processes -------------------------------

FAIR_PROCESS = "'" + " | ".join(f"{label}(p=*)" for label in (
    "A0", "A1", "A2", "A3a", "A3b", "CS", "A4")) + "'"
EACH_LABEL = ", ".join(f"'{label}(*)'" for label in ("A0", "A1", "A2", "A3a", "A3b", "CS", "A4"))


def _peterson(tmp_path, lines: str):
    return _checked(tmp_path, "peterson.py:Peterson", lines)


@pytest.mark.parametrize("fairness, verdict", [
    # TLC 2.15 on the same algorithm in TLA+ (58 distinct states, depth 12
    # as it prints it, 117 generated): \A self : WF_vars(proc(self)) and
    # weak fairness to each label of each process, no error; WF_vars(Next),
    # both properties violated (one process spins at a3a/a3b while the
    # other goes round); no fairness, violated
    (FAIR_PROCESS, "holds"), (EACH_LABEL, "holds"), ("'*'", "violated"), ("", "violated")])
def test_peterson_s_processes_enter_under_tlc_s_fairness(tmp_path, fairness, verdict):
    result = _peterson(tmp_path, "properties: [mutual_exclusion, enters_0, enters_1]\n"
                       f"fairness: {{weak: [{fairness}]}}\n")
    assert result.verdict == verdict
    assert (result.stats.distinct_states, result.stats.depth,
            result.stats.generated_states) == (58, 11, 117)
    if verdict == "violated":
        assert {f.property.name for f in result.violations} == {"enters_0", "enters_1"}


def test_peterson_s_mutant_breaks_mutual_exclusion_in_tlc_s_trace(tmp_path):
    # TLC 2.15 with a2 setting turn to self: this behaviour, 9 steps
    result = _peterson(tmp_path, "mutant: turn_to_self\nproperties: [mutual_exclusion]\n")
    trace = result.violation("mutual_exclusion").trace
    assert [str(a) for a in trace.actions] == [
        "A0(p=0)", "A1(p=0)", "A2(p=0)", "A3a(p=0)", "A0(p=1)", "A1(p=1)", "A2(p=1)",
        "A3a(p=1)", "A3b(p=1)"]
    assert trace.final.pc == ("cs", "cs")


# -- SimpleAllocator: fairness to particular steps, strong fairness --------------------------


def _allocator(tmp_path, lines: str):
    return _checked(tmp_path, "simple_allocator.py:SimpleAllocator", lines)


@pytest.mark.parametrize("clients, resources, states, generated, depth", [
    (2, 2, 64, 199, 4), (2, 3, 512, 2_331, 4), (3, 2, 400, 1_633, 5)])
def test_simple_allocator_has_tlc_s_counts(tmp_path, clients, resources, states, generated,
                                           depth):
    # TLC 2.15 on SimpleAllocator.tla (tlaplus/Examples, allocator), invariant
    # ResourceMutex: these distinct and generated states (its depth is one more)
    result = _allocator(tmp_path, f"params: {{clients: {clients}, resources: {resources}}}\n"
                                  "properties: [resource_mutex]\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (states, generated, depth)


ALLOCATOR_FAIRNESS = {
    # SimpleAllocator: \A c : WF_vars(Return(c, alloc[c])) /\ \A c : SF_vars(\E S : Allocate(c, S))
    "SimpleAllocator": "{weak: ['Return(c=*, whole=True)'], strong: ['Allocate(c=*)']}",
    # SimpleAllocator2: WF_vars(unsat[c] = {} /\ Return(c, alloc[c])) instead
    "SimpleAllocator2": "{weak: ['Return(c=*, whole=True, satisfied=True)'], "
                        "strong: ['Allocate(c=*)']}",
    # (ours) weak fairness to allocation instead of strong
    "weak allocation": "{weak: ['Return(c=*, whole=True)', 'Allocate(c=*)']}",
}


@pytest.mark.parametrize("fairness, properties, verdict", [
    # TLC 2.15, 2 clients and 2 resources, PROPERTY ClientsWillReturn,
    # ClientsWillObtain, InfOftenSatisfied (the spec's THEOREMs and the
    # two it says do not hold)
    ("SimpleAllocator", "[returns_0, returns_1]", "holds"),
    ("SimpleAllocator", "[obtains_0_0, obtains_0_1, obtains_1_0, obtains_1_1]", "holds"),
    ("SimpleAllocator", "[satisfied_0, satisfied_1]", "holds"),
    ("SimpleAllocator2", "[returns_0, returns_1]", "holds"),
    ("SimpleAllocator2", "[obtains_0_0, obtains_0_1, obtains_1_0, obtains_1_1]", "violated"),
    ("SimpleAllocator2", "[satisfied_0, satisfied_1]", "violated"),
    ("weak allocation", "[returns_0, returns_1]", "holds"),
    ("weak allocation", "[obtains_0_0, obtains_0_1, obtains_1_0, obtains_1_1]", "violated"),
    ("weak allocation", "[satisfied_0, satisfied_1]", "violated"),
])
def test_simple_allocator_s_liveness_is_tlc_s_verdict(tmp_path, fairness, properties, verdict):
    result = _allocator(tmp_path, f"properties: {properties}\n"
                                  f"fairness: {ALLOCATOR_FAIRNESS[fairness]}\n")
    assert result.verdict == verdict


def test_simple_allocator_s_mutant_gives_tlc_s_counterexample(tmp_path):
    # TLC 2.15 with `available == Resources`: these four steps
    result = _allocator(tmp_path, "mutant: double_allocation\nproperties: [resource_mutex]\n")
    assert [str(a) for a in result.violation("resource_mutex").trace.actions] == [
        "Request(c=0, S=frozenset({0}))", "Allocate(c=0, S=frozenset({0}))",
        "Request(c=1, S=frozenset({0}))", "Allocate(c=1, S=frozenset({0}))"]


# -- mistakes: one line naming the spec file, the field and the fix ------------------------


TWO_MODELS = """
from typing import NamedTuple
from checker import Model

class Step(NamedTuple):
    pass

class Up(Model):
    actions = (Step,)
    def initial_states(self):
        return [0]
    def successors(self, state):
        if state < 2:
            yield Step(), state + 1

class Down(Up):
    def successors(self, state):
        if state > -2:
            yield Step(), state - 1
"""


def test_a_model_without_a_name_is_named_by_its_class(tmp_path):
    (tmp_path / "two.py").write_text(TWO_MODELS)
    spec = tmp_path / "spec.yaml"
    spec.write_text("model: ./two.py:Down\ndeadlock: false\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 0, result.output
    # no parameters: the name alone (it printed "spec.yaml:  {}")
    assert result.output.splitlines()[0] == f"{spec}: Down"
    assert "distinct states 3 " in result.output


@pytest.mark.parametrize("files, model, message", [
    ({}, "./nope.py:Foo",
     "model: model file ./nope.py not found (looked for {dir}/nope.py); give its path "
     "relative to the spec file, as ./my_protocol.py:ClassName"),
    ({"plain.py": "x = 1\n"}, "./plain.py:Foo",
     "model: ./plain.py has no class 'Foo'; its models: none"),
    ({"plain.py": "x = 1\n"}, "./plain.py:x",
     "model: ./plain.py:x is not a model (a subclass of checker.Model); write it with "
     "models.kit.ActorModel, or subclass checker.Model"),
    ({"plain.py": "x = 1\n"}, "./plain.py",
     "model: './plain.py' names a file but no class; write it as ./my_protocol.py:ClassName"),
    ({"two.py": TWO_MODELS}, "./two.py",
     "model: './two.py' names a file but no class; write it as ./two.py:Down or ./two.py:Up"),
    ({"broken.py": "x = 1\nimport nothing_here_at_all\n"}, "./broken.py:Foo",
     "model: importing ./broken.py failed (line 2): ModuleNotFoundError: No module named "
     "'nothing_here_at_all'; fix the model file"),
    ({"syntax.py": "def f(:\n"}, "./syntax.py:Foo",
     "model: importing ./syntax.py failed (line 1): SyntaxError: invalid syntax; "
     "fix the model file"),
])
def test_a_wrong_model_reference_is_one_line_with_the_fix(tmp_path, files, model, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"description: a user's model\nmodel: {model}\n")
    with pytest.raises(SpecError) as error:
        load_spec(spec, REGISTRY)
    expected = f"{spec}:2: " + message.format(dir=tmp_path)
    assert str(error.value) == expected
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output == f"error: {expected}\n"


def test_a_spec_reached_through_a_symbolic_link_finds_its_model_beside_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").mkdir()
    (tmp_path / "real" / "two.py").write_text(TWO_MODELS)
    (tmp_path / "real" / "spec.yaml").write_text("model: ./two.py:Down\ndeadlock: false\n")
    link = tmp_path / "linked" / "spec.yaml"
    link.symlink_to(tmp_path / "real" / "spec.yaml")
    result = CliRunner().invoke(cli, ["check", str(link)])
    assert (result.exit_code, result.output) == (
        2, f"error: {link}:1: model: model file ./two.py not found (looked for "
           f"{tmp_path}/linked/two.py); give its path relative to the spec file, as "
           "./my_protocol.py:ClassName\n")
    (tmp_path / "linked" / "two.py").symlink_to(tmp_path / "real" / "two.py")
    result = CliRunner().invoke(cli, ["check", str(link)])
    assert result.exit_code == 0, result.output
    assert "distinct states 3 " in result.output


def test_a_users_model_that_raises_or_exits_while_built_is_one_line(tmp_path):
    (tmp_path / "failing.py").write_text(
        "import sys\nfrom checker import Model\n\n\nclass Failing(Model):\n"
        "    name = 'failing'\n\n    def setup(self):\n        sys.exit(0)\n")
    (tmp_path / "exiting.py").write_text("import sys\nsys.exit(0)\n")
    for model, message in [
            ("./failing.py:Failing", f"error: {tmp_path / 'spec.yaml'}: model 'failing': "
             "building the model raised "
             f"SystemExit: 0 at {tmp_path / 'failing.py'}:9, in setup; fix "
             "the model\n"),
            ("./exiting.py:Exiting", f"error: {tmp_path / 'spec.yaml'}:1: model: importing "
             "./exiting.py failed (line 2): SystemExit: 0; fix the model file\n")]:
        (tmp_path / "spec.yaml").write_text(f"model: {model}\n")
        result = CliRunner().invoke(cli, ["check", str(tmp_path / "spec.yaml")])
        assert (result.exit_code, result.output) == (2, message)


def test_a_users_model_file_imports_the_modules_beside_it(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "plain_commit_rules.py").write_text(
        "from tests.models.user.two_phase_commit import TwoPhaseCommit\n")
    (tmp_path / "variant.py").write_text(
        "from plain_commit_rules import TwoPhaseCommit\n\n\n"
        "class Variant(TwoPhaseCommit):\n    name = 'variant'\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text("model: ./variant.py:Variant\nparams: {rms: 3, drops: 1}\n")
    result = check(load_spec(spec, REGISTRY).build())
    assert (result.verdict, result.stats.distinct_states) == ("holds", 1190)  # as the base's


# -- entry points --------------------------------------------------------------------


def entry_points_giving(*entries):
    def entry_points(group=None, **_):
        assert group == "cmc.models"
        return [importlib.metadata.EntryPoint(name, value, "cmc.models")
                for name, value in entries]
    return entry_points


def test_an_installed_package_registers_a_model_by_entry_point(tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points_giving(
        ("two-phase", "tests.models.user.two_phase_commit:TwoPhaseCommit")))
    spec = tmp_path / "spec.yaml"
    spec.write_text("model: two-phase\nparams: {rms: 2, drops: 0}\n")
    loaded = load_spec(spec, REGISTRY)
    assert loaded.model_class.__module__ == "tests.models.user.two_phase_commit"
    assert check(loaded.build()).stats.distinct_states == 69
    # a bundled model keeps its name; an unknown name lists the bundled ones
    spec.write_text("model: paxoss\n")
    with pytest.raises(SpecError) as error:
        load_spec(spec, REGISTRY)
    assert str(error.value).startswith(f"{spec}:1: model: unknown model 'paxoss'")


def test_an_entry_point_that_fails_to_load_says_which_package_to_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points_giving(
        ("two-phase", "no_such_package.protocols:TwoPhaseCommit")))
    spec = tmp_path / "spec.yaml"
    spec.write_text("model: two-phase\n")
    with pytest.raises(SpecError) as error:
        load_spec(spec, REGISTRY)
    assert str(error.value) == (
        f"{spec}:1: model: the cmc.models entry point 'two-phase' "
        "(no_such_package.protocols:TwoPhaseCommit) failed to load: ModuleNotFoundError: "
        "No module named 'no_such_package'; fix or reinstall the package that provides it")


def test_a_users_model_is_shared_between_processes(monkeypatch):
    # its states are pickled from process to process: their classes must be
    # found by name (before, every partitioned run of it started again in one)
    from checker import partition_exchange
    from tests.checker.test_workers import tiny_chunks

    failures = []

    class Failed(partition_exchange.Failed):
        def __init__(self, message, died):
            failures.append(message)
            super().__init__(message, died)

    monkeypatch.setattr(partition_exchange, "Failed", Failed)
    spec = load_spec(SPEC, REGISTRY)
    with tiny_chunks(16):
        one = check(spec.build(), spec.config())
        two = check(spec.build(), spec.config(workers=2))
    assert failures == [] and two.stats.workers == 2
    assert two.stats.distinct_states == one.stats.distinct_states == 1190
