"""A choice of None is a choice: a handler whose choices include None (a
backup, or nobody) runs once per choice, None included, with it as its
argument; the action prints it as ``none``, renaming leaves it, and a
fairness pattern names it so."""

from __future__ import annotations

from typing import NamedTuple

from click.testing import CliRunner

from checker import Param, invariant
from cmc.main import cli
from checker.fairness import member_matches, parse_family
from models.kit import ActorModel, MessageSet, Node, ids, step
from tests.brute_force import orbit_counts_agree, reachable_states

Server = ids("servers", "s", named=True)


class Backup(NamedTuple):
    picked: bool = False
    backup: Server | None = None


class Pick(NamedTuple):
    server: Server
    backup: Server | None


class Picker(Node):
    ids = Server
    state = Backup

    @step(Pick, choose=lambda node, s: [None] + [i for i in range(node.model.servers)
                                                 if i != node.id])
    def pick(self, s, backup):
        """A server picks its backup once: another server, or nobody."""
        if s.picked:
            return None
        return s._replace(picked=True, backup=backup), []


class Backups(ActorModel):
    name = "backups"
    params = (Param("servers", 3, "servers", minimum=1, maximum=3),)
    roles = (Picker,)
    network = MessageSet()
    symmetry_sets = ("servers",)

    @invariant("Every picker has a backup")
    def every_picker_has_a_backup(self, state):
        """Fails once a server picks nobody."""
        return all(not r.picked or r.backup is not None for r in state[:-1])


def test_each_choice_runs_none_included():
    # each server: not picked, or picked with nobody or one of the 2 others
    assert len(reachable_states(Backups())) == 4 ** 3
    model = Backups()
    assert [str(action) for action, _ in model.successors(model.initial_states()[0])][:3] == [
        "Pick(server=s0, backup=none)", "Pick(server=s0, backup=s1)",
        "Pick(server=s0, backup=s2)"]


def test_renaming_the_servers_leaves_none():
    assert orbit_counts_agree(Backups, [("servers",)]) == (64, 16)


def test_a_fairness_pattern_names_the_choice_of_none():
    model = Backups()
    (member,) = parse_family(model, "Pick(backup=none)")
    assert [str(action) for action, _ in model.successors(model.initial_states()[0])
            if member_matches(member, action)] == [
        "Pick(server=s0, backup=none)", "Pick(server=s1, backup=none)",
        "Pick(server=s2, backup=none)"]


BACKUPS = """
from tests.models.test_kit_frictions27_choose_none import Backups
"""


def test_the_counterexample_picks_nobody_under_symmetry(tmp_path):
    (tmp_path / "backups.py").write_text(BACKUPS)
    (tmp_path / "backups.yaml").write_text("model: ./backups.py:Backups\n"
                                           "deadlock: false\nsymmetry: true\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "backups.yaml")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    start = lines.index("  1  Pick(server=s0, backup=none)")
    assert lines[start:start + 3] == [
        "  1  Pick(server=s0, backup=none)",
        "       s0.picked: False → True",
        "       ✗ Every picker has a backup violated in this state"]
    assert "distinct orbits (symmetry over servers) 3 · generated 10 · depth 1" in result.output
