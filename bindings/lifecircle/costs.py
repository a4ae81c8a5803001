"""What the plan's public money bought: ``res.cost_summary()`` calls :func:`cost_summary`.

The cost is the run's own (``Results.costs``: subsidies, fit-out, support per visit); what it
bought is counted as the engine counts coverage (residents inside the ring at their walking
speed, lifecircle.access) and satisfaction (``Results.districts``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from lifecircle.access import inside_ring, node_distance

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.results import Results

COST_COLUMNS = ["subsidy_yuan", "capital_yuan", "support_yuan", "operating_yuan", "total_yuan"]


def cost_summary(res: Results, year: int | None = None, *, baseline: Results | None = None) -> pd.DataFrame:
    """Per district, from the run's start to the end of ``year`` (default: the last): the
    public cost by measure and in all, and what it bought: residents newly inside the ring
    (summed over the basic categories), satisfaction points gained (percentage points),
    and yuan for each.

    With ``baseline`` (the same city without the plan, or with another one: a run of the
    same period), everything is against it: the extra cost, and the residents in the ring
    and the satisfaction at the year's end above the baseline's: what the plan bought.
    Without it, the gains are since the end of the first month, which also holds what the
    market did on its own. A gain of zero or less gives no ratio (NaN).

    Columns: district, pinyin, subsidy_yuan, capital_yuan, support_yuan, operating_yuan, total_yuan,
    residents_newly_covered, satisfaction_points, yuan_per_resident_covered, yuan_per_point.
    """
    year = res.end.year if year is None else int(year)
    basic = [k for k in res.categories if k in res.scenario.categories_of_class("basic")]
    m = res.districts
    last = m[(m.year == year)].groupby("district", sort=False).last()
    end = residents_in_ring(res, res.year_end(year), basic)
    out = _costs_to(res, year)
    if baseline is not None:
        out = out - _costs_to(baseline, year).reindex(out.index, fill_value=0.0)
        bm = baseline.districts
        before_sat = bm[bm.year == year].groupby("district", sort=False).last().satisfaction
        before = residents_in_ring(baseline, baseline.year_end(year), basic)
    else:
        first = m[m.date == m.date.min()].set_index("district")
        before_sat = first.satisfaction
        before = residents_in_ring(res, dt.date(int(first.year.iloc[0]), int(first.month.iloc[0]), 1), basic)
    out = out.reset_index()
    zh = out.district.to_numpy()
    out["residents_newly_covered"] = (end.reindex(zh).to_numpy() - before.reindex(zh).to_numpy()).round()
    out["satisfaction_points"] = 100 * (
        last.satisfaction.reindex(zh).to_numpy() - before_sat.reindex(zh).to_numpy()
    )
    gain = out.residents_newly_covered.where(out.residents_newly_covered > 0)
    out["yuan_per_resident_covered"] = out.total_yuan / gain
    out["yuan_per_point"] = out.total_yuan / out.satisfaction_points.where(out.satisfaction_points > 0)
    return out


def _costs_to(res: Results, year: int) -> pd.DataFrame:
    """Per district: the public cost by measure from the run's start to the end of ``year``."""
    c = res.costs[res.costs.year <= year]
    return c.groupby(["district", "pinyin"], sort=False)[COST_COLUMNS].sum()


def residents_in_ring(res: Results, day: dt.date, categories: list[str]) -> pd.Series:
    """Per district: residents inside the ring, summed over ``categories``, at the end of
    the month holding ``day`` (its last day), as the engine counts coverage."""
    end = (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).date()
    end = min(end, res.end)
    people = res.residents_on(end)
    total = pd.Series(0.0, index=res.districts_zh)
    for c in categories:
        inside = inside_ring(res, c, people, node_distance(res, c, day=end))
        total = total.add(pd.Series(inside).groupby(people.district.to_numpy()).sum(), fill_value=0)
    return total
