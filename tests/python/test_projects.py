"""Project lists from gaps (lifecircle/projects.py) and plan_facility events at given sites."""

from __future__ import annotations

import copy

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
