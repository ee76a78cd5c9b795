"""Options shared by several commands."""

from __future__ import annotations

from typing import Any

import click


def _workers(context: click.Context, parameter: click.Parameter, value: str) -> int:
    from checker.workers import AVAILABLE, usable_cpus

    if value == "auto":
        return usable_cpus() if AVAILABLE else 1
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise click.BadParameter(f"{value!r} is neither a whole number of processes (1 or "
                                 "more) nor auto", context, parameter)
    # More processes than CPUs only compete for them (and a thousand forks
    # can exhaust the process table); two are always allowed, so the
    # parallel path can be run anywhere. The report shows the count used.
    most = max(usable_cpus(), 2) if AVAILABLE else 1
    if count > most:
        click.echo(f"note: --workers {count}: using {most}, the CPUs this process may use",
                   err=True)
    return min(count, most)


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


def workers_option(function: Any) -> Any:
    return click.option(
        "--workers", default="auto", show_default=True, metavar="N|auto", callback=_workers,
        help="Processes that expand each large level together (forked; one where fork "
             "is missing); auto: one per usable CPU, and never more (or 2), saying so. "
             "Results do not depend on it.")(function)
