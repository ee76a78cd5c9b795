"""`cmc explore SPEC`: walk a model's states by hand, in a browser or one
state at a time on the command line (`checker.explorer`)."""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

import click

from cmc.exit_codes import HELP, INCOMPLETE
from cmc.options import colour_option, given_path


@click.command("explore", epilog=HELP)
@click.argument("spec", metavar="SPEC")
@click.option("--at", "at", metavar="PATH",
              help="Print the state PATH reaches and the steps from it, then exit (no page): "
                   "PATH is the index of an initial state, then of each step taken, "
                   "separated by / (0/2/1: the first initial state, its step 2, then step 1 "
                   "from there; steps are numbered as listed).")
@click.option("--counterexample", "counterexample", is_flag=True,
              help="Check the spec and print where its shortest counterexample (or, with "
                   "--property, that property's counterexample or witness) ends, with its "
                   "path, to walk on from (--at PATH/K). A spec with symmetry: and temporal "
                   "properties is checked without symmetry (as cmc check --no-symmetry), "
                   "with a note on stderr.")
@click.option("--property", "property_name", metavar="NAME",
              help="With --counterexample: the property whose run to print.")
@click.option("--run", "run_file", metavar="FILE[:PROPERTY]", callback=given_path,
              help="Print where a recorded run ends, with its path: a counterexample from a "
                   "JSON report of cmc check (:PROPERTY picks one) or a YAML list of actions "
                   "as reports print them, as --replay takes them; where a step is not one "
                   "of the model's, the state before it and the steps the model has there "
                   "(exit 3).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="With --at or --counterexample: json prints the place "
                                      "as the page reads it.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address the page is served on (the default: this machine only).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="The port the page is served on (0: any free one).")
@colour_option
def explore(spec: str, at: str | None, counterexample: bool, property_name: str | None,
            run_file: str | None, output_format: str, host: str, port: int,
            color: bool | None) -> None:
    """Walk SPEC's model one step at a time: from an initial state, take the
    steps you choose, seeing each state's fields, what every enabled step
    would change, which properties hold, and which steps break one.

    Without --at, --counterexample or --run, serves a page to do it in a browser
    (until Ctrl-C): the place is in its address, so a link names a state,
    and its "check the spec" lists the spec's counterexamples as runs to
    walk. States are shown as the model has them (no symmetry); a state
    outside the model's bounds (within_bounds, the spec's constraints) is
    shown and marked, and no step is taken from it, as in a search.

    \b
    Examples:
      cmc explore specs/paxos-3a-2v-2b.yaml            # then open the address it prints
      cmc explore specs/paxos-3a-2v-2b.yaml --at 0/0/2
      cmc explore specs/paxos-mutant-no-adopt.yaml --counterexample
      cmc explore specs/paxos-3a-2v-2b.yaml --run report.json   # a report's run, walked
    """
    from checker.errors import CheckerError, SpecError
    from checker.explorer import Explorer
    from checker.properties import select_properties
    from checker.spec import load_spec
    from models import REGISTRY
    from reports.run import describe
    from reports.text import paint, use_colour

    if property_name is not None and not counterexample:
        raise click.UsageError("--property picks the run of --counterexample; give "
                               "--counterexample too")
    named = [option for option, given in (("--at", at), ("--counterexample", counterexample),
                                          ("--run", run_file)) if given]
    if len(named) > 1:
        raise click.UsageError(f"{' and '.join(named)} each name a place; give one")
    context = click.get_current_context()
    given = [f"--{name}" for name in ("host", "port") if context.get_parameter_source(name)
             is not click.core.ParameterSource.DEFAULT]
    if named and given:
        raise click.UsageError(f"{' and '.join(given)} place{'' if len(given) > 1 else 's'} "
                               f"the page, which {named[0]} does not serve: leave "
                               f"{'them' if len(given) > 1 else 'it'} out")
    if not named and output_format == "json":
        raise click.UsageError("--format json prints the place --at, --counterexample or --run "
                               "names; give one (without them the page is served)")
    if at is not None:
        path = _path(at)
    script = None
    if run_file is not None:
        from checker.replay import load_script

        script = load_script(run_file)
    loaded = load_spec(spec, REGISTRY)
    model = loaded.build()
    config = loaded.config()
    try:
        properties = select_properties(model, config.properties)
    except SpecError as error:
        raise loaded.located(error) from None
    if property_name in model.properties and property_name not in {p.name for p in properties}:
        # (the property --counterexample walks to is shown at each place too)
        properties = (*properties, model.properties[property_name])
    # (the text printed only: the page and JSON carry no colour)
    colour = bool(named) and output_format == "text" and use_colour(sys.stdout, color)
    explorer = Explorer(model, properties, config.deadlock, colour)
    if not named:
        _serve(explorer, loaded, describe(model), host, port)
        return
    left = None
    if script is not None:
        from checker.explorer import NoSuchPlace
        from checker.replay import as_run

        script = as_run(model, script)  # (a log: the run of the model it describes)
        try:
            path, left = explorer.path_of_script(script)
        except NoSuchPlace as error:
            raise CheckerError(f"--run {run_file}: {error}") from None
    if counterexample:
        found = _findings(explorer, loaded, property_name)
        # a witness only where its property is named (it is no counterexample)
        runs = [f for f in found["findings"] if property_name or f["kind"] == "violation"]
        if not runs:
            which = (f"{property_name} has no counterexample or witness" if property_name
                     else "the check found no counterexample to walk"
                     + ("" if found["verdict"] != "violated" else
                        " (what it found violated is a state never reached, which no run "
                        "shows)"))
            raise CheckerError(f"{spec}: {which} (verdict {found['verdict']}); explore it "
                               "from its initial state (leave out --counterexample)"
                               + ("" if property_name else ", or name a reachability "
                                  "property for its witness (--property NAME)"))
        # (the one `cmc check` reports: the shortest)
        chosen = min(runs, key=lambda f: f["steps"])
        path = tuple(chosen["path"])
    place = _place(explorer, path, at)
    if output_format == "json":
        from reports.run import state_values

        document = place.document()
        # the state's fields structured, as a JSON report's steps give them
        document["values"] = state_values(model, place.trace.final)
        if counterexample:  # what was found, as the text's line says
            document["found"] = {key: chosen[key] for key in
                                 ("property", "title", "kind", "steps", "reason", "loop_start")}
        if script is not None:  # how far the run went
            document["run_file"] = {"source": script.source, "steps": len(script.actions),
                                    "taken": len(path) - 1, "left": left}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        lines = _text(place, spec, describe(model), colour)
        if counterexample:
            lines[2:2] = [paint(f"{chosen['title']}: {_found_line(chosen)}",
                                "good" if chosen["kind"] == "witness" else "bad", colour)]
        if script is not None:
            lines[2:2] = [f"the run ({script.source}): "
                          + (paint(f"{left}; the model's steps there are listed below", "warn",
                                   colour) if left
                             else f"all {len(script.actions)} steps taken")]
        # (click strips colour written to no terminal unless told)
        click.echo("\n".join(lines), color=colour)
    if left is not None:  # (as --replay: the run stopped before its end)
        sys.exit(INCOMPLETE)


def _found_line(finding: dict[str, Any]) -> str:
    """What the run printed by --counterexample shows."""
    steps = _steps(finding["steps"])
    if finding["loop_start"] is not None and finding["loop_start"] == finding["steps"]:
        return f"a lasso: a stem of {steps}, then it stutters for ever: {finding['reason']}"
    if finding["loop_start"] is not None:
        return (f"a lasso of {steps}: from step {finding['loop_start']} on, a loop for ever "
                "(the last step comes back to the state after step "
                f"{finding['loop_start']}): {finding['reason']}")
    if finding["kind"] == "witness":
        return f"reached after {steps}"
    return f"violated after {steps}: {finding['reason']}"


def _steps(count: int) -> str:
    return f"{count} step{'' if count == 1 else 's'}"


def _path(at: str) -> tuple[int, ...]:
    from checker.explorer import NoSuchPlace, parse_path

    try:
        return parse_path(at)
    except NoSuchPlace as error:
        raise click.BadParameter(str(error), param_hint="'--at'") from None


def _place(explorer: Any, path: tuple[int, ...], at: str | None) -> Any:
    from checker.explorer import NoSuchPlace

    try:
        return explorer.place(path)
    except NoSuchPlace as error:
        if at is None:
            raise
        raise click.BadParameter(f"{at}: {error}", param_hint="'--at'") from None


def _text(place: Any, spec: str, model: str, colour: bool = False) -> list[str]:
    """The place as lines: the run, the state, the properties, the steps;
    with `colour`, painted as a text report's trace is."""
    from reports.text import paint

    path = "/".join(map(str, place.path))
    of = (f", from initial state {place.path[0]} of {place.initial_states}"
          if place.initial_states > 1 else "")
    lines = [f"{spec}: {model}", f"path {path} ({_steps(len(place.path) - 1)}{of})", "", "run:"]
    width = len(str(len(place.run)))
    for number, (action, _, changed) in enumerate(place.run):
        lines.append(f"  {paint(f'{number:>{width}}', 'number', colour)}  "
                     f"{paint(action or 'initial state', 'action', colour)}")
        lines += [f"  {' ' * width}    {line}" for line in changed]
    again = "" if place.again is None else f" (the state after step {place.again} again)"
    lines += ["", f"state{again}:"] + [f"  {line}" for line in place.printed]
    if not place.within_bounds:
        lines.append("  " + paint(f"(outside the model's bounds: {place.bound_reason})", "warn",
                                  colour))
    if place.properties:
        lines += ["", "properties:"]
        marks = {"holds": "✓", "violated": "✗", "reached": "✓"}
        roles = {"holds": "good", "violated": "bad", "reached": "good"}
        for prop in place.properties:
            reason = f" ({prop['reason']})" if prop["reason"] else ""
            line = f"{marks.get(prop['status'], '·')} {prop['title']}: {prop['status']}{reason}"
            lines.append("  " + (paint(line, roles[prop["status"]], colour)
                                 if prop["status"] in roles else line))
    lines += ["", f"steps from here ({len(place.steps)}):"]
    if place.stop:
        lines.append("  " + paint(place.stop, "warn", colour))
    width = len(str(len(place.steps)))
    titles = {prop["name"]: prop["title"] for prop in place.properties}
    for step in place.steps:
        tags = [paint(f"breaks {titles[name]}", "bad", colour)
                for name in step["breaks"] + step["violates"]]
        if step["revisits"] is not None:
            tags.append(f"back to step {step['revisits']}")
        if step["outside"]:
            tags.append(paint("outside the bounds", "warn", colour))
        number = f"{step['index']:>{width}}"
        lines.append(f"  {paint(number, 'number', colour)}  "
                     f"{paint(step['action'], 'action', colour)}"
                     + (f"   [{'; '.join(tags)}]" if tags else ""))
        lines += [f"  {' ' * width}    {line}"
                  for line in step["changes"] or [paint("(no change)", "dim", colour)]]
    if place.steps:
        lines += ["", f"next: cmc explore {spec} --at {path}/K (K: a step above)"]
    return lines


def _findings(explorer: Any, loaded: Any, property_name: str | None,
              every: bool = False) -> dict[str, Any]:
    """The spec checked as `cmc check` checks it, each finding as a path:
    the first violation's (the shortest), or with `every` each violated
    property's (--keep-going); those of `property_name` only, if given."""
    import checker
    from checker.errors import CheckerError
    from checker.spec import suggest

    model = explorer.model
    if property_name is not None and property_name not in model.properties:
        raise CheckerError(f"--property: {model.name} has no property {property_name!r}"
                           f"{suggest(property_name, model.properties)}; it has "
                           f"{', '.join(model.properties)}")
    # (stopped once every property is settled, whatever figures `expect:` gives)
    config = dataclasses.replace(loaded.config(keep_going=every), stop_when_settled=True)
    if property_name is not None:
        config = dataclasses.replace(config, properties=(property_name,))
    from checker.properties import select_properties

    temporal = [p.name for p in select_properties(model, config.properties) if p.temporal]
    if config.symmetry and temporal:
        # the explorer shows states without symmetry, and a lasso found on
        # the orbits (cmc check's, where fairness allows it) may be another
        # than the unreduced graph's: it checks as cmc check --no-symmetry
        # does, and says so
        click.echo(f"note: {loaded.path}: symmetry: left out, as temporal properties "
                   f"({', '.join(temporal)}) are walked to without it: the run is the one "
                   "cmc check --no-symmetry shows", err=True)
        config = dataclasses.replace(config, symmetry=())
    result = checker.check(model, config)
    if result.stopped_by == "interrupted":  # what the check explored, as cmc check says it
        click.echo(f"error: interrupted while checking, after "
                   f"{result.stats.distinct_states:,} states (depth {result.stats.depth}), "
                   "before a counterexample was found", err=True)
        sys.exit(INCOMPLETE)
    findings = []
    for kind, found in (("violation", result.violations), ("witness", result.witnesses)):
        for finding in found:
            if finding.trace is None:
                continue
            # (a lasso's path ends where its loop comes back to loop_start's state)
            findings.append({"property": finding.property.name,
                             "title": finding.property.title, "kind": kind,
                             "steps": len(finding.trace), "reason": finding.reason,
                             "loop_start": finding.loop_start,
                             "path": list(explorer.path_of(finding.trace))})
    return {"verdict": result.verdict, "stopped_by": result.stopped_by, "findings": findings}


def _serve(explorer: Any, loaded: Any, model: str, host: str, port: int) -> None:
    """Serve the page until Ctrl-C."""
    from checker.errors import CheckerError

    try:
        server = serve(explorer, lambda: _findings(explorer, loaded, None, every=True),
                       loaded.path, model, host, port)
    except OSError as error:
        raise CheckerError(f"--host {host} --port {port}: cannot serve the page there "
                           f"({error.strerror or error}); give another --port (0: any free "
                           "one)") from None
    address = f"http://{_shown_host(server.server_address[0])}:{server.server_address[1]}/"
    click.echo(f"exploring {loaded.path} ({model}) at {address}  (Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.stop()
        server.server_close()
    sys.exit(0)


def _shown_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def serve(explorer: Any, findings: Any, title: str, model: str, host: str,
          port: int) -> Any:
    """An HTTP server (not yet serving) of the explorer's page and its JSON:
    ``/api/place?path=0/2/1`` (a place, `Place.document`) and
    ``/api/chart?path=0/2/1`` (the run's sequence chart, SVG) and
    ``/api/findings`` (`findings()`, computed once, in a forked process
    where there is fork: 202 while it runs, so that the page can still be
    walked during a long check). One request at a time: a model's code and
    caches are not made for threads. Bound to this machine by default, it
    answers only requests addressed to this machine by name (a page
    elsewhere cannot reach it through a name of its own). `stop()` on the
    server ends a check still running."""
    import ipaddress
    import traceback
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from urllib.parse import parse_qs, urlsplit

    from checker.errors import CheckerError
    from checker.explorer import NoSuchPlace, parse_path
    from reports.explorer_page import explorer_page
    from reports.sequence import build_chart, render_svg

    page = explorer_page(title, model).encode("utf-8")
    found: dict[str, Any] = {}
    check = _Check(findings)
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"

    class Handler(BaseHTTPRequestHandler):
        server_version = "cmc-explore"

        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            if local and not _local_name(self.headers.get("Host", "")):
                return self._json(403, {"error": "this explorer answers requests to "
                                                 "localhost or 127.0.0.1 only"})
            url = urlsplit(self.path)
            try:
                if url.path in ("/", "/index.html"):
                    return self._send(200, "text/html; charset=utf-8", page)
                if url.path == "/api/place":
                    given = parse_qs(url.query).get("path", ["0"])[0]
                    return self._json(200, explorer.place(parse_path(given)).document())
                if url.path == "/api/chart":  # the run's message sequence chart
                    given = parse_qs(url.query).get("path", ["0"])[0]
                    trace = explorer.place(parse_path(given)).trace
                    chart = render_svg(build_chart(explorer.model, trace))
                    return self._send(200, "image/svg+xml", chart.encode("utf-8"))
                if url.path == "/api/findings":
                    if "document" not in found:
                        status, document = check.poll()
                        if status != 200:
                            return self._json(status, document)
                        found["document"] = document
                    return self._json(200, found["document"])
                return self._json(404, {"error": f"no page {url.path}; the explorer is at /"})
            except NoSuchPlace as error:
                return self._json(400, {"error": str(error)})
            except CheckerError as error:  # the model's own code failed
                return self._json(500, {"error": " ".join(str(error).split())})
            except Exception:  # a bug: its traceback where cmc runs
                traceback.print_exc()
                return self._json(500, {"error": "internal error (its traceback is where cmc "
                                                 "explore runs): a bug in cmc"})

        def _json(self, status: int, document: Any) -> None:
            self._send(status, "application/json",
                       json.dumps(document, ensure_ascii=False).encode("utf-8"))

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # (a line a click would bury the address it printed)

    server_class = HTTPServer
    if ":" in host:
        import socket

        class Server6(HTTPServer):
            address_family = socket.AF_INET6

        server_class = Server6
    server = server_class((host, port), Handler)
    server.stop = check.stop
    return server


class _Check:
    """The spec's check for the page, run once in a forked process (the
    server goes on answering), or here where there is no fork."""

    def __init__(self, findings: Any):
        self.findings = findings
        self.process: Any = None
        self.receiver: Any = None
        self.started = 0.0

    def poll(self) -> tuple[int, Any]:
        """(200, the findings), (202, how long it has run) or (500, why it failed)."""
        import time
        from multiprocessing import get_context

        from checker.errors import CheckerError

        if self.process is None:
            try:
                context = get_context("fork")
            except ValueError:  # no fork here: the check runs in this request
                try:
                    return 200, self.findings()
                except CheckerError as error:
                    return 500, {"error": " ".join(str(error).split())}
            self.receiver, sender = context.Pipe(duplex=False)
            self.process = context.Process(target=_checked, args=(self.findings, sender),
                                           daemon=True)
            self.process.start()
            sender.close()
            self.started = time.monotonic()
        if self.receiver.poll():
            kind, value = self.receiver.recv()
            self.stop()
            return (200, value) if kind == "done" else (500, {"error": value})
        if not self.process.is_alive():
            self.stop()
            return 500, {"error": "the check's process ended without an answer (out of "
                                  "memory?); check the spec with cmc check"}
        return 202, {"checking": True, "seconds": round(time.monotonic() - self.started, 1)}

    def stop(self) -> None:
        """End the check's process, if one runs; a later poll starts again."""
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.receiver.close()
        self.process = self.receiver = None


def _checked(findings: Any, sender: Any) -> None:
    """The forked check: its findings, or its one-line error, sent back."""
    import signal

    from checker.errors import CheckerError

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (Ctrl-C stops the server, which stops this)
    try:
        sender.send(("done", findings()))
    except CheckerError as error:
        sender.send(("failed", " ".join(str(error).split())))
    except BaseException as error:  # a bug: said, not hidden
        sender.send(("failed", f"internal error in the check: {type(error).__name__}: {error}"))


def _local_name(header: str) -> bool:
    """Whether a request's Host header names this machine."""
    name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
    if header.startswith("["):
        name = header[1:header.index("]")] if "]" in header else header
    return name in ("localhost", "127.0.0.1", "::1")
