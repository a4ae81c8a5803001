"""lifecircle.calibrate: the satisfaction threshold's posterior given a survey, on runs of the
tiny town. Stochastic parts are seeded (the runs, the emulated surveys, the draws)."""

from __future__ import annotations

import pandas as pd
import pytest

import lifecircle as lc
from conftest import TINY

TRUTH = {"threshold_mean": 0.66, "threshold_sd": 0.10}  # near the prior's centre


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three seeds of the tiny town recording June 2025 besides the Decembers."""
    sc = lc.Scenario.load(TINY).with_satisfaction(record_dates=["2025-06-15"])
    folder = tmp_path_factory.mktemp("calibrate")
    return [lc.run(sc, seed=s, progress=False, output=folder / f"run-{s}.h5") for s in (11, 12, 13)]


def survey_of(res: lc.Results, respondents: int, seed: int) -> lc.Survey:
    return lc.Survey.emulate(res, ["2025-06-15", "2025-12-15"], respondents=respondents, seed=seed, **TRUTH)


def test_without_a_survey_the_prior():
    fit = lc.calibrate_satisfaction(None, None, draws=300, seed=5)
    assert fit.draws.equals(lc.PRIOR.sample(300, 5))
    assert list(fit.summary.parameter) == ["threshold_mean", "threshold_sd"]
    assert fit.grid.empty and "the prior" in repr(fit)


def test_the_same_runs_survey_and_seed_give_the_same_posterior(runs):
    survey = survey_of(runs[0], 300, seed=1)
    a = lc.calibrate_satisfaction(runs[1:], survey, draws=500, seed=2)
    b = lc.calibrate_satisfaction(runs[1:], survey, draws=500, seed=2)
    c = lc.calibrate_satisfaction(runs[1:], survey, draws=500, seed=3)
    assert a.draws.equals(b.draws) and a.summary.equals(b.summary)
    assert not a.draws.equals(c.draws)
    assert a.grid.posterior.sum() == pytest.approx(1.0)
    assert a.runs == [12, 13] and a.respondents == 4 * 300
    assert list(a.fit.columns) == [
        "district",
        "pinyin",
        "year",
        "month",
        "respondents",
        "satisfied",
        "survey",
        "model",
        "model_q05",
        "model_q95",
    ]


@pytest.mark.parametrize("fitted", ["its own run", "the other towns"])
def test_a_large_survey_narrows_the_prior_around_the_truth(runs, fitted):
    """A survey of the model at known parameters (2,000 respondents a district and month in
    run 11) fitted to run 11 itself, or to the other seeds' towns (12, 13) with their spread:
    each parameter's 90% interval holds the truth; on its own run the threshold mean's
    interval is under half the prior's."""
    fit_runs = runs[:1] if fitted == "its own run" else runs[1:]
    fit = lc.calibrate_satisfaction(fit_runs, survey_of(runs[0], 2000, seed=7), draws=4000, seed=1)
    s = fit.summary.set_index("parameter")
    for p, truth in TRUTH.items():
        assert s.loc[p, "q05"] <= truth <= s.loc[p, "q95"], (p, s.loc[p].to_dict())
    width = s.q95 - s.q05
    prior = s.prior_q95 - s.prior_q05
    if fitted == "its own run":
        assert width["threshold_mean"] < 0.5 * prior["threshold_mean"]


def test_months_the_runs_did_not_record(runs, tmp_path):
    table = survey_of(runs[0], 100, seed=1).table.copy()
    table["date"] = pd.Timestamp("2025-03-10")
    survey = lc.Survey(table, source="march.csv")
    with pytest.raises(
        lc.InputError,
        match=r"march\.csv: the run .* did not record 2025-03 for re-scoring; "
        r"run the scenario \.with_satisfaction\(record_dates=\[2025-03-10\]\)",
    ):
        lc.calibrate_satisfaction(runs[1:], survey)
    with pytest.raises(lc.ArgumentError, match="a survey needs runs"):
        lc.calibrate_satisfaction([], survey)


def test_the_threshold_under_other_weights(runs):
    """Weights held at given values: the shares are re-scored under them (and the prior of the
    threshold mean follows the reference score under them); weights that do not sum to 1 are
    refused, as Results.rescore refuses them."""
    survey = survey_of(runs[0], 300, seed=1)
    heavy = {"basic": 0.75, "quality": 0.1, "government": 0.05, "unmet": 0.05, "night": 0.05}
    own = lc.calibrate_satisfaction(runs[:1], survey, draws=500, seed=2)
    other = lc.calibrate_satisfaction(runs[:1], survey, draws=500, seed=2, weights=heavy)
    assert not own.draws.equals(other.draws)
    with pytest.raises(lc.ArgumentError, match="the weights sum to"):
        lc.calibrate_satisfaction(runs[:1], survey, weights={"basic": 0.9})
