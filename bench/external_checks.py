#!/usr/bin/env python3
"""External checks (issue 24 item 8): every published figure the model's outputs can be set
against, beside what the model gives over several seeds. Nothing is tuned to these: a mismatch
is a finding (docs/model.md, "External checks").

Runs the built-in Yunfu scenario (the plan as written) for `--seeds` seeds to `--until` and
prints one JSON line per check and year: the external figure (value, unit, source), the
model's mean over the seeds, its min and max, and the seeds' values.

    python bench/external_checks.py [--seeds 5] [--out bench/results/2026-12-03-external-checks.jsonl]
        [--keep DIR]   # keep the results files (run-<i>.h5) there
        [--results DIR]  # read results files kept before instead of running

The checks (sources: /work/shared/PARAMETERS.md, tags [S] sourced, [E] estimated):
- satisfaction of built circles: >90% of residents of the national pilot circles at the end
  of 2023 (MOFCOM) and 96.64% in Xiamen [S]; the model: residents satisfied at the year's end
  in the districts that had been in the programme since the year began (a circle built for
  a year or more), all together and each;
- residents per outlet in programme circles: MOFCOM's end-2025 totals, 168 M residents and
  1,954,000 outlets in 8,132 circles, are 86.0 residents per outlet (11.6 outlets per 1,000
  residents), about 20,700 residents and 240 outlets a circle [S totals, E ratio]; the model:
  residents over open facilities at the year's end in the programme's districts (all
  facilities, and private businesses only);
- closure rates: restaurants 22.66% a year nationally (2024-25), about 32% in tier-3 cities
  and below [S]; all firms' yearly exits 1.6% in their first year, 6.3% in the second, 9.5%
  in the third (SAIC 2013) [S]; the model: restaurants closing during the year of those open
  on 1 January, and the market's entrants' exits by year of age. The small-retail (12-15%)
  and food (20-25%) ranges are [E] and were the market's calibration targets, so they are
  printed as "fitted", not as checks;
- night delivery: 16.4% of food-delivery orders fall in the late-night slot (Meituan 2020)
  [S]; the model: the share of delivered needs that arose between 22:00 and 06:00;
- convenience stores open all night: 56% of chain convenience stores (median of 40 cities,
  2025) [S]; the model: the share of open convenience stores open 24 hours at the year's end;
- a convenience store's takings: CCFA's chain average, 3,800 yuan a day [S]; the model: its
  revenue per store-month over the month's days;
- elder canteens: 14-15 meals a meal point a day in Guangdong (2023), about 23 diners a
  canteen a day in Zhuhai [S]; the model: visits per elder canteen per day.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from seeded_runs import seeded_runs

ROOT = Path(__file__).resolve().parents[1]
FOOD = ("breakfast", "restaurant", "night_food", "cafe")  # as bench/calibrate_market.py


def emit(lines: list[dict], **row) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)
    lines.append(row)


def spread(values: list[float]) -> dict:
    v = np.array(values, dtype=float)
    if np.isnan(v).all():
        return {"model": None, "model_min": None, "model_max": None, "seeds_values": [None] * len(v)}
    return {
        "model": round(float(np.nanmean(v)), 4),
        "model_min": round(float(np.nanmin(v)), 4),
        "model_max": round(float(np.nanmax(v)), 4),
        "seeds_values": [round(float(x), 4) for x in v],
    }


def built(res, year: int) -> pd.DataFrame:
    """December of ``year`` in the districts in the programme since January of that year."""
    m = res.districts
    jan = m[(m.year == year) & (m.month == 1) & m.in_programme].district
    return m[(m.year == year) & (m.month == 12) & m.district.isin(jan)]


def open_at(fac: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    return (fac.opened.isna() | (fac.opened <= day)) & (fac.closed.isna() | (fac.closed > day))


def yearly_closure(fac: pd.DataFrame, year: int) -> float:
    start, stop = pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1)
    at_risk = (fac.opened.isna() | (fac.opened <= start)) & (fac.closed.isna() | (fac.closed >= start))
    gone = at_risk & (fac.closed >= start) & (fac.closed < stop)
    return float(gone.sum() / max(1, at_risk.sum()))


def exits_by_age(fac: pd.DataFrame, end: pd.Timestamp) -> list[float]:
    """Entrants' yearly exit hazard in their 1st, 2nd and 3rd year: exits during the age year
    over those alive at its start, among entrants whose age year ended before ``end``."""
    e = fac[(fac.origin == "market") & fac.opened.notna()]
    out = []
    for age in range(3):
        begin = e.opened + pd.DateOffset(years=age)
        finish = e.opened + pd.DateOffset(years=age + 1)
        seen = finish <= end
        alive = seen & (e.closed.isna() | (e.closed >= begin))
        gone = alive & e.closed.notna() & (e.closed < finish)
        out.append(float(gone.sum() / max(1, alive.sum())))
    return out


def checks(runs, years: list[int], lines: list[dict]) -> None:
    seeds = [r.seed for r in runs]
    common = {"seeds": seeds, "scenario": runs[0].label}
    for year in years:
        # -- satisfaction of built circles
        rows = [built(r, year) for r in runs]
        emit(
            lines,
            check="satisfaction_built_circles",
            year=year,
            unit="share of residents satisfied",
            external=0.90,
            external_text=">0.90 national pilots end-2023 (MOFCOM); 0.9664 Xiamen, 61 circles",
            source="PARAMETERS.md: MOFCOM 2025 notice; Xiamen [S]",
            districts=sorted(set(rows[0].pinyin)),
            **spread([b.satisfied.sum() / b.residents.sum() for b in rows]),
            reaching_090=spread([float((b.satisfaction >= 0.9).mean()) for b in rows])["model"],
            **common,
        )
        for d in sorted(set(rows[0].pinyin)):
            emit(
                lines,
                check="satisfaction_built_circle",
                year=year,
                district=d,
                unit="share satisfied",
                external=0.90,
                **spread([float(b.set_index("pinyin").satisfaction[d]) for b in rows]),
                **common,
            )
        # -- residents per outlet
        per_all, per_private, outlets, people = [], [], [], []
        for r in runs:
            m = r.districts
            dec = m[(m.year == year) & (m.month == 12) & m.in_programme]
            fac = r.facilities
            day = pd.Timestamp(min(pd.Timestamp(year, 12, 31), pd.Timestamp(r.end)))
            here = fac[open_at(fac, day) & fac.district.isin(dec.district)]
            per_all.append(dec.residents.sum() / max(1, len(here)))
            per_private.append(dec.residents.sum() / max(1, int((here.operator == "private").sum())))
            outlets.append(len(here) / max(1, len(dec)))
            people.append(dec.residents.sum() / max(1, len(dec)))
        src = "PARAMETERS.md: MOFCOM end-2025 totals, 168 M residents, 1,954,000 outlets, 8,132 circles"
        for facilities, values in (("all", per_all), ("private", per_private)):
            emit(
                lines,
                check="residents_per_outlet",
                year=year,
                unit="residents per open facility",
                external=round(168e6 / 1.954e6, 1),
                source=src,
                facilities=facilities,
                **spread(values),
                **common,
            )
        emit(
            lines,
            check="outlets_per_circle",
            year=year,
            unit="open facilities per programme district",
            external=round(1.954e6 / 8132),
            source=src,
            **spread(outlets),
            **common,
        )
        emit(
            lines,
            check="residents_per_circle",
            year=year,
            unit="residents per programme district",
            external=round(168e6 / 8132),
            source=src,
            **spread(people),
            **common,
        )
        # -- closures
        for cat, ext, text in (
            ("restaurant", 0.2266, "0.2266 national 2024-25; about 0.32 tier-3 and below"),
        ):
            vals = [yearly_closure(r.facilities[r.facilities.category == cat], year) for r in runs]
            emit(
                lines,
                check="closure_rate",
                year=year,
                group=cat,
                unit="closures / open on 1 January",
                external=ext,
                external_text=text,
                source="PARAMETERS.md: restaurants [S]",
                **spread(vals),
                **common,
            )
        for group, (lo, hi) in (("food", (0.20, 0.25)), ("retail", (0.12, 0.15))):
            vals = []
            for r in runs:
                fac = r.facilities
                commercial = fac[fac.operator == "private"]
                keys = (
                    FOOD
                    if group == "food"
                    else [
                        c for c in commercial.category.unique() if c not in FOOD and c not in ("recycling",)
                    ]
                )
                vals.append(yearly_closure(commercial[commercial.category.isin(keys)], year))
            emit(
                lines,
                check="closure_rate_fitted",
                year=year,
                group=group,
                unit="closures / open on 1 January",
                external_low=lo,
                external_high=hi,
                source="PARAMETERS.md [E]: the market's calibration targets",
                **spread(vals),
                **common,
            )
        # -- night delivery
        vals = []
        for r in runs:
            y = r.districts[r.districts.year == year]
            vals.append(float(y.night_delivered.sum() / max(1, y.delivered.sum())))
        emit(
            lines,
            check="night_delivery_share",
            year=year,
            unit="share of delivered needs arising 22-06",
            external=0.164,
            source="PARAMETERS.md: Meituan 2020, food-delivery orders late at night [S]",
            **spread(vals),
            **common,
        )
        # -- convenience stores all night, their takings; elder canteens' meals
        all_night, takings, meals = [], [], []
        for r in runs:
            fac = r.facilities
            day = pd.Timestamp(min(pd.Timestamp(year, 12, 31), pd.Timestamp(r.end)))
            conv = fac[(fac.category == "convenience") & open_at(fac, day)]
            all_night.append(float(((conv.close_hour - conv.open_hour) >= 24).mean()))
            fm = r.facility_months
            days = pd.to_datetime(dict(year=fm.year, month=fm.month, day=1)).dt.days_in_month
            sel = (fm.year == year) & fm.open
            c = sel & (fm.category == "convenience")
            takings.append(float((fm.revenue_yuan[c] / days[c]).mean()))
            e = sel & (fm.category == "elder_canteen")
            meals.append(float((fm.visits[e] / days[e]).mean()) if e.any() else float("nan"))
        emit(
            lines,
            check="convenience_open_24h",
            year=year,
            unit="share of open convenience stores",
            external=0.56,
            source="PARAMETERS.md: chain convenience stores, median of 40 cities, 2025 [S]",
            **spread(all_night),
            **common,
        )
        emit(
            lines,
            check="convenience_takings",
            year=year,
            unit="yuan a store a day",
            external=3800,
            source="PARAMETERS.md: CCFA chain average [S]",
            **spread(takings),
            **common,
        )
        emit(
            lines,
            check="elder_canteen_meals",
            year=year,
            unit="visits a canteen a day",
            external_low=14,
            external_high=23,
            source="PARAMETERS.md: Guangdong 2023 (14-15), Zhuhai (23) [S]",
            **spread(meals),
            **common,
        )
    end = pd.Timestamp(runs[0].end)
    ages = [exits_by_age(r.facilities[r.facilities.operator == "private"], end) for r in runs]
    for a, ext in enumerate((0.016, 0.063, 0.095)):
        emit(
            lines,
            check="exit_by_age",
            age_year=a + 1,
            unit="exits in the age year / alive at its start",
            external=ext,
            source="PARAMETERS.md: SAIC 2013, all firms [S]",
            **spread([x[a] for x in ages]),
            **common,
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=20240101)
    ap.add_argument("--until", default="2030-12-31")
    ap.add_argument("--years", default="2025,2030")
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
        lc.Scenario.default(),
        seeds=a.seeds,
        first_seed=a.first_seed,
        until=a.until,
        processes=a.processes,
        keep=a.keep,
        results=a.results,
    )
    lines: list[dict] = []
    checks(runs, [int(y) for y in a.years.split(",")], lines)
    emit(
        lines,
        bench="external_checks",
        runs=len(runs),
        seconds=round(time.perf_counter() - t0, 1),
        until=str(runs[0].end),
        date=time.strftime("%Y-%m-%d"),
    )
    if a.out:
        with open(a.out, "a", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
