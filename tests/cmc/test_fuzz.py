"""Fuzzing `cmc` with mutated bundled specs and option values.

Each example takes a spec from specs/, changes it (a field's type or value,
deeper nesting, a deleted or unknown field, aliases, a truncation, stray
characters, garbage, another encoding) and runs `cmc check` (sometimes
`show`, `graph`, or `quorum` with a fuzzed rule) in this process with
fuzzed options, always with a state bound so
that a run is short. Whatever the input, the command must:

- exit 0, 1, 2 or 3;
- on exit 2, print one line on stderr (``error: ...``; a ``note:`` may
  precede it);
- print no traceback, and raise nothing but SystemExit;
- finish within `DEADLINE` seconds: an alarm stops a hung example, which
  then fails (rather than hanging the suite).

The default suite runs a short, derandomized version; `-m slow` a long one.
"""

from __future__ import annotations

import math
import signal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmc.main import cli

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
DEADLINE = 10


class Hung(BaseException):
    """An example ran past DEADLINE (a BaseException, so nothing swallows it)."""


def _alarm(number, frame):
    raise Hung(f"no answer within {DEADLINE} s")


HOSTILE_VALUES = st.one_of(
    st.sampled_from([0, -1, 1, 2, 9, 10, 65, 2**31, 2**63, 10**30, 2.0, 1.5, math.nan,
                     math.inf, -math.inf, "", "majority", "s1", "t1:v1", "x" * 300, True,
                     False, None, [], {}, [[[]]], ["s1"], [["s1"]], [{"s1": 1}],
                     {"a": {"b": [1]}}, {"weights": [1, 1, 1]}, {"grid": [2, 2]},
                     {"quorums": [[1, 2], [2, 3]]}, {"threshold": 10**9}, b"\x00\xff"]),
    st.integers(), st.floats(), st.text(max_size=12), st.dates(),
    st.lists(st.integers(-3, 12), max_size=4),
    st.dictionaries(st.sampled_from(["s1", "s2", "s3", "acceptors", "log", "role",
                                     "voted_for", "current_term", "x"]),
                    st.one_of(st.integers(-2, 5), st.text(max_size=5),
                              st.lists(st.text(max_size=4), max_size=3)), max_size=3),
)

STRAY = ["\x00", "\x07", "\x1b", "\t", "\ufeff", "\u2028", "\ud7ff", "{", "[", "]", "}",
         "&a ", "*a", "*zz", ": ", "- ", "\n  ", "'", '"', "!!python/object:os.system ",
         "<<: *a\n", "\\", "%YAML 1.1\n", "---\n", "...\n", "? ", "|", ">"]

BOMB = ("{x0: &x0 [a, a, a, a, a, a, a, a, a], x1: &x1 [*x0, *x0, *x0, *x0, *x0, *x0, *x0, "
        "*x0, *x0], x2: &x2 [*x1, *x1, *x1, *x1, *x1, *x1, *x1, *x1, *x1], x3: &x3 [*x2, *x2, "
        "*x2, *x2, *x2, *x2, *x2, *x2, *x2], x4: [*x3, *x3, *x3, *x3, *x3, *x3, *x3, *x3, *x3]}")


@st.composite
def mutated_data(draw, data):
    """`data` (a spec's parsed YAML) with one to three changes."""
    for _ in range(draw(st.integers(1, 3))):
        if not isinstance(data, dict) or not data:
            return draw(HOSTILE_VALUES)
        holder, key = data, draw(st.sampled_from(sorted(data, key=str)))
        # Walk down a little into nested mappings and lists.
        while isinstance(holder[key], (dict, list)) and holder[key] and draw(st.booleans()):
            inner = holder[key]
            key = (draw(st.sampled_from(sorted(inner, key=str))) if isinstance(inner, dict)
                   else draw(st.integers(0, len(inner) - 1)))
            holder = inner
        change = draw(st.sampled_from(["replace", "delete", "nest", "unknown"]))
        if change == "replace":
            holder[key] = draw(HOSTILE_VALUES)
        elif change == "delete" and isinstance(holder, dict):
            del holder[key]
        elif change == "nest":
            holder[key] = draw(st.sampled_from([[holder[key]], {"value": holder[key]}]))
        elif isinstance(holder, dict):
            holder[draw(st.text(min_size=1, max_size=8))] = draw(HOSTILE_VALUES)
    return data


@st.composite
def spec_bytes(draw):
    """A bundled spec, mutated as data and/or as text, in some encoding."""
    original = draw(st.sampled_from(SPECS)).read_text(encoding="utf-8")
    text = original
    if draw(st.integers(0, 2)) == 0:
        data = draw(mutated_data(yaml.safe_load(original)))
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        kind = draw(st.sampled_from(["truncate", "insert", "bomb", "self", "deep", "garbage",
                                     "none"]))
        position = draw(st.integers(0, len(text)))
        if kind == "truncate":
            text = text[:position]
        elif kind == "insert":
            text = text[:position] + draw(st.sampled_from(STRAY)) + text[position:]
        elif kind == "bomb":
            field = draw(st.sampled_from(["params", "description", "properties", "init",
                                          "bounds", "expect", "symmetry", "mutant"]))
            text += f"\n{field}: {BOMB}\n"
        elif kind == "self":
            text += f"\n{draw(st.sampled_from(['properties', 'init', 'params']))}: &l [*l]\n"
        elif kind == "garbage":
            text = draw(st.text(max_size=200))
        elif kind == "deep":
            depth = draw(st.integers(1, 300))
            text += f"\ninit: {'[' * depth}{']' * depth}\n"
    encoding = draw(st.sampled_from(["utf-8"] * 12 + ["utf-8-sig", "utf-16", "utf-16-le",
                                                       "utf-32", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:  # cut inside a character, a BOM, a line
        data = data[:draw(st.integers(0, len(data)))]
    return data


#: Option values: those a run takes, then those it refuses.
OPTIONS = {
    "--max-depth": (["0", "1", "5", "40"], ["-1", "x", "1e3", "99999999999999999999"]),
    "--time-limit": (["0.001", "2", "inf", "1e-300"], ["nan", "-1", "0", "x"]),
    "--workers": (["1", "2", "auto", "1000"], ["0", "x", "-3"]),
    "--format": (["text", "json"], ["xml"]),
    "--graph": (["dot", "json", "graphml"], ["svg"]),
    "--out": (["{folder}/out"], ["{folder}/spec.yaml/out"]),
    "--junit": (["{folder}/j.xml", "/dev/null"], ["{folder}", "{folder}/spec.yaml/j.xml"]),
    "--summary": (["{folder}/s.md"], ["{folder}/spec.yaml/s.md"]),
}
FLAGS = ["--symmetry", "--no-symmetry", "--keep-going", "--witnesses", "--full-states",
         "--color"]


@st.composite
def invocation(draw, spec: str, folder: Path):
    """A command line over `spec` with fuzzed options (now and then one a
    run refuses); `check` always has a state bound, so a run is short."""
    command = draw(st.sampled_from(["check"] * 6 + ["show", "graph", "quorum"]))
    if command == "show":
        return ["show", spec]
    if command == "quorum":
        rule = yaml.safe_dump(draw(HOSTILE_VALUES), default_flow_style=True).strip()
        args = ["quorum", "--quorum", draw(st.sampled_from([rule, rule, BOMB, "&l [*l]"]))]
        for option, values in (("--nodes", ["3", "5", "13", "0", "x"]),
                               ("--zones", ["2,2,1", "1,1", "0", "x,"]),
                               ("--partition", ["1,3,5/2,4", "1/2", "1", "/"])):
            if draw(st.booleans()):
                args += [option, draw(st.sampled_from(values))]
        return args
    if command == "graph":
        args = ["graph", spec, "--max-nodes", draw(st.sampled_from(["50", "50", "0"])),
                "--max-depth", draw(st.sampled_from(["2", "2", "-1"]))]
        if draw(st.booleans()):
            args += ["-o", str(folder / draw(st.sampled_from(["g.dot", "g.svg", "g.json",
                                                                "g", "nowhere/g.graphml"])))]
        return args
    args = ["check", spec, "--no-progress",
            "--max-states", draw(st.sampled_from(["1", "300", "3000", "3000"]))]
    bad = draw(st.sampled_from([None] * 20 + ["--max-states", "--bogus", *OPTIONS]))
    if bad == "--max-states":
        args[-1] = draw(st.sampled_from(["0", "-5", "abc"]))
    elif bad == "--bogus":
        args.append("--bogus")
    for option, (good, wrong) in OPTIONS.items():
        if option == bad or draw(st.integers(0, 3)) == 0:
            value = draw(st.sampled_from(wrong if option == bad else good))
            args += [option, value.format(folder=folder)]
    if "--graph" in args and "--out" not in args and draw(st.booleans()):
        args += ["--out", str(folder / "out")]
    return args + draw(st.lists(st.sampled_from(FLAGS), max_size=3, unique=True))


def check_one(data, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    spec = folder / "spec.yaml"
    spec.write_bytes(data.draw(spec_bytes(), label="spec"))
    args = data.draw(invocation(str(spec), folder), label="args")
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, DEADLINE)
    try:
        result = CliRunner().invoke(cli, args, prog_name="cmc")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2, 3), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = [line for line in result.stderr.splitlines() if not line.startswith("note: ")]
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


SETTINGS = dict(deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@settings(max_examples=50, derandomize=True, **SETTINGS)  # 2,000 at length, -m slow
@given(data=st.data())
def test_fuzzed_specs_and_options_give_an_exit_code_and_at_most_a_line(data, tmp_path_factory,
                                                                        toy_registry):
    check_one(data, tmp_path_factory)


@pytest.mark.slow
@settings(max_examples=2000, **SETTINGS)
@given(data=st.data())
def test_fuzzed_specs_and_options_at_length(data, tmp_path_factory, toy_registry):
    check_one(data, tmp_path_factory)
