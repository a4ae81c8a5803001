#!/usr/bin/env python3
"""Each pilot's chance of 90% satisfied by 2025-12-31 under the documented prior of the
satisfaction threshold (lc.PRIOR), over seeds: the plan as written against the optimiser's
40.0 M package (bench/results/2026-11-29-optimize-pilots.jsonl, its levers applied to
today's model: the project lists are drawn again, as lc.optimize draws them).

Each run records December 2025; every prior draw re-scores it (Results.rescore), so the
chance counts seeds x draws without running a draw. Prints JSON lines: per package and
pilot the chance (share and emulated survey), the share at the run's own parameters over
seeds, and the package's public cost; then wall time and runs.

    python bench/chance_pilots.py [--seeds 10] [--draws 200] [--processes 2]
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
from lifecircle.optimize import _package  # noqa: E402  (the optimiser's own package builder)
from lifecircle.projects import draw, with_project_lists  # noqa: E402

BY = "2025-12-31"
CHOICE = ROOT / "bench/results/2026-11-29-optimize-pilots.jsonl"


def emit(line: dict) -> None:
    print(json.dumps(line, ensure_ascii=False, default=str), flush=True)


def package_40m(sc: lc.Scenario, pilots: list[str]) -> lc.Scenario:
    """The 2026-11-29 optimiser's cheapest 90% package (40.0 M yuan), on today's model."""
    choice = next(json.loads(line) for line in CHOICE.read_text().splitlines() if '"optimize_choice"' in line)
    lists = draw(with_project_lists(sc, districts=pilots), threads=1)
    base = sc
    for name in pilots:
        base = base.without_events("plan_facility", district=name)
    params = {k: (int(v) if isinstance(v, str) and v.isdigit() else v) for k, v in choice["levers"].items()}
    params = {k: (v == "True" if v in ("True", "False") else v) for k, v in params.items()}
    return _package(base, lists, pilots, params)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--processes", type=int, default=2)
    a = ap.parse_args()
    sc = lc.Scenario.default()
    d = sc.districts
    pilots = list(d[d.programme_start == d.programme_start.min()].name)
    t0 = time.perf_counter()
    packages = {"plan as written": sc, "optimiser's 40.0 M package": package_40m(sc, pilots)}
    runs_done = 0
    for label, scen in packages.items():
        runs = lc.run_many(
            [scen] * a.seeds,
            seeds=[sc.seed + s for s in range(a.seeds)],
            until=BY,
            processes=a.processes,
            progress=False,
        )
        runs_done += len(runs)
        cost = sum(float(r.costs[r.costs.district.isin(pilots)].total_yuan.sum()) for r in runs) / len(runs)
        by_share = lc.chance(runs, 0.9, by=BY, draws=a.draws).set_index("district")
        by_survey = lc.chance(runs, 0.9, by=BY, draws=a.draws, measure="survey").set_index("district")
        own = [r.rescore(months=[(2025, 12)]).set_index("district").satisfaction for r in runs]
        for p in pilots:
            shares = [float(o[p]) for o in own]
            emit(
                {
                    "bench": "chance_pilots",
                    "package": label,
                    "district": p,
                    "pinyin": by_share.pinyin[p],
                    "chance_share": round(float(by_share.chance[p]), 4),
                    "chance_survey": round(float(by_survey.chance[p]), 4),
                    "share_low_5": round(float(by_share.low[p]), 4),
                    "share_high_95": round(float(by_share.high[p]), 4),
                    "own_share_mean": round(sum(shares) / len(shares), 4),
                    "own_share_min": round(min(shares), 4),
                    "own_share_max": round(max(shares), 4),
                    "seeds": a.seeds,
                    "draws": a.draws,
                    "public_cost_yuan": round(cost),
                }
            )
    emit(
        {
            "bench": "chance_pilots_cost",
            "seconds": round(time.perf_counter() - t0),
            "simulator_runs": runs_done,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
