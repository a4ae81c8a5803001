#!/usr/bin/env python3
"""Does the baseline market hold? The Yunfu scenario without policy events over many towns.

Runs the built-in scenario with its [[events]] removed for `--seeds` seeds (each seed draws
its own synthetic town) to `--until`, and prints JSON lines:

- per category: shops open at the end of the first recorded year and of the last, their
  change, averaged over the seeds (with the seeds' min and max);
- per year and group (small retail, food outlets; as bench/calibrate_market.py): the
  closure rate (closures during the year of the shops open on 1 January), mean and min-max
  over the seeds, beside the PARAMETERS.md range;
- the total stock's change, mean and min-max.

    python bench/market_baseline.py [--seeds 10] [--until 2030-12-31] [--out FILE]

The issue's tests: total shops at the end of 2030 within 10% of the end of 2024 on average,
no category losing more than a quarter of its shops on average, closure rates inside the
sourced ranges each year on average. Exits 1 if any fails.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from calibrate_market import TARGETS, emit_lines, groups  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=20240101)
    ap.add_argument("--until", default="2030-12-31")
    ap.add_argument("--processes", type=int, default=None)
    ap.add_argument(
        "--python", default=str(ROOT / "build/release/python"), help="where the lifecircle module is"
    )
    ap.add_argument("--out", default=None, help="also append the JSON lines to this file")
    a = ap.parse_args()
    sys.path.insert(0, a.python)
    import lifecircle as lc

    base = lc.Scenario.default().without_events()
    g = groups(base.data["categories"])
    seeds = list(range(a.first_seed, a.first_seed + a.seeds))
    runs = lc.run_many([base] * len(seeds), seeds=seeds, until=a.until, processes=a.processes)
    lines, ok = [], True
    first, last = runs[0].start.year, runs[0].end.year
    stocks = []
    for res in runs:
        fac = res.facilities
        row = {}
        for year in (first, last):
            end = pd.Timestamp(year + 1, 1, 1)
            open_then = (fac.opened.isna() | (fac.opened < end)) & (fac.closed.isna() | (fac.closed >= end))
            row.update({(year, k): v for k, v in fac[open_then].category.value_counts().items()})
        stocks.append(row)
    table = pd.DataFrame(stocks).fillna(0)
    for cat in base.data["categories"]:
        a0, a1 = table.get((first, cat), pd.Series(0, index=table.index)), table.get((last, cat), 0)
        change = (a1 - a0) / a0.where(a0 > 0)
        mean_change = float(a1.mean() / a0.mean() - 1) if a0.mean() > 0 else float("nan")
        lines.append(
            {
                "bench": "market_baseline_category",
                "category": cat,
                f"shops_{first}": round(float(a0.mean()), 1),
                f"shops_{last}": round(float(a1.mean()), 1),
                "change": round(mean_change, 3),
                "change_min": round(float(change.min()), 3),
                "change_max": round(float(change.max()), 3),
                "seeds": len(seeds),
            }
        )
        ok &= not (mean_change < -0.25)
    total0 = sum(table[(first, c)] for c in base.data["categories"] if (first, c) in table)
    total1 = sum(table[(last, c)] for c in base.data["categories"] if (last, c) in table)
    total_change = float(total1.mean() / total0.mean() - 1)
    lines.append(
        {
            "bench": "market_baseline_total",
            f"shops_{first}": round(float(total0.mean()), 1),
            f"shops_{last}": round(float(total1.mean()), 1),
            "change": round(total_change, 3),
            "change_min": round(float((total1 / total0 - 1).min()), 3),
            "change_max": round(float((total1 / total0 - 1).max()), 3),
            "seeds": len(seeds),
        }
    )
    ok &= abs(total_change) <= 0.10
    for group, keys in g.items():
        for year in range(first, last + 1):
            start, stop = pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1)
            rates = []
            for res in runs:
                sel = res.facilities[res.facilities.category.isin(keys)]
                at_risk = (sel.opened.isna() | (sel.opened <= start)) & (
                    sel.closed.isna() | (sel.closed >= start)
                )
                gone = at_risk & (sel.closed >= start) & (sel.closed < stop)
                rates.append(gone.sum() / max(1, at_risk.sum()))
            lo, hi = TARGETS[group]
            mean = float(np.mean(rates))
            lines.append(
                {
                    "bench": "market_baseline_closures",
                    "group": group,
                    "year": year,
                    "rate": round(mean, 4),
                    "rate_min": round(float(np.min(rates)), 4),
                    "rate_max": round(float(np.max(rates)), 4),
                    "target_low": lo,
                    "target_high": hi,
                    "inside": bool(lo <= mean <= hi),
                    "seeds": len(seeds),
                }
            )
            ok &= lo <= mean <= hi
    emit_lines(lines, a.out)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
