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
        help="Processes that expand each large level together (forked; one where fork "
             "is missing); auto: one per usable CPU. Results do not depend on it.")(function)
