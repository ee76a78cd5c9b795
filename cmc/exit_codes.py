"""The exit codes of every `cmc` command, as `--help` shows them."""

OK, FAILED, BAD_INPUT, INCOMPLETE = 0, 1, 2, 3
#: A crash: a bug in cmc (or model code failing where nothing expected it
#: to), never to be read as a verdict.
INTERNAL = 4
#: Ctrl-C or SIGTERM before any check ran (the shell's 128 + SIGINT).
INTERRUPTED = 130

HELP = """\b
Exit codes:
  0  every property holds and every expectation is met (--simulate,
     --replay: nothing drawn or replayed broke one, or the violation
     expected was found)
  1  a property is violated, or a spec's expectation is not met
  2  bad input: a spec, an option or a model definition
  3  incomplete: a bound, an interrupt (Ctrl-C, SIGTERM) or memory
     stopped a run first (--simulate: the violation expected was not drawn;
     --replay: the run stopped before its end)
  4  internal error: a bug, reported with its traceback
  130  interrupted before any run started"""
