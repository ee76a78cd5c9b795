"""`cmc check SPEC...`: run specs, print reports, exit with the CI verdict."""

from __future__ import annotations

import dataclasses
import errno
import json
import math
import sys
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from checker.errors import CheckerError

from cmc.exit_codes import FAILED, HELP, INCOMPLETE, OK
from cmc.options import (Seconds, colour_option, fingerprint_options, given_path, ray_option,
                         workers_option)


class _Format(click.Choice):
    """text or json; the reports written to files are named where one is
    asked for here."""

    WRITTEN = {"html": "--out DIR writes SPEC.html (with SPEC.txt and SPEC.json)",
               "markdown": "--summary FILE appends a Markdown summary",
               "md": "--summary FILE appends a Markdown summary",
               "junit": "--junit FILE writes JUnit XML",
               "xml": "--junit FILE writes JUnit XML",
               "dot": "--out DIR --graph dot writes each counterexample as a graph; cmc graph "
                      "draws whole state graphs",
               "graphml": "--out DIR --graph graphml writes each counterexample as a graph; "
                          "cmc graph draws whole state graphs",
               "mermaid": "--out DIR writes each counterexample's sequence chart, "
                          "SPEC.PROPERTY.mmd"}

    def convert(self, value, param, ctx):
        written = self.WRITTEN.get(str(value).lower())
        if written is not None:
            self.fail(f"{value!r} is not printed: {written}; --format prints text or json",
                      param, ctx)
        return super().convert(value, param, ctx)


@click.command("check", epilog=HELP)
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@click.option("--max-depth", type=click.IntRange(min=0), metavar="N",
              help="Explore at most N steps from an initial state (overrides the spec).")
@click.option("--max-states", type=click.IntRange(min=1), metavar="N",
              help="Stop after N distinct states (overrides the spec).")
@click.option("--time-limit", type=Seconds(), metavar="SECONDS",
              help="Stop after this many seconds (overrides the spec).")
@click.option("--memory-limit", type=click.IntRange(min=1), metavar="MIB",
              help="Once the run holds more than MIB mebibytes, keep the levels of states "
                   "waiting to be expanded on disk (in every process, with the states a "
                   "partition generated and has yet to hear are new), and if it still holds more, "
                   "stop, as at a bound (incomplete, reporting what it explored). Counted: "
                   "this process's resident memory "
                   "and what each partition process holds of its own, looked at every "
                   "chunk of states (every level when --workers shares the search). The "
                   "graph of temporal properties is not limited.")
@click.option("--symmetry/--no-symmetry", default=None,
              help="Reduce by every symmetric set the model declares, or by none "
                   "(overrides the spec's symmetry:).")
@workers_option
@ray_option
@fingerprint_options
@click.option("--keep-going", is_flag=True,
              help="Go on after the first violation, collecting the first "
                   "counterexample of every violated property (a spec whose "
                   "expect: lists properties goes on without it).")
@click.option("--format", "output_format", type=_Format(["text", "json"]),
              default="text", show_default=True,
              help="text for people; json prints one cmc.result/2 document.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), metavar="DIR",
              callback=given_path,
              help="Also write each spec's reports into DIR: SPEC.txt, SPEC.json, "
                   "SPEC.html (offline page: sequence charts and traces) and "
                   "SPEC.PROPERTY.mmd (each counterexample's Mermaid sequence chart), "
                   "removing the SPEC.PROPERTY files of an earlier run that this one does "
                   "not write. Specs of the same file name are told apart by their "
                   "folders (a-spec, b-spec), and a spec whose files would still be "
                   "another's (one given twice) gets NAME-2, NAME-3...")
@click.option("--graph", "graph_format", type=click.Choice(["dot", "graphml", "json"]),
              help="With --out: also write each counterexample's path as a state graph, "
                   "SPEC.PROPERTY.FORMAT (json: networkx node-link). `cmc graph` draws "
                   "whole state graphs.")
@click.option("--junit", "junit_file", type=click.Path(dir_okay=False), metavar="FILE",
              callback=given_path,
              help="Write JUnit XML to FILE: a test case per (spec, property), failures "
                   "carrying the trace.")
@click.option("--summary", "summary_file", type=click.Path(dir_okay=False), metavar="FILE",
              callback=given_path,
              help="Append a Markdown summary to FILE, e.g. $GITHUB_STEP_SUMMARY.")
@colour_option
@click.option("--full-states", is_flag=True,
              help="Print every state of a trace in full, not only what changed.")
@click.option("--witnesses", is_flag=True,
              help="Print the run that reaches each reachability property, not only its length.")
@click.option("--stats", "engine_stats", is_flag=True,
              help="Also print the model's own figures of the run: a kit model's memo "
                   "line (plan look-ups, how many were computed and the share of hits, node "
                   "plans, handler runs, memo tables filled and started again; "
                   "docs/writing-a-model.md says how to read it). The JSON report always "
                   "has them (stats.model_stats).")
@click.option("--progress/--no-progress", default=None,
              help="Show progress on stderr: a line a level where stderr is no terminal. "
                   "Default: a bar when stderr is a terminal, else a line a minute once a "
                   "run takes longer (as TLC prints it); --no-progress: none.")
@click.option("--checkpoint", "checkpoint_dir", type=click.Path(file_okay=False),
              metavar="DIR", callback=given_path,
              help="Save the search into DIR between levels, every --checkpoint-every "
                   "seconds, so that a killed run can be resumed (--resume DIR, with "
                   "any --workers or --ray). One SPEC only.")
@click.option("--checkpoint-every", type=Seconds(), default=60.0, show_default=True,
              metavar="SECONDS",
              help="Seconds between two checkpoints (of --checkpoint or --resume).")
@click.option("--resume", "resume_dir", type=click.Path(file_okay=False), metavar="DIR",
              callback=given_path,
              help="Go on from the checkpoint in DIR (written by --checkpoint with the "
                   "same SPEC and options) to the result of an uninterrupted run; "
                   "checkpoints go on being saved there.")
@click.option("--simulate", is_flag=True,
              help="Draw behaviours at random instead of exploring every state (TLC's "
                   "-simulate), for state spaces too large to explore: each takes up to "
                   "--max-depth steps (default 100), an action drawn among those enabled, "
                   "then one of its steps; every step generated is checked, a step leaving "
                   "the model's bounds is not taken. A violation found is real (its trace "
                   "is the behaviour with its loops cut out, not necessarily the shortest); "
                   "what no behaviour broke is not settled. --workers share the behaviours "
                   "(the same findings whatever their number); no symmetry. A temporal "
                   "property is judged on each behaviour: a fair lasso among its states "
                   "breaks it. Exit 0 when nothing was broken (or the violation "
                   "the spec expects was found), 3 when an expected violation was not drawn.")
@click.option("--behaviours", type=click.IntRange(min=1), metavar="N",
              help="With --simulate: draw N behaviours (default 1000, or as many as "
                   "--time-limit allows when it is given).")
@click.option("--seed", type=click.IntRange(min=0), metavar="N",
              help="With --simulate: the seed of the draw, to draw the same behaviours "
                   "again (default: a new one, printed in the report).")
@click.option("--replay", "replay_file", metavar="FILE[:PROPERTY]", callback=given_path,
              help="Take one recorded run again instead of exploring: a counterexample "
                   "or witness from a JSON report of cmc check (--out DIR, --format json; "
                   ":PROPERTY picks one where the report holds several; a lasso is judged "
                   "as one, under the spec's fairness), or a YAML list of actions as "
                   "reports print them (a lasso: a mapping of steps: and loop:, the step "
                   "its loop starts after), or a log of a system's events (a YAML "
                   "mapping of events:, hidden:, max_hidden:), explained by a run of the "
                   "model searched for, exit 1 where none is. Each step is found among the model's "
                   "steps by its action (and the recorded state), and checked; the replay "
                   "stops at a step that is not one of the model's, saying what its steps "
                   "are there, and names the first state that differs from the recorded "
                   "one. Whether a fix removed a counterexample, a schedule breaks a "
                   "property, or where a model's behaviour changed. Exit 1 when the run "
                   "breaks a property (0 if the spec expects it), 3 when it stopped before "
                   "its end, else 0: one run proves nothing holds.")
def check(specs: tuple[str, ...], max_depth: int | None, max_states: int | None,
          time_limit: float | None, memory_limit: int | None, symmetry: bool | None,
          workers: int | None, ray: str | None, exact: bool | None, fp_seed: int, keep_going: bool,
          output_format: str,
          out_dir: str | None, graph_format: str | None, junit_file: str | None,
          summary_file: str | None, color: bool | None, full_states: bool, witnesses: bool,
          engine_stats: bool, progress: bool | None, checkpoint_dir: str | None,
          checkpoint_every: float,
          resume_dir: str | None, simulate: bool, behaviours: int | None,
          seed: int | None, replay_file: str | None) -> None:
    """Run each SPEC (a YAML spec file) and report what it found.

    Every spec is loaded and validated before any runs. A run stopped by a
    bound is reported as incomplete, never as holding, with everything it
    explored. A run stops once every property is settled (every witness
    found; with --keep-going, every other property violated), saying so,
    unless the spec checks for deadlock or a temporal property, or its
    expect: gives distinct_states or depth. When a spec has an `expect:` block, meeting it is success
    (exit 0) even if the expected verdict is `violated`: that is how a CI
    pipeline gates on a broken model staying broken.
    """
    import checker
    from checker import simulation
    from checker.spec import load_specs
    from cmc import interrupts
    from models import REGISTRY
    from reports.json import result_document, run_document
    from reports.files import (append_text, check_apart, check_folder, check_writable,
                               report_files, write_reports, write_whole)
    from reports.junit import render_junit
    from reports.run import Checked
    from reports.summary import render_summary
    from reports.text import render_result, use_colour

    if graph_format and not out_dir:
        raise click.UsageError("--graph writes files: give --out DIR too")
    context = click.get_current_context()
    if (context.get_parameter_source("checkpoint_every") is not ParameterSource.DEFAULT
            and not (checkpoint_dir or resume_dir)):
        raise click.UsageError("--checkpoint-every says how often --checkpoint saves: give "
                               "--checkpoint DIR too")
    script = None
    if replay_file is not None:
        from checker.replay import load_script

        if simulate:
            raise click.UsageError("--replay takes one recorded run, --simulate draws "
                                   "behaviours: give one of them")
        # (--workers 1 is what a replay does: one process)
        given_workers = (context.get_parameter_source("workers") is not ParameterSource.DEFAULT
                         and workers != 1)
        _refuse_with(context, "--replay takes one recorded run", max_depth=max_depth,
                     max_states=max_states, time_limit=time_limit, memory_limit=memory_limit,
                     symmetry=symmetry, workers=workers if given_workers else None, ray=ray,
                     checkpoint=checkpoint_dir, resume=resume_dir, keep_going=keep_going)
        symmetry = False  # (the run's states are real ones)
        script = load_script(replay_file)
    if simulate:
        _refuse_with(context, "--simulate draws behaviours", max_states=max_states,
                     memory_limit=memory_limit, symmetry=symmetry, ray=ray,
                     checkpoint=checkpoint_dir, resume=resume_dir)
        symmetry = False  # (a spec's own symmetry: is not for behaviours of real states)
    elif behaviours is not None or seed is not None:
        raise click.UsageError(f"--{'behaviours' if behaviours is not None else 'seed'} "
                               "is for a simulation: give --simulate too")
    checkpoints = None
    if checkpoint_dir or resume_dir:
        from checker.checkpoint import Checkpoints

        if len(specs) > 1:
            raise click.UsageError("--checkpoint and --resume take one SPEC")
        if checkpoint_dir and resume_dir and checkpoint_dir != resume_dir:
            raise click.UsageError("--resume DIR goes on saving into DIR: give one folder")
        from cmc.main import _say

        checkpoints = Checkpoints(resume_dir or checkpoint_dir, checkpoint_every,
                                  resume=bool(resume_dir), said=_say)
    colour = use_colour(sys.stdout, color)

    loaded = [spec.with_bounds(max_depth=max_depth, max_states=max_states,
                               time_limit=time_limit).with_symmetry(symmetry)
              .with_exact(exact)
              for spec in load_specs(list(specs), REGISTRY)]
    if symmetry:  # as the spec's `symmetry: true` is refused for such a model
        for spec in loaded:
            if not spec.model_class.symmetry_sets:
                raise click.UsageError(
                    f"--symmetry: {spec.path}: model {spec.model_class.name} declares no "
                    "symmetric sets, so nothing would be reduced; leave --symmetry out")
    if memory_limit is not None:
        _check_memory_limit(memory_limit)
    names = report_names(loaded)
    # A destination that cannot be written, or would overwrite a spec or
    # another output, is found now, not after the runs.
    out_files = [Path(out_dir) / file for spec, name in zip(loaded, names)
                 for file in report_files(name, spec_properties(spec))] if out_dir else []
    outputs = [(f"{option} {given}", given) for option, given in
               (("--junit", junit_file), ("--summary", summary_file)) if given]
    kept = checkpoints.path if checkpoints is not None else None
    check_apart(outputs + [(f"--out {out_dir} ({file})", file) for file in out_files],
                run_inputs(loaded) + ([(f"the checkpoint {kept}", kept),
                                       (f"the checkpoint {kept}", kept + ".partial")]
                                      if kept else []),
                stdout=("--format json prints its document" if output_format == "json"
                        else "the text report goes"), appended=output_format == "text")
    for _, file in outputs:
        check_writable(file)
    if out_dir:
        check_folder(out_dir, out_files)
    cluster = None
    if ray is not None:
        from checker import ray_search

        cluster = ray_search.connect(ray)
        if workers is not None and workers > cluster.cpus:
            click.echo(f"note: --workers {workers}: using {cluster.cpus} Ray actors, the "
                       "CPUs of the Ray cluster", err=True)
        workers = min(workers or cluster.cpus, cluster.cpus)
    auto_workers = context.meta.get("auto_workers", False)
    stdout = _Stdout()
    documents, codes, runs = [], [], []
    failure = None
    try:
        for number, (spec, name) in enumerate(zip(loaded, names), 1):
            model = spec.build()
            config = dataclasses.replace(
                spec.config(keep_going, workers, fp_seed),
                memory_limit=None if memory_limit is None else memory_limit * 2**20,
                auto_workers=ray is None and auto_workers)
            owners = cluster and ray_search.Owners(spec.build, cluster)
            left_out: tuple[str, ...] = ()  # the temporal properties a finite run leaves out
            if script is not None and getattr(script, "loop_start", None) is None:
                config, left_out = _without_temporal(spec, model, config)
            try:
                if script is not None:
                    from checker.replay import replay

                    result = replay(model, config, script)
                elif simulate:
                    walks = _walks(spec, config, behaviours, seed)
                    result = simulation.simulate(model, config, walks,
                                                 _drawn if progress else None)
                else:
                    reporter = _reporter(progress, spec.name)
                    if config.max_depth is None:
                        reporter = _SaysUnbounded(reporter)
                    result = checker.check(model, config, reporter, checkpoints, owners)
            except CheckerError as error:
                # (a model that fails: the specs checked before are still
                # written to the files asked for, below)
                failure = spec.located(error)
                break
            with interrupts.deferred():  # each report whole, the interruption after
                # A run stopped from outside says nothing of the spec: its
                # expectation is not judged (and not reported as unmet).
                judged = spec.expect if result.stopped_by not in STOPPED_OUTSIDE else None
                mismatches = judged.mismatches(result) if judged else []
                drawn = None  # what a simulation says of the expectation, where not judged
                if simulate and judged is not None:
                    mismatches, drawn = _drawn_against(judged, result)
                    judged = None if drawn and judged.verdict == "violated" else judged
                elif script is not None and judged is not None:
                    mismatches, drawn = _replayed_against(judged, result, left_out)
                    judged = None if drawn and judged.verdict == "violated" else judged
                description = spec.description.strip() if spec.description else None
                checked = Checked(spec.path, model, result, judged, tuple(mismatches),
                                  description)
                title = f"{spec.path}: {checked.describe()}"
                options = dict(expected=judged is not None and not drawn,
                               full_states=full_states,
                               witnesses=witnesses,
                               description=description, engine=engine_stats)
                unjudged = (f"{drawn}\n" if drawn else
                            "expectation not judged: the run did not finish\n"
                            if spec.expect is not None and judged is None else "")
                try:
                    # (rendered before anything is printed: the model's
                    # state_view may fail, and then this spec is left out)
                    text = render_result(title, model, result, mismatches, **options) + unjudged
                    document = (result_document(spec.path, model, result, spec.expect,
                                                mismatches,
                                                description=description)
                                if output_format == "json" or out_dir else None)
                    codes.append(FAILED if _unexplained(result)  # (whatever expect: says)
                                 else INCOMPLETE if drawn and judged is None  # (not drawn)
                                 else _exit_code(result, judged is not None, mismatches,
                                                 simulate or script is not None))
                    runs.append(checked)
                    documents.append(document)
                    if output_format == "text":
                        stdout.echo(render_result(title, model, result, mismatches,
                                                  colour=True, **options) + unjudged
                                    if colour else text, colour)
                    if out_dir:
                        write_reports(Path(out_dir), checked, text, document, graph_format,
                                      witnesses, name=name)
                    _say_where_to_go_on(spec, checkpoints, result)
                except CheckerError as error:
                    # What was checked before is still reported, below.
                    failure = CheckerError(f"{spec.path} was checked ({result.verdict}) but "
                                           f"not reported: {error}")
                    break
            if result.stopped_by in STOPPED_OUTSIDE:
                break
            if stdout.error is not None and not (out_dir or junit_file or summary_file):
                # Standard output was all there was to write to: the specs
                # left are not checked, and the check is incomplete.
                if number < len(loaded):
                    codes.append(INCOMPLETE)
                break
    except KeyboardInterrupt as error:
        # Between runs (or in a search for the run a log describes, which
        # says how far it went): what ran is reported, and the whole check
        # is incomplete.
        click.echo(f"error: {error}; the specs after the last one reported were not checked"
                   if str(error) else
                   "interrupted: the specs after the last one reported were not checked",
                   err=True)
        codes.append(INCOMPLETE)
    with interrupts.deferred():
        if output_format == "json":
            stdout.echo(json.dumps(run_document(documents), indent=2))
        for file, write, render in ((junit_file, write_whole, render_junit),
                                    (summary_file, append_text, render_summary)):
            if file:
                try:  # one that fails does not cost the other
                    write(file, render(runs))
                except CheckerError as error:
                    failure = failure or error
    if cluster is not None:
        cluster.close()
    if failure is not None:
        raise failure
    if stdout.error is not None and stdout.error.errno != errno.EPIPE:
        raise stdout.error  # a full disk: exit 2, saying so
    # A reader that closed the pipe (`| head`) chose to read no more: the
    # check is no less done, so the exit code is still its verdict, and as
    # with the SIGPIPE that ends other commands there, nothing is said.
    sys.exit(max(codes or [INCOMPLETE], key=[OK, INCOMPLETE, FAILED].index))


#: Why a run may stop that says nothing of the spec: the user's interruption,
#: the machine's memory or disk. Such a run is incomplete whatever the spec expects,
#: and the specs after it are not run.
STOPPED_OUTSIDE = ("interrupted", "memory", "disk")


def _say_where_to_go_on(spec: Any, checkpoints: Any, result: Any) -> None:
    """After a search stopped before its end (a time limit, an interrupt)
    that wrote a checkpoint: where it is and the command that goes on."""
    if checkpoints is None or checkpoints.saved_at is None or result.stopped_by is None:
        return
    from cmc.main import _say

    depth, states = checkpoints.saved_at
    _say(f"checkpoint: {checkpoints.directory} holds the search at depth {depth} "
         f"({states:,} states); go on with cmc check {spec.path} --resume "
         f"{checkpoints.directory}")


def report_names(specs: list) -> list[str]:
    """The name each spec's --out files take: its file name without
    extension, with as many of its folders before it (joined by "-") as
    set it apart from another spec's of the same name. A spec whose files
    would still be another's (a spec given twice; s.yaml beside s-2.yaml;
    x.yaml, whose graph of agreement is x.agreement.json, beside
    x.agreement.yaml) takes the first of NAME-2, NAME-3... that no other
    spec's files are named."""
    from reports.files import report_files

    parts = [tuple(part for part in Path(spec.path).with_suffix("").parts if part != "/")
             for spec in specs]
    bases = []
    for own in parts:
        depth = 1
        while depth < len(own) and any(
                other != own and other[-depth:] == own[-depth:] for other in parts):
            depth += 1
        bases.append("-".join(own[-depth:]) or "spec")

    def files(name: str, spec) -> set[str]:
        return set(report_files(name, spec_properties(spec)))

    names: list[str | None] = [None] * len(specs)
    taken: set[str] = set()
    for index, (spec, base) in enumerate(zip(specs, bases)):  # first come, first named
        if not files(base, spec) & taken:
            names[index] = base
            taken |= files(base, spec)
    for index, (spec, base) in enumerate(zip(specs, bases)):
        if names[index] is None:
            number = 2
            while files(f"{base}-{number}", spec) & taken:
                number += 1
            names[index] = f"{base}-{number}"
            taken |= files(names[index], spec)
    return names


def spec_properties(spec) -> list[str]:
    """Every property of a spec's model: its own and the spec's invariants."""
    return [*spec.model_class.properties, *spec.invariants]


def run_inputs(specs: list) -> list[tuple[str, str]]:
    """The files a run reads, which no output may replace: the specs and the
    models' source files (as `reports.files.check_apart` takes them)."""
    import inspect

    inputs = [(f"the spec {spec.path}", spec.path) for spec in specs]
    for spec in specs:
        try:
            source = inspect.getsourcefile(spec.model_class)
        except TypeError:  # a class made at run time
            source = None
        if source is not None:
            inputs.append((f"the model file {source}", source))
    return inputs


def _check_memory_limit(limit: int) -> None:
    """Refuse a --memory-limit that the process is over before any run:
    every run would stop at its first states."""
    from checker.workers import resident_memory

    held = resident_memory()
    if limit * 2**20 <= held:
        raise click.BadParameter(
            f"{limit} MiB is no more than the {math.ceil(held / 2**20)} MiB cmc holds before "
            "checking anything; give more", param_hint="'--memory-limit'")


class _Stdout:
    """Standard output, which a reader may close (`| head`) or a full disk
    refuse: from then on nothing more is written there (`error` says why),
    and the files asked for are written all the same."""

    def __init__(self) -> None:
        self.error: OSError | None = None

    def echo(self, text: str, colour: bool | None = None) -> None:
        if self.error is not None:
            return
        try:
            click.echo(text, color=colour)
        except OSError as error:
            from cmc.main import silence_stdout

            self.error = error
            silence_stdout()


def _exit_code(result, has_expectation: bool, mismatches: list[str],
               simulated: bool = False) -> int:
    if has_expectation:
        return FAILED if mismatches else OK
    if simulated and result.stopped_by == "simulation":
        # nothing broken is what a simulation can say at best: the report
        # says that it proves nothing
        return FAILED if result.violations else OK
    if simulated and result.stopped_by == "replay":
        # as a simulation, but a run that stopped before its end said less,
        # and so does a lasso found only where the run stalls at a bound
        return (FAILED if any(f.bound is None for f in result.violations) else
                INCOMPLETE if result.stats.replayed.left or result.violations else OK)
    return {"holds": OK, "violated": FAILED, "incomplete": INCOMPLETE, "not explained": FAILED,
            "not a run": INCOMPLETE}[result.verdict]


def _without_temporal(spec, model, config) -> tuple[object, tuple[str, ...]]:
    """`config` without the temporal properties it selects (the spec's
    `temporal:` block, the model's own, by name in `properties:` or by
    default), which the finite run replayed cannot break (a lasso can),
    saying so: the spec is still replayed for the rest; and their names.
    A ``once_always`` property stays: a finite path breaks it."""
    from checker.properties import select_properties

    selected = select_properties(model, config.properties)
    temporal = [prop.name for prop in selected if prop.temporal and not prop.finite]
    if not temporal:
        return config, ()
    click.echo(f"note: {spec.path}: the run replayed is a finite one, not a lasso; the "
               f"temporal properties ({', '.join(temporal)}) are left out", err=True)
    return dataclasses.replace(config, properties=tuple(
        prop.name for prop in selected if prop.name not in temporal)), tuple(temporal)


def _refuse_with(context: click.Context, instead: str, **given) -> None:
    """Options of a search that a simulation or a replay (`instead` says
    what it does) has no use for, refused."""
    for name, value in given.items():
        if value is not None and value is not False:
            raise click.UsageError(f"--{name.replace('_', '-')} is for a search of every "
                                   f"state; {instead}: leave one out")


def _walks(spec, config, behaviours: int | None, seed: int | None):
    """What a simulation of `spec` draws: --behaviours (default 1000, or
    until the time limit), up to its max_depth steps (default 100 as TLC's
    -depth), with --seed (default a new one, which the report prints)."""
    import random

    from checker import simulation

    if behaviours is None and config.time_limit is None:
        behaviours = simulation.BEHAVIOURS
    return simulation.Walks(
        behaviours=behaviours,
        depth=config.max_depth if config.max_depth is not None else simulation.DEPTH,
        seed=random.SystemRandom().randrange(2**32) if seed is None else seed)


def _drawn(behaviours: int, steps: int, distinct: int | None) -> None:
    """A simulation's progress line on stderr."""
    met = "" if distinct is None else f" · {distinct:,} distinct states met"
    try:
        click.echo(f"drawn: {behaviours:,} behaviours · {steps:,} steps{met}", err=True)
    except OSError:
        pass  # (progress is not worth a run: stderr closed or full)


def _drawn_against(expect, result) -> tuple[list[str], str | None]:
    """What a simulation says of a spec's expectation: its mismatches, and
    where it cannot judge or its judgement proves nothing, a line saying so.
    Only the verdict and the property are judged: the figures an
    expectation gives are those of a whole search, and a drawn trace need
    not be the shortest."""
    broken = _listed_broken(expect, result)
    if broken:
        return broken, None
    found = result.violations[0] if result.violations else None
    if expect.verdict == "violated":
        if (result.violation(expect.property) if expect.property else found) is not None:
            return [], None
        if found is not None:
            return [f"property: expected {expect.property}, got {found.property.name}"], None
        return [], (f"expectation not judged: no behaviour drawn broke "
                    f"{expect.property or 'a property'}; draw more (--behaviours, "
                    "--max-depth) or check every state (without --simulate)")
    if found is not None:
        return [f"verdict: expected {expect.verdict}, got violated ({found.property.name})"], None
    return [], (f"expectation ({expect.verdict}) not contradicted: no behaviour drawn broke "
                "a property, which does not prove that they hold")


def _listed_broken(expect, result) -> list[str]:
    """The mismatches of a simulation or a replay with the outcomes its
    spec lists (`Expect.properties`): a property it broke that is listed
    otherwise than violated; the run's violations are real, what it did
    not break proves nothing."""
    return [f"properties.{name}: expected {wanted}, got violated"
            for name, wanted in (expect.properties or {}).items()
            if wanted != "violated" and result.violation(name) is not None]


def _not_judged(name: str) -> str:
    """The line for an expected violation of temporal property `name`,
    which the finite run replayed leaves out (`_without_temporal`)."""
    return (f"expectation not judged: {name} is a temporal property, which a finite run "
            "cannot break; replay a lasso (a report's, or steps: and loop:) or check every "
            "state (without --replay)")


def _unexplained(result) -> bool:
    """Whether the run replayed is a log's that no run of the model
    explains (`checker.validation`): the system did what the model does not
    allow, a failure whatever the spec's properties and expectation say."""
    replayed = result.stats.replayed
    return replayed is not None and replayed.log and replayed.left is not None


def _replayed_against(expect, result, left_out: tuple[str, ...]
                      ) -> tuple[list[str], str | None]:
    """What a replay says of a spec's expectation, as a simulation does
    (`_drawn_against`): only the verdict and the property; a whole run that
    breaks no property contradicts an expected violation, one that stopped
    before its end does not judge it."""
    broken = _listed_broken(expect, result)
    if broken:
        return broken, None
    if expect.verdict == "violated" and expect.property in left_out:
        return [], _not_judged(expect.property)
    found = result.violations[0] if result.violations else None
    left = result.stats.replayed.left
    if _unexplained(result) and found is None:
        return [], ("expectation not judged: the log is explained by no run of the model "
                    "(replay stopped, above)")
    if expect.verdict == "violated":
        if (result.violation(expect.property) if expect.property else found) is not None:
            return [], None
        if found is not None:
            return [f"property: expected {expect.property}, got {found.property.name}"], None
        if left:
            return [], ("expectation not judged: the replay stopped before the run broke "
                        f"{expect.property or 'a property'}")
        return [f"verdict: expected violated{f' ({expect.property})' if expect.property else ''}"
                ", the replayed run breaks no property"], None
    if found is not None:
        return [f"verdict: expected {expect.verdict}, got violated ({found.property.name})"], None
    run = "the steps replayed break" if left else "the replayed run breaks"
    return [], (f"expectation ({expect.verdict}) not contradicted: {run} no property, which "
                "does not prove that they hold")


def _reporter(progress: bool | None, label: str):
    from checker.progress import Periodic, PlainLines, ProgressBar, Silent

    if progress is False:
        return Silent()
    if sys.stderr.isatty():
        return _UnlessUnwritable(ProgressBar(label))
    # (a CI log: a line a level asked for, else one a minute of a long run)
    return _UnlessUnwritable(PlainLines(verbose=True) if progress else Periodic())


#: The depth past which a run with no depth bound says, once, how to bound
#: it: a protocol's runs at the bounds users check are tens of steps deep,
#: and a model whose states grow without end runs until it is stopped.
DEEP = 1_000


class _SaysUnbounded:
    """Progress as `reporter` shows it, and a note on stderr once the
    search passes `DEEP` levels."""

    def __init__(self, reporter) -> None:
        self.reporter = reporter
        self.said = False

    def update(self, depth: int, *counts: int) -> None:
        if depth >= DEEP and not self.said:
            self.said = True
            try:
                bar = "\n" if sys.stderr.isatty() else ""  # (below a progress bar's line)
                click.echo(f"{bar}note: depth {depth:,} and no depth bound: if the model's states "
                           "grow without end, this run never ends; bound it (bounds: "
                           "{max_depth: N} in the spec, --max-depth N, or a constraint) or "
                           "stop it (Ctrl-C: the report says what it explored)", err=True)
            except OSError:  # stderr unwritable: the run goes on
                pass
        self.reporter.update(depth, *counts)

    def finish(self, *counts: int) -> None:
        self.reporter.finish(*counts)


class _UnlessUnwritable:
    """Progress on stderr until stderr cannot be written (2>/dev/full, a
    closed pipe): then none, rather than a run lost for a progress line."""

    def __init__(self, reporter) -> None:
        self.reporter = reporter

    def update(self, *counts: int) -> None:
        self._call("update", counts)

    def finish(self, *counts: int) -> None:
        self._call("finish", counts)

    def _call(self, method: str, counts: tuple[int, ...]) -> None:
        from checker.progress import Silent

        try:
            getattr(self.reporter, method)(*counts)
        except OSError:
            self.reporter = Silent()

