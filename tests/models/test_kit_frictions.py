"""Frictions new users met writing kit models from the docs alone (chain
replication the latest), each on a small model of its own: a declared write
of a global that never happens, a record-less role writing globals, ...
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from click.testing import CliRunner

from checker import CheckConfig, ModelDefinitionError, Param, check
from cmc.main import cli
from models.kit import ActorModel, MessageSet, Node, ids, step
from tests.brute_force import reachable_states

Proc = ids("procs", "p", first=1, named=True)


# -- a declared write of a global that never happens ---------------------------------------


class Tally(NamedTuple):
    """The global: how many additions were made, all processes together."""

    total: int = 0


class Count(NamedTuple):
    count: int = 0


class Add(NamedTuple):
    p: Proc


class Adder(Node):
    ids = Proc
    state = Count

    @step(Add, reads_globals="total", writes_globals="total")
    def add(self, s, total):
        """A process adds once, and the total counts it."""
        if s.count:
            return None
        return s._replace(count=1), [], {"total": total + 1}


class Adding(ActorModel):
    name = "adding"
    params = (Param("procs", 2, "processes", minimum=1, maximum=3),)
    roles = (Adder,)
    network = MessageSet()
    globals = Tally


class ForgetfulAdder(Adder):
    @step(Add, reads_globals="total", writes_globals="total")
    def add(self, s, total):
        if s.count:
            return None
        return s._replace(count=1), []  # the mistake: the total is not returned


class CappedAdder(Adder):
    @step(Add, reads_globals="total", writes_globals="total")
    def add(self, s, total):
        """As Adder's, the total counting the first addition only: {} writes nothing."""
        if s.count:
            return None
        return s._replace(count=1), [], {"total": total + 1} if total < 1 else {}


def _adding(adder: type) -> ActorModel:
    return type("Variant", (Adding,), {"roles": (adder,)})()


def test_a_handler_declaring_a_write_and_returning_no_globals_is_a_definition_error():
    with pytest.raises(ModelDefinitionError) as error:
        check(_adding(ForgetfulAdder), CheckConfig(deadlock=False))
    assert str(error.value) == (
        "model 'adding': ForgetfulAdder.add declares writes_globals=('total',) but returned "
        "no globals; return (the new record, [messages sent], {'total': new value}), or {} "
        "as the last item where this step writes none")


def test_a_handler_writing_no_global_returns_an_empty_mapping():
    assert sorted(s[:-1] for s in reachable_states(_adding(Adder))) == [
        (Count(0), Count(0), Tally(0)), (Count(0), Count(1), Tally(1)),
        (Count(1), Count(0), Tally(1)), (Count(1), Count(1), Tally(2))]
    assert sorted(s[:-1] for s in reachable_states(_adding(CappedAdder))) == [
        (Count(0), Count(0), Tally(0)), (Count(0), Count(1), Tally(1)),
        (Count(1), Count(0), Tally(1)), (Count(1), Count(1), Tally(1))]


FORGETFUL = '''
from tests.models.test_kit_frictions import Adding, ForgetfulAdder


class Forgetful(Adding):
    roles = (ForgetfulAdder,)
'''


def test_the_command_line_says_the_forgotten_write_in_one_line(tmp_path):
    (tmp_path / "forgetful.py").write_text(FORGETFUL)
    (tmp_path / "forgetful.yaml").write_text("model: ./forgetful.py:Forgetful\n"
                                             "deadlock: false\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "forgetful.yaml")])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {tmp_path / 'forgetful.yaml'}: model 'adding': ForgetfulAdder.add declares writes_globals=('total',) but "
        "returned no globals; return (the new record, [messages sent], {'total': new "
        "value}), or {} as the last item where this step writes none\n")
