"""Project lists from gaps (lifecircle/projects.py) and plan_facility events at given sites."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import lifecircle as lc
from conftest import TINY


@pytest.fixture(scope="module")
def dongqu_lists():
    sc = lc.Scenario.load(TINY)
    with_list, projects = sc.with_project_lists(districts=["东区"], progress=False)
    without = sc.without_events("plan_facility", district="东区")
    return sc, with_list, projects, without


def test_a_project_list_fills_the_gaps_its_district_lacked(dongqu_lists):
    sc, with_list, projects, without = dongqu_lists
    lacked = sorted(set(projects[projects["class"] == "basic"].category))
    assert lacked, "Dongqu joins with basic categories below 90%: the list has some"
    # basic categories first, each site where it brings the most users inside the ring
    assert list(projects["class"]).index("quality") > max(
        i for i, k in enumerate(projects["class"]) if k == "basic"
    )
    assert (projects.gain > 0).all() and (projects.in_ring_after > projects.in_ring).all()
    # a year after joining (2024-01-01): no more residents outside the ring of any category
    # it lacked than without the list, and fewer in all
    a = lc.run(with_list, until="2024-12-31", progress=False)
    b = lc.run(without, until="2024-12-31", progress=False)
    outside = {}
    for run, res in (("with", a), ("without", b)):
        people = res.residents_on(res._year_end(2024))
        mine = (people.district == "东区").to_numpy()
        outside[run] = {c: int((~res.in_ring(c, 2024).to_numpy())[mine].sum()) for c in lacked}
    assert all(outside["with"][c] <= outside["without"][c] for c in lacked), outside
    assert sum(outside["with"].values()) < sum(outside["without"].values()), outside
    # the results list what the plan opened, at the planned sites and dates
    done = a.projects
    assert len(done) == len(projects)
    assert sorted(zip(done.category, done.site)) == sorted(zip(projects.category, projects.site))
    # and how each fared, from its monthly accounts
    fm = a.facility_months
    for p in done.itertuples():
        mine = fm[fm.facility == p.facility]
        assert p.months_open == len(mine) > 0
        assert p.visits_month * p.months_open == pytest.approx(mine.visits.sum())
        assert p.profit_yuan_month == pytest.approx(mine.profit_yuan.mean())
    # on another seed's town (another layout) each project goes to the district's candidate
    # site nearest to its planned place, and the list is carried out whole
    other = lc.run(with_list.with_seed(sc.seed + 1), until="2024-12-31", progress=False)
    assert len(other.projects) == len(projects)
    assert set(other.projects.district) == {"东区"}


def test_a_project_list_never_exceeds_its_budget():
    sc = lc.Scenario.load(TINY)
    for budget in (0, 60_000, 200_000, 1_000_000):
        _, projects = sc.with_project_lists(budget_yuan=budget, progress=False)
        if budget == 0:
            assert projects.empty
            continue
        spent = projects.groupby("district").cost_yuan.sum()
        assert (spent <= budget).all(), (budget, spent)


def test_greedy_lists_and_bad_input():
    sc = lc.Scenario.load(TINY)
    _, greedy = sc.with_project_lists(method="greedy", progress=False)
    assert set(greedy.method) == {"greedy"}
    with pytest.raises(lc.ArgumentError, match="budget_yuan"):
        sc.with_project_lists(budget_yuan=-1)
    with pytest.raises(lc.ArgumentError, match="target"):
        sc.with_project_lists(target=1.5)
    with pytest.raises(lc.ConfigError, match="no district"):
        sc.with_project_lists(districts=["Atlantis"])
    with pytest.raises(lc.ArgumentError, match="no category"):
        sc.with_project_lists(categories=["casino"])
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


def _with(sc, *, events=(), idle=None):
    data = copy.deepcopy(sc.data)
    data["events"] += [dict(e) for e in events]
    if idle is not None:
        data["districts"][0]["idle_sites_xy"] = idle
    return sc._edited(data, "test edits")


def test_a_circle_plan_sees_the_lists_before_it():
    # Dongqu joins on 2024-01-01 with its list (phased to June); a circle_plan on 2024-03-01
    # is drawn from a run with that list in place (opened or still to come): it lists none
    # of the categories the first list brought to the target
    sc = _with(
        lc.Scenario.load(TINY),
        events=[{"date": dt.date(2024, 3, 1), "type": "circle_plan", "district": "Dongqu"}],
    )
    _, both = sc.with_project_lists(districts=["东区"], progress=False)
    first, second = both[both["round"] == 1], both[both["round"] == 2]
    met = set(first.groupby("category").in_ring_after.max().loc[lambda s: s >= 0.9].index)
    assert met, "the first list brings some categories to 90%"
    assert not met & set(second.category), (met, second)
    assert (second.date >= dt.date(2024, 3, 1)).all()
    # the control: the same circle_plan without the first list lists those categories again
    alone = sc.without_events("plan_facility", district="东区")
    _, only = alone.with_project_lists(at_joining=False, progress=False)
    assert met & set(only.category)


def test_a_circle_plan_on_the_joining_date_stands_for_the_joining_list():
    sc = _with(
        lc.Scenario.load(TINY),
        events=[
            {"date": dt.date(2025, 1, 1), "type": "circle_plan", "district": "西区", "budget_yuan": 200_000}
        ],
    )
    _, projects = sc.with_project_lists(districts=["西区"], progress=False)
    assert set(projects["round"]) == {1}, "one list a district and date"
    assert 0 < projects.cost_yuan.sum() <= 200_000, "the event's own budget"
    assert projects.date.min() == dt.date(2025, 1, 1)


def test_run_draws_circle_plans_and_the_cli_plans_them(cli, tmp_path):
    import subprocess

    event = {"date": dt.date(2024, 6, 1), "type": "circle_plan", "district": "东区", "months": 2}
    sc = _with(lc.Scenario.load(TINY), events=[event])
    src = tmp_path / "with_plan.toml"
    src.write_text(sc.text, encoding="utf-8")
    # lc.run draws the list itself: the same results as the list drawn beforehand
    a = lc.run(sc, until="2024-12-31", progress=False, output=tmp_path / "a.h5")
    planned, projects = sc.with_project_lists(at_joining=False, progress=False)
    b = lc.run(planned, until="2024-12-31", progress=False, output=tmp_path / "b.h5")
    assert len(projects) > 0 and len(a.projects) == len(projects)
    assert a.facilities.equals(b.facilities)
    # the engine refuses a circle_plan left in, naming it, and writes nothing
    out = subprocess.run(
        [cli, "run", src, "-o", tmp_path / "x.h5", "-q"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 2
    line = next(i for i, t in enumerate(sc.text.splitlines(), 1) if t.strip() == 'type = "circle_plan"') - 2
    assert f"with_plan.toml:{line}: circle_plan (2024-06-01, 东区)" in out.stderr
    assert "lifecircle plan" in out.stderr and not (tmp_path / "x.h5").exists()
    # `lifecircle plan` writes the scenario with the list, which runs
    out = subprocess.run(
        [cli, "plan", src, "-o", tmp_path / "planned.toml", "--projects", tmp_path / "p.csv", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert f"{len(projects)} projects in 1 district," in out.stdout
    written = lc.Scenario.load(tmp_path / "planned.toml")
    assert not any(e["type"] == "circle_plan" for e in written.data["events"])
    assert len(pd.read_csv(tmp_path / "p.csv")) == len(projects)
    c = lc.run(written, until="2024-12-31", progress=False)
    assert c.facilities.equals(b.facilities)
    # nothing to draw, or a bad option: an error, and no file
    bad = subprocess.run(
        [cli, "plan", TINY, "-o", tmp_path / "no.toml"], capture_output=True, text=True, timeout=120
    )
    assert (
        bad.returncode == 1 and "no circle_plan event" in bad.stderr and not (tmp_path / "no.toml").exists()
    )
    bad = subprocess.run(
        [cli, "plan", src, "-o", tmp_path / "no.toml", "--target", "2"], capture_output=True, text=True
    )
    assert bad.returncode != 0 and "--target" in bad.stderr and not (tmp_path / "no.toml").exists()
    data = copy.deepcopy(lc.Scenario.load(TINY).data)  # no district joins: nothing to draw
    data["events"] = [e for e in data["events"] if e["type"] != "join_programme"]
    for d in data["districts"]:
        d["programme_start"] = 2030
    nobody = tmp_path / "nobody.toml"
    nobody.write_text(lc.Scenario.load(TINY)._edited(data, "nobody joins").text, encoding="utf-8")
    bad = subprocess.run(
        [cli, "plan", nobody, "-o", tmp_path / "no.toml", "--at-joining"], capture_output=True, text=True
    )
    assert bad.returncode == 1 and "no district joins" in bad.stderr and not (tmp_path / "no.toml").exists()


def test_idle_sites_come_first():
    sc = lc.Scenario.load(TINY)
    res = lc.run(sc, until="2024-01-31", progress=False)
    x, y = res._tables["network"]["x"], res._tables["network"]["y"]
    east = np.flatnonzero(res.node_district == 0)
    pick = east[[len(east) // 4, len(east) // 2, 3 * len(east) // 4]]
    # places a few metres off three of Dongqu's nodes: idle buildings beside those streets
    idle = _with(sc, idle=[[float(x[v]) + 3.0, float(y[v]) - 2.0] for v in pick])
    planned, projects = idle.with_project_lists(districts=["东区"], progress=False)
    assert projects.idle.any()
    at_idle = projects[projects.idle]
    assert set(at_idle.site) <= set(pick.tolist()) and at_idle.site.is_unique, "one facility an idle site"
    for cat, rows in projects.groupby("category", sort=False):
        flags = rows.sort_values("rank").idle.tolist()
        assert flags == sorted(flags, reverse=True), (cat, flags)  # idle sites first
    # the engine opens each at the idle building's node
    done = lc.run(planned, until="2024-12-31", progress=False).projects
    assert sorted(done[done.idle].site) == sorted(at_idle.site)
    # with no idle sites listed, none
    _, plain = sc.with_project_lists(districts=["东区"], progress=False)
    assert not plain.idle.any()
