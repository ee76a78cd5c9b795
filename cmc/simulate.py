"""`cmc simulate SPEC...`: behaviours drawn at random, for a state space too
large to explore (TLC's -simulate); see `checker.simulation`."""

from __future__ import annotations

import json
import random
import sys

import click

from cmc.exit_codes import FAILED, INCOMPLETE, OK
from cmc.options import Seconds

HELP = """\b
Exit codes:
  0  no behaviour drawn broke a property (nothing is proven: `cmc check`
     proves), or the violation the spec's expect: names was found
  1  a property is violated, or a spec's expectation is not met
  2  bad input: a spec, an option or a model definition
  3  the violation the spec's expect: names was not found in the
     behaviours drawn, or the simulation was interrupted (Ctrl-C, SIGTERM)
  4  internal error: a bug, reported with its traceback"""


@click.command("simulate", epilog=HELP)
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@click.option("--behaviours", type=click.IntRange(min=1), metavar="N",
              help="Draw N behaviours (default: 1000, or as many as --time-limit allows "
                   "when it is given).")
@click.option("--depth", type=click.IntRange(min=0), metavar="N",
              help="Steps a behaviour takes at most (default: the spec's max_depth, else 100).")
@click.option("--seed", type=click.IntRange(min=0), metavar="N",
              help="Seed of the random draw, to draw the same behaviours again (default: "
                   "a new one, printed in the report).")
@click.option("--time-limit", type=Seconds(), metavar="SECONDS",
              help="Stop drawing after this many seconds (overrides the spec's).")
@click.option("--keep-going", is_flag=True,
              help="Go on after the first violation, collecting one of every violated property.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True,
              help="text for people; json prints one cmc.result/1 document.")
@click.option("--full-states", is_flag=True,
              help="Print every state of a trace in full, not only what changed.")
@click.option("--witnesses", is_flag=True,
              help="Print the behaviour that reached each reachability property.")
@click.option("--progress", is_flag=True,
              help="Print what was drawn so far on stderr, every second.")
def simulate(specs: tuple[str, ...], behaviours: int | None, depth: int | None,
             seed: int | None, time_limit: float | None, keep_going: bool,
             output_format: str, full_states: bool, witnesses: bool, progress: bool) -> None:
    """Draw behaviours of each SPEC at random and check its properties on them.

    Each behaviour starts in an initial state and takes steps drawn at
    random (an action among those enabled, then one of its steps), up to
    --depth steps, until a state with no step, a failed assert, or a state
    whose every step leaves the model's bounds (a step leaving them is
    checked, not taken). Every state met is checked against the invariants,
    every step against the step properties. For state spaces `cmc check` cannot exhaust: a
    violation found is real (its trace is the behaviour, with the loops it
    made cut out, not necessarily the shortest), but what no behaviour
    broke is only "not settled". Temporal properties are not checked (the
    spec's properties: may not name one); symmetry is not used.
    """
    import checker.simulation as simulation
    from checker.errors import CheckerError
    from checker.spec import load_specs
    from models import REGISTRY
    from reports.json import result_document, run_document
    from reports.text import render_result, use_colour

    loaded = [spec.with_bounds(time_limit=time_limit).with_symmetry(False)
              for spec in load_specs(list(specs), REGISTRY)]
    seed = random.SystemRandom().randrange(2**32) if seed is None else seed
    colour = use_colour(sys.stdout, None)
    documents, codes = [], []
    for spec in loaded:
        config = spec.config(keep_going, 1, 0)
        walks = simulation.Walks(
            behaviours=behaviours if behaviours is not None else (
                None if config.time_limit is not None else simulation.BEHAVIOURS),
            depth=depth if depth is not None else (
                spec.bounds.max_depth if spec.bounds.max_depth is not None
                else simulation.DEPTH),
            seed=seed)
        model = spec.build()
        try:
            result = simulation.simulate(model, config, walks, _told if progress else None)
        except CheckerError as error:
            raise spec.located(error) from None
        mismatches, code, note = _judged(spec.expect, result)
        codes.append(code)
        title = f"{spec.path}: simulation of {model.name}"
        if output_format == "json":
            documents.append(result_document(spec.path, model, result, spec.expect,
                                             mismatches, keep_going=keep_going,
                                             description=spec.description))
            continue
        text = render_result(title, model, result, mismatches,
                             expected=spec.expect is not None and not note,
                             full_states=full_states, witnesses=witnesses, colour=colour,
                             keep_going=keep_going,
                             description=spec.description.strip() if spec.description else None)
        click.echo(text + (note + "\n" if note else ""), color=colour)
        if result.stopped_by == "interrupted":
            break
    if output_format == "json":
        click.echo(json.dumps(run_document(documents), indent=2))
    sys.exit(max(codes or [INCOMPLETE], key=[OK, INCOMPLETE, FAILED].index))


def _told(behaviours: int, steps: int, distinct: int) -> None:
    try:
        click.echo(f"drawn: {behaviours:,} behaviours · {steps:,} steps · {distinct:,} "
                   "distinct states met", err=True)
    except OSError:
        pass  # (progress is not worth a run: stderr closed or full)


def _judged(expect, result) -> tuple[list[str], int, str | None]:
    """What a simulation says of a spec's expectation: the mismatches, the
    exit code and, where it can tell nothing, why. Only the verdict and the
    property are judged: the figures of an expectation are those of a whole
    search, and a drawn trace is not the shortest."""
    if result.stopped_by == "interrupted":
        return [], INCOMPLETE, "interrupted: the behaviours drawn so far are reported"
    found = result.violations[0] if result.violations else None
    if expect is None:
        return [], FAILED if found else OK, None
    if expect.verdict == "violated":
        wanted = result.violation(expect.property) if expect.property else found
        if wanted is not None:
            return [], OK, None
        if found is not None:
            return [f"property: expected {expect.property}, got {found.property.name}"], \
                FAILED, None
        return [], INCOMPLETE, (f"expectation not judged: no behaviour drawn broke "
                                f"{expect.property or 'a property'}; draw more (--behaviours, "
                                "--depth) or check it (`cmc check`)")
    if found is not None:
        return [f"verdict: expected {expect.verdict}, got violated ({found.property.name})"], \
            FAILED, None
    return [], OK, (f"expectation ({expect.verdict}) not contradicted: no behaviour drawn "
                    "broke a property, which does not prove that they hold")
