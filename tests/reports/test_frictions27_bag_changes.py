"""A step's change to a bag reads as what happened to its copies: a second
copy of a message in flight is ``+ m (now ×2)``, one received of two is
``- m (now ×1)``, in the text trace and the Markdown summary alike (it
read as a removal and an addition: ``- m`` then ``+ m ×2``; the
primary-backup user trial's /tmp/pbtrial/live-weak.yaml, step 7)."""

from __future__ import annotations

from click.testing import CliRunner

from checker import Fails, invariant
from checker.model import BagView
from cmc.main import cli
from reports.text import changes, state_changes
from tests.models.test_kit_frictions27_faults import Pings


class TwicePinged(Pings):
    """Pings with a duplicate budget, violated once s0 counts two pings."""

    name = "twice-pinged"

    @invariant("Pinged at most once")
    def pinged_at_most_once(self, state):
        return state[1].pings < 2 or Fails("s0 counted two pings")


def test_copies_added_and_taken_read_as_such():
    one, two = BagView({"m": 1}), BagView({"m": 2, "n": 1})
    assert two == ["m ×2", "n"] and two.copies == {"m": 2, "n": 1}
    assert state_changes({"network": one}, {"network": two}) == [
        "network: + m (now ×2)", "network: + n"]
    assert state_changes({"network": two}, {"network": one}) == [
        "network: - m (now ×1)", "network: - n"]
    assert state_changes({"network": BagView({"m": 3})}, {"network": BagView({})}) == [
        "network: - m ×3"]
    assert state_changes({"network": BagView({})}, {"network": BagView({"m": 2})}) == [
        "network: + m ×2"]
    # printed forms, each one copy (a model's own bag view)
    assert [(c.old, c.new) for c in changes({"msgs": BagView(["a"])},
                                            {"msgs": BagView(["a", "a", "b"])})] == [
        (None, "a (now ×2)"), (None, "b")]


TWICE = """
from tests.reports.test_frictions27_bag_changes import TwicePinged
"""

TRACE = [
    "  0  initial state",
    "       c0.sent = False",
    "       s0.pings = 0",
    "       network = []",
    "       duplicates_left = 1",
    "  1  Send(c=c0)",
    "       c0.sent: False → True",
    "       network: + Ping(c0→s0)",
    "  2  Duplicate(message=Ping(c0→s0))",
    "       network: + Ping(c0→s0) (now ×2)",
    "       duplicates_left: 1 → 0",
    "  3  Receive(c0→s0, s=s0)",
    "       s0.pings: 0 → 1",
    "       network: - Ping(c0→s0) (now ×1)",
    "  4  Receive(c0→s0, s=s0)",
    "       s0.pings: 1 → 2",
    "       network: - Ping(c0→s0)",
    "       ✗ Pinged at most once violated in this state: s0 counted two pings"]


def test_the_text_trace_and_the_markdown_summary_show_the_copies(tmp_path):
    (tmp_path / "twice.py").write_text(TWICE)
    (tmp_path / "twice.yaml").write_text("model: ./twice.py:TwicePinged\n"
                                         "params: {duplicates: 1}\ndeadlock: false\n")
    summary = tmp_path / "summary.md"
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "twice.yaml"), "--no-progress",
                                      "--summary", str(summary)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    start = lines.index("  0  initial state")
    assert lines[start:start + len(TRACE)] == TRACE
    markdown = summary.read_text().splitlines()
    start = markdown.index("  0  initial state")
    assert markdown[start:start + len(TRACE)] == TRACE
