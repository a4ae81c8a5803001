#!/usr/bin/env python3
"""Recovery of the satisfaction threshold from surveys the model generates (issue 24 item 3).

Runs the built-in Yunfu scenario (the plan as written) for `--runs` seeds to `--until`; then,
for each replication and survey size, draws true parameters from the prior (lc.PRIOR, seeded),
takes one run as the real city (in turn: leave one out), emulates an 11-district survey there
at the truth (`Survey.emulate`: binomial draws of `n` respondents a district on the re-scored
shares of `--date`'s month) and fits the other runs to it (`lc.calibrate_satisfaction`).
Prints one JSON line per replication and size (truth, the 90% interval of each parameter,
whether it holds the truth, its width, wall time and re-scores), then a summary per size:
how often the 90% interval holds the truth and how wide it is (mean), against the prior's.

    python bench/calibration_recovery.py [--runs 6] [--replications 20] [--sizes 100,400,1600]
        [--keep DIR | --results DIR] [--out bench/results/2026-12-03-calibration-recovery.jsonl]

The truth town is never among the fitted runs, so the seeds' spread (a district's
realisation) is part of what the fit must carry, as it is for the real Yunfu.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from seeded_runs import seeded_runs

ROOT = Path(__file__).resolve().parents[1]


def emit(lines: list[dict], **row) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)
    lines.append(row)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=6)
    ap.add_argument("--first-seed", type=int, default=20240101)
    ap.add_argument("--until", default="2025-12-31")
    ap.add_argument("--date", default="2025-12-15", help="the survey's date (a recorded month)")
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--sizes", default="100,400,1600", help="respondents per district")
    ap.add_argument("--draws", type=int, default=4000)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--keep", default=None, help="keep the results files in this folder")
    ap.add_argument("--results", default=None, help="read run-*.h5 from this folder instead of running")
    ap.add_argument("--python", default=str(ROOT / "build/release/python"), help="where lifecircle is")
    ap.add_argument("--out", default=None, help="also append the JSON lines to this file")
    a = ap.parse_args()
    sys.path.insert(0, a.python)
    import lifecircle as lc

    t0 = time.perf_counter()
    runs = seeded_runs(
        lc,
        lc.Scenario.default().with_satisfaction(record_dates=[a.date]),
        seeds=a.runs,
        first_seed=a.first_seed,
        until=a.until,
        processes=a.processes,
        keep=a.keep,
        results=a.results,
    )
    lines: list[dict] = []
    emit(
        lines,
        bench="calibration_recovery_runs",
        runs=[r.seed for r in runs],
        seconds=round(time.perf_counter() - t0, 1),
    )
    truths = lc.PRIOR.sample(a.replications, seed=20261203)
    prior = lc.PRIOR.sample(20000, seed=0).quantile([0.05, 0.95])
    sizes = [int(s) for s in a.sizes.split(",")]
    results = {n: [] for n in sizes}
    for i, truth in enumerate(truths.itertuples(index=False)):
        city = runs[i % len(runs)]
        fitted = [r for r in runs if r is not city]
        for n in sizes:
            survey = lc.Survey.emulate(
                city,
                [a.date],
                respondents=n,
                seed=1000 * i + n,
                threshold_mean=truth.threshold_mean,
                threshold_sd=truth.threshold_sd,
            )
            t = time.perf_counter()
            fit = lc.calibrate_satisfaction(fitted, survey, draws=a.draws, seed=i)
            seconds = time.perf_counter() - t
            s = fit.summary.set_index("parameter")
            row = {
                "bench": "calibration_recovery",
                "replication": i,
                "respondents": n,
                "districts": int(survey.table.district.nunique()),
                "city_seed": city.seed,
                "seconds": round(seconds, 2),
                "rescores": fit.rescores,
            }
            for p in ("threshold_mean", "threshold_sd"):
                v = float(getattr(truth, p))
                lo, hi = float(s.loc[p, "q05"]), float(s.loc[p, "q95"])
                row.update(
                    {
                        p: round(v, 4),
                        f"{p}_q05": round(lo, 4),
                        f"{p}_q95": round(hi, 4),
                        f"{p}_median": round(float(s.loc[p, "median"]), 4),
                        f"{p}_covered": bool(lo <= v <= hi),
                        f"{p}_width": round(hi - lo, 4),
                    }
                )
            results[n].append(row)
            emit(lines, **row)
    for n in sizes:
        rows = results[n]
        out = {
            "bench": "calibration_recovery_summary",
            "respondents": n,
            "replications": len(rows),
            "seconds_mean": round(float(np.mean([r["seconds"] for r in rows])), 2),
            "seconds_max": round(float(np.max([r["seconds"] for r in rows])), 2),
        }
        for p in ("threshold_mean", "threshold_sd"):
            out[f"{p}_coverage"] = round(float(np.mean([r[f"{p}_covered"] for r in rows])), 3)
            out[f"{p}_width"] = round(float(np.mean([r[f"{p}_width"] for r in rows])), 4)
            out[f"{p}_prior_width"] = round(float(prior[p][0.95] - prior[p][0.05]), 4)
            out[f"{p}_abs_error"] = round(float(np.mean([abs(r[f"{p}_median"] - r[p]) for r in rows])), 4)
        emit(lines, **out)
    emit(
        lines,
        bench="calibration_recovery_total",
        seconds=round(time.perf_counter() - t0, 1),
        date=time.strftime("%Y-%m-%d"),
    )
    if a.out:
        with open(a.out, "a", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
