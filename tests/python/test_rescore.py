"""Re-scoring a run's satisfaction under other weights and thresholds (Results.rescore):
satisfaction does not feed back into behaviour, so the recorded score inputs give exactly
what a run with the other parameters records."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import lifecircle as lc
from conftest import TINY

UNTIL = "2024-06-30"
#: Three parameter sets, one changing the weights too.
PARAMETERS = [
    dict(threshold_mean=0.6),
    dict(threshold_mean=0.75, threshold_sd=0.2),
    dict(threshold_mean=0.65, weights={"basic": 0.5, "quality": 0.3}),
]
KEYS = ["district", "year", "month"]
COUNTS = ["residents", "satisfied", "survey_n", "survey_satisfied"]


@pytest.fixture(scope="module")
def recorded():
    sc = lc.Scenario.load(TINY).with_satisfaction(record="every_month")
    return sc, lc.run(sc, until=UNTIL, progress=False)


@pytest.mark.parametrize("parameters", PARAMETERS)
def test_rescore_equals_a_run_with_those_parameters(recorded, parameters):
    # every recorded month and district, the satisfied count and the emulated survey's draws
    # are those of a real run with the parameters: equality, not closeness
    sc, base = recorded
    other = lc.run(sc.with_satisfaction(**parameters), until=UNTIL, progress=False)
    got = base.rescore(**parameters)
    run = other.districts
    assert len(got) == len(run) == 6 * len(base.districts_zh)  # every month recorded
    merged = got.merge(run, on=KEYS, suffixes=("", "_run"), validate="1:1")
    for c in COUNTS:
        assert (merged[c] == merged[f"{c}_run"]).all(), c
    # and the parameters matter here, so the equality is not that of unchanged verdicts
    assert not (merged.satisfied == base.districts.set_index(KEYS).loc[list(zip(*map(merged.get, KEYS)))]
                .satisfied.to_numpy()).all()  # fmt: skip


def test_rescore_with_the_runs_own_parameters_is_the_run(recorded):
    _, base = recorded
    merged = base.rescore().merge(base.districts, on=KEYS, suffixes=("", "_run"))
    for c in COUNTS:
        assert (merged[c] == merged[f"{c}_run"]).all(), c


def test_by_default_every_december_is_recorded(tiny_results):
    # the tiny fixture runs 2024-2025 with the scenario's defaults: record = "year_end"
    months = tiny_results.score_months
    assert list(zip(months.year, months.month)) == [(2024, 12), (2025, 12)]
    assert list(months.residents) == [
        len(tiny_results.residents_on(dt.date(y, 12, 31))) for y in (2024, 2025)
    ]


def test_months_not_recorded_and_bad_parameters_are_refused_by_name(recorded):
    _, base = recorded
    with pytest.raises(lc.ArgumentError, match=r"2025, 1.*not recorded.*record_dates"):
        base.rescore(months=[(2025, 1)])
    with pytest.raises(lc.ArgumentError, match=r"weights sum to 1\.1"):
        base.rescore(weights={"basic": 0.75})
    with pytest.raises(lc.ArgumentError, match=r"no weight 'comfort'"):
        base.rescore(weights={"comfort": 0.1})
    with pytest.raises(lc.ArgumentError, match=r"threshold_mean is 1\.5; expected 0-1"):
        base.rescore(threshold_mean=1.5)


def test_a_run_recording_nothing_says_how_to_record(tmp_path):
    sc = lc.Scenario.load(TINY).with_satisfaction(record="none")
    res = lc.run(sc, until="2024-02-29", progress=False)
    assert res.score_months.empty
    with pytest.raises(lc.ArgumentError, match=r"recorded no month.*record"):
        res.rescore(threshold_mean=0.6)


def test_record_dates_outside_the_run_and_unknown_record_values_are_refused_with_their_key():
    sc = lc.Scenario.load(TINY)
    with pytest.raises(
        lc.ConfigError, match=r"satisfaction\.record_dates\[0\].*2031-01-31.*expected a date of the run"
    ):
        sc.with_satisfaction(record_dates=["2031-01-31"])
    with pytest.raises(
        lc.ConfigError, match=r"satisfaction\.record.*expected one of \"none\" \"year_end\" \"every_month\""
    ):
        sc.with_satisfaction(record="weekly")


def test_record_dates_add_their_months(recorded):
    sc, _ = recorded
    res = lc.run(
        sc.with_satisfaction(record="year_end", record_dates=["2024-03-15"]), until=UNTIL, progress=False
    )
    assert list(zip(res.score_months.year, res.score_months.month)) == [(2024, 3)]
    assert set(res.rescore(threshold_mean=0.6).month) == {3}


def test_rescore_many_equals_rescore_draw_by_draw(recorded):
    # many thresholds in one pass (and draws with their own weights, grouped) give each
    # draw's rescore exactly: the score is computed once, the thresholds per draw
    _, base = recorded
    draws = pd.DataFrame(
        {
            "threshold_mean": [0.55, 0.7, 0.62, 0.8],
            "threshold_sd": [0.05, 0.1, 0.2, 0.1],
            "weight_basic": [0.65, 0.65, 0.5, 0.65],
            "weight_quality": [0.15, 0.15, 0.3, 0.15],
        }
    )
    many = base.rescore_many(draws)
    for j, row in draws.iterrows():
        one = base.rescore(
            row.threshold_mean, row.threshold_sd, {"basic": row.weight_basic, "quality": row.weight_quality}
        )
        got = many[many.draw == j].reset_index(drop=True)
        for c in COUNTS:
            assert (got[c].to_numpy() == one[c].to_numpy()).all(), (j, c)
    assert many.groupby("draw").satisfied.sum().nunique() > 1  # the draws differ
