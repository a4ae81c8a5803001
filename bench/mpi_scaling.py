#!/usr/bin/env python3
"""One run over MPI ranks: identity, strong and weak scaling, bytes reduced, and a model on
paper of 168 million residents on 256 and 1,024 ranks.

Runs the CLI on the built-in Yunfu scenario (`--until`, default one year after the spin-up)
as one process and under `mpirun --bind-to none -n R`, alternately `--repeat` times, and
prints JSON lines:

- ``mpi_run``: ranks (0 = no mpirun), threads, wall seconds, day-loop seconds, of which trips,
  identical (every dataset equal to the one-process run's), bytes each rank reduced a month;
- ``mpi_strong``: the speed-up of 2 ranks x 1 thread against 1 process x 2 threads and
  against 1 x 1, from the medians of the same run. On a 2-core machine only 1 and 2 ranks
  are meaningful; 3 and 4 ranks (oversubscribed) prove identity, not speed;
- ``mpi_weak``: residents per rank fixed (half of Yunfu on 1 rank, all of it on 2): trips a
  second per rank and the efficiency;
- ``mpi_model``: the model on paper (assumptions in the line itself and in bench/README.md).

    python bench/mpi_scaling.py [--until 2024-12-31] [--repeat 2] [--cli build/release/lifecircle]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

# the whole run is timed, spin-up included: never read from the spin-up cache (builds without
# one ignore this)
os.environ["LIFECIRCLE_SPINUP_CACHE"] = "0"
sys.path.insert(0, str(ROOT / "tests" / "python"))
from conftest import same_datasets  # noqa: E402

ENV = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
       "OMPI_MCA_rmaps_base_oversubscribe": "1"}  # fmt: skip


def emit(line: dict) -> None:
    print(json.dumps(line), flush=True)


def run(cli: str, config: str | None, out: Path, ranks: int, threads: int, until: str) -> dict:
    cmd = [cli, "run", *([config] if config else []), "-o", str(out), "--threads", str(threads), "-q"]
    cmd += ["--until", until]
    if ranks:
        cmd = ["mpirun", "--bind-to", "none", "-n", str(ranks), *cmd]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{p.stderr}")
    with h5py.File(out) as f:
        months = len(np.unique(f["district_month/year"][()] * 12 + f["district_month/month"][()]))
        return {
            "ranks": ranks,
            "threads": threads,
            "seconds": wall,
            "day_loop_seconds": float(f.attrs["seconds"]),
            "trip_seconds": float(f.attrs["trip_seconds"]),
            "trips": int(f.attrs["trips"]),
            "residents": int(len(f["residents/home_node"])),
            "facilities": int(len(f["facilities/node"])),
            "months_recorded": int(months),
            "bytes_reduced": float(f.attrs["bytes_reduced"]),
        }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--until", default="2024-12-31")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--cli", default=str(ROOT / "build/release/lifecircle"))
    ap.add_argument("--config", help="scenario (default: the built-in Yunfu)")
    a = ap.parse_args()
    configs = [(0, 2), (0, 1), (1, 1), (1, 2), (2, 1), (3, 1), (4, 1)]  # the reference first
    runs: dict[tuple[int, int], list[dict]] = {c: [] for c in configs}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ref = tmp / "ref.h5"
        for rep in range(a.repeat):
            for ranks, threads in configs:  # alternately: drift in the machine's speed hits all alike
                out = ref if (ranks, threads) == (0, 2) and rep == 0 else tmp / f"r{ranks}t{threads}.h5"
                r = run(a.cli, a.config, out, ranks, threads, a.until)
                if (ranks, threads) == (0, 2) and rep == 0:
                    r["identical"] = True
                else:
                    r["identical"] = same_datasets(ref, out)
                runs[(ranks, threads)].append(r)
        # spin-up months are simulated too: every month the engine simulated reduces once
        with h5py.File(ref) as f:
            found = re.search(r"spin_up_months\s*=\s*(\d+)", f.attrs["scenario_text"])
            spin = int(found.group(1)) if found else 0
        for (ranks, threads), rs in runs.items():
            med = {
                k: statistics.median(r[k] for r in rs)
                for k in ("seconds", "day_loop_seconds", "trip_seconds")
            }
            months = rs[0]["months_recorded"] + spin
            emit(
                {
                    "bench": "mpi_run",
                    "ranks": ranks,
                    "threads": threads,
                    "repeat": len(rs),
                    "seconds": round(med["seconds"], 2),
                    "day_loop_seconds": round(med["day_loop_seconds"], 2),
                    "trip_seconds": round(med["trip_seconds"], 2),
                    "trips_per_second": round(rs[0]["trips"] / med["day_loop_seconds"]),
                    "identical": all(r["identical"] for r in rs),
                    "bytes_reduced_per_rank_per_month": round(rs[0]["bytes_reduced"] / months),
                    "oversubscribed": ranks * threads > (os.cpu_count() or 1),
                }
            )
        loop = {c: statistics.median(r["day_loop_seconds"] for r in rs) for c, rs in runs.items()}
        emit(
            {
                "bench": "mpi_strong",
                "speedup_2ranks_vs_1x2threads": round(loop[(0, 2)] / loop[(2, 1)], 3),
                "speedup_2ranks_vs_1x1": round(loop[(0, 1)] / loop[(2, 1)], 3),
                "speedup_2threads_vs_1x1": round(loop[(0, 1)] / loop[(0, 2)], 3),
                "mpirun_1rank_vs_no_mpirun": round(loop[(0, 1)] / loop[(1, 1)], 3),
                "cores": os.cpu_count(),
            }
        )

        # weak scaling: half of Yunfu on 1 rank, all of it on 2 (residents per rank fixed)
        sys.path.insert(0, str(ROOT / "build/release/python"))
        import lifecircle as lc

        half = tmp / "half.toml"
        whole = lc.Scenario.load(a.config) if a.config else lc.Scenario.default()
        half.write_text(whole.with_scale(0.5).text, encoding="utf-8")
        weak = {}
        for rep in range(a.repeat):
            for ranks, cfg in ((1, str(half)), (2, a.config)):
                r = run(a.cli, cfg, tmp / f"weak{ranks}.h5", ranks, 1, a.until)
                weak.setdefault(ranks, []).append(r)
        per_rank = {
            k: statistics.median(r["trips"] / r["day_loop_seconds"] / k for r in rs) for k, rs in weak.items()
        }
        emit(
            {
                "bench": "mpi_weak",
                "residents_per_rank": weak[1][0]["residents"],
                "trips_per_second_per_rank_1": round(per_rank[1]),
                "trips_per_second_per_rank_2": round(per_rank[2]),
                "efficiency": round(per_rank[2] / per_rank[1], 3),
            }
        )

        # the model on paper, from this machine's runs on one thread: one process, and 2 ranks
        base = runs[(0, 1)][0]
        months = base["months_recorded"] + spin
        days = months * 30.4
        n = base["residents"]
        t_resident_day = statistics.median(r["trip_seconds"] for r in runs[(0, 1)]) / (n * days)
        # the month end (day loop less trips), a month: with R ranks it takes rep + div / R, where
        # rep is the work every rank repeats (economics, reach updates, cache rebuilds, scores of
        # places) and div the work divided (project lists, entry pricing, residents' scores); from
        # 1 and 2 ranks of 1 thread: rep = 2 e2 - e1, div = 2 (e1 - e2)
        e1 = statistics.median(r["day_loop_seconds"] - r["trip_seconds"] for r in runs[(1, 1)]) / months
        e2 = statistics.median(r["day_loop_seconds"] - r["trip_seconds"] for r in runs[(2, 1)]) / months
        rep, div = max(0.0, 2 * e2 - e1), max(0.0, 2 * (e1 - e2))
        bytes_month = runs[(2, 1)][0]["bytes_reduced"] / months  # a rank's reductions a month
        N = 168_000_000
        # every rank holds the whole world: the peak memory a resident of 10 M on 92,000 nodes
        # (bench/engine_million.py, 2026-12-07), the per-node tables included
        world_bytes = 95
        scale = N / n  # the nation as Yunfus: facilities, nodes and districts grow with residents
        threads_per_rank, bandwidth, latency = 32, 12.5e9, 5e-6
        lines = []
        for R in (256, 1024):
            trips = N * 30.4 * t_resident_day / (R * threads_per_rank)  # a month's day loop
            repeated = scale * rep / threads_per_rank  # on every rank, threaded
            divided = scale * div / (R * threads_per_rank)
            reduced = scale * bytes_month  # tallies of facilities and districts: as the world
            allreduce = 2 * (R - 1) / R * reduced / bandwidth + 2 * math.log2(R) * latency
            month = trips + repeated + divided + allreduce
            lines.append(
                {
                    "ranks": R,
                    "seconds_per_simulated_year": round(12 * month, 1),
                    "day_loop_share": round(trips / month, 3),
                    "repeated_month_end_share": round(repeated / month, 3),
                    "divided_month_end_share": round(divided / month, 3),
                    "communication_share": round(allreduce / month, 3),
                    "bytes_reduced_per_rank_per_month": int(reduced),
                    "world_bytes_per_rank": int(N * world_bytes),
                }
            )
        emit(
            {
                "bench": "mpi_model",
                "measured_here": {
                    "seconds_per_resident_day_one_thread": t_resident_day,
                    "month_end_seconds_one_rank": e1,
                    "month_end_seconds_each_of_two_ranks": e2,
                    "repeated_month_end_seconds": rep,
                    "divided_month_end_seconds": div,
                    "bytes_reduced_per_rank_per_month": round(bytes_month),
                },
                "assumptions": {
                    "residents": N,
                    "world": f"{scale:.0f} copies of this scenario's (facilities, nodes, districts)",
                    "threads_per_rank": threads_per_rank,
                    "per_thread_speed": "this machine's, one thread",
                    "month_end": "repeated part on every rank and divided part over the ranks, both threaded",
                    "allreduce": "ring: 2 (R-1)/R x bytes / bandwidth + 2 log2 R x latency",
                    "bandwidth_bytes_per_second": bandwidth,
                    "latency_seconds": latency,
                    "world_bytes_per_resident": world_bytes,
                },
                "model": lines,
            }
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
