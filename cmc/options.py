"""Options shared by several commands."""

from __future__ import annotations

from typing import Any

import click


def _workers(context: click.Context, parameter: click.Parameter, value: str) -> int | None:
    from checker.workers import AVAILABLE, idle_cpus, usable_cpus

    if context.params.get("ray") is not None:
        # Ray actors, counted against the cluster's CPUs once it is joined
        # (None: one per CPU), not against this machine's
        return None if value == "auto" else _count(value, context, parameter)
    if value == "auto":
        context.meta["auto_workers"] = True  # tried against one process (`CheckConfig`)
        return idle_cpus() if AVAILABLE else 1
    count = _count(value, context, parameter)
    # More processes than CPUs only compete for them (and a thousand forks
    # can exhaust the process table); two are always allowed, so the
    # parallel path can be run anywhere. The report shows the count used.
    most = max(usable_cpus(), 2) if AVAILABLE else 1
    if count > most:
        click.echo(f"note: --workers {count}: using {most}, the CPUs this process may use",
                   err=True)
    return min(count, most)


def _count(value: str, context: click.Context, parameter: click.Parameter) -> int:
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise click.BadParameter(f"{value!r} is neither a whole number of processes (1 or "
                                 "more) nor auto", context, parameter)
    return count


class Seconds(click.ParamType):
    """A positive number of seconds (nan is refused: it is below no limit)."""

    name = "seconds"

    def convert(self, value: Any, parameter: Any, context: Any) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            seconds = float("nan")
        if not seconds > 0:
            self.fail(f"{value!r} is not a number of seconds above 0", parameter, context)
        return seconds


def fingerprint_options(function: Any) -> Any:
    """--exact/--no-exact and --fp-seed: how the visited set tells states apart."""
    function = click.option(
        "--fp-seed", type=click.IntRange(min=0, max=2**64 - 1), default=0, show_default=True,
        metavar="N", help="Seed of the 64-bit state fingerprints: another seed gives "
                          "independent fingerprints, to re-run a 'holds' that must not "
                          "rest on chance (recorded in the JSON result).")(function)
    return click.option(
        "--exact/--no-exact", default=None,
        help="Keep the states themselves instead of fingerprints: no two states can be "
             "taken for one, at the cost of memory (default: as the spec says, else "
             "fingerprints).")(function)


def workers_option(function: Any) -> Any:
    return click.option(
        "--workers", default="auto", show_default=True, metavar="N|auto", callback=_workers,
        help="Processes that share the search, each owning part of the states (forked; "
             "one where fork is missing); auto: one per usable CPU that the machine's load "
             "leaves idle, tried on one level against one process and kept only if they "
             "are faster; never more than the usable CPUs (or 2), saying so. Results do "
             "not depend on it. With --ray: the Ray actors that own the partitions, "
             "auto one per CPU of the Ray cluster, never more than its CPUs (1 runs in "
             "this process).")(function)


def ray_option(function: Any) -> Any:
    # eager: --workers reads it (it counts actors against the cluster's CPUs)
    return click.option(
        "--ray", metavar="auto|HOST:PORT", is_eager=True,
        help="Share the search between Ray actors, each owning a partition of the "
             "states (--workers of them), the same search as with forked processes and "
             "the same result: auto starts Ray on this machine; HOST:PORT joins the "
             "cluster whose head is there (`ray start --head` prints it), from one of "
             "its nodes. Needs Ray: pip install -e '.[ray]'. See docs/cluster.md.")(function)


def given_path(context: click.Context, parameter: click.Parameter,
               value: str | None) -> str | None:
    """A path option's callback: an empty path (an unset variable in
    `--junit "$JUNIT"`) is refused, not taken as no file or as `.`."""
    if value == "":
        raise click.BadParameter("give a path, not an empty one", context, parameter)
    return value


def colour_option(function: Any) -> Any:
    """--color/--no-color: whether the text printed is coloured."""
    return click.option(
        "--color/--no-color", "color", default=None,
        help="Colour the text report. Default: on for a terminal, unless NO_COLOR "
             "is set.")(function)
