#!/usr/bin/env python3
"""Three rollout orders of Yunfu's 8 remaining districts, each with project lists from gaps,
over several seeds: does the order matter more than chance?

Orders (two districts a year from 2025, as the plan's pace to 2030):
- ``as_written``: the scenario's own programme_start years;
- ``need_first``: the districts with the lowest ring coverage of the basic categories at the
  start first;
- ``mixed``: each year the worst and the best served of those left, together.
(The most populous first and the best served first give Yunfu the same pairs of districts a
year as written: the same plan.)
Each order's districts join without the fixed package; each gets its project list from its
gaps at its joining date (``Scenario.with_project_lists``, exact covering, target 90%, no
budget), computed once on the scenario's seed: a plan is fixed before the city unfolds. Each
plan then runs on ``--seeds`` seeds (the synthetic town too is drawn from the seed).

Prints JSON lines: per order and seed the city's satisfaction (the mean over districts) each year
and its mean over 2025-2029; per order the mean, min and max over seeds; and the comparison:
best minus worst order's mean, and the seed spread (the largest max - min within an order).

    python bench/rollout_orders.py [--seeds 5] [--processes 2]
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


def _mixed(order: list[str]) -> list[str]:
    """Worst, best, second worst, second best, ... of an order from worst to best served."""
    out = []
    while order:
        out.append(order.pop(0))
        if order:
            out.append(order.pop())
    return out


def emit(line: dict) -> None:
    print(json.dumps(line, ensure_ascii=False), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--until", default="2029-12-31")
    a = ap.parse_args()
    t0 = time.perf_counter()
    sc = lc.Scenario.default()
    districts = sc.districts
    pilots = list(districts[districts.programme_start == districts.programme_start.min()].name)
    rest = districts[~districts.name.isin(pilots)]
    summary = lc.World(sc).summary().set_index("district")
    basic = sc.categories_of_class("basic")
    need = summary[[f"in_ring_{c}" for c in basic]].mean(axis=1)
    orders = {
        "as_written": list(rest.sort_values("programme_start", kind="stable").name),
        "need_first": sorted(rest.name, key=lambda n: need[n]),
        "mixed": _mixed(sorted(rest.name, key=lambda n: need[n])),
    }
    plans = {}
    for name, order in orders.items():
        rolled = sc.with_rollout(order, start=2025, per_year=2, package=())
        plan = rolled.with_project_lists(districts=order)
        plans[name] = plan
        projects = lc.projects.draw(plan, threads=2)  # the lists, from one run to the last list's date
        emit(
            {
                "bench": "rollout_plan",
                "order": name,
                "districts": [sc.district(n)["pinyin"] for n in order],
                "projects": len(projects),
                "capital_yuan": float(projects.cost_yuan.sum()) if len(projects) else 0.0,
            }
        )
    table = lc.compare(plans, runs=a.seeds, until=a.until, processes=a.processes, progress=False)
    # the city's satisfaction: the mean over its districts of each year's end
    by_run = {}
    for (label, run, seed), g in table.groupby(["label", "run", "seed"], sort=False):
        by_run[(label, run, seed)] = {int(y): gy.satisfaction.mean() for y, gy in g.groupby("year")}
    means = {}
    for (label, run, seed), by_year in by_run.items():
        window = [by_year[y] for y in range(2025, 2030) if y in by_year]
        m = sum(window) / len(window)
        means.setdefault(label, []).append(m)
        emit({"bench": "rollout_run", "order": label, "seed": int(seed), "mean_2025_2029": round(m, 4),
              "by_year": {y: round(v, 4) for y, v in by_year.items()}})  # fmt: skip
    per_order = {k: sum(v) / len(v) for k, v in means.items()}
    spread = max(max(v) - min(v) for v in means.values())
    for k, v in means.items():
        emit({"bench": "rollout_order", "order": k, "mean": round(per_order[k], 4), "min": round(min(v), 4),
              "max": round(max(v), 4), "seeds": len(v)})  # fmt: skip
    best, worst = max(per_order, key=per_order.get), min(per_order, key=per_order.get)
    emit(
        {
            "bench": "rollout_compare",
            "best": best,
            "worst": worst,
            "best_minus_worst": round(per_order[best] - per_order[worst], 4),
            "seed_spread": round(spread, 4),
            "difference_exceeds_spread": bool(per_order[best] - per_order[worst] > spread),
            "note": "satisfaction: the mean over districts of each year's end, averaged 2025-2029",
            "seconds": round(time.perf_counter() - t0),
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
