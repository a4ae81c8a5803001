"""Behaviour uncertainty (lc.ensemble, Scenario.with_behaviour): runs over a Latin hypercube
of the estimated behaviour parameters, each with its own seed, feeding lc.chance."""

from __future__ import annotations

import numpy as np
import pytest

import lifecircle as lc
from conftest import TINY, same_datasets
from lifecircle.runner import behaviour_design
from lifecircle.scenario import BEHAVIOUR

UNTIL = "2024-12-31"
RANGES = {"couriers_per_10k": (1.5, 6.0), "decay": (0.75, 1.25), "entry_rate": (0.5, 2.0)}


@pytest.fixture(scope="module")
def ens(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ens")
    return lc.ensemble(
        TINY, RANGES, runs=5, seed=3, until=UNTIL, progress=False, processes=2, output_dir=folder
    )


@pytest.mark.parametrize("seed", [0, 1, 3, 99])
def test_the_design_is_a_latin_hypercube_over_the_ranges(seed):
    # one value in each fifth of each range (entry_rate: of its log range), whatever the seed
    d = behaviour_design(TINY, RANGES, runs=5, seed=seed)
    assert list(d.seed) == [lc.Scenario.load(TINY).seed + i for i in range(5)]
    for name, (low, high) in RANGES.items():
        u = (
            np.log(d[name] / low) / np.log(high / low)
            if name == "entry_rate"
            else (d[name] - low) / (high - low)
        )
        assert sorted(np.floor(u * 5).astype(int)) == [0, 1, 2, 3, 4], name


def test_the_ensemble_runs_its_design(ens):
    assert ens.design.equals(behaviour_design(TINY, RANGES, runs=5, seed=3))


def test_each_run_is_its_scenario_with_the_designs_values(ens):
    base = lc.Scenario.load(TINY).spec
    for row, res in zip(ens.design.itertuples(), ens.runs):
        spec = res.scenario.spec
        assert res.seed == row.seed
        assert spec["delivery"]["couriers_per_10k"] == pytest.approx(row.couriers_per_10k)
        assert spec["economics"]["entry_rate"] == pytest.approx(
            base["economics"]["entry_rate"] * row.entry_rate
        )
        for c, c0 in zip(spec["categories"], base["categories"]):
            assert c["decay"] == pytest.approx(c0["decay"] * row.decay)


def test_the_same_seed_gives_the_same_runs(ens, tmp_path):
    again = lc.ensemble(
        TINY, RANGES, runs=5, seed=3, until=UNTIL, progress=False, processes=1, output_dir=tmp_path
    )
    assert again.design.equals(ens.design)
    assert all(same_datasets(a.path, b.path) for a, b in zip(ens.runs, again.runs))
    other = lc.ensemble(TINY, RANGES, runs=5, seed=4, until=UNTIL, progress=False, processes=2)
    assert not other.design[list(RANGES)].equals(ens.design[list(RANGES)])


def test_an_ensembles_chance_counts_its_runs(ens):
    # every run recorded its last month: the chance over runs is the share of runs reaching it
    shares = np.array([r.rescore(months=[(2024, 12)]).satisfaction.to_numpy() for r in ens.runs])
    target = float(np.median(shares))
    assert ens.chance(target, by="2024-12-31", draws=None).chance.to_numpy() == pytest.approx(
        (shares >= target).mean(axis=0)
    )


def test_behaviour_edits_scale_or_set_and_refuse_unknown_names():
    sc = lc.Scenario.load(TINY)
    edited = sc.with_behaviour(app_users=3.0, order_share=0.5, trip_rates=1.1)
    users = edited.spec["delivery"]["app_users"]
    assert all(v <= 1.0 for v in users.values())  # a share stays a share
    assert edited.spec["delivery"]["order_share"] == 0.5
    assert set(BEHAVIOUR) >= {"couriers_per_10k", "orders_per_courier_hour", "night_couriers", "app_users"}
    with pytest.raises(lc.ArgumentError, match=r"'?comfort'? unknown"):
        sc.with_behaviour(comfort=1.0)
    with pytest.raises(lc.ArgumentError, match=r"parameters: comfort unknown"):
        lc.ensemble(sc, {"comfort": (0, 1)}, runs=2)
