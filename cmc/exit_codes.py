"""The exit codes of every `cmc` command, as `--help` shows them."""

OK, FAILED, BAD_INPUT, INCOMPLETE = 0, 1, 2, 3

HELP = """\b
Exit codes:
  0  every property holds and every expectation is met
  1  a property is violated, or a spec's expectation is not met
  2  bad input: a spec, an option or a model definition
  3  incomplete: a bound or an interrupt stopped a run first"""
