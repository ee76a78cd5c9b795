"""`python -m checker` is the `cmc` command."""

from cmc.entry import main

main(prog_name="cmc")
