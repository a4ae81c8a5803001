"""Maximal covering (lifecircle/covering.py, the engine's core/covering): HiGHS's exact sites
against the greedy ones."""

from __future__ import annotations

import numpy as np
import pytest

import lifecircle as lc
from conftest import line_network
from lifecircle.covering import max_cover


def _sets_network():
    """Three candidate sites X, Y, Z (nodes 0, 1, 2) and six homes a..f (nodes 3..8), each
    site 10 m from the homes it covers within a ring of 15 m: X covers a, b, c, d; Y covers
    a, b, e; Z covers c, d, f. With two sites, greedy takes X (4 homes) and then adds one; the
    optimum is Y and Z (6)."""
    X, Y, Z, a, b, c, d, e, f = range(9)
    edges = [(X, h, 10.0) for h in (a, b, c, d)] + [(Y, h, 10.0) for h in (a, b, e)]
    edges += [(Z, h, 10.0) for h in (c, d, f)]
    return line_network(9, edges), np.array([X, Y, Z]), np.array([a, b, c, d, e, f])


def test_exact_covering_beats_greedy_where_greedy_is_known_to_fail():
    net, sites, homes = _sets_network()
    w = np.ones(len(homes))
    greedy = max_cover(net, sites, homes, w, 15.0, 2, method="greedy")
    exact = max_cover(net, sites, homes, w, 15.0, 2, method="exact")
    assert greedy.covered == 5 and list(greedy.sites) == [0, 1]
    assert exact.covered == 6 and sorted(exact.sites) == [1, 2] and exact.status == "optimal"
    assert exact.gains.sum() == exact.covered
    # one site: both take X; three: both cover everything
    assert max_cover(net, sites, homes, w, 15.0, 1).covered == 4
    assert max_cover(net, sites, homes, w, 15.0, 3, method="greedy").covered == 6
    # each home its own ring: with e and f 20 m from the sites' reach, only a-d count
    rings = np.array([15.0, 15.0, 15.0, 15.0, 5.0, 5.0])
    assert max_cover(net, sites, homes, w, rings, 2).covered == 4
    with pytest.raises(lc.ArgumentError, match="count"):
        max_cover(net, sites, homes, w, 15.0, -1)
    with pytest.raises(lc.ArgumentError, match="method"):
        max_cover(net, sites, homes, w, 15.0, 2, method="best")


def test_exact_gap_sites_cover_at_least_as_many_as_greedy_in_every_yunfu_district(tmp_path):
    # the synthetic Yunfu at the start (no spin-up), a month: its gaps as a pilot meets them
    res = lc.run(
        lc.Scenario.default().with_spin_up(0), until="2024-01-31", progress=False, output=tmp_path / "y.h5"
    )
    basic = [c for c in res.categories if res.scenario.data["categories"][c]["class"] == "basic"]
    greedy = res.gaps(2024, sites=3, categories=basic, method="greedy")
    exact = res.gaps(2024, sites=3, categories=basic, method="exact")
    assert len(greedy) == len(exact) > 20 and set(greedy.district) == set(res.districts_zh)
    g = greedy.set_index(["district", "category"]).site_gain.map(sum)
    e = exact.set_index(["district", "category"]).site_gain.map(sum)
    assert (e >= g).all(), (e - g)[e < g]
    assert (exact.sites.map(len) <= 3).all()
    with pytest.raises(lc.ArgumentError, match="method"):
        res.gaps(2024, method="best")
