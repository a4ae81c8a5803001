"""Access by the hour, fairness and 15-minute usage (lifecircle/access.py)."""

from __future__ import annotations

import copy
import itertools

import networkx as nx
import numpy as np
import pytest

import lifecircle as lc
from conftest import TINY
from lifecircle.access import gini, palma


def test_gini_and_palma_known_values():
    # everyone at the same distance: no inequality at all
    assert gini([350.0] * 500) == 0.0
    assert palma([350.0] * 500) == pytest.approx(0.25)  # 10% of the walking / 40% of it
    # textbook values: mean absolute difference over all pairs / (2 mean)
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)
    assert gini(range(1, 11)) == pytest.approx(0.3)
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)  # one holds everything, n = 4: (n - 1) / n
    # Palma: the top tenth's share over the bottom four tenths'
    assert palma(range(1, 11)) == pytest.approx(10 / 10)
    assert palma([1, 1, 1, 1, 1, 1, 1, 1, 1, 31]) == pytest.approx((31 / 40) / (4 / 40))
    assert palma([0, 0, 0, 0, 5]) == float("inf")
    # the O(n log n) formula equals the definition over all pairs on random data
    rng = np.random.default_rng(3)
    x = rng.gamma(2.0, 300.0, size=200)
    pairs = sum(abs(a - b) for a, b in itertools.product(x, x))
    assert gini(x) == pytest.approx(pairs / (2 * len(x) ** 2 * x.mean()), rel=1e-12)
    with pytest.raises(lc.ArgumentError, match="non-negative"):
        gini([1, -2])


def _only_pharmacy_closing_at_22():
    """The tiny town with one pharmacy in all the city, open 08-22, which never closes and
    has no competitor: no market entry, no exit."""
    sc = lc.Scenario.load(TINY)
    data = copy.deepcopy(sc.data)
    ph = data["categories"]["pharmacy"]
    ph["hours"] = [8, 22]
    ph["exit_per_year"] = 0.0
    data.setdefault("economics", {})["entry_rate"] = 0.0
    for d in data["districts"]:
        d["baseline"]["pharmacy"] = 1 if d["pinyin"] == "Dongqu" else 0
    return sc._edited(data, "one pharmacy, open 08-22")


def test_the_only_shop_closing_at_22_leaves_the_night_slot_without_access(tmp_path):
    res = lc.run(
        _only_pharmacy_closing_at_22(), until="2024-03-31", progress=False, output=tmp_path / "one.h5"
    )
    ph = res.facilities[res.facilities.category == "pharmacy"]
    assert len(ph) == 1 and ph.open.all(), "the scenario should hold exactly one pharmacy, open"
    a = res.access_by_slot(categories=["pharmacy"]).set_index(["pinyin", "slot_name"])
    # evening (17-22) overlaps 08-22: the shop is open and reaches some of Dongqu
    assert a.loc[("Dongqu", "evening"), "in_ring"] > 0.3
    assert a.loc[("Dongqu", "evening"), "shops_open"] == 1
    # night (22-24) and late night (00-06): closed, so nobody has access, though all day
    # coverage (every shop counted as always open) says otherwise
    for slot in ("night", "late_night"):
        assert a.loc[("Dongqu", slot), "in_ring"] == 0.0
        assert a.loc[("Dongqu", slot), "shops_open"] == 0
    assert a.loc[("Dongqu", "night"), "in_ring_all_day"] == a.loc[("Dongqu", "evening"), "in_ring"]
    # the all-day share is the engine's own year-end coverage
    cov = res.coverage.set_index(["pinyin", "category", "year"]).in_ring
    assert a.loc[("Dongqu", "night"), "in_ring_all_day"] == pytest.approx(cov[("Dongqu", "pharmacy", 2024)])


def test_slot_access_follows_opening_hours_on_the_tiny_town(tiny_results):
    a = tiny_results.access_by_slot()
    # an open-in-slot facility set is a subset of all facilities: access never exceeds all-day
    assert (a.in_ring <= a.in_ring_all_day + 1e-12).all()
    # breakfast shops open 06-10ish: no access in the evening, some in the early morning
    b = a[a.category == "breakfast"].set_index(["pinyin", "slot_name"])
    assert (b.xs("evening", level="slot_name").in_ring == 0).all()
    assert b.loc[("Dongqu", "early_morning"), "in_ring"] > 0


def test_fairness_distances_equal_networkx_shortest_paths(tiny_results):
    res = tiny_results
    year = res.end.year
    fair = res.fairness(year).set_index(["pinyin", "category"])
    assert set(fair.index.get_level_values("category")) == {
        c for c in res.categories if res.scenario.data["categories"][c]["class"] == "basic"
    }
    # independent distances: networkx multi-source Dijkstra from the open facilities
    t = res.table("network")
    g = nx.Graph()
    for a, b, w in zip(t["edge_from"], t["edge_to"], t["edge_length"]):
        if not g.has_edge(a, b) or g[a][b]["weight"] > w:
            g.add_edge(int(a), int(b), weight=float(w))
    people = res.residents_on(res.year_end(year))
    f = res.facilities[res.open_on(res.year_end(year))]
    for cat in ("convenience", "wet_market"):
        sources = {int(n) for n in f[(f.category == cat) | f.also_serves.str.contains(cat)].node}
        dist = nx.multi_source_dijkstra_path_length(g, sources)
        for pinyin in ("Dongqu", "Xiqu"):
            homes = people[people.pinyin == pinyin].home_node
            x = np.array([dist.get(int(h), np.inf) for h in homes])
            row = fair.loc[(pinyin, cat)]
            assert row.unreachable == np.count_nonzero(~np.isfinite(x))
            x = x[np.isfinite(x)]
            assert row.mean_m == pytest.approx(x.mean(), rel=1e-9)
            assert row.gini == pytest.approx(gini(x), rel=1e-9)
            assert 0 < row.gini < 1 and row.palma > 0


def test_15_minute_usage_is_all_trips_when_no_walk_may_exceed_15_minutes(tiny_results, tmp_path):
    u = tiny_results.usage
    assert (u.served_15min <= u.served).all() and u.served.sum() > 0
    # the tiny town lets residents walk up to 20 minutes: some trips take longer
    assert u.usage_15min.min() < 1.0
    sc = lc.Scenario.load(TINY)
    data = copy.deepcopy(sc.data)
    data["simulation"]["max_walk_minutes"] = 15
    short = sc._edited(data, "walks of 15 minutes at most")
    v = lc.run(short, until="2024-02-29", progress=False, output=tmp_path / "short.h5").usage
    assert v.served.sum() > 0 and (v.served_15min == v.served).all()
