"""`cmc explore`: one place printed (--at, --counterexample), as text and
JSON; the page and its JSON served; one-line errors for bad paths and
options."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.explore import serve
from cmc.main import cli

SPECS = Path(__file__).resolve().parents[2] / "specs"
FIXED, MUTANT = str(SPECS / "paxos-3a-2v-2b.yaml"), str(SPECS / "paxos-mutant-no-adopt.yaml")
#: the no_adopt mutant's shortest counterexample as a path
NO_ADOPT = "0/0/0/0/0/0/3/1/0/2/2/0/0"


def explore(*args: str):
    return CliRunner().invoke(cli, ["explore", *args], prog_name="cmc")


def test_at_prints_the_run_the_state_the_properties_and_the_steps():
    result = explore(FIXED, "--at", "0/0")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:8] == [
        f"{FIXED}: paxos {{acceptors: 3, values: 2, ballots: 2, quorum: majority}}",
        "path 0/0 (1 step)", "", "run:", "  0  initial state", "  1  Phase1a(b=0)",
        "       msgs: + Msg1a(bal=0)", ""]
    assert result.output.splitlines()[-14:] == [
        "steps from here (4):",
        "  0  Phase1a(b=1)", "       msgs: + Msg1a(bal=1)",
        "  1  Phase1b(a=0, b=0)", "       a0.max_bal: -1 → 0",
        "       msgs: + Msg1b(acc=0, bal=0, mbal=-1, mval=none)",
        "  2  Phase1b(a=1, b=0)", "       a1.max_bal: -1 → 0",
        "       msgs: + Msg1b(acc=1, bal=0, mbal=-1, mval=none)",
        "  3  Phase1b(a=2, b=0)", "       a2.max_bal: -1 → 0",
        "       msgs: + Msg1b(acc=2, bal=0, mbal=-1, mval=none)",
        "", f"next: cmc explore {FIXED} --at 0/0/K (K: a step above)"]


def test_counterexample_prints_where_the_shortest_one_ends_with_its_path():
    result = explore(MUTANT, "--counterexample")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1:3] == [f"path {NO_ADOPT} (12 steps)",
                          "Agreement: violated after 12 steps: value 0 is chosen in ballot 0 by "
                          "acceptors 1, 2; value 1 is chosen in ballot 1 by acceptors 0, 1"]
    assert ("  ✗ Agreement: violated (value 0 is chosen in ballot 0 by acceptors 1, 2; value 1 "
            "is chosen in ballot 1 by acceptors 0, 1)") in lines
    # from there the steps go on, and the last step is marked where it broke it
    before = explore(MUTANT, "--at", NO_ADOPT.rsplit("/", 1)[0]).output.splitlines()
    assert "  0  Phase2b(a=1, b=1, v=1)   [breaks Agreement]" in before


def test_color_paints_the_text_as_check_s_trace_and_no_color_leaves_it_plain():
    # explore had no --color: its text was plain even on a terminal
    plain = explore(FIXED, "--at", "0/0", "--no-color")
    assert plain.exit_code == 0, plain.output
    assert "\033[" not in plain.output
    assert plain.output == explore(FIXED, "--at", "0/0").output  # (no terminal: plain)
    coloured = explore(FIXED, "--at", "0/0", "--color")
    assert coloured.exit_code == 0, coloured.output
    lines = coloured.output.splitlines()
    assert lines[4:7] == ["  \033[36m0\033[0m  \033[1minitial state\033[0m",
                          "  \033[36m1\033[0m  \033[1mPhase1a(b=0)\033[0m",
                          "       msgs: \033[32m+ Msg1a(bal=0)\033[0m"]
    assert "       a0.max_bal: \033[31m-1\033[0m → \033[32m0\033[0m" in lines
    assert "  \033[1;32m✓ Agreement: holds\033[0m" in lines
    assert "  · A value is chosen: not here" in lines
    # the colour is all that differs
    assert re.sub("\033\\[[0-9;]*m", "", coloured.output) == plain.output
    found = explore(MUTANT, "--counterexample", "--color").output.splitlines()
    assert found[2] == ("\033[1;31mAgreement: violated after 12 steps: value 0 is chosen in "
                        "ballot 0 by acceptors 1, 2; value 1 is chosen in ballot 1 by acceptors "
                        "0, 1\033[0m")
    assert "\033[" not in explore(MUTANT, "--counterexample", "--no-color").output


def test_color_leaves_json_plain_and_is_check_s_option():
    from cmc.check import check

    document = explore(FIXED, "--at", "0/0", "--format", "json", "--color").output
    assert "\033" not in document and "\\u001b" not in document
    assert json.loads(document)["run"][1]["changes"] == ["msgs: + Msg1a(bal=0)"]
    [ours] = [option for option in cli.commands["explore"].params if option.name == "color"]
    [theirs] = [option for option in check.params if option.name == "color"]
    assert (ours.opts, ours.secondary_opts, ours.help) == (
        theirs.opts, theirs.secondary_opts, theirs.help) == (
        ["--color"], ["--no-color"],
        "Colour the text report. Default: on for a terminal, unless NO_COLOR is set.")


def test_a_check_interrupted_says_how_far_it_went_and_exits_3(monkeypatch):
    from checker import explore as engine

    expand = engine.Search._expand

    def interrupted_at_depth_5(search, *args, **kwargs):
        if search.depth == 5:
            raise KeyboardInterrupt  # (Ctrl-C, as the engine meets it)
        return expand(search, *args, **kwargs)

    monkeypatch.setattr(engine.Search, "_expand", interrupted_at_depth_5)
    result = explore(MUTANT, "--counterexample")
    assert result.exit_code == 3
    assert result.stdout == ""
    # (not "before anything was checked": 123 states were)
    assert result.stderr == ("error: interrupted while checking, after 123 states (depth 5), "
                             "before a counterexample was found\n")


def test_a_set_field_prints_as_a_set_as_reports_print_it():
    # (a port's report: explore printed sets as lists, from their JSON image)
    textbook = str(SPECS / "paxos-textbook.yaml")
    result = explore(textbook, "--at", "0")
    assert "  p0.promised_by = {}" in result.output.splitlines()
    document = json.loads(explore(textbook, "--at", "0", "--format", "json").output)
    assert "p0.promised_by = {}" in document["printed"]
    assert document["state"]["p0.promised_by"] == []  # (JSON has no sets)


def test_a_witness_is_walked_to_only_where_its_property_is_named():
    result = explore(FIXED, "--counterexample")
    assert result.exit_code == 2
    assert result.output == (
        f"error: {FIXED}: the check found no counterexample to walk (verdict holds); explore "
        "it from its initial state (leave out --counterexample), or name a reachability "
        "property for its witness (--property NAME)\n")
    named = explore(FIXED, "--counterexample", "--property", "stale_1a_ignored")
    assert named.exit_code == 0 and named.output.splitlines()[1:3] == [
        "path 0/0/0/1 (3 steps)", "An acceptor ignores a stale 1a: reached after 3 steps"]


def test_a_lasso_that_stutters_says_so_and_a_place_says_its_initial_state():
    result = explore(str(SPECS / "raft-liveness-unfair.yaml"), "--counterexample")
    assert result.output.splitlines()[1:3] == [
        "path 0 (0 steps)",
        "Leader Eventually Elected: a lasso: a stem of 0 steps, then it stutters for ever: a "
        "fair behaviour never reaches Leader Eventually Elected"]
    several = explore(str(SPECS.parent / "tests/models/user/bcast_byz.yaml"), "--at", "7")
    assert several.output.splitlines()[1] == "path 7 (0 steps, from initial state 7 of 64)"


def test_a_lasso_ends_where_its_loop_comes_back():
    result = explore(str(SPECS / "paxos-liveness-dueling.yaml"), "--counterexample")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1:3] == [
        "path 0/0/0/0/2/1/0/0/2/0/2 (10 steps)",
        "Termination: a lasso of 10 steps: from step 4 on, a loop for ever (the last step comes "
        "back to the state after step 4): a fair behaviour never reaches Termination"]
    assert "state (the state after step 4 again):" in lines


def test_json_is_the_place_the_page_reads():
    result = explore(MUTANT, "--at", NO_ADOPT, "--format", "json")
    assert result.exit_code == 0
    place = json.loads(result.output)
    assert (place["path"], place["depth"], place["stop"]) == (
        [int(k) for k in NO_ADOPT.split("/")], 12, None)
    assert [p["status"] for p in place["properties"]] == [
        "violated", "holds", "reached", "reached", "not here"]
    assert place["run"][-1]["action"] == "Phase2b(a=1, b=1, v=1)"
    assert place["state"]["a1.max_val"] == 1 and "a1.max_val = 1" in place["printed"]
    # structured as a JSON report's step: the same fields, records as objects
    assert list(place["values"]) == list(place["state"])
    assert place["values"]["a1.max_val"] == 1


@pytest.mark.parametrize("args, message", [
    (["--at", "0/9"], "error: Invalid value for '--at': 0/9: step 1 of the path: there is no "
                      "step 9 from the state after step 0; it has 2 (0 to 1) (see cmc explore "
                      "--help)"),
    (["--at", "0/x"], "error: Invalid value for '--at': '0/x' is not a path: part 2 ('x') is "
                      "not an index; write indices separated by / (0/2/1: initial state 0, "
                      "then its step 2, then step 1 from there) (see cmc explore --help)"),
    (["--property", "agreement"], "error: --property picks the run of --counterexample; give "
                                  "--counterexample too (see cmc explore --help)"),
    (["--at", "0", "--counterexample"], "error: --at and --counterexample each name a place; "
                                        "give one (see cmc explore --help)"),
    (["--at", "0", "--port", "9"], "error: --port places the page, which --at does not "
                                   "serve: leave it out (see cmc explore --help)"),
    (["--format", "json"], "error: --format json prints the place --at, --counterexample or "
                           "--run names; give one (without them the page is served) (see cmc "
                           "explore --help)"),
    (["--counterexample", "--property", "agrement"],
     "error: --property: paxos has no property 'agrement' (did you mean 'agreement'?); it has "
     "agreement, validity, value_chosen, termination, adopts_earlier_vote, stale_1a_ignored"),
])
def test_bad_options_are_one_line_errors(args, message):
    result = explore(FIXED, *args)
    assert (result.exit_code, result.output) == (2, message + "\n")


def test_a_port_in_use_is_a_one_line_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = explore(FIXED, "--port", str(port))
    assert (result.exit_code, result.output) == (
        2, f"error: --host 127.0.0.1 --port {port}: cannot serve the page there (Address "
           "already in use); give another --port (0: any free one)\n")


@pytest.fixture
def served(tmp_path):
    """The explorer of the no_adopt mutant served on a free port; its
    address and a folder where its check waits for `go` and notes each run."""
    import time

    from checker.explorer import Explorer
    from checker.properties import select_properties
    from models import REGISTRY

    model = REGISTRY["paxos"](acceptors=3, values=2, ballots=2, mutant="no_adopt")
    walker = Explorer(model, select_properties(model, None))

    def findings():  # (in the forked check)
        with open(tmp_path / "runs", "a") as runs:
            runs.write("run\n")
        while not (tmp_path / "go").exists():
            time.sleep(0.01)
        return {"verdict": "violated", "findings": []}

    server = serve(walker, findings, "spec <a>.yaml", "paxos & co", "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    server.stop()
    server.server_close()


def get(url: str, host: str | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.headers["Content-Type"], reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_the_page_and_its_json_are_served(served):
    served, folder = served
    status, kind, page = get(served + "/")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    # the spec's name and the model are text on the page, never markup
    assert "<title>cmc explore: spec &lt;a&gt;.yaml</title>" in page
    assert "paxos &amp; co" in page and "<script src" not in page
    status, kind, body = get(served + "/api/place?path=0/0/0")
    place = json.loads(body)
    assert (status, kind, place["path"], len(place["steps"])) == (
        200, "application/json", [0, 0, 0], 6)
    # the run's sequence chart, an image: proposers and acceptors, the 1a and 1b messages
    status, kind, chart = get(served + "/api/chart?path=0/0/0/0")
    assert (status, kind) == (200, "image/svg+xml") and chart.startswith("<svg ")
    assert [name for name in ("p0", "a0", "a1", "a2", "p1") if f">{name}</text>" in chart] == [
        "p0", "a0", "a1", "a2", "p1"]
    assert "Phase1b(a=0, b=0)" in chart and "<script" not in chart
    # the check runs in its own process: asked, it is running (202), and the
    # page can still be walked meanwhile
    status, _, body = get(served + "/api/findings")
    assert (status, json.loads(body)["checking"]) == (202, True)
    assert get(served + "/api/place?path=0/0")[0] == 200
    (folder / "go").touch()
    for _ in range(3000):  # (until the check's process has answered)
        status, _, body = get(served + "/api/findings")
        if status != 202:
            break
    assert (status, json.loads(body)) == (200, {"verdict": "violated", "findings": []})
    # once, however often the page asks
    assert get(served + "/api/findings")[0] == 200
    assert (folder / "runs").read_text() == "run\n"


@pytest.mark.parametrize("path, status, message", [
    ("/api/place?path=0/7", 400, "step 1 of the path: there is no step 7 from the state after "
                                 "step 0; it has 2 (0 to 1)"),
    ("/api/place?path=zero", 400, "'zero' is not a path: part 1 ('zero') is not an index; "
                                  "write indices separated by / (0/2/1: initial state 0, then "
                                  "its step 2, then step 1 from there)"),
    ("/etc/passwd", 404, "no page /etc/passwd; the explorer is at /"),
])
def test_a_bad_request_is_answered_with_its_error(served, path, status, message):
    served, _ = served
    assert get(served + path)[0] == status
    assert json.loads(get(served + path)[2]) == {"error": message}


def test_requests_to_another_name_are_refused(served):
    served, _ = served
    # (a page elsewhere whose name points here cannot read the explorer)
    status, _, body = get(served + "/api/place?path=0", host="attacker.example:80")
    assert (status, json.loads(body)) == (
        403, {"error": "this explorer answers requests to localhost or 127.0.0.1 only"})
    assert get(served + "/api/place?path=0", host="localhost:1234")[0] == 200


#: A DOM just large enough for the page's script: elements with text,
#: classes, children and click handlers; `fetch` answers with the place.
_STUB = r"""
const nodes = {};
function mk(tag) { return { tag, className: "", textContent: "", children: [], href: "",
  append(...c) { this.children.push(...c); }, replaceChildren(...c) { this.children = c; } }; }
global.document = { getElementById: (id) => nodes[id] || (nodes[id] = mk("div")), createElement: mk };
global.location = { hash: "#" + PLACE.path.join("/") };
const handlers = {};
global.window = { addEventListener(kind, handler) { handlers[kind] = handler; } };
global.fetch = async () => ({ ok: true, json: async () => PLACE });
eval(SCRIPT);
setTimeout(() => {
  const text = (n) => [n.textContent].concat(n.children.map(text)).filter((t) => t).join(" | ");
  const keys = [];
  for (const key of ["2", "7", "ArrowLeft"]) {
    location.hash = "#" + PLACE.path.join("/");
    handlers.keydown({ key, preventDefault() {} });
    keys.push(location.hash);
  }
  // with 12 steps, a step of two digits is typed as two keys
  const three = PLACE.steps;
  PLACE.steps = Array(12).fill(three[0]);
  location.hash = "#" + PLACE.path.join("/");
  handlers.keydown({ key: "1", preventDefault() {} });
  handlers.keydown({ key: "1", preventDefault() {} });
  keys.push(location.hash);
  PLACE.steps = three;
  // past ten initial states, a list to choose from (its choice taken last)
  const list = nodes.initials.children[1];
  const many = list.tag !== "select" ? null : [
    list.children.length, list.children[0].textContent,
    list.children.filter((o) => o.selected).map((o) => o.value)];
  nodes.steps.children[0].onclick();
  const stepped = location.hash;
  if (many) { list.value = "11"; list.onchange(); keys.push(location.hash); }
  console.log(JSON.stringify({
    keys, many, stepped,
    initials: nodes.initials.children.map((c) => c.className + ":" + c.textContent),
    where: nodes.where.textContent,
    run: nodes.run.children.map((c) => c.textContent),
    changed: nodes.state.children.filter((r) => r.className === "changed").map(text),
    props: nodes.props.children.map((c) => c.className + " " + c.textContent),
    steps: nodes.steps.children.map(text),
    hash: location.hash }));
}, 50);
"""


def _page(tmp_path, initial_states: int) -> dict:
    """What the page's script shows of the place before the no_adopt
    mutant's last step, as if the model had `initial_states`."""
    import re

    from reports.explorer_page import explorer_page

    place = json.loads(explore(MUTANT, "--at", NO_ADOPT.rsplit("/", 1)[0], "--format",
                               "json").output)
    place["initial_states"] = initial_states
    script = re.search(r"<script>(.*)</script>", explorer_page("t", "m"), re.S).group(1)
    program = tmp_path / "page.js"
    program.write_text(f"const PLACE = {json.dumps(place)};\nconst SCRIPT = "
                       f"{json.dumps(script)};\n" + _STUB)
    return json.loads(subprocess.run(["node", str(program)], capture_output=True, text=True,
                                     check=True, timeout=60).stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
def test_past_ten_initial_states_the_page_offers_a_list(tmp_path):
    shown = _page(tmp_path, 12)
    assert shown["many"] == [12, "0 of 12", ["0"]]
    assert shown["keys"][-1] == "#11"  # the twelfth chosen


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
def test_the_pages_script_shows_a_place_and_takes_a_step(tmp_path):
    # (as if the model had two initial states: the page offers each)
    shown = _page(tmp_path, 2)
    assert shown["where"] == "path 0/0/0/0/0/0/3/1/0/2/2/0 · depth 11"
    assert shown["run"][0] == "0  initial state" and shown["run"][-1] == (
        "11  Phase2b(a=0, b=1, v=1)")
    assert shown["changed"] == ["a0.max_vbal | 1", "a0.max_val | 1",
                                "msgs | {Msg1a(bal=0), Msg1a(bal=1), Msg1b(acc=0, bal=0, mbal=-1, "
                                "mval=none), Msg1b(acc=0, bal=1, mbal=-1, mval=none), "
                                "Msg1b(acc=1, bal=0, mbal=-1, mval=none), Msg1b(acc=1, bal=1, "
                                "mbal=0, mval=0), Msg2a(bal=0, val=0), Msg2a(bal=1, val=1), "
                                "Msg2b(acc=0, bal=1, val=1), Msg2b(acc=1, bal=0, val=0), "
                                "Msg2b(acc=2, bal=0, val=0)}"]  # (a set, as reports print it)
    assert shown["props"][:2] == ["ok ✓ Agreement: holds", "ok ✓ Validity: holds"]
    assert shown["steps"] == [
        "0  Phase2b(a=1, b=1, v=1) | breaks Agreement | a1.max_vbal: 0 → 1\n"
        "a1.max_val: 0 → 1\nmsgs: + Msg2b(acc=1, bal=1, val=1)",
        "1  Phase1b(a=2, b=1) | a2.max_bal: 0 → 1\nmsgs: + Msg1b(acc=2, bal=1, mbal=0, mval=0)",
        "2  Phase2b(a=2, b=1, v=1) | breaks Agreement | a2.max_bal: 0 → 1\na2.max_vbal: 0 → 1\n"
        "a2.max_val: 0 → 1\nmsgs: + Msg2b(acc=2, bal=1, val=1)"]
    assert shown["stepped"] == "#" + NO_ADOPT  # its first step taken
    # keys: 2 takes step 2, 7 is no step here, the left arrow goes back
    here = NO_ADOPT.rsplit("/", 1)[0]
    assert shown["keys"] == [f"#{here}/2", f"#{here}", "#" + here.rsplit("/", 1)[0],
                             f"#{here}/11"]
    assert shown["many"] is None
    assert shown["initials"] == ["dim:initial state:", "here:0", ":1"]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> str:
    """The mutant's counterexample as `cmc check --format json` writes it."""
    result = CliRunner().invoke(cli, ["check", MUTANT, "--format", "json"])
    assert result.exit_code == 0
    path = tmp_path_factory.mktemp("recorded") / "no-adopt.json"
    path.write_text(result.output)
    return str(path)


def test_a_recorded_run_is_walked_to_its_end(recorded):
    result = explore(MUTANT, "--run", recorded)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:3] == [
        f"path {NO_ADOPT} (12 steps)", f"the run ({recorded}:agreement): all 12 steps taken"]


def test_on_the_fixed_model_it_stops_where_the_fix_bites_and_lists_the_steps_there(recorded):
    result = explore(FIXED, "--run", recorded)
    assert result.exit_code == 3
    lines = result.output.splitlines()
    assert lines[1:3] == [
        "path 0/0/0/0/0/0/3/1/0/2 (9 steps)",
        f"the run ({recorded}:agreement): step 10 of the run, Phase2a(b=1, v=1), is not a "
        "step of the model from here (the state after step 9); the model's steps there are "
        "listed below"]
    # Paxos adopts the vote of ballot 0: value 0, not 1
    assert lines[-8:-2] == ["steps from here (2):", "  0  Phase1b(a=2, b=1)",
                            "       a2.max_bal: 0 → 1",
                            "       msgs: + Msg1b(acc=2, bal=1, mbal=0, mval=0)",
                            "  1  Phase2a(b=1, v=0)", "       msgs: + Msg2a(bal=1, val=0)"]


def test_a_run_written_by_hand_is_walked_by_its_actions(tmp_path):
    run = tmp_path / "run.yaml"
    run.write_text("- Phase1a(b=0)\n- Phase1b( a = 0, b = 0 )\n")
    result = explore(FIXED, "--run", str(run), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["path"] == [0, 0, 1]


@pytest.mark.parametrize("args, message", [
    (["--run", "/nonexistent/run.yaml"],
     "error: /nonexistent/run.yaml: cannot read the run to replay: No such file or directory"),
    (["--run", "x.yaml", "--counterexample"],
     "error: --counterexample and --run each name a place; give one (see cmc explore --help)"),
])
def test_bad_runs_are_one_line_errors(args, message):
    result = explore(FIXED, *args)
    assert (result.exit_code, result.output) == (2, message + "\n")


#: two steps that initial state 6 of bcast_byz takes and the first (4) does not
BCAST_RUN = ("- Step(p=2, upon='UponV1', received=(), from_faulty=False)\n"
             "- Step(p=3, upon='UponV1', received=(), from_faulty=False)\n")


def test_a_run_by_hand_starts_from_the_initial_state_that_takes_it(tmp_path):
    run = tmp_path / "run.yaml"
    run.write_text(BCAST_RUN)
    spec = SPECS.parent / "tests/models/user/bcast_byz.yaml"
    result = explore(str(spec), "--run", str(run))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:3] == [
        "path 6/0/1 (2 steps, from initial state 6 of 64)",
        f"the run ({run}): all 2 steps taken"]
    # and so does a replay (a spec of its safety properties)
    safe = tmp_path / "safe.yaml"
    safe.write_text(f"model: {spec.parent / 'bcast_byz.py'}:BcastByz\n"
                    "params: {N: 4, T: 1, F: 1}\nproperties: [unforg]\ndeadlock: false\n")
    replayed = CliRunner().invoke(cli, ["check", str(safe), "--replay", str(run)])
    assert replayed.exit_code == 0, replayed.output
    assert "the run replayed, 2 steps:" in replayed.output


def test_json_says_what_was_found_and_how_far_a_run_went(recorded):
    found = json.loads(explore(MUTANT, "--counterexample", "--format", "json").output)["found"]
    assert found == {"property": "agreement", "title": "Agreement", "kind": "violation",
                     "steps": 12, "loop_start": None,
                     "reason": "value 0 is chosen in ballot 0 by acceptors 1, 2; value 1 is "
                               "chosen in ballot 1 by acceptors 0, 1"}
    result = explore(FIXED, "--run", recorded, "--format", "json")
    assert result.exit_code == 3
    assert json.loads(result.output)["run_file"] == {
        "source": f"{recorded}:agreement", "steps": 12, "taken": 9,
        "left": "step 10 of the run, Phase2a(b=1, v=1), is not a step of the model from here "
                "(the state after step 9)"}


def test_a_property_named_for_counterexample_is_shown_at_the_place(tmp_path):
    spec = tmp_path / "agreement-only.yaml"
    spec.write_text(Path(MUTANT).read_text().replace("expect:", "properties: [agreement]\n"
                                                     "expect:", 1))
    result = explore(str(spec), "--counterexample", "--property", "value_chosen")
    assert result.exit_code == 0, result.output
    assert "  ✓ A value is chosen: reached" in result.output.splitlines()


def test_a_temporal_property_is_walked_to_on_a_spec_with_symmetry(tmp_path):
    # (the explorer shows states without symmetry, and the lasso on the
    # orbits may be another: it leaves symmetry out, and says so)
    spec = tmp_path / "dueling-symmetry.yaml"
    spec.write_text((SPECS / "paxos-liveness-dueling.yaml").read_text().replace(
        "deadlock: false", "deadlock: false\nsymmetry: true"))
    result = explore(str(spec), "--counterexample")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "path 0/0/0/0/2/1/0/0/2/0/2 (10 steps)"
    assert result.stderr == (f"note: {spec}: symmetry: left out, as temporal properties "
                             "(termination) are walked to without it: the run is the one cmc "
                             "check --no-symmetry shows\n")
