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

A list is also drawn where the scenario holds a dated ``circle_plan`` event (its district,
target, budget, months and method; docs/scenario.md): on its date, from the district's gaps
then, so a second list sees what the first one built. Where a district lists idle public
sites (``idle_sites_xy``, plan item 13: idle or badly run buildings and plots), each
category's list takes its sites among them first (the fewest idle sites that bring its users
to the target, by the same maximal covering), then the district's commercial sites for what
is still missing; an idle site takes one facility, at the district's node nearest to it.

The gaps are read from runs of the scenario without the lists, one run for each round: the
first list of every district is drawn from one run (a district's list does not see the lists
of districts that joined before it: their shops lie in other districts, and only walks across
a district's edge would feel them); a district's second list (a later ``circle_plan``) from a
run with every first list in place, and so on.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import tomli_w

from lifecircle import _core
from lifecircle.covering import coverage_pairs, max_cover
from lifecircle.scenario import AGE_GROUPS, BUILTIN_NAME, Scenario, _add_months

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.results import Results

#: Sites a category may get in one district's list (a bound on the search, not a target).
MAX_SITES = 8


def join_dates(sc: Scenario) -> dict[str, dt.date]:
    """Each district's first joining date: its join_programme event (or one for every
    district), else its ``programme_start`` year's first day."""
    out: dict[str, dt.date] = {}
    for e in sorted(sc.data.get("events", []), key=lambda e: str(e["date"])):
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


def phased(start: dt.date, n: int, months: int) -> list[dt.date]:
    """The dates of a list's n projects phased over ``months`` from ``start``: one after
    another, the first on ``start``."""
    return [_add_months(start, (k * months) // max(1, n)) for k in range(n)]


def plan_event(project: Any, district: str, date: dt.date) -> dict[str, Any]:
    """A project of a list (a row of :func:`district_list`) as its plan_facility event."""
    return {
        "date": date,
        "type": "plan_facility",
        "district": district,
        "category": project.category,
        "sites_xy": [[float(project.x), float(project.y)]],
        "gain": float(project.gain),
        **({"idle": True} if getattr(project, "idle", False) else {}),
    }


def district_list(
    res: Results,
    district: str,
    day: dt.date,
    *,
    target: float = 0.9,
    budget_yuan: float | None = None,
    method: str = "exact",
    categories: list[str] | None = None,
    planned: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One district's project list from its gaps on ``day`` (see the module); ``planned``:
    earlier lists of the district (category, site, idle, date): those dated after ``day``
    count as built, and their idle sites as taken. Columns:
    district, pinyin, category, class, rank, site (node), x, y, idle (at one of the
    district's idle sites), gain (residents newly inside the ring at working-age speed),
    in_ring (the category's coverage before), in_ring_after (with the sites so far),
    cost_yuan, method. Coverage counts the category's users: the residents of the age groups
    that make its trips."""
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
    before = planned if planned is not None else pd.DataFrame(columns=["category", "site", "idle"])
    taken = set(before[before.idle.astype(bool)].site.astype(int))
    idle_free = [int(v) for v in res._idle_sites(d) if int(v) not in taken]  # one facility each
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
        # earlier lists' projects not yet opened on the day (the run shows those opened)
        pending = before[
            (before.category == c) & (pd.to_datetime(before.get("date", day)) > pd.Timestamp(day))
        ]
        dist = res.node_distance(c, day=day, extra=pending.site.tolist())
        share = float(np.mean((dist[home] <= res.ring_metres(c)[speed])[users]))
        per_node = np.bincount(home[users], minlength=len(res.node_district)).astype(float)
        rows_before.append((0 if cats[c]["class"] == "basic" else 1, share, c, dist, per_node, users, uses))
    rows_before.sort(key=lambda r: (r[0], r[1]))
    left = float("inf") if budget_yuan is None else float(budget_yuan)
    out: list[dict[str, Any]] = []
    for _, share, c, dist, per_node, users, uses in rows_before:
        if share >= target or cost[c] > left:
            continue
        rings = res.ring_metres(c)
        # the demand: users not yet inside their own ring, by home node and age group (each
        # group covered within its own ring: the pace it walks at)
        n = int(users.sum())
        now = dist.copy()
        affordable = MAX_SITES if cost[c] <= 0 or left == float("inf") else int(left // cost[c])
        chosen: list[tuple[int, float, bool, str, float]] = []  # (site, gain, idle, method, in_ring_after)
        # idle public sites first, then the district's commercial sites for what is missing
        for pool, is_idle in ((np.array(idle_free, dtype=np.uint32), True), (candidates, False)):
            outside = users & (now[home] > rings[speed])
            need = target * n - (n - int(outside.sum()))
            key = home[outside].astype(np.int64) * len(AGE_GROUPS) + speed[outside]
            groups, weights = np.unique(key, return_counts=True)
            demand, pace = groups // len(AGE_GROUPS), groups % len(AGE_GROUPS)
            count = min(MAX_SITES, affordable) - len(chosen)
            if count <= 0 or len(pool) == 0 or len(demand) == 0 or need <= 0:
                continue
            best = None
            pairs = coverage_pairs(res.network, pool, demand, rings[pace])  # once for every count
            for p in range(1, count + 1):  # the fewest sites that reach the target
                best = max_cover(
                    res.network, pool, demand, weights, rings[pace], p, method=method, pairs=pairs
                )
                if best.covered >= need or len(best.sites) < p:
                    break
            if best is None:
                continue
            for site, gain in zip(best.sites, best.gains):
                if gain <= 0:
                    continue
                near, _ = res.network.reach(np.array([site], dtype=np.uint32), 1, float(rings.max()))
                now = np.minimum(now, near[:, 0])
                done = float(np.mean((now[home] <= rings[speed])[users]))  # every user at their own pace
                chosen.append((int(site), float(gain), is_idle, best.method, done))
                if is_idle:
                    idle_free.remove(int(site))
        for rank, (site, gain, is_idle, how, done) in enumerate(chosen, 1):
            left -= cost[c]
            out.append(
                {
                    "district": zh,
                    "pinyin": res.districts_pinyin[d],
                    "category": c,
                    "class": cats[c]["class"],
                    "rank": rank,
                    "site": site,
                    "x": float(x[site]),
                    "y": float(y[site]),
                    "idle": is_idle,
                    "gain": int(round(gain)),
                    "in_ring": share,
                    "in_ring_after": done,
                    "cost_yuan": cost[c],
                    "method": how,
                }
            )
    return pd.DataFrame(out)


def with_project_lists(
    scenario: Scenario,
    *,
    districts: list[str] | None = None,
    at_joining: bool = True,
    target: float = 0.9,
    budget_yuan: float | None = None,
    months: int = 6,
    method: str = "exact",
    categories: list[str] | None = None,
    threads: int | None = None,
    progress: bool = True,
) -> tuple[Scenario, pd.DataFrame]:
    """The scenario with project lists drawn from gaps: each joining district's at its
    joining date (in place of its fixed package), and one at each ``circle_plan`` event.

    Args:
        scenario: a scenario whose districts join the programme (join_programme events or
            programme_start; ``Scenario.with_rollout`` sets them), or that holds
            ``circle_plan`` events.
        districts: those that get a list when they join (default: every district that joins).
            ``circle_plan`` events are drawn whatever this says.
        at_joining: draw lists at joining (False: only the scenario's ``circle_plan`` events,
            the fixed packages kept).
        target: ring coverage a category should reach (0-1).
        budget_yuan: each list's budget (fit-out of its facilities), or None for no limit.
            The list never exceeds it.
        months: the list is phased over this many months (one project after another; the
            first on the list's date).
        method: "exact" (HiGHS) or "greedy" sites.
        categories: categories a list may include (default: all).

        A ``circle_plan`` event's own target, budget_yuan, months and method stand for it;
        where it gives none, these arguments' do.

    Returns:
        (scenario, projects): the scenario with the lists as plan_facility events at their
        sites (the joining districts' own plan_facility events and the circle_plan events
        removed), and the lists as one table (see :func:`district_list`, plus ``date`` and
        ``round``: 1 for a district's first list, 2 for its second...).
    """
    from lifecircle.runner import run

    _check_options(target, budget_yuan, months, method)
    requests: list[dict[str, Any]] = []
    names: list[str] = []
    if at_joining:
        dates = join_dates(scenario)
        names = list(dates) if districts is None else [scenario._district(n)["name"] for n in districts]
        missing = [n for n in names if n not in dates]
        if missing:
            raise _core.ArgumentError(f"{', '.join(missing)}: never join the programme in this scenario")
        for name in names:
            options = {"target": target, "budget_yuan": budget_yuan, "months": months, "method": method}
            requests.append({"district": name, "date": dates[name], **options})
    elif districts is not None:
        raise _core.ArgumentError("districts: lists at joining only (at_joining=True)")
    for e in scenario.data.get("events", []):
        if e["type"] == "circle_plan":
            requests.append(
                {
                    "district": scenario._district(e["district"])["name"],
                    "date": scenario._date(e["date"]),
                    "target": float(e.get("target", target)),
                    "budget_yuan": e.get("budget_yuan", budget_yuan),
                    "months": int(e.get("months", months)),
                    "method": e.get("method", method),
                }
            )
    # one list a district and date: a circle_plan on a district's joining date stands for it
    requests = list({(r["district"], r["date"]): r for r in requests}.values())
    if not requests:
        return scenario, pd.DataFrame()
    base = (
        scenario.without_events("circle_plan")
        if any(e["type"] == "circle_plan" for e in scenario.data.get("events", []))
        else scenario
    )
    for name in names:  # the fixed packages give way to the lists
        if any(
            e["type"] == "plan_facility" and e.get("district") == name for e in base.data.get("events", [])
        ):
            base = base.without_events("plan_facility", district=name)
    # rounds: a district's k-th list is drawn from a run with every list of the rounds before
    requests.sort(key=lambda r: (r["district"], r["date"]))
    for i, r in enumerate(requests):
        same = [q for q in requests[:i] if q["district"] == r["district"]]
        r["round"] = len(same) + 1
    lists, added, planned = [], [], base
    for rnd in sorted({r["round"] for r in requests}):
        now = [r for r in requests if r["round"] == rnd]
        last = max(r["date"] for r in now)
        until = max(scenario.start, last - dt.timedelta(days=1))
        res = run(planned, until=until, threads=threads, progress=progress)
        events = []
        for r in now:
            earlier = [g for g in lists if g.district.iloc[0] == r["district"]]
            got = district_list(
                res,
                r["district"],
                max(scenario.start, r["date"] - dt.timedelta(days=1)),
                target=r["target"],
                budget_yuan=r["budget_yuan"],
                method=r["method"],
                categories=categories,
                planned=pd.concat(earlier, ignore_index=True) if earlier else None,
            )
            if got.empty:
                continue
            got["date"] = phased(r["date"], len(got), r["months"])
            got["round"] = rnd
            got = got[got.date <= scenario.end]
            lists.append(got)
            events += [plan_event(p, r["district"], p.date) for p in got.itertuples()]
        planned = planned.with_events(events, edit=f"project lists, round {rnd}")
        added += events
    projects = pd.concat(lists, ignore_index=True) if lists else pd.DataFrame()
    edit = f"project lists ({method}, target {target:.0%}" + (
        f", budget {budget_yuan:,.0f} yuan)" if budget_yuan is not None else ")"
    )
    return base.with_events(added, edit=edit), projects


def _check_options(target: float, budget_yuan: float | None, months: int, method: str) -> None:
    if not 0 < target <= 1:
        raise _core.ArgumentError(f"target {target}: expected a share in (0, 1]")
    if budget_yuan is not None and budget_yuan < 0:
        raise _core.ArgumentError(f"budget_yuan {budget_yuan}: expected a non-negative amount")
    if months < 1:
        raise _core.ArgumentError(f"months {months}: expected 1 or more")
    if method not in ("exact", "greedy"):
        raise _core.ArgumentError(f"method {method!r}: expected 'exact' or 'greedy'")


def _portable_text(sc: Scenario) -> str:
    """The scenario's text for a file written anywhere: its data files' relative paths
    (network.osm, population_grid, categories) made absolute, so the written file finds them."""
    net = sc.data.get("network", {})
    keys = [
        k for k in ("osm", "population_grid", "categories") if k in net and not Path(net[k]).is_absolute()
    ]
    if not keys or sc.path == BUILTIN_NAME:
        return sc.text
    data = copy.deepcopy(sc.data)
    for k in keys:
        data["network"][k] = str((Path(sc.path).resolve().parent / net[k]).resolve())
    return sc.text.splitlines(keepends=True)[0] + tomli_w.dumps(data)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="lifecircle plan",
        description="Draw a scenario's project lists (一图一清单) from the districts' gaps: one at each "
        "circle_plan event (and with --at-joining, one for every district when it joins, in place of "
        "its fixed package), and write the scenario with them as plan_facility events, ready for "
        "`lifecircle run`. Runs the simulator up to the lists' dates.",
    )
    p.add_argument("config", nargs="?", help="scenario TOML file (default: the built-in Yunfu scenario)")
    p.add_argument("-o", "--output", required=True, help="scenario TOML file to write")
    p.add_argument("--projects", help="also write the project lists here (CSV)")
    p.add_argument("--at-joining", action="store_true", help="a list for every district when it joins")
    p.add_argument(
        "--target", type=float, default=0.9, help="ring coverage a category should reach (default 0.9)"
    )
    p.add_argument("--budget-yuan", type=float, help="each list's budget, yuan (default: no limit)")
    p.add_argument("--months", type=int, default=6, help="months a list is phased over (default 6)")
    p.add_argument(
        "--method", choices=("exact", "greedy"), default="exact", help="exact (HiGHS) or greedy sites"
    )
    p.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    a = p.parse_args(argv)
    out = Path(a.output)
    try:
        sc = Scenario.load(a.config) if a.config else Scenario.default()
        if a.seed is not None:
            sc = sc.with_seed(a.seed)
        plans = any(e["type"] == "circle_plan" for e in sc.data.get("events", []))
        if not plans and not a.at_joining:
            raise _core.ArgumentError(
                f"{sc.path}: no circle_plan event to draw; add one (docs/scenario.md) or give --at-joining"
            )
        if not plans and not join_dates(sc):
            raise _core.ArgumentError(f"{sc.path}: no district joins the programme and no circle_plan event")
        planned, projects = with_project_lists(
            sc,
            at_joining=a.at_joining,
            target=a.target,
            budget_yuan=a.budget_yuan,
            months=a.months,
            method=a.method,
            progress=not a.quiet,
        )
        text = _portable_text(planned)
        # written whole or not at all: a temporary file beside the output, then renamed
        outs = [(out, text)]
        if a.projects:
            outs.append((Path(a.projects), projects.to_csv(index=False)))
        for path, body in outs:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(body)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    except (ValueError, OSError) as e:  # ConfigError, ArgumentError are ValueErrors
        print(f"lifecircle plan: error: {e}", file=sys.stderr)
        return 1
    cost = float(projects.cost_yuan.sum()) if not projects.empty else 0.0
    n_d = projects.district.nunique() if not projects.empty else 0
    where = f"{n_d} district" + ("s" if n_d != 1 else "")
    print(f"{len(projects)} projects in {where}, fit-out {cost:,.0f} yuan; wrote {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
