#!/usr/bin/env python3
"""Reach tables on a large synthetic network: lifecircle against Pandana, same input.

A perturbed street grid (default 1000 x 1000 = 1,000,000 nodes, 100 m blocks, 10% of
street segments missing), 10 categories with 300 facilities each; the k = 8 nearest within
1,200 m from every node. Each tool runs in its own process so that its peak memory is its
own. Prints one JSON line per measurement and a summary with the ratios of this run.

    python bench/reach_large.py [--side 1000] [--categories 10] [--per-category 300]
                                [--k 8] [--max-distance 1200] [--skip-pandana]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def make_city(side: int, categories: int, per_category: int, seed: int = 1):
    rng = np.random.default_rng(seed)  # deterministic: both worker processes build the same city
    ids = np.arange(side * side, dtype=np.int64)
    x = (ids % side) * 100.0
    y = (ids // side) * 100.0
    right = ids[(ids % side) < side - 1]
    up = ids[ids < side * (side - 1)]
    frm = np.concatenate([right, up])
    to = np.concatenate([right + 1, up + side])
    keep = rng.random(len(frm)) >= 0.10
    frm, to = frm[keep], to[keep]
    length = np.round(100.0 * (1 + 0.3 * rng.random(len(frm))), 3)  # whole millimetres
    fx = rng.uniform(0, (side - 1) * 100.0, categories * per_category)
    fy = rng.uniform(0, (side - 1) * 100.0, categories * per_category)
    cat = np.repeat([f"c{i}" for i in range(categories)], per_category)
    # Both tools get the same input: the largest connected component, as lifecircle keeps it.
    import lifecircle as lc

    lcc = lc.WalkNetwork(x, y, frm, to, length)
    nodes, edges = lcc.nodes, lcc.edges
    fac = pd.DataFrame({"x": fx, "y": fy, "category": cat})
    return nodes, edges, fac


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def worker(tool: str, args) -> None:
    nodes, edges, fac = make_city(args.side, args.categories, args.per_category)
    base = peak_mib()
    k, maxd = args.k, args.max_distance
    result = {}
    if tool == "lifecircle":
        import lifecircle as lc

        # Pandana's model of the same edges: lengths truncated to whole millimetres
        # (see compare_pandana.py), so that results can be compared to the float32 output.
        mm = np.floor(edges["length"].to_numpy() * 1000.0) / 1000.0
        t0 = time.perf_counter()
        net = lc.WalkNetwork(nodes.x, nodes.y, edges["from"], edges["to"], mm)
        t_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        for c, g in fac.groupby("category"):
            result[c] = net.nearest(g[["x", "y"]], k=k, max_distance=maxd)
        t_query = time.perf_counter() - t0
    else:
        import pandana

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # pandana prints progress on stdout
        t0 = time.perf_counter()
        net = pandana.Network(nodes.x, nodes.y, edges["from"], edges["to"], edges[["length"]])
        t_ch = time.perf_counter() - t0
        net.precompute(maxd)
        t_build = time.perf_counter() - t0
        result_extra = {"ch_s": t_ch, "precompute_s": t_build - t_ch}
        t0 = time.perf_counter()
        for c, g in fac.groupby("category"):
            net.set_pois(c, maxd, k, g.x, g.y)
            result[c] = net.nearest_pois(maxd, c, num_pois=k)
        t_query = time.perf_counter() - t0
    digest = pd.concat(result, axis=1)
    digest.columns = range(digest.shape[1])
    digest.sort_index().to_pickle(args.out)
    info = {"build_s": t_build, "query_s": t_query, "peak_mib": peak_mib(), "input_mib": base}
    if tool == "pandana":
        info.update(result_extra)
    json.dump(info, sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", type=int, default=1000)
    ap.add_argument("--categories", type=int, default=10)
    ap.add_argument("--per-category", type=int, default=300)
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--max-distance", type=float, default=1200.0)
    ap.add_argument("--skip-pandana", action="store_true")
    ap.add_argument("--worker", choices=["lifecircle", "pandana"])
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args)
        return 0
    tools = ["lifecircle"] + ([] if args.skip_pandana else ["pandana"])
    stats, tables = {}, {}
    for tool in tools:
        out = f"/tmp/reach_large_{tool}_{os.getpid()}.pkl"
        cmd = [
            sys.executable,
            __file__,
            "--worker",
            tool,
            "--out",
            out,
            "--side",
            str(args.side),
            "--categories",
            str(args.categories),
            "--per-category",
            str(args.per_category),
            "--k",
            str(args.k),
            "--max-distance",
            str(args.max_distance),
        ]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            print(json.dumps({"bench": "reach_large", "tool": tool, "error": proc.stderr[-2000:]}))
            continue
        s = json.loads(proc.stderr.strip().splitlines()[-1])
        stats[tool] = s
        tables[tool] = pd.read_pickle(out).to_numpy(dtype=np.float64)
        os.remove(out)
        n = args.side * args.side
        print(
            json.dumps(
                {
                    "bench": "reach_large",
                    "tool": tool,
                    "n": n,
                    "categories": args.categories,
                    "facilities": args.categories * args.per_category,
                    "k": args.k,
                    "max_distance_m": args.max_distance,
                    "build_seconds": round(s["build_s"], 3),
                    "query_seconds": round(s["query_s"], 3),
                    "seconds": round(s["build_s"] + s["query_s"], 3),
                    "per_second": round(n * args.categories / (s["build_s"] + s["query_s"])),
                    "peak_rss_mib": round(s["peak_mib"]),
                    "peak_rss_over_input_mib": round(s["peak_mib"] - s["input_mib"]),
                    "process_wall_seconds": round(wall, 1),
                    **(
                        {
                            "pandana_ch_seconds": round(s["ch_s"], 3),
                            "pandana_precompute_seconds": round(s["precompute_s"], 3),
                        }
                        if tool == "pandana"
                        else {}
                    ),
                }
            ),
            flush=True,
        )
    if len(tables) == 2:
        a, b = tables["lifecircle"], tables["pandana"]
        diff = float(np.abs(a - b).max())
        same_reach = bool(((a < args.max_distance) == (b < args.max_distance)).all())
        ta = stats["lifecircle"]["build_s"] + stats["lifecircle"]["query_s"]
        tb = stats["pandana"]["build_s"] + stats["pandana"]["query_s"]
        print(
            json.dumps(
                {
                    "bench": "reach_large_summary",
                    "n": args.side * args.side,
                    "max_abs_diff_m": round(diff, 6),
                    "identical_reachability": same_reach,
                    "speedup_vs_pandana": round(tb / ta, 2),
                    "memory_ratio_pandana_over_lifecircle": round(
                        (stats["pandana"]["peak_mib"] - stats["pandana"]["input_mib"])
                        / max(1.0, stats["lifecircle"]["peak_mib"] - stats["lifecircle"]["input_mib"]),
                        2,
                    ),
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
