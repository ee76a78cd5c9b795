"""A spec's temporal properties (`temporal:`, TLC's PROPERTY): each of the
four forms checked as the same property written in the model's code is,
under the spec's fairness (the same verdict, lasso and trace); checked
whatever `properties:` lists; named by `expect:`; shown by `cmc show`;
one-line errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import check
from checker.properties import always_eventually, eventually, eventually_always, leads_to
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY

DUELING = ('model: paxos-liveness\n'
           'params: {acceptors: 2, proposers: 2, retry: 1}\n'
           'fairness: {weak: [Propose, "DeliverRequest(*)", "DeliverReply(*)"]}\n'
           'deadlock: false\n')
SINGLE = ('model: paxos-liveness\n'
          'params: {acceptors: 3, proposers: 1, retry: 1}\n'
          'fairness: {weak: [Propose, Retry, "DeliverRequest(*)", "DeliverReply(*)"]}\n'
          'deadlock: false\n')
CHOSEN, STARTED, QUIET = ("len(view['chosen']) > 0", "view['p0.phase'] != 'idle'",
                          "len(view['network']) == 0")
FORMS = {
    "eventually": f'{{eventually: "{CHOSEN}"}}',
    "leads_to": f'{{leads_to: ["{STARTED}", "{CHOSEN}"]}}',
    "always_eventually": f'{{always_eventually: "{QUIET}"}}',
    "eventually_always": f'{{eventually_always: "{CHOSEN}"}}',
}


class Written(REGISTRY["paxos-liveness"]):
    """The same properties in the model's code (titled as a spec's are:
    from the name)."""

    @eventually("Eventually")
    def eventually(self, state):
        return len(self.state_view(state)["chosen"]) > 0

    @leads_to("Leads to")
    def leads_to(self, state):
        view = self.state_view(state)
        return view["p0.phase"] != "idle", len(view["chosen"]) > 0

    @always_eventually("Always eventually")
    def always_eventually(self, state):
        return len(self.state_view(state)["network"]) == 0

    @eventually_always("Eventually always")
    def eventually_always(self, state):
        return len(self.state_view(state)["chosen"]) > 0


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    return str(path)


def lasso(result, name):
    found = result.violation(name)
    return (found.property.kind, len(found.trace), found.loop_start, found.reason,
            [(str(step.action), step.state) for step in found.trace.steps])


@pytest.fixture(scope="module")
def dueling(tmp_path_factory):
    """The four forms, from a spec and from the model's code, checked on the
    dueling proposers (one run each, every property's lasso)."""
    path = write(tmp_path_factory.mktemp("dueling"), DUELING + "properties: [agreement]\n"
                 "temporal:\n" + "".join(f"  {kind}: {form}\n" for kind, form in FORMS.items()))
    spec = load_spec(path, REGISTRY)
    config = dataclasses.replace(spec.config(), keep_going=True)
    in_code = check(Written(acceptors=2, proposers=2, retry=1),
                    dataclasses.replace(config, properties=("agreement", *FORMS)))
    return check(spec.build(), config), in_code


@pytest.mark.parametrize("kind", FORMS)
def test_each_form_is_the_property_written_in_the_models_code(dueling, kind):
    from_spec, in_code = dueling
    assert lasso(from_spec, kind) == lasso(in_code, kind)
    # the dueling proposers' livelock: a stem of 4 steps, a loop of 6
    assert (from_spec.verdict, from_spec.stats.distinct_states,
            from_spec.violation(kind).loop_start, len(from_spec.violation(kind).trace)) == (
        "violated", 4549, 4, 10)


@pytest.mark.parametrize("kind", FORMS)
def test_with_one_distinguished_proposer_each_holds_and_without_fairness_not(tmp_path, kind):
    text = SINGLE + f"temporal:\n  {kind}: {FORMS[kind]}\n"
    spec = load_spec(write(tmp_path, text), REGISTRY)
    result = check(spec.build(), spec.config())
    assert (result.verdict, result.stats.distinct_states) == ("holds", 57)
    unfair = load_spec(write(tmp_path, text.replace("fairness:", "# fairness:")), REGISTRY)
    assert check(unfair.build(), unfair.config()).verdict == "violated"


def test_checked_whatever_properties_lists_and_named_by_expect(tmp_path):
    path = write(tmp_path, DUELING + "properties: [agreement]\ntemporal:\n"
                                     f"  decided: {FORMS['eventually']}\n"
                                     "expect: {verdict: violated, property: decided, "
                                     "stem_length: 4, loop_length: 6}\n")
    assert load_spec(path, REGISTRY).config().properties == ("agreement", "decided")
    result = CliRunner().invoke(cli, ["check", path])
    assert result.exit_code == 0, result.output
    assert ("  Decided (decided): violated by a lasso: a stem of 4 steps, then a loop of 6 "
            "steps for ever: a fair behaviour never reaches Decided") in result.output.splitlines()
    shown = CliRunner().invoke(cli, ["show", path]).output
    assert "temporal:\n  decided:\n    eventually: len(view['chosen']) > 0\n" in shown


@pytest.mark.parametrize("form, message", [
    ('{a: {eventual: "True"}}', "temporal.a.eventual: unknown field 'eventual' (did you mean "
                                "'eventually'?); accepted: always_eventually, eventually, "
                                "eventually_always, leads_to, once_always"),
    ('{a: {leads_to: ["True"]}}', "temporal.a.leads_to: expected two expressions in quotes, "
                                  "[P, Q]: whenever P, later Q, got a list"),
    ('{a: {eventually: "True", always_eventually: "True"}}',
     'temporal.a: expected one of {eventually: "P"}, {leads_to: ["P", "Q"]}, '
     '{always_eventually: "P"}, {eventually_always: "P"}, {once_always: ["P", "Q"]}, P and Q '
     'expressions in quotes, got a mapping'),
    ('{a: {eventually: "view["}}', "temporal.a.eventually: not a Python expression ('[' was "
                                   "never closed at column 5); write a boolean expression over "
                                   "the state (see docs/writing-a-model.md)"),
    ('{termination: {eventually: "True"}}', "temporal.termination: paxos-liveness already has "
                                            "a property 'termination'; give the temporal "
                                            "property another name"),
    ('{a: {leads_to: ["True", "nope > 1"]}}',
     "temporal.a.leads_to[1]: unknown name 'nope'; the names are params, view and the "
     "functions abs, all, any, enumerate, frozenset, len, list, max, min, range, set, sorted, sum, tuple, zip"),
    ('{a: {eventually: 3}}', "temporal.a.eventually: expected an expression in quotes, got 3"),
    # a name of the model's own (a method): it would replace it
    ('{successors: {eventually: "True"}}', "temporal.successors: paxos-liveness uses the name "
                                           "'successors' itself (a method or attribute of the "
                                           "model); give the temporal property another name"),
])
def test_a_bad_temporal_property_is_a_one_line_error(tmp_path, form, message):
    path = write(tmp_path, SINGLE + f"temporal: {form}\n")
    result = CliRunner().invoke(cli, ["check", path])
    assert (result.exit_code, result.output) == (2, f"error: {path}:5: {message}\n")


def test_a_finite_replay_leaves_the_temporal_properties_out(tmp_path):
    # the spec's own (temporal:) and the model's named in properties:
    path = write(tmp_path, DUELING + f"properties: [agreement, termination]\ntemporal:\n"
                                     f"  decided: {FORMS['eventually']}\n")
    run = tmp_path / "run.yaml"
    run.write_text("- Propose(p=0)\n")
    result = CliRunner().invoke(cli, ["check", path, "--replay", str(run)])
    assert result.exit_code == 0, result.output
    assert (f"note: {path}: the run replayed is a finite one, not a lasso; the temporal "
            "properties (termination, decided) are left out") in result.output
    assert "Agreement (agreement): not settled" in result.output


def test_a_simulation_judges_the_specs_temporal_properties_and_the_models(tmp_path):
    path = write(tmp_path, DUELING + f"properties: [agreement, termination]\ntemporal:\n"
                                     f"  decided: {FORMS['eventually']}\n")
    result = CliRunner().invoke(cli, ["check", path, "--simulate", "--behaviours", "3",
                                      "--seed", "1"])
    assert result.exit_code == 1
    lasso = "a stem of 12 steps, then a loop of 11 steps for ever: a fair behaviour never reaches"
    assert [line for line in result.output.splitlines() if line.startswith("  ")
            and "): " in line and "=" not in line and "→" not in line] == [
        "  Agreement (agreement): not settled: a simulation draws behaviours at random: what "
        "none of them broke is not proven to hold",
        f"  Termination (termination): violated by a lasso: {lasso} Termination",
        f"  Decided (decided): violated by a lasso: {lasso} Decided"]
