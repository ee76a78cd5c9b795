"""The `cmc` program: the command line, imported where Ctrl-C in the first
fraction of a second, while it is still being imported, is one line too
(it was a traceback)."""

from __future__ import annotations

import sys

from cmc.exit_codes import INTERRUPTED


def main(**options: str) -> None:
    """`cmc`'s command line (`options`: click's, as ``prog_name``)."""
    try:
        from cmc.main import cli
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted before anything was checked\n")
        sys.exit(INTERRUPTED)
    cli(**options)
