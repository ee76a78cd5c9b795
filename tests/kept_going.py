"""Whether a search records in its result that it went on past its first
violation (`Result.kept_going`), for the tests that read that record.

checker/explore.py's `Search._result` is to build its `Result` with
``kept_going=self.config.keep_going``; until it does, `cmc check` passes it
on itself, and the tests marked `reads_the_record` are expected to fail
(strictly: one that passes is an error). Once it does, the mark is inert,
and this module and the mark can go.
"""

from __future__ import annotations

import pytest

import checker
from tests.toys import DieHard

#: Whether a search with keep_going says so in its result.
RECORDED = checker.check(DieHard(), checker.CheckConfig(keep_going=True)).kept_going

reads_the_record = pytest.mark.xfail(
    not RECORDED, strict=True,
    reason="checker/explore.py's Search._result does not yet record kept_going")
