"""The `cmc` command line: a thin layer over `checker.check` and the reports."""
