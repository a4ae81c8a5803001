#!/usr/bin/env python3
"""lc.optimize on Yunfu's three pilots: the cheapest package that brings each to 90%
satisfaction by 2025-12-31 on every seed, against the plan's package as written and against
the maximal-covering project lists alone.

Prints JSON lines: every candidate (cost, lowest satisfaction, feasible), the Pareto front,
the cheapest feasible package (or the best reached), the two references run on the same
seeds, and the wall time and number of simulator runs.

    python bench/optimize_pilots.py [--trials 16] [--seeds 3] [--storage /tmp/pilots.db]
                                    [--chance 0.8 --measure survey --draws 200]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "build/release/python"))
import lifecircle as lc  # noqa: E402

BY = "2025-12-31"


def emit(line: dict) -> None:
    print(json.dumps(line, ensure_ascii=False, default=str), flush=True)


def measure(sc: lc.Scenario, pilots: list[str], a: argparse.Namespace) -> dict:
    seeds = a.seeds
    runs = lc.run_many(
        [sc] * seeds,
        seeds=[sc.seed + s for s in range(seeds)],
        until=BY,
        processes=a.processes,
        progress=False,
    )
    lowest, costs, per = 1.0, [], {}
    for r in runs:
        m = r.districts[r.districts.district.isin(pilots)].groupby("pinyin").last()
        lowest = min(lowest, float(m.satisfaction.min()))
        for k, v in m.satisfaction.items():
            per.setdefault(k, []).append(round(float(v), 4))
        c = r.costs
        costs.append(float(c[c.district.isin(pilots)].total_yuan.sum()))
    out = {"cost_yuan": sum(costs) / len(costs), "lowest_satisfaction": lowest, "by_district": per}
    if a.chance is not None:  # the same draws as the search's (the prior, seeded with the sampler's seed)
        c = lc.chance(runs, 0.9, by=BY, draws=a.draws, measure=a.measure, seed=0)
        c = c[c.district.isin(pilots)]
        out["chance"] = {p: round(float(v), 3) for p, v in zip(c.pinyin, c.chance)}
        out["lowest_chance"] = round(float(c.chance.min()), 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=16)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--storage", default="/tmp/lifecircle-pilots.db")
    ap.add_argument("--chance", type=float, default=None, help="the chance of 90%% a package must reach")
    ap.add_argument("--measure", choices=["share", "survey"], default="share", help="with --chance")
    ap.add_argument("--draws", type=int, default=200, help="prior draws of the satisfaction parameters")
    a = ap.parse_args()
    sc = lc.Scenario.default()
    d = sc.districts
    pilots = list(d[d.programme_start == d.programme_start.min()].name)
    t0 = time.perf_counter()
    o = lc.optimize(
        sc,
        pilots,
        target=0.9,
        by=BY,
        seeds=a.seeds,
        trials=a.trials,
        storage=a.storage,
        processes=a.processes,
        progress=False,
        **({} if a.chance is None else {"chance": a.chance, "measure": a.measure, "draws": a.draws}),
    )
    for t in o.trials.itertuples():
        emit(
            {
                "bench": "optimize_trial",
                "trial": t.trial,
                "cost_yuan": round(t.cost_yuan),
                "lowest_satisfaction": round(t.lowest_satisfaction, 4),
                **({} if a.chance is None else {"lowest_chance": round(t.lowest_chance, 3)}),
                "feasible": bool(t.feasible),
            }
        )
    emit(
        {
            "bench": "optimize_front",
            "trials": o.front.trial.tolist(),
            "cost_yuan": o.front.cost_yuan.round().tolist(),
            "lowest_satisfaction": o.front.lowest_satisfaction.round(4).tolist(),
            **({} if a.chance is None else {"lowest_chance": o.front.lowest_chance.round(3).tolist()}),
        }
    )
    best = o.cheapest()
    if best is None:
        best = o.trials.sort_values("lowest_satisfaction", ascending=False).iloc[0]
    params = {k[2:]: v for k, v in best.items() if k.startswith("p_")}
    emit(
        {
            "bench": "optimize_choice",
            "feasible": bool(best.feasible),
            "trial": int(best.trial),
            "cost_yuan": round(best.cost_yuan),
            "lowest_satisfaction": round(best.lowest_satisfaction, 4),
            **({} if a.chance is None else {"lowest_chance": round(best.lowest_chance, 3)}),
            "levers": params,
        }
    )
    as_written = measure(sc, pilots, a)
    emit({"bench": "optimize_reference", "package": "plan as written", **as_written})
    lists_only = o.scenario(int(o.trials.trial.iloc[0]))  # the warm start: the project lists alone
    emit(
        {
            "bench": "optimize_reference",
            "package": "project lists alone",
            **measure(lists_only, pilots, a),
        }
    )
    emit(
        {
            "bench": "optimize_cost",
            "seconds": round(time.perf_counter() - t0),
            "optimizer_seconds": round(o.seconds),
            "simulator_runs": o.runs + 2 * a.seeds,
            "candidates": len(o.trials),
            "seeds": a.seeds,
            "chance": a.chance,
            "measure": a.measure if a.chance is not None else None,
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
