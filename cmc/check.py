"""`cmc check SPEC...`: run specs, print reports, exit with the CI verdict."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click

from cmc.exit_codes import FAILED, HELP, INCOMPLETE, OK
from cmc.options import Seconds, fingerprint_options, ray_option, workers_option


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
                   "counterexample of every violated property.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True,
              help="text for people; json prints one cmc.result/1 document.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Also write each spec's reports into DIR: SPEC.txt, SPEC.json, "
                   "SPEC.html (offline page: sequence charts and traces) and "
                   "SPEC.PROPERTY.mmd (each counterexample's Mermaid sequence chart), "
                   "removing the SPEC.PROPERTY files of an earlier run that this one does "
                   "not write. Specs of the same file name are told apart by their "
                   "folders (a-spec, b-spec).")
@click.option("--graph", "graph_format", type=click.Choice(["dot", "graphml", "json"]),
              help="With --out: also write each counterexample's path as a state graph, "
                   "SPEC.PROPERTY.FORMAT (json: networkx node-link). `cmc graph` draws "
                   "whole state graphs.")
@click.option("--junit", "junit_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write JUnit XML to FILE: a test case per (spec, property), failures "
                   "carrying the trace.")
@click.option("--summary", "summary_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Append a Markdown summary to FILE, e.g. $GITHUB_STEP_SUMMARY.")
@click.option("--color/--no-color", "color", default=None,
              help="Colour the text report. Default: on for a terminal, unless NO_COLOR "
                   "is set.")
@click.option("--full-states", is_flag=True,
              help="Print every state of a trace in full, not only what changed.")
@click.option("--witnesses", is_flag=True,
              help="Print the run that reaches each reachability property, not only its length.")
@click.option("--progress/--no-progress", default=None,
              help="Show progress on stderr. Default: a bar when stderr is a terminal.")
@click.option("--checkpoint", "checkpoint_dir", type=click.Path(file_okay=False),
              metavar="DIR",
              help="Save the search into DIR between levels, every --checkpoint-every "
                   "seconds, so that a killed run can be resumed (--resume DIR). The "
                   "run uses one process. One SPEC only.")
@click.option("--checkpoint-every", type=Seconds(), default=60.0, show_default=True,
              metavar="SECONDS", help="Seconds between two checkpoints.")
@click.option("--resume", "resume_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Go on from the checkpoint in DIR (written by --checkpoint with the "
                   "same SPEC and options) to the result of an uninterrupted run; "
                   "checkpoints go on being saved there.")
def check(specs: tuple[str, ...], max_depth: int | None, max_states: int | None,
          time_limit: float | None, memory_limit: int | None, symmetry: bool | None,
          workers: int | None, ray: str | None, exact: bool | None, fp_seed: int, keep_going: bool,
          output_format: str,
          out_dir: str | None, graph_format: str | None, junit_file: str | None,
          summary_file: str | None, color: bool | None, full_states: bool, witnesses: bool,
          progress: bool | None, checkpoint_dir: str | None, checkpoint_every: float,
          resume_dir: str | None) -> None:
    """Run each SPEC (a YAML spec file) and report what it found.

    Every spec is loaded and validated before any runs. A run stopped by a
    bound is reported as incomplete, never as holding, with everything it
    explored. When a spec has an `expect:` block, meeting it is success
    (exit 0) even if the expected verdict is `violated`: that is how a CI
    pipeline gates on a broken model staying broken.
    """
    import checker
    from checker.spec import load_specs
    from cmc import interrupts
    from models import REGISTRY
    from reports.json import result_document, run_document
    from reports.files import (append_text, check_folder, check_writable, write_reports,
                               write_whole)
    from reports.junit import render_junit
    from reports.run import Checked
    from reports.summary import render_summary
    from reports.text import render_result, use_colour

    if graph_format and not out_dir:
        raise click.UsageError("--graph writes files: give --out DIR too")
    checkpoints = None
    if checkpoint_dir or resume_dir:
        from checker.checkpoint import Checkpoints

        if len(specs) > 1:
            raise click.UsageError("--checkpoint and --resume take one SPEC")
        if checkpoint_dir and resume_dir and checkpoint_dir != resume_dir:
            raise click.UsageError("--resume DIR goes on saving into DIR: give one folder")
        checkpoints = Checkpoints(resume_dir or checkpoint_dir, checkpoint_every,
                                  resume=bool(resume_dir))
    if ray is not None and checkpoints is not None:
        raise click.UsageError("--checkpoint and --resume run in one process, --ray in "
                               "actors: give one of them")
    colour = use_colour(sys.stdout, color)

    loaded = [spec.with_bounds(max_depth=max_depth, max_states=max_states,
                               time_limit=time_limit).with_symmetry(symmetry)
              .with_exact(exact)
              for spec in load_specs(list(specs), REGISTRY)]
    # A destination that cannot be written is found now, not after the runs.
    for option, given in (("--junit", junit_file), ("--summary", summary_file),
                          ("--out", out_dir)):
        if given == "":
            raise click.BadParameter("give a path, not an empty one", param_hint=f"'{option}'")
    for file in (junit_file, summary_file):
        if file:
            check_writable(file)
    if out_dir:
        check_folder(out_dir)
    names = report_names([spec.path for spec in loaded])
    cluster = None
    if ray is not None:
        from checker import ray_search

        cluster = ray_search.connect(ray)
        if workers is not None and workers > cluster.cpus:
            click.echo(f"note: --workers {workers}: using {cluster.cpus} Ray actors, the "
                       "CPUs of the Ray cluster", err=True)
        workers = min(workers or cluster.cpus, cluster.cpus)
    auto_workers = click.get_current_context().meta.get("auto_workers", False)
    documents, codes, runs = [], [], []
    try:
        for spec, name in zip(loaded, names):
            model = spec.build()
            config = dataclasses.replace(
                spec.config(keep_going, workers, fp_seed),
                memory_limit=None if memory_limit is None else memory_limit * 2**20,
                auto_workers=ray is None and auto_workers)
            owners = cluster and ray_search.Owners(spec.build, cluster)
            result = checker.check(model, config,
                                   _reporter(progress, spec.name), checkpoints, owners)
            with interrupts.deferred():  # each report whole, the interruption after
                # A run stopped from outside says nothing of the spec: its
                # expectation is not judged (and not reported as unmet).
                judged = spec.expect if result.stopped_by not in STOPPED_OUTSIDE else None
                mismatches = judged.mismatches(result) if judged else []
                codes.append(_exit_code(result, judged is not None, mismatches))
                description = spec.description.strip() if spec.description else None
                checked = Checked(spec.path, model, result, judged, tuple(mismatches),
                                  keep_going, description)
                runs.append(checked)
                title = f"{spec.path}: {checked.describe()}"
                options = dict(expected=judged is not None, full_states=full_states,
                               witnesses=witnesses, keep_going=keep_going,
                               description=description)
                unjudged = ("expectation not judged: the run did not finish\n"
                            if spec.expect is not None and judged is None else "")
                text = render_result(title, model, result, mismatches, **options) + unjudged
                document = result_document(spec.path, model, result, spec.expect, mismatches,
                                           keep_going=keep_going, description=description)
                documents.append(document)
                if output_format == "text":
                    click.echo(render_result(title, model, result, mismatches, colour=True,
                                             **options) + unjudged if colour else text,
                               color=colour)
                if out_dir:
                    write_reports(Path(out_dir), checked, text, document, graph_format,
                                  witnesses, name=name)
            if result.stopped_by in STOPPED_OUTSIDE:
                break
    except KeyboardInterrupt:
        # Between runs: what ran is reported, and the whole check is incomplete.
        click.echo("interrupted: the specs after the last one reported were not checked",
                   err=True)
        codes.append(INCOMPLETE)
    with interrupts.deferred():
        if output_format == "json":
            click.echo(json.dumps(run_document(documents), indent=2))
        if junit_file:
            write_whole(junit_file, render_junit(runs))
        if summary_file:
            append_text(summary_file, render_summary(runs))
    if cluster is not None:
        cluster.close()
    sys.exit(max(codes or [INCOMPLETE], key=[OK, INCOMPLETE, FAILED].index))


#: Why a run may stop that says nothing of the spec: the user's interruption,
#: the machine's memory or disk. Such a run is incomplete whatever the spec expects,
#: and the specs after it are not run.
STOPPED_OUTSIDE = ("interrupted", "memory", "disk")


def report_names(paths: list[str]) -> list[str]:
    """The name each spec's --out files take: its file name without
    extension, with as many of its folders before it (joined by "-") as
    set it apart from another spec's of the same name."""
    parts = [tuple(part for part in Path(path).with_suffix("").parts if part != "/")
             for path in paths]
    names: list[str] = []
    for index, own in enumerate(parts):
        depth = 1
        while depth < len(own) and any(
                other != own and other[-depth:] == own[-depth:] for other in parts):
            depth += 1
        name = "-".join(own[-depth:]) or "spec"
        names.append(name if name not in names else f"{name}-{index + 1}")  # given twice
    return names


def _exit_code(result, has_expectation: bool, mismatches: list[str]) -> int:
    if has_expectation:
        return FAILED if mismatches else OK
    return {"holds": OK, "violated": FAILED, "incomplete": INCOMPLETE}[result.verdict]


def _reporter(progress: bool | None, label: str):
    from checker.progress import PlainLines, ProgressBar, Silent

    if progress is False:
        return Silent()
    if sys.stderr.isatty():
        return _UnlessUnwritable(ProgressBar(label))
    return _UnlessUnwritable(PlainLines(verbose=True)) if progress else Silent()


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

