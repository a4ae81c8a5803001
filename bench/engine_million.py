#!/usr/bin/env python3
"""The engine on a synthetic city of 1,000,000 residents for one year.

Builds the scenario from configs/yunfu.toml by repeating its 11 districts (names suffixed
2, 3, ...) until the population reaches --residents, scaling the copies' populations so the
total is exact; policy events of the original districts are kept. Runs the CLI for one
year and prints one JSON line: seconds (world build + day loop), trips, trips per second of
the day loop and of its trips alone (per_trip_second: without the month ends),
peak memory and bytes per resident (peak RSS over residents; the residents' own arrays are
11 bytes each).

    python bench/engine_million.py [--residents 1000000] [--until 2024-12-31] [--threads 2]
        [--blocks 80 200] [--spin-up MONTHS]

For the scale benchmark of a large town (docs/cluster.md): --residents 10000000 and smaller
blocks (--blocks 30 75) give about 10 million residents on a network of over 500,000 nodes;
--spin-up 0 simulates the one year only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import h5py

ROOT = Path(__file__).resolve().parents[1]

# the whole run is timed, spin-up included: never read from the spin-up cache (builds without
# one ignore this)
os.environ["LIFECIRCLE_SPINUP_CACHE"] = "0"


def blocks(text: str, header: str) -> tuple[str, list[str]]:
    """The text without the `header` tables, and those tables' texts."""
    rest, found, current = [], [], None
    for line in text.splitlines():
        if line.startswith("["):
            if current is not None:
                found.append("\n".join(current))
                current = None
            if line.startswith(header):
                current = []
        (current if current is not None else rest).append(line)
    if current is not None:
        found.append("\n".join(current))
    return "\n".join(rest) + "\n", found


def scaled_city(text: str, residents: int) -> str:
    rest, districts = blocks(text, "[[districts]]")
    base = sum(int(re.search(r"^population = (\d+)", d, re.M).group(1)) for d in districts)
    copies = -(-residents // base)
    factor = residents / (base * copies)
    out, total = [], 0
    for k in range(copies):
        for i, d in enumerate(districts):
            pop = int(re.search(r"^population = (\d+)", d, re.M).group(1))
            last = k == copies - 1 and i == len(districts) - 1
            new = residents - total if last else round(pop * factor)
            total += new
            b = re.sub(r"^population = \d+", f"population = {new}", d, flags=re.M)
            if k:
                b = re.sub(r'^name = "(.+)"', rf'name = "\g<1>{k + 1}"', b, flags=re.M)
                b = re.sub(r'^pinyin = "(.+)"', rf'pinyin = "\g<1>{k + 1}"', b, flags=re.M)
            out.append(b)
    return rest + "\n" + "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--residents", type=int, default=1_000_000)
    ap.add_argument("--until", default="2024-12-31")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cli", default=str(ROOT / "build/release/lifecircle"))
    ap.add_argument("--blocks", nargs=2, type=float, metavar=("MIN", "MAX"), help="block sizes, metres")
    ap.add_argument("--spin-up", type=int, help="months simulated before the start (default: the scenario's)")
    args = ap.parse_args()
    text = scaled_city((ROOT / "configs/yunfu.toml").read_text(encoding="utf-8"), args.residents)
    if args.blocks:
        text = re.sub(r"^block_min_m = \S+", f"block_min_m = {args.blocks[0]:g}", text, flags=re.M)
        text = re.sub(r"^block_max_m = \S+", f"block_max_m = {args.blocks[1]:g}", text, flags=re.M)
    if args.spin_up is not None:
        text = re.sub(r"^spin_up_months = \d+", f"spin_up_months = {args.spin_up}", text, flags=re.M)
    with tempfile.TemporaryDirectory() as tmp:
        cfg, out = Path(tmp) / "million.toml", Path(tmp) / "million.h5"
        cfg.write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run(
            [
                args.cli,
                "--threads",
                str(args.threads),
                "run",
                str(cfg),
                "-q",
                "-o",
                str(out),
                "--until",
                args.until,
            ],
            check=True,
            capture_output=True,
        )
        wall = time.perf_counter() - t0
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with h5py.File(out) as f:
            trips, loop = float(f.attrs["trips"]), float(f.attrs["seconds"])
            trip_seconds = float(f.attrs["trip_seconds"])
            districts = len(f["names/district"])
            nodes, edges = len(f["network/x"]), len(f["network/edge_from"])
            facilities = len(f["facilities/node"])
    print(
        json.dumps(
            {
                "bench": "engine_million",
                "n": args.residents,
                "districts": districts,
                "nodes": nodes,
                "edges": edges,
                "facilities": facilities,
                "blocks_m": args.blocks or [80, 200],
                "spin_up_months": args.spin_up,
                "until": args.until,
                "threads": args.threads,
                "seconds": round(wall, 1),
                "day_loop_seconds": round(loop, 1),
                "trips": int(trips),
                "per_second": round(trips / loop),
                "trip_seconds": round(trip_seconds, 1),  # of the day loop, the trips alone
                "per_trip_second": round(trips / trip_seconds),
                "peak_rss_mib": round(peak_mib),
                "bytes_per_resident_peak_rss": round(peak_mib * 2**20 / args.residents),
                "bytes_per_resident_arrays": 11,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
