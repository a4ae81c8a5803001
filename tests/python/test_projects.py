"""Project lists drawn by the engine inside the run (circle_plan events; models/project_list),
lifecircle/projects.py (the events at joining, `lifecircle plan`), and plan_facility events at
given sites."""

from __future__ import annotations

import copy
import datetime as dt
import subprocess

import numpy as np
import pandas as pd
import pytest

import lifecircle as lc
from conftest import TINY, same_datasets


def _with(sc, *, events=(), idle=None):
    data = copy.deepcopy(sc.data)
    data["events"] += [dict(e) for e in events]
    if idle is not None:
        data["districts"][0]["idle_sites_xy"] = idle
    return sc._edited(data, "test edits")


@pytest.fixture(scope="module")
def dongqu():
    """Dongqu joins on 2024-01-01 with a list drawn then; a year of it."""
    sc = lc.Scenario.load(TINY)
    planned = sc.with_project_lists(districts=["东区"])
    return sc, planned, lc.run(planned, until="2024-12-31", progress=False)


def test_with_project_lists_puts_a_circle_plan_at_joining(dongqu):
    sc, planned, _ = dongqu
    plans = [e for e in planned.spec["events"] if e["type"] == "circle_plan"]
    assert [(e["district"], e["date"], e["method"]) for e in plans] == [("东区", "2024-01-01", "exact")]
    # in place of the district's fixed package, the other district's kept
    fixed = [e for e in planned.spec["events"] if e["type"] == "plan_facility"]
    assert not any(e["district"] == "东区" for e in fixed)
    assert len(fixed) == sum(
        e["type"] == "plan_facility" and e["district"] != "东区" for e in sc.spec["events"]
    )


def test_the_engine_draws_the_list_from_the_gaps_and_opens_it_on_its_dates(dongqu):
    sc, _, res = dongqu
    p = res.projects
    p = p[p.method != "fixed"]
    assert len(p) > 0 and set(p.district) == {"东区"} and set(p.method) == {"exact"}
    # basic categories first; each category's sites add users to the ring, the first the most
    klass = p.category.map(lambda c: sc.category(c)["class"])
    basic = np.flatnonzero(klass == "basic")
    assert len(basic) and basic.max() < len(p) - (klass != "basic").sum() + len(basic)
    for _, g in p.groupby("category", sort=False):
        assert (g.gain > 0).all() and g.gain.is_monotonic_decreasing
        assert (np.diff(np.r_[g.in_ring.iloc[0], g.in_ring_after]) > 0).all()
        # the fewest sites: without the last one the category stays below the target
        assert len(g) == 1 or g.in_ring_after.iloc[-2] < 0.9
    # each project opened on its date (phased over 6 months from the list's) at its site
    assert (p.drawn == pd.Timestamp("2024-01-01")).all() and p.date.is_monotonic_increasing
    assert p.date.iloc[0] == pd.Timestamp("2024-01-01") and p.date.iloc[-1] < pd.Timestamp("2024-07-01")
    f = res.facilities.loc[p.facility]
    assert (f.node.to_numpy() == p.site.to_numpy()).all()
    assert (f.opened.to_numpy() == p.date.to_numpy()).all() and (f.origin == "planned").all()
    # the categories left out had their users at the target already: the state the list saw
    drawn = lc.run(sc.with_project_lists(districts=["东区"]), until="2024-01-01", progress=False)
    day = dt.date(2024, 1, 1)
    people = drawn.residents_on(day)
    mine = (people.district == "东区").to_numpy()
    for c in sc.category_keys:
        if c in set(p.category):
            continue
        users = people.age_group.isin(sc.category(c)["users"]).to_numpy()
        if not (users & mine).any():
            continue
        dist = drawn.node_distance(c, day=day, extra=p[p.category == c].site.tolist())
        ring = sc.ring_metres(c)[people.age_group.cat.codes.to_numpy()]
        inside = dist[people.home_node.to_numpy()] <= ring
        assert inside[users & mine].mean() >= 0.9 - 1e-12, c


def test_the_same_results_from_the_command_line_lc_run_threads_and_checkpoints(cli, tmp_path):
    # a list drawn mid-year (June) and a second one for Xiqu when it joins
    sc = _with(
        lc.Scenario.load(TINY),
        events=[
            {"date": dt.date(2024, 6, 1), "type": "circle_plan", "district": "东区", "months": 2},
            {"date": dt.date(2025, 1, 1), "type": "circle_plan", "district": "西区", "method": "greedy"},
        ],
    )
    src = tmp_path / "plans.toml"
    src.write_text(sc.text, encoding="utf-8")

    def cmd(*args):
        out = subprocess.run(
            [cli, "run", src, "-q", *map(str, args)], capture_output=True, text=True, timeout=300
        )
        assert out.returncode == 0, out.stderr

    cmd("-o", tmp_path / "one.h5", "--threads", "1")
    cmd("-o", tmp_path / "two.h5", "--threads", "2")
    res = lc.run(sc, threads=2, progress=False, output=tmp_path / "py.h5")
    assert len(res.projects[res.projects.method != "fixed"]) > 0
    assert set(res.projects["round"].dropna()) == {1}
    assert same_datasets(tmp_path / "one.h5", tmp_path / "two.h5")
    assert same_datasets(tmp_path / "one.h5", tmp_path / "py.h5")
    # stopped before the first list's date and after it (its projects still to open), resumed
    for stop in ("2024-04-30", "2024-06-30"):
        ckpt = tmp_path / f"{stop}.ckpt"
        cmd("-o", tmp_path / "part.h5", "--until", stop, "--checkpoint-every", "1", "--checkpoint", ckpt)
        cmd("-o", tmp_path / f"resumed-{stop}.h5", "--resume", ckpt, "--until", "2025-12-31")
        assert same_datasets(tmp_path / "one.h5", tmp_path / f"resumed-{stop}.h5"), stop


def test_a_list_never_exceeds_its_budget():
    sc = lc.Scenario.load(TINY)
    for budget in (0, 60_000, 200_000, 1_000_000):
        p = lc.run(sc.with_project_lists(budget_yuan=budget), progress=False).projects
        p = p[p.method != "fixed"]
        if budget == 0:
            assert p.empty
            continue
        spent = p.groupby("list").cost_yuan.sum()
        assert len(spent) and (spent <= budget).all(), (budget, spent)


def test_greedy_lists_and_bad_input():
    sc = lc.Scenario.load(TINY)
    p = lc.run(sc.with_project_lists(method="greedy"), until="2025-06-30", progress=False).projects
    assert set(p[p.method != "fixed"].method) == {"greedy"}
    with pytest.raises(lc.ArgumentError, match="budget_yuan"):
        sc.with_project_lists(budget_yuan=-1)
    with pytest.raises(lc.ArgumentError, match="target"):
        sc.with_project_lists(target=1.5)
    with pytest.raises(lc.ArgumentError, match="months"):
        sc.with_project_lists(months=0)
    with pytest.raises(lc.ArgumentError, match="method"):
        sc.with_project_lists(method="random")
    with pytest.raises(lc.ConfigError, match="no district"):
        sc.with_project_lists(districts=["Atlantis"])
    # a site outside its district is refused before the run, naming the event
    data = copy.deepcopy(sc.data)
    data["events"].append(
        {
            "date": "2024-06-01",
            "type": "plan_facility",
            "district": "东区",
            "category": "pharmacy",
            "sites": [10**6],
        }
    )
    bad = sc._edited(data, "a site that does not exist")
    both = copy.deepcopy(data)
    both["events"][-1]["sites_xy"] = [[0.0, 0.0]]
    with pytest.raises(lc.ConfigError, match="both sites and sites_xy"):
        sc._edited(both, "two ways of giving sites")
    with pytest.raises(lc.ConfigError, match=r"sites: node 1000000 does not exist"):
        lc.run(bad, until="2024-06-30", progress=False)


def test_a_later_list_sees_the_lists_before_it():
    # Dongqu's joining list (phased to June) and a circle_plan on 2024-03-01: the second is
    # drawn with the first in place (its projects opened or still to come), so it lists none
    # of the categories the first brought to the target
    later = {"date": dt.date(2024, 3, 1), "type": "circle_plan", "district": "Dongqu"}
    sc = _with(lc.Scenario.load(TINY), events=[later]).with_project_lists(districts=["东区"])
    p = lc.run(sc, until="2024-12-31", progress=False).projects
    first, second = p[p["round"] == 1], p[p["round"] == 2]
    met = set(first.groupby("category").in_ring_after.max().loc[lambda s: s >= 0.9].index)
    assert met, "the first list brings some categories to 90%"
    assert not met & set(second.category), (met, second)
    assert (second.drawn == pd.Timestamp("2024-03-01")).all()
    # the control: the same circle_plan without the first list lists those categories again
    alone = _with(lc.Scenario.load(TINY), events=[later]).without_events("plan_facility", district="东区")
    only = lc.run(alone, until="2024-03-31", progress=False).projects
    assert met & set(only.category)


def test_idle_sites_come_first():
    sc = lc.Scenario.load(TINY)
    res = lc.run(sc, until="2024-01-31", progress=False)
    x, y = res.table("network")["x"], res.table("network")["y"]
    east = np.flatnonzero(res.node_district == 0)
    pick = east[[len(east) // 4, len(east) // 2, 3 * len(east) // 4]]
    # places a few metres off three of Dongqu's nodes: idle buildings beside those streets
    idle = _with(sc, idle=[[float(x[v]) + 3.0, float(y[v]) - 2.0] for v in pick])
    p = lc.run(idle.with_project_lists(districts=["东区"]), until="2024-12-31", progress=False).projects
    assert p.idle.any()
    at_idle = p[p.idle]
    assert set(at_idle.site) <= set(pick.tolist()) and at_idle.site.is_unique, "one facility an idle site"
    for cat, rows in p.groupby("category", sort=False):
        flags = rows.sort_values("rank").idle.tolist()
        assert flags == sorted(flags, reverse=True), (cat, flags)  # idle sites first
    # with no idle sites listed, none
    plain = lc.run(sc.with_project_lists(districts=["东区"]), until="2024-06-30", progress=False).projects
    assert not plain.idle.any()


def test_lifecircle_plan(cli, tmp_path):
    def plan(*args):
        return subprocess.run([cli, "plan", *map(str, args)], capture_output=True, text=True, timeout=300)

    # at joining: the scenario with circle_plan events, which `lifecircle run` draws
    out = plan(TINY, "-o", tmp_path / "at.toml", "--at-joining", "--months", "3")
    assert out.returncode == 0, out.stderr
    at = lc.Scenario.load(tmp_path / "at.toml")
    assert [(e["district"], e["months"]) for e in at.spec["events"] if e["type"] == "circle_plan"] == [
        ("东区", 3),
        ("西区", 3),
    ]
    ran = lc.run(at, progress=False)
    # --projects: the lists drawn (one run to the last list's date), as the full run drew them
    out = plan(tmp_path / "at.toml", "-o", tmp_path / "same.toml", "--projects", tmp_path / "p.csv", "-q")
    assert out.returncode == 0, out.stderr
    csv = pd.read_csv(tmp_path / "p.csv")
    drawn = ran.projects[(ran.projects.method != "fixed") & ~ran.projects.retender]
    assert list(zip(csv.category, csv.site)) == list(zip(drawn.category, drawn.site))
    # --freeze: the lists as plan_facility events at their places: the same city as drawn in the run
    out = plan(tmp_path / "at.toml", "-o", tmp_path / "frozen.toml", "--freeze", "-q")
    assert out.returncode == 0, out.stderr
    frozen = lc.Scenario.load(tmp_path / "frozen.toml")
    assert not any(e["type"] == "circle_plan" for e in frozen.spec["events"])
    again = lc.run(frozen, progress=False)
    cols = ["node", "category", "opened", "closed", "origin"]
    assert again.facilities[cols].equals(ran.facilities[cols])
    assert set(again.projects.method) == {"fixed"} and len(again.projects) == len(drawn)
    # nothing to draw, or a bad option: an error, and no file
    bad = plan(TINY, "-o", tmp_path / "no.toml")
    assert (
        bad.returncode == 1 and "no circle_plan event" in bad.stderr and not (tmp_path / "no.toml").exists()
    )
    bad = plan(TINY, "-o", tmp_path / "no.toml", "--at-joining", "--target", "2")
    assert bad.returncode != 0 and "target" in bad.stderr and not (tmp_path / "no.toml").exists()
    data = copy.deepcopy(lc.Scenario.load(TINY).data)  # no district joins: nothing to draw
    data["events"] = [e for e in data["events"] if e["type"] != "join_programme"]
    for d in data["districts"]:
        d["programme_start"] = 2030
    nobody = tmp_path / "nobody.toml"
    nobody.write_text(lc.Scenario.load(TINY)._edited(data, "nobody joins").text, encoding="utf-8")
    bad = plan(nobody, "-o", tmp_path / "no.toml", "--at-joining")
    assert bad.returncode == 1 and "no district joins" in bad.stderr and not (tmp_path / "no.toml").exists()
