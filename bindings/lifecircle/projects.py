"""Project lists from gaps (一图一清单, 缺什么补什么): each joining district's own list.

A project list is drawn by the engine, inside the run, on the date of a ``circle_plan``
event (models/project_list.cpp; docs/model.md, "Project lists"): for each basic-guarantee
category whose users are inside their ring less often than the event's ``target`` (worst
first), then the other categories, the fewest sites that bring it to the target by maximal
covering (exact by HiGHS, or greedy), the district's idle public sites first, within the
list's budget; the list is phased over the event's months. A district's later list sees what
its earlier ones built. The run records every list (``Results.projects``).

This module writes those events into a scenario: one for each joining district at its
joining date, in place of its fixed package (:func:`with_project_lists`); draws the lists of
a scenario in one run (:func:`draw`); freezes drawn lists into ``plan_facility`` events at
their sites (:func:`frozen`: a list drawn on one seed's town, carried to another's by
position); and is the ``lifecircle plan`` command.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from lifecircle import _core
from lifecircle.scenario import BUILTIN_NAME, Scenario

#: A drawn list's columns (``Results.projects`` less how each project fared).
LIST_COLUMNS = ["district", "pinyin", "category", "list", "round", "rank", "site", "x", "y", "idle", "gain",
                "in_ring", "in_ring_after", "cost_yuan", "method", "drawn", "date", "operator",
                "expected_profit_yuan", "support_yuan_month"]  # fmt: skip


def join_dates(sc: Scenario) -> dict[str, dt.date]:
    """Each district's first joining date within the scenario: its join_programme event (or
    one for every district), else its ``programme_start`` year's first day."""
    spec = sc.spec
    out: dict[str, dt.date] = {}
    for e in spec["events"]:  # in date order
        if e["type"] != "join_programme":
            continue
        for d in spec["districts"]:
            if e["district"] in (None, d["name"]):
                out.setdefault(d["name"], dt.date.fromisoformat(e["date"]))
    for d in spec["districts"]:
        if d["name"] not in out and d["programme_start"] <= sc.end.year:
            out[d["name"]] = max(sc.start, dt.date(d["programme_start"], 1, 1))
    return {k: v for k, v in out.items() if v <= sc.end}


def phased(start: dt.date, n: int, months: int) -> list[dt.date]:
    """The opening dates of n projects phased over ``months`` from ``start``, as the engine
    phases a list (the k-th on the first day of the month k x months / n after the list's, the
    first on the list's date)."""
    return [dt.date.fromisoformat(d) for d in _core.phase_dates(start.isoformat(), n, months)]


def plan_event(project: Any, district: str, date: dt.date) -> dict[str, Any]:
    """A project (a row of ``Results.projects``) as a plan_facility event at its site's place."""
    return {
        "date": date,
        "type": "plan_facility",
        "district": district,
        "category": project.category,
        "sites_xy": [[float(project.x), float(project.y)]],
        "gain": float(project.gain),
        **({"idle": True} if bool(getattr(project, "idle", False)) else {}),
        **({"operator": project.operator} if isinstance(getattr(project, "operator", None), str) else {}),
        **(
            {"grant_yuan_month": float(project.support_yuan_month)}
            if float(getattr(project, "support_yuan_month", 0) or 0) > 0
            else {}
        ),
    }


def with_project_lists(
    scenario: Scenario,
    *,
    districts: Sequence[str] | None = None,
    target: float = _core.LIST_TARGET,
    budget_yuan: float | None = None,
    months: int = 6,
    method: str = "exact",
) -> Scenario:
    """The scenario with a ``circle_plan`` event for each joining district at its joining
    date, in place of the district's own plan_facility events (its fixed package); the
    engine draws each list from the district's gaps on that date, inside the run.

    Args:
        scenario: a scenario whose districts join the programme (join_programme events or
            programme_start; ``Scenario.with_rollout`` sets them).
        districts: those that get a list (default: every district that joins).
        target: ring coverage a category's users should reach (0-1).
        budget_yuan: each list's fit-out budget, or None for no limit.
        months: each list is phased over this many months.
        method: "exact" (HiGHS) or "greedy" sites.

    A district that already has a ``circle_plan`` event on its joining date keeps it.
    """
    _check_options(target, budget_yuan, months, method)
    dates = join_dates(scenario)
    names = list(dates) if districts is None else [scenario.district(n)["name"] for n in districts]
    missing = [n for n in names if n not in dates]
    if missing:
        raise _core.ArgumentError(f"{', '.join(missing)}: never join the programme in this scenario")
    have = {(e["district"], e["date"]) for e in scenario.spec["events"] if e["type"] == "circle_plan"}
    sc, events = scenario, []
    for name in names:
        if (name, dates[name].isoformat()) in have:
            continue
        sc = sc.without_events("plan_facility", district=name)
        events.append(
            {
                "date": dates[name],
                "type": "circle_plan",
                "district": name,
                "target": float(target),
                "months": int(months),
                "method": method,
                **({"budget_yuan": float(budget_yuan)} if budget_yuan is not None else {}),
            }
        )
    if not events:
        return sc
    edit = f"project lists at joining ({method}, target {target:.0%}" + (
        f", budget {budget_yuan:,.0f} yuan)" if budget_yuan is not None else ")"
    )
    return sc.with_events(events, edit=edit)


def draw(scenario: Scenario, *, threads: int | None = None, progress: bool = False) -> pd.DataFrame:
    """The project lists the scenario's ``circle_plan`` events draw: one run of it to the
    last list's date (``Results.projects``' rows of the lists drawn in the run)."""
    from lifecircle.runner import run

    dates = [dt.date.fromisoformat(e["date"]) for e in scenario.spec["events"] if e["type"] == "circle_plan"]
    if not dates:
        return pd.DataFrame()
    res = run(scenario, until=max(dates), threads=threads, progress=progress)
    p = res.projects
    return p.loc[(p.method != "fixed") & ~p.retender, LIST_COLUMNS].reset_index(drop=True)


def frozen(scenario: Scenario, projects: pd.DataFrame) -> Scenario:
    """The scenario with drawn lists (rows of ``Results.projects``) as plan_facility events at
    their sites' places, on their dates, in place of its circle_plan events: the same lists
    on any seed's town (each site the district's candidate nearest to the place)."""
    if "retender" in projects:  # sites reopened by tender arise in the run itself
        projects = projects[~projects.retender.astype(bool)]
    events = [plan_event(p, p.district, p.date.date()) for p in projects.itertuples()]
    base = scenario.without_events("circle_plan")
    return base.with_events(events, edit="project lists frozen") if events else base


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
        k
        for k in ("osm", "city", "population_grid", "categories")
        if k in net and not Path(net[k]).is_absolute()
    ]
    if not keys or sc.path == BUILTIN_NAME:
        return sc.text
    data = copy.deepcopy(sc.data)
    for k in keys:
        data["network"][k] = str((Path(sc.path).resolve().parent / net[k]).resolve())
    return sc.text.splitlines(keepends=True)[0] + tomli_w.dumps(data)


def _write_whole(outs: list[tuple[Path, str]]) -> None:
    """Each file written whole or not at all: a temporary file beside it, then renamed."""
    for path, body in outs:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(body)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="lifecircle plan",
        description="Project lists (一图一清单) for a scenario. Writes the scenario with a circle_plan "
        "event for every district when it joins (--at-joining; in place of its fixed package): the "
        "engine draws each list from the district's gaps on that date, inside `lifecircle run`. With "
        "--projects, also draws the lists (one run to the last list's date) and writes them as CSV; with "
        "--freeze, writes the drawn lists as plan_facility events at their sites instead (the same "
        "lists on any seed).",
    )
    p.add_argument("config", nargs="?", help="scenario TOML file (default: the built-in Yunfu scenario)")
    p.add_argument("-o", "--output", required=True, help="scenario TOML file to write")
    p.add_argument("--projects", help="also draw the lists and write them here (CSV)")
    p.add_argument("--at-joining", action="store_true", help="a list for every district when it joins")
    p.add_argument("--freeze", action="store_true", help="write the drawn lists as plan_facility events")
    p.add_argument(
        "--target",
        type=float,
        default=_core.LIST_TARGET,
        help=f"ring coverage a category's users should reach (default {_core.LIST_TARGET:g})",
    )
    p.add_argument("--budget-yuan", type=float, help="each list's budget, yuan (default: no limit)")
    p.add_argument("--months", type=int, default=6, help="months a list is phased over (default 6)")
    p.add_argument("--method", choices=("exact", "greedy"), default="exact", help="exact (HiGHS) or greedy")
    p.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    p.add_argument("--threads", type=int, help="threads for the drawing run (default: all cores)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    a = p.parse_args(argv)
    out = Path(a.output)
    try:
        sc = Scenario.load(a.config) if a.config else Scenario.default()
        if a.seed is not None:
            sc = sc.with_seed(a.seed)
        if a.at_joining:
            if not join_dates(sc):
                raise _core.ArgumentError(f"{sc.path}: no district joins the programme")
            sc = with_project_lists(
                sc, target=a.target, budget_yuan=a.budget_yuan, months=a.months, method=a.method
            )
        if not any(e["type"] == "circle_plan" for e in sc.spec["events"]):
            raise _core.ArgumentError(
                f"{sc.path}: no circle_plan event to draw; add one (docs/scenario.md) or give --at-joining"
            )
        projects = pd.DataFrame()
        if a.projects or a.freeze:
            projects = draw(sc, threads=a.threads, progress=not a.quiet)
        if a.freeze:
            sc = frozen(sc, projects)
        outs = [(out, _portable_text(sc))]
        if a.projects:
            outs.append((Path(a.projects), projects.to_csv(index=False)))
        _write_whole(outs)
    except (ValueError, OSError) as e:  # ConfigError, ArgumentError are ValueErrors
        print(f"lifecircle plan: error: {e}", file=sys.stderr)
        return 1
    if a.projects or a.freeze:
        cost = float(projects.cost_yuan.sum()) if not projects.empty else 0.0
        n_d = projects.district.nunique() if not projects.empty else 0
        print(f"{len(projects)} projects in {n_d} district(s), fit-out {cost:,.0f} yuan; wrote {out}")
    else:
        n = sum(e["type"] == "circle_plan" for e in sc.spec["events"])
        print(f"{n} circle_plan event(s), drawn by the engine in the run; wrote {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
