"""A user's kit model of a published spec it was not written against:
tests/models/user/german.py, after GermanData.tla of the TLA+ examples
(specifications/GermanProtocol: German's cache-coherence protocol, Markus
Kuppe's translation of Chou, Mannava and Park's Murphi model), compared
figure by figure with TLC 2.15, one worker, breadth-first.

TLC ran GermanData.tla and GermanControl.tla as published (tlaplus/Examples
475781d) with MCGermanData.tla (``Symmetry == Permutations(NODE) \\union
Permutations(DATA)``) and MCGermanData.cfg: INVARIANT TypeOK Coherence
DataProp TransactionConsistency DirectoryAccurate ExclusiveIsolation
WritebackCarriesLatest, PROPERTY Refinement, deadlock checked; and the same
cfg at other NODE and DATA, with and without the SYMMETRY; and
GermanControl.tla, the protocol without data, whose counts are those of one
data value. Each mutant is GermanData.tla with the one conjunct the mutant
changes, its invariant (or Refinement) checked alone, deadlock not, so that
TLC's counterexample is a shortest one. TLC prints a depth one more than ours, and a trace of one
state more than our steps.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.spec_runs import written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "german.yaml"


def _checked(tmp_path, lines: str, keep_going: bool = False):
    _, model, result = written_and_checked(tmp_path, "german.py:German", lines, keep_going)
    return result, model


def _mutant(tmp_path, mutant: str, prop: str):
    """The shortest violation of `prop` by `mutant`, at MCGermanData's
    bounds without symmetry, and the model."""
    result, model = _checked(tmp_path, "params: {nodes: 2, data: 2}\nsymmetry: false\n"
                             f"mutant: {mutant}\nproperties: [{prop}]\n")
    return result.violation(prop), model


def _actions(violation) -> list[str]:
    return [str(action) for action in violation.trace.actions]


def test_the_spec_file_is_mcgermandata_cfg():
    # MCGermanData.cfg: TLC 2.15, no error, 852 distinct states, depth 19
    # (the manifest's figures)
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    loaded = load_spec(SPEC, REGISTRY)
    assert (loaded.expect.distinct_states, loaded.expect.depth) == (852, 18)


@pytest.mark.parametrize("nodes, data, symmetry, distinct, depth", [
    # TLC 2.15, MCGermanData.cfg's invariants and Refinement at these NODE
    # and DATA: no error, these distinct states, depth one more
    (1, 2, False, 188, 10),
    (2, 1, False, 1_461, 18),
    (2, 1, True, 735, 18),
    (2, 2, False, 3_390, 18),
    (2, 2, True, 852, 18),
    pytest.param(2, 3, False, 5_787, 18, marks=pytest.mark.slow),
    (2, 3, True, 852, 18),
    (3, 2, True, 5_235, 26),
    pytest.param(3, 1, False, 27_513, 26, marks=pytest.mark.slow),
    pytest.param(3, 2, False, 58_104, 26, marks=pytest.mark.slow),
    pytest.param(3, 3, True, 5_235, 26, marks=pytest.mark.slow),
    # TLC: 16 s; ours 14 s
    pytest.param(3, 3, False, 91_773, 26, marks=pytest.mark.slow),
    pytest.param(4, 1, True, 27_554, 34, marks=pytest.mark.slow),
])
def test_german_has_tlc_s_counts_and_verdicts(tmp_path, nodes, data, symmetry, distinct, depth):
    result, _ = _checked(tmp_path, f"params: {{nodes: {nodes}, data: {data}}}\n"
                         f"symmetry: {str(symmetry).lower()}\n")
    assert result.verdict == "holds"
    assert [p.name for p in result.properties] == [
        "type_ok", "coherence", "data_prop", "transaction_consistency", "directory_accurate",
        "exclusive_isolation", "writeback_carries_latest", "refines_control"]
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth)


@pytest.mark.parametrize("nodes, symmetry, distinct, generated, depth", [
    # TLC 2.15, GermanControl.tla (the protocol without data; its cfg,
    # MCGermanControl.cfg, is NODE = {n1, n2} under SYMMETRY, 735 states in
    # the manifest), INVARIANT TypeOK Coherence: no error, these distinct
    # and generated states (none changes nothing: it has no Store)
    (2, False, 1_461, 3_865, 18),
    (2, True, 735, 1_946, 18),
    pytest.param(3, False, 27_513, 109_729, 26, marks=pytest.mark.slow),
    pytest.param(4, True, 27_554, 147_357, 34, marks=pytest.mark.slow),
])
def test_one_data_value_is_german_control(tmp_path, nodes, symmetry, distinct, generated,
                                           depth):
    result, _ = _checked(tmp_path, f"params: {{nodes: {nodes}, data: 1}}\n"
                         f"symmetry: {str(symmetry).lower()}\n"
                         "properties: [type_ok, coherence]\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)


def test_each_action_takes_as_many_steps_as_in_tlc(tmp_path):
    # TLC 2.15 -coverage, MCGermanData.cfg without SYMMETRY: each action's
    # steps; TLC's 1,296 Stores are ours and as many that store the value
    # held, which change nothing and which the kit does not generate (so
    # TLC's 9,914 generated are our 9,266 and 648). RecvInvAck reaches no
    # state first in either: each is reached as soon by another way.
    result, _ = _checked(tmp_path, "params: {nodes: 2, data: 2}\nsymmetry: false\n")
    assert dict(result.stats.actions) == {
        "Store": 648, "SendReq": 3_372, "SendInvAck": 708, "RecvGnt": 1_956, "RecvReq": 840,
        "SendInv": 708, "RecvInvAck": 708, "SendGnt": 324}
    assert result.stats.generated_states == 9_914 - 648
    assert result.stats.new_states["RecvInvAck"] == 0


# -- mutants: each property broken by one handler, TLC's counterexample as long -----------


def test_an_exclusive_grant_to_sharers_breaks_coherence(tmp_path):
    # TLC 2.15, SendGnt without "curCmd = ReqE => shrSet = {}": Coherence
    # violated by a trace of 9 states
    violation, model = _mutant(tmp_path, "exclusive_to_sharers", "coherence")
    assert _actions(violation) == [
        "SendReq(cache=n1, cmd=ReqS)", "SendReq(cache=n2, cmd=ReqE)",
        "RecvReq(n1→home0, cmd=ReqS)", "SendGnt(home=home0, cache=n1)",
        "RecvGnt(home0→n1, cmd=GntS, data=d1)", "RecvReq(n2→home0, cmd=ReqE)",
        "SendGnt(home=home0, cache=n2)", "RecvGnt(home0→n2, cmd=GntE, data=d1)"]
    assert violation.reason == "n1 holds S and n2 holds E"
    home = model.home(violation.trace.final)
    assert (home.shr_set, home.ex_gntd) == ({0, 1}, True)


def test_no_writeback_breaks_data_prop(tmp_path):
    # TLC 2.15, RecvInvAck's memData' = memData: DataProp violated by a
    # trace of 11 states
    violation, model = _mutant(tmp_path, "no_writeback", "data_prop")
    assert len(violation.trace.actions) == 10
    assert violation.reason == "memData is d1, the latest d2, and no exclusive grant"
    state = violation.trace.final
    assert [c.state for c in model.caches(state)] == ["I", "I"]
    assert (model.home(state).mem_data, model.globals_of(state).aux_data) == (0, 1)


def test_a_grant_that_keeps_its_pointer_breaks_transaction_consistency(tmp_path):
    # TLC 2.15, SendGnt's curPtr' = curPtr: TransactionConsistency violated
    # by a trace of 4 states
    violation, model = _mutant(tmp_path, "grant_keeps_pointer", "transaction_consistency")
    assert _actions(violation) == ["SendReq(cache=n1, cmd=ReqS)",
                                   "RecvReq(n1→home0, cmd=ReqS)",
                                   "SendGnt(home=home0, cache=n1)"]
    assert violation.reason == "curCmd is Empty and curPtr n1"
    assert model.commands(violation.trace.final)[1] == ["GntS", "Empty"]


def test_an_unrecorded_grant_breaks_directory_accurate(tmp_path):
    # TLC 2.15, SendGnt's shrSet' = shrSet: DirectoryAccurate violated by a
    # trace of 5 states
    violation, model = _mutant(tmp_path, "grant_unrecorded", "directory_accurate")
    assert _actions(violation)[-1] == "RecvGnt(home0→n1, cmd=GntS, data=d1)"
    assert len(violation.trace.actions) == 4
    assert violation.reason == "n1 holds S and is not in shrSet"
    assert model.home(violation.trace.final).shr_set == frozenset()


def test_an_ack_that_keeps_the_copy_breaks_exclusive_isolation(tmp_path):
    # TLC 2.15, SendInvAck's cache' = cache: ExclusiveIsolation violated by
    # a trace of 10 states
    violation, model = _mutant(tmp_path, "ack_keeps_copy", "exclusive_isolation")
    assert len(violation.trace.actions) == 9
    assert _actions(violation)[-2:] == ["SendInvAck(home0→n2)",
                                        "RecvInvAck(n2→home0, data=d1)"]
    assert violation.reason == "n2 holds E and exGntd is FALSE"
    state = violation.trace.final
    assert model.caches(state)[1].state == "E" and not model.home(state).ex_gntd


def test_an_ack_without_data_breaks_writeback_carries_latest(tmp_path):
    # TLC 2.15, SendInvAck's chan3 data NoData: WritebackCarriesLatest
    # violated by a trace of 9 states
    violation, model = _mutant(tmp_path, "ack_without_data", "writeback_carries_latest")
    assert len(violation.trace.actions) == 8
    assert violation.reason == "n2 writes back NoData, the latest d1"
    state = violation.trace.final
    acks = model.channels(state)[2]
    # chan3[n2] holds InvAck(n2→home0, data=NoData), chan3[n1] nothing
    assert [[tuple(m) for m in held] for held in acks] == [[], [(1, 0, None)]]
    assert (model.home(state).ex_gntd, model.home(state).cur_cmd) == (True, "ReqS")


def test_writing_back_a_shared_copy_breaks_type_ok(tmp_path):
    # TLC 2.15, RecvInvAck without its IF (every ack ends the grant and is
    # written back): TypeOK violated by a trace of 10 states
    violation, model = _mutant(tmp_path, "writeback_shared", "type_ok")
    assert len(violation.trace.actions) == 9
    assert _actions(violation)[-1] == "RecvInvAck(n1→home0, data=none)"
    assert violation.reason == "memData is NoData, not in DATA"
    assert model.home(violation.trace.final).mem_data is None


def test_a_store_that_downgrades_breaks_the_refinement(tmp_path):
    # TLC 2.15, Store's cache' also ![i].state = "S": the action property of
    # GermanControl's Spec violated by a trace of 6 states
    violation, model = _mutant(tmp_path, "store_downgrades", "refines_control")
    assert _actions(violation) == ["SendReq(cache=n1, cmd=ReqE)",
                                   "RecvReq(n1→home0, cmd=ReqE)",
                                   "SendGnt(home=home0, cache=n1)",
                                   "RecvGnt(home0→n1, cmd=GntE, data=d1)",
                                   "Store(cache=n1, d=d1)"]
    assert violation.reason == "Store changed the control state"
    assert model.caches(violation.trace.final)[0].state == "S"


def test_a_request_on_a_full_channel_waits(tmp_path):
    # No TLC counterpart: in the spec a channel holds one command, and
    # SendReq without its guard overwrites it. Here chan1 is a channel of
    # capacity one (Fifo(capacity=1)): the send blocks while it is full, so
    # the mutant, SendReq without the guard, is the model (in the bag the
    # port first used, the second request joined the first, TypeOK caught it)
    result, model = _checked(tmp_path, "params: {nodes: 2, data: 2}\nsymmetry: false\n"
                             "mutant: request_on_full_channel\nproperties: [type_ok]\n")
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) \
        == ("holds", 3_390, 18)
    (start, *_) = model.initial_states()
    asked = dict(model.successors(start))
    requested = next(state for action, state in asked.items()
                     if str(action) == "SendReq(cache=n1, cmd=ReqS)")
    assert model.state_view(requested)["channels"] == [
        "n1→home0/chan1: Req(n1→home0, cmd=ReqS)"]
    # n1's chan1 is full: no second request from n1, n2's first still
    assert sorted(str(action) for action, _ in model.successors(requested)
                  if str(action).startswith("SendReq")) == [
        "SendReq(cache=n2, cmd=ReqE)", "SendReq(cache=n2, cmd=ReqS)"]


# -- liveness: FairSpec's three leads-to properties, which no cfg checks --------------------

LIVENESS = ("properties: [request_eventually_served, shared_request_eventually_granted, "
            "exclusive_request_eventually_granted]\n")
WEAK = ('["SendInv(cache=*)", "SendInvAck(cache=*)", "RecvInvAck(cache=*)", "SendGnt(cache=*)", '
        '"RecvGnt(cache=*)"')


def test_the_fair_spec_file_is_fairspec():
    # TLC 2.15, SPECIFICATION FairSpec, the three properties, NODE = {n1,
    # n2}, DATA = {d1, d2}: no error, 3,390 distinct states
    result = CliRunner().invoke(cli, ["check", str(USER / "german_fair.yaml")])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert result.output.count("): holds") == 3


@pytest.mark.parametrize("nodes, data, distinct", [
    # TLC 2.15, FairSpec: no error, these distinct states
    (2, 1, 1_461),
    pytest.param(3, 1, 27_513, marks=pytest.mark.slow),
])
def test_every_request_is_served_under_fair_spec(tmp_path, nodes, data, distinct):
    result, _ = _checked(tmp_path, f"params: {{nodes: {nodes}, data: {data}}}\n"
                         "symmetry: false\n" + LIVENESS
                         + f'fairness: {{strong: ["RecvReq(cache=*)"], weak: {WEAK}]}}\n',
                         keep_going=True)
    assert result.verdict == "holds"
    assert result.stats.distinct_states == distinct


def test_a_request_starves_with_recv_req_only_weakly_fair(tmp_path):
    # TLC 2.15, FairSpec with WF_vars(RecvReq(i)) for SF_vars: each of the
    # three violated, NODE = {n1, n2}, DATA = {d1}, by a lasso of 4 steps
    # and a loop of 14 (TLC's is no shortest); ours: n1's ReqS waits while
    # n2 asks for, is granted and gives up an exclusive copy again and again
    result, _ = _checked(tmp_path, "params: {nodes: 2, data: 1}\nsymmetry: false\n" + LIVENESS
                         + f'fairness: {{weak: ["RecvReq(cache=*)", {WEAK[1:]}]}}\n',
                         keep_going=True)
    assert result.verdict == "violated"
    for name in ("request_eventually_served", "shared_request_eventually_granted",
                 "exclusive_request_eventually_granted"):
        violation = result.violation(name)
        assert (violation.stem_length, violation.loop_length) == (3, 7)
        assert "for cache n1" in violation.reason
    violation = result.violation("request_eventually_served")
    assert [str(a) for a in violation.trace.actions][:3] == [
        "SendReq(cache=n1, cmd=ReqS)", "SendReq(cache=n2, cmd=ReqE)",
        "RecvReq(n2→home0, cmd=ReqE)"]
