"""Every verdict as a chance (lc.chance, Results.chance): the probability of reaching the
target over satisfaction-parameter draws x runs, counted from re-scored runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import lifecircle as lc
from conftest import TINY

UNTIL = "2024-12-31"
DRAWS = pd.DataFrame({"threshold_mean": [0.55, 0.6, 0.65, 0.7, 0.75, 0.8], "threshold_sd": 0.1})


@pytest.fixture(scope="module")
def runs():
    sc = lc.Scenario.load(TINY)
    return [lc.run(sc.with_seed(s), until=UNTIL, progress=False) for s in (1, 2)]


def test_a_chance_is_the_share_of_runs_and_draws_reaching_the_target(runs):
    # counted by hand from rescore: the chance is that count, nothing smoothed
    got = lc.chance(runs, 0.6, draws=DRAWS, by="2024-12-31").set_index("pinyin")
    for pinyin in got.index:
        reached = [
            float(r.rescore(threshold_mean=m, threshold_sd=0.1).set_index("pinyin").satisfaction[pinyin])
            >= 0.6
            for r in runs
            for m in DRAWS.threshold_mean
        ]
        assert got.chance[pinyin] == pytest.approx(np.mean(reached))
        assert got.n[pinyin] == len(runs) * len(DRAWS)
    assert ((got.low <= got["mean"]) & (got["mean"] <= got.high)).all()


@pytest.mark.parametrize("measure", ["share", "survey"])
def test_a_higher_target_or_a_higher_threshold_never_raises_the_chance(runs, measure):
    # a resident's verdict falls with its threshold and the survey asks the same residents,
    # so both measures are monotone, on every seed
    by_target = [
        lc.chance(runs, t, draws=DRAWS, measure=measure).chance.to_numpy() for t in (0.3, 0.5, 0.7, 0.9)
    ]
    assert all((a >= b).all() for a, b in zip(by_target, by_target[1:]))
    low = DRAWS.assign(threshold_mean=DRAWS.threshold_mean - 0.05)
    assert (
        lc.chance(runs, 0.6, draws=low, measure=measure).chance.to_numpy()
        >= lc.chance(runs, 0.6, draws=DRAWS, measure=measure).chance.to_numpy()
    ).all()


def test_without_draws_a_run_gives_its_own_verdict(runs):
    res = runs[0]
    got = res.chance(0.6, draws=None).set_index("pinyin")
    dec = res.districts.query("year == 2024 and month == 12").set_index("pinyin")
    assert (got.chance == (dec.satisfaction >= 0.6).astype(float)).all()


def test_a_month_not_recorded_an_unknown_measure_or_draw_column_is_refused(runs):
    with pytest.raises(lc.ArgumentError, match=r"by 2024-06-30.*did not record.*record_dates"):
        lc.chance(runs, 0.9, by="2024-06-30")
    with pytest.raises(lc.ArgumentError, match=r"measure is 'poll'"):
        lc.chance(runs, 0.9, measure="poll")
    with pytest.raises(lc.ArgumentError, match=r"unknown column.*'mean'"):
        lc.chance(runs, 0.9, draws=pd.DataFrame({"mean": [0.7]}))
    with pytest.raises(lc.ArgumentError, match=r"target is 1\.5"):
        lc.chance(runs, 1.5)


def test_by_default_the_draws_come_from_the_documented_prior_and_are_seeded(runs):
    # 200 prior draws: the chance is that of those draws as a table, and the same seed gives
    # the same chances
    got = lc.chance(runs, 0.6)
    assert (got.n == 200 * len(runs)).all()
    explicit = lc.chance(runs, 0.6, draws=lc.PRIOR.sample(200, seed=0))
    pd.testing.assert_frame_equal(got, explicit)


def test_the_summary_report_and_map_show_each_districts_chance(runs, tmp_path):
    from lifecircle.report import write_report

    res = runs[0]
    summary = res.summary(2024)
    assert summary.chance.tolist() == res.chance(by="2024-12-31").chance.tolist()
    page = write_report(res, tmp_path / "r").read_text(encoding="utf-8")
    assert "chance of the target" in page and (tmp_path / "r" / "chance.png").exists()
    assert "chance" in (tmp_path / "r" / "summary.csv").read_text().splitlines()[0]
    res.map(tmp_path / "m.html")
    stats = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert f'"chance": {summary.chance.iloc[0]}' in stats or f'"chance":{summary.chance.iloc[0]}' in stats


def test_chances_list_the_districts_in_the_scenarios_order(runs):
    assert list(lc.chance(runs, 0.6).district) == runs[0].districts_zh
