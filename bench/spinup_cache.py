#!/usr/bin/env python3
"""The spin-up cache and the month end (issue 23 items 1 and 2): the default Yunfu run on this
build cold (an empty spin-up cache: the spin-up simulated and kept), warm (read from the
cache) and without the cache (--no-spinup-cache), against another build (--baseline, which
has no cache), each repeat running all four in turn so that they see the same machine.

    python bench/spinup_cache.py --baseline OTHER_CLI [--cli build/release/lifecircle]
        [--config FILE] [--until YYYY-MM-DD] [--threads 2] [--repeat 2]

Prints one JSON line per run (wall seconds of the whole command, its processor seconds, user
and system over its threads, which a shared machine inflates less, the engine's own seconds),
one per repeat with the ratios to the baseline's run of that repeat, and a summary of the best
of each. Every run's datasets must be identical to the baseline's (checked; exits 1 if not).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py

ROOT = Path(__file__).resolve().parents[1]
FILE = {"cold": "cold", "warm": "warm", "no_cache": "none"}  # each run's results file
FILE = {"cold": "cold", "warm": "warm", "no_cache": "none"}  # each run's results file
sys.path.insert(0, str(ROOT / "bench"))
from same_results import differences  # noqa: E402


def run(cli: str, out: Path, args, env: dict, extra: list[str]) -> dict:
    cmd = [cli, "--threads", str(args.threads), "run", "-q", "-o", str(out)]
    if args.config:
        cmd.append(args.config)
    if args.until:
        cmd += ["--until", args.until]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd + extra, check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with h5py.File(out) as f:
        seconds = float(f.attrs["seconds"])
    return {"wall": wall, "cpu": cpu, "seconds": seconds, "from_cache": "(from the cache)" in proc.stdout}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cli", default=str(ROOT / "build/release/lifecircle"))
    p.add_argument("--baseline", required=True, help="another build's lifecircle CLI")
    p.add_argument("--config", default=None, help="scenario (default: the built-in Yunfu one)")
    p.add_argument("--until", default=None)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeat", type=int, default=2)
    args = p.parse_args()
    best: dict[str, dict] = {}
    best_cpu: dict[str, dict] = {}
    failed = False
    with tempfile.TemporaryDirectory(prefix="lifecircle-spinup-bench-") as tmp:
        tmp = Path(tmp)
        for r in range(args.repeat):
            cache = tmp / f"cache-{r}"  # empty: the first run of this build in the repeat is cold
            env = dict(os.environ, LIFECIRCLE_CACHE_DIR=str(cache))
            env.pop("LIFECIRCLE_SPINUP_CACHE", None)
            base_out = tmp / f"base-{r}.h5"
            runs = {
                "baseline": run(args.baseline, base_out, args, env, []),
                "cold": run(args.cli, tmp / f"cold-{r}.h5", args, env, []),
                "warm": run(args.cli, tmp / f"warm-{r}.h5", args, env, []),
                "no_cache": run(args.cli, tmp / f"none-{r}.h5", args, env, ["--no-spinup-cache"]),
            }
            for name, m in runs.items():
                same = []
                if name != "baseline":
                    same = differences(
                        tmp / f"{FILE[name]}-{r}.h5",
                        base_out,
                        set(),
                    )
                    failed |= bool(same)
                line = {
                    "bench": "spinup_cache",
                    "run": name,
                    "repeat": r,
                    "threads": args.threads,
                    "config": args.config or "builtin",
                    "until": args.until or "end",
                    "wall_seconds": round(m["wall"], 2),
                    "cpu_seconds": round(m["cpu"], 2),
                    "engine_seconds": round(m["seconds"], 2),
                    "from_cache": m["from_cache"],
                    "identical_to_baseline": not same if name != "baseline" else None,
                    "differences": same[:5],
                }
                print(json.dumps(line), flush=True)
                if name not in best or m["wall"] < best[name]["wall"]:
                    best[name] = m
                if name not in best_cpu or m["cpu"] < best_cpu[name]["cpu"]:
                    best_cpu[name] = m
            line = {"bench": "spinup_cache_ratio", "repeat": r}
            for what in ("wall", "cpu"):  # the baseline's over this build's: above 1 is faster
                line[f"baseline_over_{what}"] = {
                    n: round(runs["baseline"][what] / runs[n][what], 3) for n in runs if n != "baseline"
                }
            print(json.dumps(line), flush=True)
    print(
        json.dumps(
            {
                "bench": "spinup_cache_summary",
                "threads": args.threads,
                "best_wall_seconds": {n: round(m["wall"], 2) for n, m in best.items()},
                "best_cpu_seconds": {n: round(m["cpu"], 2) for n, m in best_cpu.items()},
                "baseline_best_over_wall": {
                    n: round(best["baseline"]["wall"] / m["wall"], 3)
                    for n, m in best.items()
                    if n != "baseline"
                },
                "baseline_best_over_cpu": {
                    n: round(best_cpu["baseline"]["cpu"] / m["cpu"], 3)
                    for n, m in best_cpu.items()
                    if n != "baseline"
                },
                "all_identical": not failed,
            }
        ),
        flush=True,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
