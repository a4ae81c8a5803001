"""The public cost of the plan (district_month subsidy_fen, capital_fen, support_fen,
operating_fen, public_baseline_fen; Results.costs and cost_summary): each measure equals its
definition, recomputed from the scenario and the facilities the results list."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pytest

import lifecircle as lc
from conftest import TINY


@pytest.fixture(scope="module")
def costed(tmp_path_factory):
    """The tiny town with a public support of 1.5 yuan for each pharmacy visit, pharmacies run
    under contract (public_private, no deficit covered), two more planned in 东区, and the same
    support for breakfast shops, which stay private."""
    sc = lc.Scenario.load(TINY)
    data = copy.deepcopy(sc.data)
    data["categories"]["pharmacy"]["support_yuan_visit"] = 1.5
    data["categories"]["pharmacy"]["operator"] = "public_private"
    data["categories"]["breakfast"]["support_yuan_visit"] = 1.5
    data["events"].append(
        {
            "date": dt.date(2024, 2, 1),
            "type": "plan_facility",
            "district": "东区",
            "category": "pharmacy",
            "count": 2,
        }
    )
    sc = sc._edited(data, "pharmacy support 1.5 yuan a visit")
    return lc.run(sc, until="2024-12-31", progress=False, output=tmp_path_factory.mktemp("c") / "c.h5")


def test_capital_is_fitout_times_floor_area_of_what_the_plan_opened(costed):
    res = costed
    cats = res.scenario.data["categories"]
    f = res.facilities
    # (a site reopened by tender after its contract operator left is fitted already: no capital)
    retendered = res.projects[res.projects.retender].facility
    planned = f[f.origin.isin(["planned", "mobile"]) & ~f.index.isin(retendered)]
    assert len(planned) >= 1  # the tiny town plans a breakfast shop in 西区 on 2024-04-01
    expected = (
        planned.assign(
            cost=[
                cats[c].get("fitout_yuan_m2", 1500) * a
                for c, a in zip(planned.category, planned.floor_area_m2)
            ],
            year=planned.opened.dt.year,
            month=planned.opened.dt.month,
        )
        .groupby(["district", "year", "month"])
        .cost.sum()
    )
    got = res.costs.set_index(["district", "year", "month"]).capital_yuan
    assert got[got > 0].to_dict() == pytest.approx(expected.to_dict())


def test_subsidy_is_rent_waived_on_each_shop_with_an_account(costed):
    res = costed
    cats = res.scenario.data["categories"]
    # the tiny town cuts breakfast rents by half from 2024-03-01, in every district
    fm = res.facility_months
    fac = res.facilities
    month_end = (fm.year * 100 + fm.month).map(
        lambda ym: (
            np.datetime64(f"{ym // 100}-{ym % 100:02d}") + np.timedelta64(1, "M") - np.timedelta64(1, "D")
        )
    )
    end = month_end.to_numpy().astype("datetime64[ns]")
    opened = fac.opened.to_numpy()[fm.facility]
    closed = fac.closed.to_numpy()[fm.facility]
    # an account for every shop open when the month is settled: opened by then (entrants open
    # the next day) and not closed at an earlier month's end
    had_account = (np.isnat(opened) | (opened <= end)) & (np.isnat(closed) | (closed >= end))
    rows = fm[had_account & (fm.category == "breakfast") & ((fm.year > 2024) | (fm.month >= 3))]
    area = fac.floor_area_m2.to_numpy()[rows.facility]
    rows = rows.assign(waived=area * cats["breakfast"]["rent_yuan_m2_month"] * 0.5)
    expected = rows.groupby(["district", "year", "month"]).waived.sum()
    got = res.costs.set_index(["district", "year", "month"]).subsidy_yuan
    assert len(expected) > 10
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=0.01 * len(rows)), key
    # nothing before the subsidy starts
    assert (res.costs[(res.costs.year == 2024) & (res.costs.month < 3)].subsidy_yuan == 0).all()


def test_support_is_paid_per_visit_where_the_public_runs_it_and_the_summary_adds_up(costed):
    # issue 22: support a visit is public money only where a public or contracted operator
    # serves the visit: the plan's cost at the facilities it placed, the city's own at those
    # there before it; a private shop's customers get none
    res = costed
    fm = res.facility_months
    origin = res.facilities.origin.to_numpy()[fm.facility]
    keys = ["district", "year", "month"]
    pharmacy = fm[fm.category == "pharmacy"]
    planned = pharmacy[origin[fm.category == "pharmacy"] == "planned"].groupby(keys).visits.sum()
    everyone = pharmacy.groupby(keys).visits.sum()
    costs = res.costs.set_index(keys)
    assert planned.sum() > 0 and everyone.sum() > planned.sum()
    for key, v in planned.items():
        assert costs.support_yuan[key] == pytest.approx(1.5 * v)
    assert costs.support_yuan.sum() == pytest.approx(1.5 * planned.sum())  # breakfast: nothing
    # the city's own pharmacies: their meals' support is public money, not the plan's cost
    # (public_private with no cap: no deficit covered)
    assert costs.baseline_yuan.sum() == pytest.approx(1.5 * (everyone.sum() - planned.sum()))
    assert (costs.operating_yuan == 0).all()
    c = res.costs
    assert np.allclose(c.total_yuan, c.subsidy_yuan + c.capital_yuan + c.support_yuan + c.operating_yuan)
    s = res.cost_summary(2024)
    assert s.total_yuan.sum() == pytest.approx(c.total_yuan.sum())
    # against a baseline of itself: no extra cost, nothing bought
    same = res.cost_summary(2024, baseline=res)
    assert (same.total_yuan == 0).all() and (same.residents_newly_covered == 0).all()
    assert same.yuan_per_point.isna().all()
