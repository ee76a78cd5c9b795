"""One way to print an action (`checker.model.action_text`): a plain
model's actions, plain named tuples, print as a kit model's records do,
None as ``none`` (``E2(p=1, i=none)``), in every report, the explorer, a
replay's and a log's messages and fairness's; a type that writes its own
text keeps it. A run, a log or a fairness family written with ``i=None``,
as reports printed it before, is still read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from checker import CheckConfig, Model, check
from checker.errors import SpecError
from checker.fairness import Fairness, member_matches, parse_family
from checker.model import action_text
from checker.replay import Script, replay
from checker.spec import load_spec
from checker.validation import Log, explain
from cmc.main import cli
from models import REGISTRY
from models.kit.records import ids, name_values, show
from models.paxos import Msg1b

BAKERY = Path(__file__).parents[1] / "models" / "user" / "bakery.py"

#: the bakery's counterexample with w1's flag wait left out (the text report's)
BAKERY_RUN = (
    "Ncs(p=1)", "E1(p=1, again=False)", "E2(p=1, i=2)", "E2(p=1, i=none)",
    "Ncs(p=2)", "E1(p=2, again=False)", "E2(p=2, i=1)",
    "E3(p=1, k=2, again=False)", "E4(p=1, again=False)", "W1(p=1, i=2)", "W2(p=1)",
    "W1(p=1, i=none)",
    "E2(p=2, i=none)", "E3(p=2, k=1, again=False)", "E4(p=2, again=False)",
    "W1(p=2, i=1)", "W2(p=2)", "W1(p=2, i=none)")
#: the same run as reports printed it before
BAKERY_RUN_BEFORE = tuple(step.replace("=none", "=None") for step in BAKERY_RUN)


class Msg(NamedTuple):
    value: int | None


class Deliver(NamedTuple):
    node: int
    m: Msg


class Said(NamedTuple):
    who: str

    def __str__(self) -> str:
        return f"{self.who} said so"


class Quoted(NamedTuple):
    value: int | None

    def __repr__(self) -> str:
        return f"<{self.value}>"


Server = ids("action-text-servers", "s", first=1, named=True)


class Timeout(NamedTuple):
    i: Server
    term: int | None


name_values(Timeout)


def _bakery():
    model_class = load_spec(BAKERY.with_suffix(".yaml"), REGISTRY).model_class
    return model_class(N=2, MaxNat=2, mutant="skip_flag_wait")


def _spec(tmp_path: Path) -> Path:
    spec = tmp_path / "bakery-mutant.yaml"
    spec.write_text(f"model: {BAKERY}:Bakery\nparams: {{N: 2, MaxNat: 2}}\n"
                    "mutant: skip_flag_wait\nproperties: [mutual_exclusion]\n")
    return spec


def test_a_plain_named_tuple_prints_none_as_a_kit_record_does():
    assert action_text(Msg(None)) == "Msg(value=none)"
    assert action_text(Msg(3)) == "Msg(value=3)"
    assert str(Msg(None)) == "Msg(value=None)"  # (its type is left as it is)
    # a record within one likewise; a string as its repr, as the kit's plain records print it
    assert action_text(Deliver(0, Msg(None))) == "Deliver(node=0, m=Msg(value=none))"
    assert action_text(Said("a")) == "a said so"
    assert action_text(Quoted(None)) == "<None>"
    assert action_text(Deliver(1, Quoted(None))) == "Deliver(node=1, m=<None>)"
    # an action that is no named tuple prints as it prints
    assert action_text("go") == "go"
    assert action_text((1, None)) == "(1, None)"


def test_a_kit_record_prints_as_the_kit_prints_it():
    assert action_text(Timeout(0, None)) == show(Timeout(0, None)) == "Timeout(i=s1, term=none)"
    # nothing named: the kit's text of such a record is the plain one
    assert action_text(Msg1b(acc=0, bal=0, mbal=-1, mval=None)) == (
        "Msg1b(acc=0, bal=0, mbal=-1, mval=none)")


def test_the_bakery_s_counterexample_prints_none_in_every_report():
    from reports.graph import trace_graph, write_graph
    from reports.html import render_html
    from reports.json import finding_document
    from reports.run import Checked
    from reports.summary import render_summary
    from reports.text import render_finding

    model = _bakery()
    result = check(model, CheckConfig(properties=("mutual_exclusion",)))
    (found,) = result.violations
    assert tuple(map(action_text, found.trace.actions)) == BAKERY_RUN
    text = "\n".join(render_finding(model, found))
    assert "\n   4  E2(p=1, i=none)\n        p1.pc: e2 → e3\n" in text and "None" not in text
    document = finding_document(model, found)
    # the text changes; the fields for a script stay JSON's null
    assert document["trace"][4]["action"] == {
        "name": "E2", "args": {"p": 1, "i": None}, "text": "E2(p=1, i=none)"}
    assert '"i": null' in json.dumps(document) and "i=None" not in json.dumps(document)
    checked = Checked("bakery-mutant.yaml", model, result, None)
    html = render_html(checked)
    assert '<div class="action">E2(p=1, i=none)</div>' in html and "i=None" not in html
    summary = render_summary([checked])
    assert "    Note over bakery: 4 · E2(p=1, i=none)\n" in summary and "None" not in summary
    dot = write_graph(trace_graph(model, found.trace), "dot")
    assert 'label="E2(p=1, i=none)"' in dot and "i=None" not in dot


@pytest.mark.parametrize("run", [BAKERY_RUN, BAKERY_RUN_BEFORE], ids=["now", "before"])
def test_a_run_written_as_printed_now_or_before_is_taken_again(run):
    result = replay(_bakery(), CheckConfig(properties=("mutual_exclusion",)), Script("run", run))
    assert (result.verdict, result.stats.replayed.taken) == ("violated", 18)
    assert result.stats.replayed.left is None
    assert tuple(map(action_text, result.violation("mutual_exclusion").trace.actions)) == (
        BAKERY_RUN)


def test_a_step_that_is_none_lists_the_steps_there_as_reports_print_them():
    run = ("Ncs(p=1)", "E1(p=1, again=False)", "E2(p=1, i=2)", "E2(p=1, i=1)")
    result = replay(_bakery(), CheckConfig(properties=("mutual_exclusion",)), Script("run", run))
    assert result.stats.replayed.left == (
        "step 4, E2(p=1, i=1), is not a step of the model from step 3's state; its steps "
        "there: E2(p=1, i=none), Ncs(p=2); closest: E2(p=1, i=none), yours differs at i=1")


@pytest.mark.parametrize("last", ["E2(p=1, i=none)", "E2(p=1, i=None)"])
def test_a_log_s_event_written_as_printed_now_or_before_is_explained(last):
    events = ("Ncs(p=1)", "E1(p=1, again=False)", "E2(p=1, i=2)", last)
    log = Log("log.yaml", tuple((event, {}) for event in events), (), None)
    actions, _, left, _ = explain(_bakery(), log)
    assert (actions, left) == (BAKERY_RUN[:4], None)


def test_a_log_s_event_that_is_no_step_lists_the_steps_as_reports_print_them():
    events = ("Ncs(p=1)", "E1(p=1, again=False)", "E2(p=1, i=2)", "W1(p=1, i=None)")
    log = Log("log.yaml", tuple((event, {}) for event in events), (), None)
    actions, _, left, headline = explain(_bakery(), log)
    assert actions == BAKERY_RUN[:3]
    assert left == (
        "event 4, W1(p=1, i=None), is no step of the model from the one state that explains "
        "events 1-3; the run shown explains events 1-3, and its last state's steps are: "
        "E2(p=1, i=none), Ncs(p=2)")
    assert headline == "event 4, W1(p=1, i=None), is no step of the model"


class Hand(NamedTuple):
    """Hand the token to `to`, or let it go (``to`` None)."""

    to: int | None


class Token(Model):
    """A token between two nodes, held or let go: a plain model."""

    name = "action-text-token"
    actions = (Hand,)

    def initial_states(self):
        return [0]

    def successors(self, holder):
        if holder is not None:
            yield Hand(None), None
            yield Hand(1 - holder), 1 - holder


@pytest.mark.parametrize("family", ["Hand(to=none)", "Hand(to=None)", "Hand(to = none)"])
def test_a_fairness_family_written_as_printed_now_or_before_matches(family):
    (member,) = parse_family(Token, family)
    assert (member_matches(member, Hand(None)), member_matches(member, Hand(1))) == (True, False)


def test_fairness_names_a_step_as_reports_print_it():
    fairness = Fairness(Token(), (("weak", "Hand(to=*)"),))
    for action in (Hand(None), Hand(1)):
        fairness.mask(action)
    assert fairness.labels == ["weak fairness to Hand(to=none)", "weak fairness to Hand(to=1)"]
    misspelt = Fairness(Token(), (("weak", "Hand(to=7)"),))
    for action in (Hand(None), Hand(1)):
        misspelt.mask(action)
    with pytest.raises(SpecError) as refused:
        misspelt.refuse_unmatched()
    assert str(refused.value) == (
        "<spec>: fairness.weak[0]: Hand(to=7) is no step of the reachable states; give values "
        "as the steps print them (Hand(to=none)), or the action name alone")


def test_cmc_explore_walks_a_run_written_as_printed_before(tmp_path):
    spec = _spec(tmp_path)
    run = tmp_path / "run.yaml"
    run.write_text("".join(f'- "{step}"\n' for step in BAKERY_RUN_BEFORE))
    result = CliRunner().invoke(cli, ["explore", str(spec), "--run", str(run)])
    assert result.exit_code == 0, result.output
    assert f"the run ({run}): all 18 steps taken\n" in result.output
    assert "\n   4  E2(p=1, i=none)\n        p1.pc: e2 → e3\n" in result.output
    assert "None" not in result.output


def test_cmc_explore_lists_the_steps_from_a_place_as_reports_print_them(tmp_path):
    result = CliRunner().invoke(cli, ["explore", str(_spec(tmp_path)), "--at", "0/0/1/0"])
    assert result.exit_code == 0, result.output
    assert "steps from here (2):\n  0  E2(p=1, i=none)\n       p1.pc: e2 → e3\n" in result.output
    json_place = CliRunner().invoke(
        cli, ["explore", str(_spec(tmp_path)), "--at", "0/0/1/0", "--format", "json"])
    assert json_place.exit_code == 0, json_place.output
    place = json.loads(json_place.output)
    assert [step["action"] for step in place["steps"]] == ["E2(p=1, i=none)", "Ncs(p=2)"]
    assert [step["action"] for step in place["run"]] == [None, *BAKERY_RUN[:3]]
