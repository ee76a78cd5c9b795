"""`python -m checker` is the `cmc` command."""

from cmc.main import cli

cli(prog_name="cmc")
