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
    return count


def workers_option(function: Any) -> Any:
    return click.option(
        "--workers", default="auto", show_default=True, metavar="N|auto", callback=_workers,
        help="Processes that expand each large level together (forked; one where fork "
             "is missing); auto: one per usable CPU. Results do not depend on it.")(function)
