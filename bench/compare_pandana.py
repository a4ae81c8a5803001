#!/usr/bin/env python3
"""lifecircle against Pandana on real OpenStreetMap data: same network, same facilities.

Builds the walking network and facilities of ../shared/data/helsinki_centre.osm.pbf with
lifecircle, hands the very same nodes, edges and facility coordinates to Pandana, and asks
both for the k = 3 nearest facilities within 1,200 m of every node for four categories.
Prints one JSON line per category (exactness) and one per tool (time), then a summary line
with the speed ratio measured in this run.

Pandana's contraction hierarchy works in whole millimetres: it truncates every edge length
(``int(length * 1000)``) before adding them up, so on a path of n edges its distance is up to
n mm short of the exact one. Exactness is therefore judged on Pandana's own model of the
input: lifecircle is given the same edges truncated to the millimetre, Pandana the original
lengths, and the two must agree to 0.01 m with identical reachability (what is left is
Pandana's float32 output). The difference on the exact lengths is printed too ("exact").

    python bench/compare_pandana.py [--pbf PATH] [--k 3] [--max-distance 1200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time
from pathlib import Path

import numpy as np

import lifecircle as lc

CATEGORIES = ["grocery", "food", "health", "transit"]
ROOT = Path(__file__).resolve().parents[1]


def best_of(repeat, fn):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


@contextlib.contextmanager
def quiet_stdout():
    """Pandana's C++ core prints progress to file descriptor 1: keep it off our JSON lines."""
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pbf", default=str(ROOT.parent / "shared/data/helsinki_centre.osm.pbf"))
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--max-distance", type=float, default=1200.0)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    import pandana

    net = lc.WalkNetwork.from_osm(args.pbf)
    nodes, edges, fac = net.nodes, net.edges, net.facilities
    k, maxd = args.k, args.max_distance
    groups = {c: fac[fac.category == c][["x", "y"]].reset_index(drop=True) for c in CATEGORIES}

    # Pandana's model of the same input: every edge truncated to whole millimetres.
    net_mm = lc.WalkNetwork(
        nodes.x, nodes.y, edges["from"], edges["to"], np.floor(edges["length"].to_numpy() * 1000.0) / 1000.0
    )

    def ours(network=net):
        return {c: network.nearest(g, k=k, max_distance=maxd, include_ids=True) for c, g in groups.items()}

    def theirs():
        pn = pandana.Network(nodes.x, nodes.y, edges["from"], edges["to"], edges[["length"]], twoway=True)
        pn.precompute(maxd)
        out = {}
        for c, g in groups.items():
            pn.set_pois(c, maxd, k, g.x, g.y)
            out[c] = pn.nearest_pois(maxd, c, num_pois=k, include_poi_ids=True)
        return pn, out

    t_ours, res_ours = best_of(args.repeat, ours)
    with quiet_stdout():
        t_theirs, (pn, res_theirs) = best_of(args.repeat, theirs)

        def theirs_query_only():
            return {c: pn.nearest_pois(maxd, c, num_pois=k, include_poi_ids=True) for c in groups}

        t_query, _ = best_of(args.repeat, theirs_query_only)
    res_mm = ours(net_mm)

    worst = 0.0
    all_same_reach = True
    for c in CATEGORIES:
        exact = res_ours[c][list(range(1, k + 1))]
        a = res_mm[c][list(range(1, k + 1))]
        b = res_theirs[c][list(range(1, k + 1))].reindex(a.index)
        diff = float(np.abs(a.to_numpy() - b.to_numpy()).max())
        diff_exact = float(np.abs(exact.to_numpy() - b.to_numpy()).max())
        reach_a = a.to_numpy() < maxd
        reach_b = b.to_numpy() < maxd
        same_reach = bool((reach_a == reach_b).all())
        worst = max(worst, diff)
        all_same_reach &= same_reach
        print(
            json.dumps(
                {
                    "bench": "compare_pandana_exactness",
                    "category": c,
                    "facilities": len(groups[c]),
                    "nodes": len(a),
                    "k": k,
                    "max_distance_m": maxd,
                    "max_abs_diff_m": round(diff, 6),
                    "max_abs_diff_exact_lengths_m": round(diff_exact, 6),
                    "identical_reachability": same_reach,
                    "reachable_entries": int(reach_a.sum()),
                }
            )
        )
    for tool, seconds in (
        ("lifecircle", t_ours),
        ("pandana", t_theirs),
        ("pandana_nearest_pois_only", t_query),
    ):
        print(
            json.dumps(
                {
                    "bench": "compare_pandana_time",
                    "tool": tool,
                    "n": net.num_nodes,
                    "edges": net.num_edges,
                    "categories": len(CATEGORIES),
                    "seconds": round(seconds, 5),
                    "note": "best of %d; pandana: Network + precompute + set_pois + "
                    "nearest_pois; lifecircle: snap + reach" % args.repeat,
                }
            )
        )
    print(
        json.dumps(
            {
                "bench": "compare_pandana_summary",
                "pandana_version": pandana.__version__,
                "max_abs_diff_m": round(worst, 6),
                "identical_reachability": all_same_reach,
                "speedup_vs_pandana": round(t_theirs / t_ours, 2),
                "speedup_vs_pandana_query_only": round(t_query / t_ours, 2),
            }
        )
    )
    return 0 if worst <= 0.01 and all_same_reach else 1


if __name__ == "__main__":
    raise SystemExit(main())
