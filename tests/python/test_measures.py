"""The plan's measures as the plan means them (issue 22), through whole runs of the tiny town:
standing rules hold as shops turn over, public services stay open, new housing's floor is
let by the market."""

from __future__ import annotations

import copy
import datetime as dt

import pandas as pd
import pytest

import lifecircle as lc
from conftest import TINY


def edited(change, label: str) -> lc.Scenario:
    sc = lc.Scenario.load(TINY)
    data = copy.deepcopy(sc.data)
    change(data)
    return sc._edited(data, label)


@pytest.fixture(scope="module")
def all_night(tmp_path_factory):
    """A 24-hour rule for 东区's convenience stores from 2024-03-01, with a turnover high
    enough that most stores open at the end opened after the rule."""

    def change(data):
        data["categories"]["convenience"]["exit_per_year"] = 0.5
        data["events"].append(
            {
                "date": dt.date(2024, 3, 1),
                "type": "extend_hours",
                "district": "东区",
                "category": "convenience",
                "hours": [0, 24],
            }
        )

    sc = edited(change, "24-hour convenience stores in 东区")
    return lc.run(sc, until="2026-12-31", progress=False, output=tmp_path_factory.mktemp("n") / "n.h5")


def test_a_24_hour_rule_holds_for_the_shops_that_open_after_it(all_night):
    # before issue 22 the rule changed only the shops open on its date: entrants came with the
    # category's hours and the share open at night faded with turnover
    f = all_night.facilities
    conv = f[(f.category == "convenience") & f.open]
    east, west = conv[conv.district == "东区"], conv[conv.district == "西区"]
    entrants = east[east.opened > pd.Timestamp("2024-03-01")]
    assert len(entrants) >= 1, "no store opened after the rule: the test would not test it"
    assert (east.close_hour == 24).all() and (east.open_hour == 0).all()  # holds: every store
    assert (west.close_hour < 24).all()  # the rule is 东区's only


@pytest.fixture(scope="module")
def operated(tmp_path_factory):
    """Pharmacies run as public services (no accounts) and breakfast shops under contract
    with no cover, both losing money (rent raised tenfold)."""

    def change(data):
        for key, op in (("pharmacy", "public"), ("breakfast", "public_private")):
            cat = data["categories"][key]
            cat["operator"] = op
            cat["rent_yuan_m2_month"] = cat["rent_yuan_m2_month"] * 10
            cat["contract_cap_yuan_month"] = 0
            cat["retender_months"] = 2

    sc = edited(change, "public pharmacies, contracted breakfast")
    return lc.run(sc, until="2025-12-31", progress=False, output=tmp_path_factory.mktemp("o") / "o.h5")


def test_a_public_service_never_closes_for_money(operated):
    f = operated.facilities
    pharmacies = f[f.category == "pharmacy"]
    assert len(pharmacies) >= 1
    assert pharmacies.open.all()  # public: no accounts, no exit draw
    assert (pharmacies.origin != "market").all()  # entrants open only private categories
    # their running cost less their takings is public money (the city's own: there before the plan)
    assert operated.costs.baseline_yuan.sum() > 0


def test_a_contract_operator_leaves_and_its_site_reopens_by_tender(operated):
    f = operated.facilities
    breakfast = f[f.category == "breakfast"]
    left = breakfast[breakfast.closed.notna()]
    assert len(left) >= 1
    p = operated.projects
    retenders = p[p.retender & (p.category == "breakfast")]
    assert len(retenders) >= 1
    # each re-tender is at a site an operator left, two months after (on a first of a month)
    sites = set(left.node)
    assert set(retenders.site) <= sites
    for _, r in retenders.iterrows():
        closed = left[left.node == r.site].closed.min()
        assert r.date > closed and r.date.day == 1
        assert (r.date.year * 12 + r.date.month) - (closed.year * 12 + closed.month) == 3  # next month + 2
    assert (breakfast.origin != "market").all()


def test_a_public_service_closes_on_its_dated_event_and_its_cost_stops(tmp_path):
    # public pharmacies lose money every month (rent x10) and never close for it; a
    # close_facility event closes 东区's on its date
    def change(data):
        cat = data["categories"]["pharmacy"]
        cat["operator"] = "public"
        cat["rent_yuan_m2_month"] = cat["rent_yuan_m2_month"] * 10
        data["events"].append(
            {
                "date": dt.date(2024, 6, 1),
                "type": "close_facility",
                "district": "东区",
                "category": "pharmacy",
            }
        )

    res = lc.run(edited(change, "a public pharmacy closed"), until="2024-09-30", progress=False)
    f = res.facilities
    east = f[(f.category == "pharmacy") & (f.district == "东区")]
    closed = east[east.closed.notna()]
    assert len(closed) == 1 and closed.closed.iloc[0] == pd.Timestamp("2024-06-01")
    # the newest public pharmacy of 东区 went (all were there from the start: the highest id)
    assert closed.index[0] == east.index.max()
    # the tiny town's only public facilities are its pharmacies, one a district: once 东区's
    # closes its public money is nil, and its customers walk to 西区's, whose visits rise
    c = res.costs.set_index(["pinyin", "month"]).baseline_yuan
    assert len(east) == 1
    assert (c["Dongqu"].loc[[1, 2, 3, 4, 5]] > 0).all() and (c["Dongqu"].loc[[6, 7, 8, 9]] == 0).all()
    m = res.facility_months
    west = (
        m[m.facility == f[(f.category == "pharmacy") & (f.district == "西区")].index[0]]
        .set_index("month")
        .visits
    )
    assert west.loc[[7, 8, 9]].mean() > 1.5 * west.loc[[1, 2, 3, 4, 5]].mean()
    with pytest.raises(lc.ConfigError, match=r"events\[\d+\]\.count.*with sites_xy: expected one of them"):
        edited(
            lambda d: d["events"].append(
                {"date": dt.date(2024, 6, 1), "type": "close_facility", "district": "东区",
                 "category": "pharmacy", "count": 2, "sites_xy": [[0.0, 0.0]]}
            ),
            "both",
        )  # fmt: skip
