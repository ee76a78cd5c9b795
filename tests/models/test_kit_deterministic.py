"""A kit handler must give the same result for the same input: the kit
computes each once and remembers it, so a handler (or its `choose=`) that
draws at random or keeps something between calls would give a run no
replay reproduces, with nothing said. The kit runs each handler twice on its
first inputs (`memo.CHECKED` of each) and stops the run where the two differ
(a new user's `choose=lambda node, s: random.sample(...)` went unnoticed)."""

from __future__ import annotations

from itertools import count
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from checker import CheckConfig, ModelDefinitionError, Param, check
from cmc.main import cli
from models.kit import ActorModel, MessageSet, Node, ids, on, on_crash, step

Proc = ids("procs", "p", first=1, named=True)


class Slot(NamedTuple):
    value: int = 0
    seen: int = 0


class Write(NamedTuple):
    p: Proc
    value: int


class Tell(NamedTuple):
    src: Proc
    dst: Proc
    value: int


class Hear(NamedTuple):
    m: Tell


class Crash(NamedTuple):
    p: Proc


class Writer(Node):
    ids = Proc
    state = Slot

    def values(self, s):
        return [1, 2]

    @step(Write, choose=lambda node, s: node.values(s))
    def write(self, s, value):
        """A process writes once and tells the others."""
        if s.value:
            return None
        return s._replace(value=value), [Tell(self.id, p, value)
                                         for p in range(self.model.procs) if p != self.id]

    @on(Tell, Hear)
    def hear(self, s, m):
        return s._replace(seen=max(s.seen, m.value)), []


class Writing(ActorModel):
    name = "writing"
    params = (Param("procs", 2, "processes", minimum=1, maximum=3),)
    roles = (Writer,)
    messages = (Tell,)
    network = MessageSet()


_turns = count()


class Shuffled(Writer):
    """Its choices come in another order at each call (as a random draw does)."""

    def values(self, s):
        return [1, 2] if next(_turns) % 2 else [2, 1]


class Counting(Writer):
    """Its receipt keeps a count between calls."""

    calls = 0

    @on(Tell, Hear)
    def hear(self, s, m):
        Counting.calls += 1
        return s._replace(seen=Counting.calls), []


class Forgetful(Writer):
    """What survives its crash is drawn anew at each crash."""

    @on_crash(Crash, budget="crashes")
    def crash(self, s):
        return s._replace(value=next(_turns) % 2)


class CrashWriting(Writing):
    name = "crash-writing"
    params = Writing.params + (Param("crashes", 1, "crashes", minimum=0, maximum=2),)


def test_a_deterministic_model_runs_as_before():
    result = check(Writing(procs=2), CheckConfig())
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) == (
        "holds", 25, 4)


@pytest.mark.parametrize("role, model, said", [
    (Shuffled, Writing, "Shuffled.write gave two results for one record and input "
     "(Slot(value=0, seen=0)): [Write(p=p1, value=2), Write(p=p1, value=1)], then "
     "[Write(p=p1, value=1), Write(p=p1, value=2)]"),
    (Counting, Writing, "Counting.hear gave two results for one record and input "
     "(Slot(value=0, seen=0)): (Slot(value=0, seen=1), []), then (Slot(value=0, seen=2), [])"),
    (Forgetful, CrashWriting, "Forgetful.crash gave two results for one record and input "
     "(Slot(value=0, seen=0)): Slot(value=0, seen=0), then Slot(value=1, seen=0)"),
])
def test_a_handler_that_gives_two_results_for_one_input_stops_the_run(role, model, said):
    global _turns
    _turns = count()
    Counting.calls = 0
    broken = type(f"Broken{role.__name__}", (model,), {"roles": (role,)})
    with pytest.raises(ModelDefinitionError) as error:
        check(broken(procs=2), CheckConfig())
    assert str(error.value) == (
        f"model {model.name!r}: {said}; a handler and its choose= must depend on their "
        "inputs alone (no random draws, no clock, nothing kept between calls): the checker "
        "runs each once per input and keeps what it gave")


def test_the_command_line_says_so_in_one_line(tmp_path, monkeypatch):
    global _turns
    _turns = count()
    (tmp_path / "shuffled.py").write_text(
        "from tests.models.test_kit_deterministic import Shuffled, Writing\n"
        "class ShuffledWriting(Writing):\n    roles = (Shuffled,)\n")
    (tmp_path / "shuffled.yaml").write_text("model: ./shuffled.py:ShuffledWriting\n"
                                            "deadlock: false\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "shuffled.yaml", "--workers", "1"])
    assert result.exit_code == 2
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("error: shuffled.yaml: model 'writing': Shuffled.write gave two "
                           "results for one record and input")
    assert "Traceback" not in result.output
