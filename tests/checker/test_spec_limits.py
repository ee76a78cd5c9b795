"""Hostile spec files: each is refused with one message naming the file, the
line and the field, never a hang, a traceback or gigabytes of memory."""

from __future__ import annotations

import os

import pytest

from checker.errors import SpecError
from checker.spec import load_spec
from models import REGISTRY


def refused(path: str) -> str:
    with pytest.raises(SpecError) as caught:
        load_spec(path, REGISTRY)
    return str(caught.value)


def alias_bomb(width: int = 9, depth: int = 8, indent: str = "  ") -> str:
    """Anchors nested `depth` deep, each naming the one before `width`
    times: 9 wide and 8 deep is 2 KB of text and 43 million values."""
    lines = [f"{indent}x0: &x0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, depth):
        lines.append(f"{indent}x{level}: &x{level} [{', '.join([f'*x{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


BOMB_MESSAGE = ("holds more than 10,000 values once its aliases (*name) are expanded; a spec "
                "needs far fewer (write values out rather than nesting aliases)")


@pytest.mark.parametrize("field", ["params", "description", "properties", "init"])
def test_an_alias_bomb_in_any_field_is_refused_at_once(write_spec, field):
    if field in ("params", "init"):
        text = f"model: paxos\n{field}:\n{alias_bomb()}"
    else:  # a list holding the nested lists
        text = f"model: paxos\n{field}:\n  - a\n  - {{{alias_bomb(indent='').replace(chr(10), ', ').rstrip(', ')}}}\n"
    path = write_spec(text)
    message = refused(path)
    assert message.startswith(f"{path}:")
    assert message.endswith(BOMB_MESSAGE)


def test_aliases_are_refused_where_their_expansion_passes_the_limit(write_spec):
    # x3 expands to 9^4 = 6,561 values and is accepted (used where a list
    # is free-form); x4, 59,049, is refused on its own line.
    under = write_spec("model: paxos\ninit:\n" + alias_bomb(depth=4), "under.yaml")
    # Loaded whole (6,561 values), then refused only because paxos takes no init:.
    assert refused(under).endswith("init: paxos takes no init: block (it always starts "
                                   "from its own initial state); remove init:")
    path = write_spec("model: paxos\nparams:\n" + alias_bomb())
    assert refused(path) == f"{path}:7: {BOMB_MESSAGE}"


def test_a_self_referencing_alias_is_an_error_not_a_recursion_error(write_spec):
    path = write_spec("model: paxos\nproperties: &l [*l]\n")
    assert refused(path) == (f"{path}:2: the alias *l stands inside the node &l it names, "
                             "which would make it infinite; write the value out")


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a: ", "}")])
def test_nesting_hundreds_of_levels_deep_is_refused(write_spec, opening, closing):
    path = write_spec(f"model: paxos\ninit: {opening * 500}1{closing * 500}\n")
    assert refused(path) == f"{path}:2: nested more than 50 levels deep; a spec needs a few"


def test_a_nul_byte_is_named_as_an_encoding_problem(write_spec):
    path = write_spec("model: paxos\x00\n")
    assert refused(path) == (f"{path}: holds NUL bytes: it is not UTF-8 (UTF-16 without a "
                             "byte order mark?); save the spec as UTF-8")


def test_utf16_without_a_byte_order_mark_is_named(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_bytes("model: paxos\n".encode("utf-16-le"))
    assert refused(str(path)).endswith("holds NUL bytes: it is not UTF-8 (UTF-16 without a "
                                       "byte order mark?); save the spec as UTF-8")


def test_utf16_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_bytes("model: paxos\nparams: {acceptors: 2}\n".encode("utf-16"))
    assert load_spec(str(path), REGISTRY).params["acceptors"] == 2


def test_a_control_character_is_named_with_its_line(write_spec):
    path = write_spec("model: paxos\ndescription: \"a\x07b\"\n")
    assert refused(path) == (f"{path}:2: not valid YAML: the control character U+0007 is "
                             "not allowed in YAML; remove it")


def test_a_number_of_thousands_of_digits_is_an_error(write_spec):
    path = write_spec("model: paxos\nparams: {ballots: " + "1" * 5000 + "}\n")
    assert refused(path).startswith(f"{path}:2: a value cannot be read: Exceeds the limit "
                                    "(4300 digits) for integer string conversion")


def test_an_impossible_date_is_an_error(write_spec):
    path = write_spec("model: paxos\ndescription: 2024-02-30\n")
    assert refused(path) == f"{path}:2: a value cannot be read: day is out of range for month"


@pytest.mark.parametrize("text, field", [
    ("model: paxos\nparams: {ballots: 2.0}\n", "params.ballots"),
    ("model: raft\nparams: {servers: 2.0}\n", "params.servers"),
    ("model: paxos\nbounds: {max_depth: 3.0}\n", "bounds.max_depth"),
])
def test_an_integral_float_is_refused_naming_its_field(write_spec, text, field):
    path = write_spec(text)
    value = "3.0" if "max_depth" in text else "2.0"
    assert refused(path) == f"{path}:2: {field}: expected a whole number, got {value}"


def test_nan_is_not_a_time_limit(write_spec):
    path = write_spec("model: paxos\nbounds: {time_limit: .nan}\n")
    assert refused(path) == f"{path}:2: bounds.time_limit: expected a number, got nan"


@pytest.mark.parametrize("text, message", [
    ("model: paxos\nparams: {acceptors: 40}\n",
     "params.acceptors: must be at most 9, got 40; accepted: 1 to 9"),
    ("model: paxos\nparams: {acceptors: 0}\n",
     "params.acceptors: must be at least 1, got 0; accepted: 1 to 9"),
    ("model: paxos\nparams: {acceptors: 1000000000000000000000000000000}\n",
     "params.acceptors: must be at most 9, got 1000000000000000000000000000000; accepted: 1 to 9"),
    ("model: paxos\nparams: {ballots: 1000000000000000000000000000000}\n",
     "params.ballots: must be at most 10, got 1000000000000000000000000000000; accepted: 1 to 10"),
    ("model: paxos\nparams: {values: 1000000000000000000000000000000}\n",
     "params.values: must be at most 10, got 1000000000000000000000000000000; accepted: 1 to 10"),
    ("model: raft\nparams: {values: 1000000000000000000000000000000}\n",
     "params.values: must be at most 10, got 1000000000000000000000000000000; accepted: 1 to 10"),
    ("model: paxos-textbook\nparams: {drop: 1000000000000000000000000000000}\n",
     "params.drop: must be at most 64, got 1000000000000000000000000000000; accepted: 0 to 64"),
])
def test_a_parameter_past_its_maximum_is_refused_before_anything_is_built(write_spec, text,
                                                                         message):
    path = write_spec(text)
    assert refused(path) == f"{path}:2: {message}"


def test_every_whole_number_parameter_has_a_maximum():
    unbounded = [f"{model.name}.{param.name}" for model in REGISTRY.values()
                 for param in model.params
                 if param.schema is None and param.maximum is None]
    assert unbounded == []


@pytest.mark.parametrize("text, message", [
    ("properties: {}", "properties: expected a list of property names ([] for none of the "
                        "model's; no properties: field for its defaults), got an empty mapping"),
    ("properties: [agreement, agreement]", "properties: names 'agreement' twice; give each once"),
    ("params: !!binary aGVsbG8=", "params: expected a mapping of the model's parameters, "
                                  "got binary data (!!binary)"),
    ("description: 2024-02-03", "description: expected a line saying what the check shows, "
                                "got the date 2024-02-03 (quote it to make it text)"),
])
def test_messages_say_what_was_found(write_spec, text, message):
    path = write_spec(f"model: paxos\n{text}\n")
    assert refused(path) == f"{path}:2: {message}"


@pytest.mark.parametrize("variable, value, shown", [
    ("voted_for", "[s1]", "['s1']"),
    ("votes_granted", "[[s1]]", "['s1']"),
    ("votes_responded", "[{s1: 1}]", "{'s1': 1}"),
])
def test_a_raft_init_value_of_the_wrong_shape_is_an_error(write_spec, variable, value, shown):
    path = write_spec(f"model: raft\ninit: {{s1: {{{variable}: {value}}}}}\n")
    assert refused(path) == (f"{path}:2: init.s1.{variable}: {shown} is not a server; use "
                             "one of s1, s2")


def test_a_device_or_pipe_is_read_only_up_to_the_size_limit():
    assert refused("/dev/zero") == ("/dev/zero: is larger than 1 MiB, too large for a "
                                    "spec; give a spec file")
    assert refused("/dev/urandom").startswith("/dev/urandom: is larger than 1 MiB")
    read, write = os.pipe()  # as `cmc check <(generate-spec)` gives it
    os.write(write, b"model: paxos\nparams: {acceptors: 2}\n")
    os.close(write)
    try:
        assert load_spec(f"/dev/fd/{read}", REGISTRY).params["acceptors"] == 2
    finally:
        os.close(read)


def test_a_50_megabyte_file_is_refused_unread(tmp_path):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as stream:
        stream.truncate(50 << 20)  # sparse: nothing is written
    assert refused(str(path)) == (f"{path}: is larger than 1 MiB, too large for a spec; "
                                  "give a spec file")


def test_a_fifo_without_a_writer_reads_as_empty(tmp_path):
    path = tmp_path / "spec.yaml"
    os.mkfifo(path)
    assert refused(str(path)) == f"{path}: the file is empty; a spec needs at least `model:`"


def test_a_folder_is_not_a_spec(tmp_path):
    assert refused(str(tmp_path)) == f"{tmp_path}: is a folder; give the path of a spec file (.yaml)"


def test_a_duplicate_anchor_names_both_lines(write_spec):
    path = write_spec("model: &a paxos\ndescription: &a x\n")
    assert refused(path) == (f"{path}:2: not valid YAML: found duplicate anchor 'a'; first "
                             "occurrence on line 1, second occurrence here")


def test_properties_empty_checks_none_of_the_models_but_the_spec_s_own(write_spec):
    # (TLC checks no invariant where the configuration names none: the
    # states are counted; a random-programs helper could not ask for that)
    from click.testing import CliRunner

    from cmc.main import cli

    path = write_spec("model: paxos\nparams: {acceptors: 3, values: 2, ballots: 2}\n"
                      "properties: []\nexpect: {verdict: holds, distinct_states: 3921}\n")
    run = CliRunner().invoke(cli, ["check", path, "--no-progress", "--no-color"])
    assert run.exit_code == 0, run.output
    lines = run.output.splitlines()
    assert lines[1:3] == ["verdict: HOLDS", "properties: none checked"]
    assert lines[3].startswith("distinct states 3,921 · generated 9,443 · depth 16")
    spec = load_spec(write_spec("model: paxos\nproperties: []\n"
                                "invariants: {three: \"len(acceptors) == 3\"}\n", "own.yaml"),
                     REGISTRY)
    assert spec.config().properties == ("three",)
