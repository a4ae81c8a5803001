#!/usr/bin/env python3
"""The plan's measures as the plan means them (issue 22): what a results file of the default
Yunfu run says, beside another (the build before, or the same scenario with a change).

    python bench/plan_measures.py AFTER.h5 [--before BEFORE.h5]

Reads results files only (run them first: `lifecircle run -o out/yunfu.h5`, and the build
before for BEFORE). Prints JSON lines, one per finding:
- {"table": "satisfaction"}: each district's share satisfied at the end of 2025 and 2030;
- {"table": "planned_public"}: planned elder canteens and care stations and centres open at
  the end of 2025 and 2030, of those opened, and what they cost the public;
- {"table": "night"}: each district's night needs served or delivered in 2024 (before the
  later districts join) and 2030, and the delivered share of night needs;
- {"table": "public_cost"}: the plan's public cost 2024-2030 by district and measure;
- {"table": "fuyun"}: Fuyun's satisfaction and shops open each month of 2025-2026 (its new
  housing arrives in June 2026);
- {"table": "private_projects"}: the planned private projects still open a year after
  opening, of those opened a year before the run's end.
Each row carries "run": "after" or "before"; a column the older file lacks is left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "build" / "release" / "python"))

import lifecircle as lc  # noqa: E402

PUBLIC_PLANNED = ("elder_canteen", "elderly_care", "elderly_care_centre")


def emit(**row) -> None:
    print(json.dumps(row, ensure_ascii=False, default=float), flush=True)


def findings(res: lc.Results, run: str) -> None:
    years = res.years
    for _, r in years[years.year.isin([2025, 2030])].iterrows():
        emit(
            table="satisfaction",
            run=run,
            district=r.pinyin,
            year=int(r.year),
            satisfied=round(r.satisfaction, 4),
        )
    f = res.facilities
    planned = f[(f.origin == "planned") & f.category.isin(PUBLIC_PLANNED)]
    cost = res.costs
    for year in (2025, 2030):
        end = pd.Timestamp(f"{year}-12-31")
        opened = planned[planned.opened <= end]
        still = opened[opened.closed.isna() | (opened.closed > end)]
        for cat in PUBLIC_PLANNED:
            row = dict(
                table="planned_public",
                run=run,
                year=year,
                category=cat,
                opened=int((opened.category == cat).sum()),
                open=int((still.category == cat).sum()),
            )
            emit(**row)
        c = cost[cost.year <= year]
        parts = {k: round(c[k].sum() / 1e6, 3) for k in c if k.endswith("_yuan")}
        emit(table="public_cost_to", run=run, year=year, **parts)
    for _, r in years[years.year.isin([2024, 2030])].iterrows():
        night = r.night_needs if "night_needs" in r else float("nan")
        emit(
            table="night",
            run=run,
            district=r.pinyin,
            year=int(r.year),
            in_programme=bool(r.in_programme),
            night_served_share=round(r.night_served_share, 4),
            night_delivered_share=round(r.night_delivered / night, 4) if night else None,
        )
    by = cost.groupby("pinyin", sort=False)[[k for k in cost if k.endswith("_yuan")]].sum() / 1e6
    for pinyin, r in by.iterrows():
        emit(table="public_cost", run=run, district=pinyin, **{k: round(v, 3) for k, v in r.items()})
    m = res.districts
    fuyun = m[(m.pinyin == "Fuyun") & m.year.isin([2025, 2026])]
    for _, r in fuyun.iterrows():
        emit(
            table="fuyun",
            run=run,
            month=f"{int(r.year)}-{int(r.month):02d}",
            satisfied=round(r.satisfaction, 4),
            shops_open=int(r.shops_open),
            openings=int(r.openings),
            closures=int(r.closures),
        )
    p = res.projects
    if "operator" in p:
        p = p[(p.operator == "private") & ~p.retender]
    private = p[(p.facility >= 0)]
    private = private[~private.category.isin(PUBLIC_PLANNED)]
    horizon = pd.Timestamp(res.end) - pd.DateOffset(years=1)
    due = private[private.date <= horizon]
    lasted = due[due.closed.isna() | (due.closed >= due.date + pd.DateOffset(years=1))]
    emit(
        table="private_projects",
        run=run,
        opened_a_year_before_end=len(due),
        open_a_year_later=len(lasted),
        share=round(len(lasted) / len(due), 4) if len(due) else None,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("after")
    ap.add_argument("--before")
    a = ap.parse_args()
    findings(lc.Results.load(a.after), "after")
    if a.before:
        findings(lc.Results.load(a.before), "before")


if __name__ == "__main__":
    main()
