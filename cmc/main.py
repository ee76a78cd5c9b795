"""The `cmc` command group. Commands live one per module, registered below."""

from __future__ import annotations

import click

from checker.errors import CheckerError
from cmc.exit_codes import BAD_INPUT, HELP

class _Commands(click.Group):
    """Turns bad input anywhere below into one line on stderr and exit 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CheckerError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(BAD_INPUT)


@click.group(cls=_Commands, epilog=HELP,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cmc")
def cli() -> None:
    """Explicit-state model checker for consensus protocols.

    Explores every reachable state of a protocol model breadth-first, checks
    its named properties, and prints the shortest counterexample of any that
    fails. Checks are described in YAML spec files (see the README).
    """


def _register() -> None:
    from cmc.bench import bench
    from cmc.check import check
    from cmc.graph import graph
    from cmc.list_models import list_models
    from cmc.quorum import quorum
    from cmc.show import show

    for command in (check, list_models, show, bench, quorum, graph):
        cli.add_command(command)


_register()
