"""Fairness to steps chosen by a field of the record an action holds
(``Deliver(m.client=c0)``): a step that receives a whole message names it
in one field, and a user wants fairness per client, not per message (the
primary-backup trial's ``ReceiveReply(m: Reply)``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import NamedTuple

import pytest

import checker
from checker import CheckConfig, Model


class Msg(NamedTuple):
    client: int
    seq: int


class Deliver(NamedTuple):
    m: Msg


class Idle(NamedTuple):
    pass


class Mailbox(Model):
    """Two clients' messages wait to be delivered, one each; Idle loops
    for ever. c0's message is eventually delivered only under fairness to
    the steps that deliver it."""

    name = "mailbox"
    actions = (Deliver, Idle)

    def initial_states(self):
        return [frozenset({Msg(0, 1), Msg(1, 1)})]

    def successors(self, state):
        return [(Idle(), state)] + [(Deliver(m), state - {m}) for m in sorted(state)]

    @checker.eventually("c0 delivered")
    def c0_delivered(self, state):
        return Msg(0, 1) not in state


def run(*families):
    return checker.check(Mailbox(), CheckConfig(
        properties=("c0_delivered",), fairness=tuple(("weak", f) for f in families)))


def test_fairness_to_one_client_s_deliveries_by_a_path_into_the_message():
    assert run("Deliver(m.client=0)").verdict == "holds"
    assert run("Deliver(m.client=*)").verdict == "holds"
    # fairness to the other client's: c1's message delivered, then Idle for ever
    (finding,) = run("Deliver(m.client=1)").violations
    assert [str(a) for a in finding.trace.actions] == ["Deliver(m=Msg(client=1, seq=1))"]
    assert run().verdict == "violated"


def test_a_path_no_step_has_is_refused_as_a_misspelt_value():
    with pytest.raises(checker.CheckerError, match=(
            r"fairness.weak\[0\]: Deliver\(m.clinet=\*\) is no step of the reachable states; "
            r"give values as the steps print them \(Deliver\(m=Msg\(client=0, seq=1\)\)\)")):
        run("Deliver(m.clinet=*)")
    with pytest.raises(checker.CheckerError, match=(
            r"Deliver has no field 'x.client'; its fields: m")):
        run("Deliver(x.client=0)")


def test_a_path_names_an_id_as_the_model_names_it_where_the_text_hides_the_field():
    # a kit message prints its sender and receiver as an arrow (Reply(s1→c0,
    # ...)): the path takes the name the model gives the field (c0), from
    # the model's action_view of the record
    from checker.spec import load_spec
    from models import REGISTRY
    from tests.user_trials.test_primary_backup import LIVENESS_FAIRNESS, MODEL

    path = Path(__file__).resolve().parents[1] / "user_trials" / "primary_backup-liveness.yaml"
    spec = load_spec(str(path), REGISTRY)
    weak = [f for f in LIVENESS_FAIRNESS["weak"] if f != "ReceiveReply(*)"]
    for family, verdict in (("Call", "violated"),  # (no fairness to ReceiveReply)
                            ("ReceiveReply(m.client=c0)", "holds"),
                            ("ReceiveReply(m.client=*)", "holds"),
                            ("ReceiveReply(m.dst=c0)", None)):
        config = dataclasses.replace(spec.config(), fairness=tuple(
            [("weak", f) for f in weak + [family]]
            + [("strong", f) for f in LIVENESS_FAIRNESS["strong"]]))
        if verdict is None:  # (dst is no field of Reply: the arrow names the client)
            with pytest.raises(checker.CheckerError, match="is no step of the reachable"):
                checker.check(spec.build(), config)
        else:
            assert checker.check(spec.build(), config).verdict == verdict, family
    assert MODEL.endswith(":PrimaryBackup")


def test_a_log_event_picks_a_step_by_a_path_into_its_message(tmp_path):
    # trace validation reads an event as a fairness family: the failover
    # log's reply event, written by the client the reply goes to
    from click.testing import CliRunner

    from cmc.main import cli

    trial = Path(__file__).resolve().parents[1] / "user_trials"
    log = (trial / "pb-logs" / "failover.yaml").read_text()
    assert "{action: ReceiveReply, state: {c0.status: done}}" in log
    (tmp_path / "log.yaml").write_text(log.replace(
        "{action: ReceiveReply, state: {c0.status: done}}", '"ReceiveReply(m.client=c0)"'))
    (tmp_path / "spec.yaml").write_text(
        f"model: {(trial / 'primary_backup.py').as_posix()}:PrimaryBackup\n"
        "params: {clients: 2, writers: 2, view_changes: 1, retries: 1}\ndeadlock: false\n")
    run = CliRunner().invoke(cli, ["check", str(tmp_path / "spec.yaml"), "--replay",
                                   str(tmp_path / "log.yaml"), "--no-progress"])
    assert run.exit_code == 0, run.output
    assert "(its 7 events explained by a run of 11 steps): 11 of 11 steps taken" in run.output
