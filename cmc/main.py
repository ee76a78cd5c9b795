"""The `cmc` command group. Commands live one per module, registered below."""

from __future__ import annotations

import os
import sys
import traceback

import click

from checker.errors import CheckerError
from cmc import interrupts
from cmc.exit_codes import BAD_INPUT, HELP, INCOMPLETE, INTERNAL, INTERRUPTED


class _Commands(click.Group):
    """Every failure below as one line on stderr, never a traceback: bad
    input (a spec, an option: exit 2), an interruption (Ctrl-C or SIGTERM
    before anything ran: 130), memory running out (3), output that cannot
    be written (a closed pipe, a full disk: 2; `cmc check` writes its files
    first, and takes a closed pipe as the reader's choice). A crash (a bug)
    keeps its traceback, for the report, and exits 4, never 1 (a verdict)."""

    def __call__(self, *args, **kwargs):
        # Only the `cmc` program calls the group itself (tests call `main`).
        interrupts.ends_process()
        return super().__call__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.ClickException as error:
            _fail(ctx, error)

    def invoke(self, ctx: click.Context):
        with interrupts.handled():  # until the message is out: a second Ctrl-C is ignored
            try:
                return super().invoke(ctx)
            except CheckerError as error:
                _run_to(error)
                _say(f"error: {_one_line(str(error))}")
                ctx.exit(BAD_INPUT)
            except click.ClickException as error:
                _fail(ctx, error)
            except KeyboardInterrupt as error:
                # (what was interrupted, where it says: a trace validation's search)
                _say(f"error: {str(error) or 'interrupted before anything was checked'}")
                ctx.exit(INTERRUPTED)
            except MemoryError:
                _say("error: out of memory; give smaller parameters or bounds "
                     "(--max-states), or allow the process more memory")
                ctx.exit(INCOMPLETE)
            except OSError as error:
                # Anything else the commands write goes to standard output.
                silence_stdout()
                where = f"{error.filename}: " if error.filename else "standard output: "
                _say(f"error: cannot write {where}{error.strerror or error}")
                ctx.exit(BAD_INPUT)
            except (click.exceptions.Exit, click.exceptions.Abort):
                raise
            except Exception:  # a bug: its own exit code, never a verdict's 1
                traceback.print_exc()
                _say("error: internal error (the traceback above): a bug in cmc, or model code "
                     "failing where cmc did not expect it; please report it")
                ctx.exit(INTERNAL)


def _run_to(error: CheckerError) -> None:
    """Where the model's code raised on a state the search reached (a
    property): the run to that state, on stderr before the error's line."""
    trace = getattr(error, "trace", None)
    if trace is None:
        return
    from reports.text import render_trace

    try:
        lines = render_trace(error.model, trace)
    except CheckerError as unshown:  # (the model's views raise too: the error is said below)
        _say(f"the run to the state where it raised ({len(trace)} steps) cannot be shown: "
             f"{_one_line(str(unshown))}")
        return
    _say(f"the run to the state where it raised ({len(trace)} steps):")
    for line in lines:
        _say(line)


def _fail(ctx: click.Context, error: click.ClickException):
    """A usage error as one line (click prints three), with where to look."""
    message = _one_line(error.format_message())
    if isinstance(error, click.UsageError):
        command = error.ctx.command_path if error.ctx else ctx.command_path
        message += f" (see {command} --help)"
    _say(f"error: {message}")
    ctx.exit(error.exit_code)


def _say(line: str) -> None:
    """Print `line` on stderr, if stderr can be written at all: the exit
    code must come out right even when it cannot (2>/dev/full)."""
    try:
        click.echo(line, err=True)
    except OSError:
        pass


def _one_line(text: str) -> str:
    return " ".join(text.split())


def silence_stdout() -> None:
    """Point standard output at /dev/null, so that flushing it at exit does
    not fail a second time (a closed pipe, a full disk)."""
    try:
        descriptor = os.open(os.devnull, os.O_WRONLY)
        os.dup2(descriptor, sys.stdout.fileno())
        os.close(descriptor)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's stream)
        pass


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
    from cmc.explore import explore
    from cmc.graph import graph
    from cmc.list_models import list_models
    from cmc.quorum import quorum
    from cmc.show import show

    for command in (check, explore, list_models, show, bench, quorum, graph):
        cli.add_command(command)


_register()
