#!/usr/bin/env python3
"""Engine benchmark: the Yunfu run (or any scenario) on 1 and 2 threads, with the CLI.

Prints one JSON line per thread count (trips, seconds of the day loop, trips per second, per
core; the best of --repeat runs, as this shared virtual machine's timings vary by several
per cent from run to run) and a summary with the 1 -> 2 thread speed-up measured in this
run. The results files of the runs must have identical datasets (checked here too).

    python bench/engine_run.py [--config FILE] [--until YYYY-MM-DD] [--repeat 3]
                               [--cli build/release/lifecircle] [--baseline OTHER_CLI]

With --baseline (another build of lifecircle, e.g. of an earlier commit) the two builds run
alternately, repeat by repeat, so that both see the same machine; a summary line gives the
ratio of their cached-path rates (this build over the baseline) on each thread count.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

# the whole run is timed, spin-up included: never read from the spin-up cache (builds without
# one ignore this)
os.environ["LIFECIRCLE_SPINUP_CACHE"] = "0"


def datasets(path):
    out = {}
    with h5py.File(path) as f:
        f.visititems(
            lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None
        )
        attrs = dict(f.attrs)
    return out, attrs


def run_once(cli, threads, out, args):
    cmd = [cli, "--threads", str(threads), "run", "-q", "-o", str(out)]
    if args.config:
        cmd.insert(4, args.config)
    if args.until:
        cmd += ["--until", args.until]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    data, attrs = datasets(out)
    return data, attrs, wall


def report(build, threads, best, args):
    data, attrs, wall = best
    trips, seconds = float(attrs["trips"]), float(attrs["seconds"])
    trip_seconds = float(attrs["trip_seconds"])
    print(
        json.dumps(
            {
                "bench": "engine_run",
                "build": build,
                "scenario": args.config or "yunfu (built-in)",
                "until": attrs["end"],
                "threads": threads,
                "repeat": args.repeat,
                "n": int(trips),
                "seconds": round(seconds, 2),
                "wall_seconds": round(wall, 2),
                "per_second": round(trips / seconds),
                "per_second_per_core": round(trips / seconds / threads),
                "trip_seconds": round(trip_seconds, 2),
                "cached_path_per_second_per_core": round(trips / trip_seconds / threads),
            }
        ),
        flush=True,
    )
    return trips / trip_seconds / threads


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=None, help="scenario (default: the built-in Yunfu)")
    ap.add_argument("--until", default=None)
    ap.add_argument("--cli", default=str(ROOT / "build/release/lifecircle"))
    ap.add_argument("--baseline", default=None, help="another lifecircle build, run alternately for a ratio")
    ap.add_argument("--repeat", type=int, default=3, help="runs per thread count; the fastest is reported")
    args = ap.parse_args()
    builds = {"current": args.cli}
    if args.baseline:
        builds["baseline"] = args.baseline
    runs, rates = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for threads in (1, 2):
            best = {}
            for _ in range(max(1, args.repeat)):
                for build, cli in builds.items():
                    got = run_once(cli, threads, Path(tmp) / f"{build}{threads}.h5", args)
                    if build not in best or float(got[1]["seconds"]) < float(best[build][1]["seconds"]):
                        best[build] = got
            for build in builds:
                rates[build, threads] = report(build, threads, best[build], args)
            data, attrs, _ = best["current"]
            runs[threads] = (data, float(attrs["seconds"]), float(attrs["trip_seconds"]))
    identical = all(np.array_equal(runs[1][0][k], runs[2][0][k]) for k in runs[1][0])
    summary = {
        "bench": "engine_run_summary",
        "speedup_1_to_2_threads": round(runs[1][1] / runs[2][1], 2),
        "cached_path_speedup_1_to_2_threads": round(runs[1][2] / runs[2][2], 2),
        "identical_datasets_1_vs_2_threads": identical,
    }
    if args.baseline:
        for threads in (1, 2):
            summary[f"cached_path_ratio_to_baseline_{threads}_threads"] = round(
                rates["current", threads] / rates["baseline", threads], 2
            )
    print(json.dumps(summary))
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
