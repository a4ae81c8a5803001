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


def test_a_package_judged_by_its_chance_counts_seeds_and_prior_draws(tmp_path):
    # with chance=, a candidate's second objective is the lowest district chance over seeds
    # x satisfaction draws (re-scored); it is feasible when that reaches the chance asked
    sc = lc.Scenario.load(TINY)
    draws = lc.PRIOR.sample(40, seed=2)
    o = lc.optimize(
        sc, ["东区"], target=0.6, by=BY, seeds=2, trials=3, chance=0.5, draws=draws,
        storage=tmp_path / "c.db", progress=False,
    )  # fmt: skip
    t = o.trials
    assert t.lowest_chance.between(0, 1).all()
    assert (t.feasible == (t.lowest_chance >= 0.5)).all()
    # the warm start's chance, recounted from its runs with lc.chance
    runs = lc.run_many([o.scenario(int(t.trial.iloc[0])).with_satisfaction(record_dates=[BY])] * 2,
                       seeds=[sc.seed, sc.seed + 1], until=BY, progress=False)  # fmt: skip
    again = lc.chance(runs, 0.6, by=BY, draws=draws)
    assert float(again[again.district == "东区"].chance.iloc[0]) == pytest.approx(t.lowest_chance.iloc[0])
