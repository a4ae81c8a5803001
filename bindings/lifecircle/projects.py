"""Project lists from gaps (一图一清单, 缺什么补什么): each joining district's own list.

When a district joins the programme, its project list is drawn from its own gaps at that
date: for each basic-guarantee category whose ring coverage is below ``target`` (worst
first), then the quality categories, facilities at the sites that bring the most uncovered
residents inside the ring (maximal covering, exact by HiGHS or greedy: lifecircle.covering),
site after site until the category reaches the target, while the district's budget for
the year allows (each facility costs its category's ``fitout_yuan_m2`` x floor area). The
list is phased over the months after joining and enters the scenario as ``plan_facility``
events at those sites, replacing the district's fixed package. A site is given by its
position (``sites_xy``): each run takes its district's candidate site nearest to it, so a
list stays meaningful on another seed's synthetic town (on the seed it was drawn from, the
very node).

The gaps are read from one run of the scenario without the lists, at each district's
joining date: a district's list does not see the lists of districts that joined before it
(their shops lie in other districts; only walks across a district's edge would feel them).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lifecircle import _core
from lifecircle.covering import max_cover
from lifecircle.scenario import AGE_GROUPS, Scenario, _add_months

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.results import Results

#: Sites a category may get in one district's list (a bound on the search, not a target).
MAX_SITES = 8


def join_dates(sc: Scenario) -> dict[str, dt.date]:
    """Each district's first joining date: its join_programme event (or one for every
    district), else its ``programme_start`` year's first day."""
    out: dict[str, dt.date] = {}
    for e in sorted(sc.data.get("events", []), key=lambda e: e["date"]):
        if e["type"] != "join_programme":
            continue
        date = e["date"] if isinstance(e["date"], dt.date) else dt.date.fromisoformat(str(e["date"]))
        for d in sc.data["districts"]:
            if e.get("district") in (None, d["name"]):
                out.setdefault(d["name"], date)
    for d in sc.data["districts"]:
        if "programme_start" in d and d["name"] not in out:
            out[d["name"]] = max(sc.start, dt.date(int(d["programme_start"]), 1, 1))
    return {k: v for k, v in out.items() if v <= sc.end}


def _distance_on(res: Results, c: int, day: dt.date) -> np.ndarray:
    t = res._tables["facilities"]
    open_ = res.open_on(day).to_numpy() & res._serves(c)
    ring = res.ring_metres(res.categories[c])
    dist, _ = res.network.reach(t["node"][open_].astype(np.uint32), 1, float(ring.max()))
    return dist[:, 0]


def district_list(
    res: Results,
    district: str,
    day: dt.date,
    *,
    target: float = 0.9,
    budget_yuan: float | None = None,
    method: str = "exact",
    categories: list[str] | None = None,
) -> pd.DataFrame:
    """One district's project list from its gaps on ``day`` (see the module). Columns:
    district, pinyin, category, class, rank, site (node), x, y, gain (residents newly inside
    the ring at working-age speed), in_ring (the category's coverage before), in_ring_after
    (with the sites so far), cost_yuan, method. Coverage counts the category's users: the
    residents of the age groups that make its trips."""
    d = res._district_index(district)
    zh = res.districts_zh[d]
    cats = res.scenario.data["categories"]
    keys = categories or res.categories
    for c in keys:
        if c not in res.categories:
            raise _core.ArgumentError(f"no category {c!r}; the categories are {', '.join(res.categories)}")
    people = res.residents_on(day)
    members = people[people.district == zh]
    n = len(members)
    if n == 0:
        return pd.DataFrame()
    home = members.home_node.to_numpy()
    speed = members.age_group.cat.codes.to_numpy()
    x, y = res._tables["network"]["x"], res._tables["network"]["y"]
    candidates = res._candidates(d)
    area = {c: float(cats[c]["floor_area_m2"]) for c in keys}
    cost = {c: float(cats[c].get("fitout_yuan_m2", 1500)) * area[c] for c in keys}
    # basic categories first, then quality; within each, the worst coverage first
    rows_before = []
    for c in keys:
        # the category's users: residents of the age groups that make its trips (an elder
        # canteen's are the elderly)
        uses = np.array([any(t.get(a, 0) > 0 for t in cats[c]["trips_per_day"].values()) for a in AGE_GROUPS])
        users = uses[speed]
        if not users.any():
            continue
        dist = _distance_on(res, res.categories.index(c), day)
        share = float(np.mean((dist[home] <= res.ring_metres(c)[speed])[users]))
        per_node = np.bincount(home[users], minlength=len(res.node_district)).astype(float)
        rows_before.append(
            (0 if cats[c]["class"] == "basic" else 1, share, c, dist, per_node, int(users.sum()))
        )
    rows_before.sort(key=lambda r: (r[0], r[1]))
    left = float("inf") if budget_yuan is None else float(budget_yuan)
    out: list[dict[str, Any]] = []
    for _, share, c, dist, per_node, n in rows_before:
        if share >= target or cost[c] > left:
            continue
        ring = float(res.ring_metres(c)[1])  # working-age speed, as the engine sites facilities
        covered = dist <= ring
        demand = np.flatnonzero((per_node > 0) & ~covered)
        need = (target - share) * n
        affordable = MAX_SITES if cost[c] <= 0 or left == float("inf") else int(left // cost[c])
        count = min(MAX_SITES, affordable)
        best = None
        for p in range(1, count + 1):  # the fewest sites that reach the target
            best = max_cover(res.network, candidates, demand, per_node[demand], ring, p, method=method)
            if best.covered >= need or len(best.sites) < p:
                break
        if best is None or len(best.sites) == 0:
            continue
        done = share
        for rank, (site, gain) in enumerate(zip(best.sites, best.gains), 1):
            if gain <= 0:
                break
            done = min(1.0, done + gain / n)
            left -= cost[c]
            out.append(
                {
                    "district": zh,
                    "pinyin": res.districts_pinyin[d],
                    "category": c,
                    "class": cats[c]["class"],
                    "rank": rank,
                    "site": int(site),
                    "x": float(x[site]),
                    "y": float(y[site]),
                    "gain": int(round(gain)),
                    "in_ring": share,
                    "in_ring_after": done,
                    "cost_yuan": cost[c],
                    "method": best.method,
                }
            )
    return pd.DataFrame(out)


def with_project_lists(
    scenario: Scenario,
    *,
    districts: list[str] | None = None,
    target: float = 0.9,
    budget_yuan: float | None = None,
    months: int = 6,
    method: str = "exact",
    categories: list[str] | None = None,
    threads: int | None = None,
    progress: bool = True,
) -> tuple[Scenario, pd.DataFrame]:
    """The scenario with each joining district's project list in place of its fixed package.

    Args:
        scenario: a scenario whose districts join the programme (join_programme events or
            programme_start; ``Scenario.with_rollout`` sets them).
        districts: those that get a list (default: every district that joins).
        target: ring coverage a category should reach (0-1).
        budget_yuan: each district's budget for its list (fit-out of its facilities), or
            None for no limit. The list never exceeds it.
        months: the list is phased over this many months after joining (one project after
            another; the first on the joining date).
        method: "exact" (HiGHS) or "greedy" sites.
        categories: categories a list may include (default: all).

    Returns:
        (scenario, projects): the scenario with the lists as plan_facility events at their
        sites (the districts' own plan_facility events removed), and the lists as one table
        (see :func:`district_list`, plus ``date``).
    """
    from lifecircle.runner import run

    if not 0 < target <= 1:
        raise _core.ArgumentError(f"target {target}: expected a share in (0, 1]")
    if budget_yuan is not None and budget_yuan < 0:
        raise _core.ArgumentError(f"budget_yuan {budget_yuan}: expected a non-negative amount")
    if months < 1:
        raise _core.ArgumentError(f"months {months}: expected 1 or more")
    if method not in ("exact", "greedy"):
        raise _core.ArgumentError(f"method {method!r}: expected 'exact' or 'greedy'")
    dates = join_dates(scenario)
    names = list(dates) if districts is None else [scenario._district(n)["name"] for n in districts]
    missing = [n for n in names if n not in dates]
    if missing:
        raise _core.ArgumentError(f"{', '.join(missing)}: never join the programme in this scenario")
    base = scenario
    for name in names:
        base = base.without_events("plan_facility", district=name)
    last = max((dates[n] for n in names), default=scenario.start)
    until = max(scenario.start, last - dt.timedelta(days=1))
    res = run(base, until=until, threads=threads, progress=progress)
    lists, events = [], []
    for name in names:
        day = max(scenario.start, dates[name] - dt.timedelta(days=1))
        got = district_list(
            res, name, day, target=target, budget_yuan=budget_yuan, method=method, categories=categories
        )
        if got.empty:
            continue
        got["date"] = [_add_months(dates[name], (k * months) // len(got)) for k in range(len(got))]
        got = got[got.date <= scenario.end]
        lists.append(got)
        for r in got.itertuples():
            events.append(
                {
                    "date": r.date,
                    "type": "plan_facility",
                    "district": name,
                    "category": r.category,
                    "sites_xy": [[float(r.x), float(r.y)]],
                    "gain": float(r.gain),
                }
            )
    projects = pd.concat(lists, ignore_index=True) if lists else pd.DataFrame()
    edit = f"project lists ({method}, target {target:.0%}" + (
        f", budget {budget_yuan:,.0f} yuan)" if budget_yuan is not None else ")"
    )
    return base.with_events(events, edit=edit), projects
