"""A kit model's crash (or restart) whose budget parameter a spec sets to 0
cannot happen in that instance: it is not among the instance's actions
(models/kit/crashes.py), so coverage neither lists it with 0 steps nor calls
it "never fired" (a false alarm for a crash switched off on purpose), as a
network's faults without a budget are left out. With a budget it is there.
Reproduced on the ABD user trial's ``crashes`` parameter."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY

ABD = Path(__file__).resolve().parent.parent / "user_trials" / "abd.py"


def write(tmp_path: Path, crashes: int) -> Path:
    path = tmp_path / "abd.yaml"
    path.write_text(f"model: {ABD}:ABD\n"
                    f"params: {{servers: 2, clients: 2, writers: 1, writes: 1, reads: 1, "
                    f"crashes: {crashes}}}\n"
                    "deadlock: false\n")
    return path


def coverage(output: str) -> list[str]:
    lines = output.splitlines()
    start = lines.index("coverage (action: steps generated, new states):") + 1
    return lines[start:start + next(k for k, line in enumerate(lines[start:])
                                    if not line.startswith("  "))]


def test_a_crash_whose_budget_is_zero_is_not_called_never_fired(tmp_path):
    path = write(tmp_path, 0)
    assert [kind.__name__ for kind in load_spec(path, REGISTRY).build().actions] == [
        "ReceiveQuery", "ReceiveUpdate", "Call", "ReceiveQueryReply", "ReceiveAck"]
    result = CliRunner().invoke(cli, ["check", str(path), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert coverage(result.output) == [
        "  ReceiveQuery: 480 steps, 82 new states", "  ReceiveUpdate: 640 steps, 186 new states",
        "  Call: 36 steps, 24 new states", "  ReceiveQueryReply: 584 steps, 314 new states",
        "  ReceiveAck: 760 steps, 332 new states"]
    assert not any(line.startswith("never fired") for line in result.output.splitlines())
    assert "distinct states 939 · generated 2,501 · depth 18" in result.output


def test_a_crash_with_a_budget_is_covered(tmp_path):
    path = write(tmp_path, 1)
    assert [kind.__name__ for kind in load_spec(path, REGISTRY).build().actions][-1] == "Crash"
    result = CliRunner().invoke(cli, ["check", str(path), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert coverage(result.output)[-1] == "  Crash: 1,878 steps, 1,878 new states"
    assert "distinct states 2,817 · generated 8,259 · depth 19" in result.output
