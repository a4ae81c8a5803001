"""lc.optimize (lifecircle/optimize.py): the search over the plan's levers with Optuna."""

from __future__ import annotations

import numpy as np
import pytest

import lifecircle as lc
from conftest import TINY

BY = "2024-12-31"


def test_bad_input_is_refused_before_any_run(tmp_path):
    sc = lc.Scenario.load(TINY)
    db = tmp_path / "study.db"
    cases = [
        (dict(target=1.2), lc.ArgumentError, "target"),
        (dict(target=0.0), lc.ArgumentError, "target"),
        (dict(levers=()), lc.ArgumentError, "no levers"),
        (dict(levers=("teleporters",)), lc.ArgumentError, "unknown lever"),
        (dict(seeds=0), lc.ArgumentError, "seeds"),
        (dict(by="2031-01-01"), lc.ArgumentError, "by 2031-01-01"),
    ]
    for kwargs, error, match in cases:
        with pytest.raises(error, match=match):
            lc.optimize(sc, ["东区"], storage=db, progress=False, **kwargs)
    with pytest.raises(lc.ConfigError, match="no district"):
        lc.optimize(sc, ["Atlantis"], storage=db, progress=False)
    with pytest.raises(lc.ArgumentError, match="no districts"):
        lc.optimize(sc, [], storage=db, progress=False)
    assert not db.exists(), "no study was started"


def test_a_search_finds_a_front_resumes_and_its_packages_reproduce(tmp_path):
    sc = lc.Scenario.load(TINY)
    db = tmp_path / "study.db"
    o = lc.optimize(sc, ["东区"], target=0.6, by=BY, seeds=2, trials=4, storage=db, progress=False)
    assert len(o.trials) == 4 and o.runs == 8 and db.exists()
    # the warm start is the whole project list, nothing else
    first = o.trials.iloc[0]
    sizes = o.lists.groupby("category").size()
    assert all(first[f"p_facilities_{c}"] == n for c, n in sizes.items())
    # the front: no trial is both cheaper and more satisfying than a front point
    for _, f in o.front.iterrows():
        better = o.trials[
            (o.trials.cost_yuan < f.cost_yuan) & (o.trials.lowest_satisfaction > f.lowest_satisfaction)
        ]
        assert better.empty
    assert (o.trials.feasible == (o.trials.lowest_satisfaction >= 0.6)).all()
    # resumed from its SQLite file: the first four kept, two more evaluated
    again = lc.optimize(sc, ["东区"], target=0.6, by=BY, seeds=2, trials=6, storage=db, progress=False)
    assert len(again.trials) == 6 and again.runs == 4
    assert np.allclose(again.trials.cost_yuan.iloc[:4], o.trials.cost_yuan)
    # a trial's package as a scenario gives the trial's numbers again
    k = int(o.trials.trial.iloc[1])
    pkg = o.scenario(k)
    assert pkg.edits[-1] == o.trials.edits.iloc[1], "the table shows each package's edits"
    runs = lc.run_many([pkg, pkg], seeds=[sc.seed, sc.seed + 1], until=BY, progress=False)
    lowest = min(r.districts[r.districts.district == "东区"].satisfaction.iloc[-1] for r in runs)
    cost = np.mean([r.costs[r.costs.district == "东区"].total_yuan.sum() for r in runs])
    assert lowest == pytest.approx(o.trials.lowest_satisfaction.iloc[1])
    assert cost == pytest.approx(o.trials.cost_yuan.iloc[1])


def test_grant_and_mobile_vendor_levers_enter_the_package_and_its_cost():
    from lifecircle.optimize import _package

    sc = lc.Scenario.load(TINY)
    base = sc.without_events("plan_facility", district="东区")
    lists = lc.projects.draw(sc.with_project_lists(districts=["东区"]))
    none = _package(base, lists, ["东区"], {"facilities_wet_market": 0})
    some = _package(
        base,
        lists,
        ["东区"],
        {
            "facilities_wet_market": 0,
            "grant_convenience": 1000,
            "rent_cut_breakfast": 0.2,
            "mobile_breakfast": 2,
        },
    )
    added = [e for e in some.data["events"] if e not in none.data["events"]]
    kinds = sorted((e["type"], e["category"]) for e in added)
    assert kinds == [("mobile_vendor", "breakfast"), ("subsidy", "breakfast"), ("subsidy", "convenience")]
    grant = next(e for e in added if e["category"] == "convenience")
    assert grant["grant_yuan_month"] == 1000 and grant["rent_cut"] == 0
    assert next(e for e in added if e["type"] == "mobile_vendor")["count"] == 2
    # the grant is public money: the package costs more in subsidies
    a, b = (lc.run(x, until=BY, progress=False) for x in (none, some))
    vendors = b.facilities[(b.facilities.origin == "mobile") & (b.facilities.district == "东区")]
    assert len(vendors) == 2 + len(
        a.facilities[(a.facilities.origin == "mobile") & (a.facilities.district == "东区")]
    )
    assert (
        b.costs[b.costs.district == "东区"].subsidy_yuan.sum()
        > a.costs[a.costs.district == "东区"].subsidy_yuan.sum()
    )
