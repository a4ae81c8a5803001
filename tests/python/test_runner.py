"""lc.run, run_many, compare and sweep (lifecircle/runner.py): the Python runs agree with the
CLI, on any thread count, stop cleanly on an interrupt, and return tidy tables."""

from __future__ import annotations

import _thread
import subprocess

import numpy as np
import pytest

import lifecircle as lc
from conftest import TINY, UNTIL, damaged_copies, same_datasets
from lifecircle.runner import METRICS


def test_a_python_run_gives_the_cli_datasets(cli, tmp_path):
    # The analyst's notebook and the planner's command line must agree exactly.
    subprocess.run(
        [cli, "run", TINY, "-q", "-o", tmp_path / "cli.h5", "--until", UNTIL, "--seed", "11"],
        check=True,
        capture_output=True,
    )
    lc.run(TINY, seed=11, until=UNTIL, progress=False, output=tmp_path / "py.h5")
    assert same_datasets(tmp_path / "cli.h5", tmp_path / "py.h5")


def test_identical_results_on_1_and_2_threads_and_for_the_same_seed(tmp_path):
    lc.run(TINY, threads=1, until=UNTIL, progress=False, output=tmp_path / "one.h5")
    two = lc.run(TINY, threads=2, until=UNTIL, progress=False, output=tmp_path / "two.h5")
    assert same_datasets(tmp_path / "one.h5", tmp_path / "two.h5")
    assert two.threads == 2
    other = lc.run(TINY, seed=8, until=UNTIL, progress=False, output=tmp_path / "other.h5")
    assert not same_datasets(tmp_path / "two.h5", tmp_path / "other.h5")
    assert other.seed == 8


def test_an_interrupted_run_raises_keyboard_interrupt_and_writes_nothing(tmp_path):
    # A kernel interrupt arrives as a pending SIGINT; _thread.interrupt_main() raises one
    # exactly as Jupyter's interrupt button does, here on the 20th simulated day.
    seen = []

    def progress(date, fraction, trips, seconds):
        seen.append(date)
        if len(seen) == 20:
            _thread.interrupt_main()

    out = tmp_path / "never.h5"
    with pytest.raises(KeyboardInterrupt):
        lc._core.run(TINY.read_text(encoding="utf-8"), str(TINY), str(out), None, None, 0, progress)
    assert len(seen) == 20 and not out.exists() and not list(tmp_path.iterdir())


def test_24_hour_stores_raise_the_share_of_night_needs_served():
    base = lc.Scenario.load(TINY).without_events()
    night = base.with_events([{"type": "extend_hours", "category": "convenience", "hours": [0, 24]}])
    a = lc.run(base, until="2024-06-30", progress=False).districts
    b = lc.run(night, until="2024-06-30", progress=False).districts

    def share(m):
        return (m.night_served.sum()) / m.night_needs.sum()

    assert a.night_needs.sum() > 1000
    assert share(b) > share(a) + 0.2


def test_a_spin_up_changes_the_start_state_but_not_the_recorded_period():
    sc = lc.Scenario.load(TINY)
    a = lc.run(sc, until="2024-02-29", progress=False)
    b = lc.run(sc.with_spin_up(6), until="2024-02-29", progress=False)
    assert b.districts[["year", "month"]].equals(a.districts[["year", "month"]])
    assert b.start == a.start and b.attrs["trips"] > a.attrs["trips"]
    assert not b.facility_months.visits.equals(a.facility_months.visits)
    with pytest.raises(lc.ConfigError, match="spin_up_months"):
        sc.with_spin_up(61)


def test_compare_and_sweep_run_in_processes_and_return_tidy_tables(tiny_results):
    sc = lc.Scenario.load(TINY)
    table = lc.compare(
        {"done": tiny_results, "subsidy": sc.with_subsidy("breakfast", rent_cut=0.5)},
        until="2024-03-31",
        processes=2,
        progress=False,
    )
    assert set(table.label) == {"done", "subsidy"}
    assert set(table.columns) >= {"label", "district", "pinyin", "year", *METRICS}
    sw = lc.sweep(
        sc,
        {"base": lambda s: s, "early": lambda s: s.with_rollout({"Xiqu": 2024}, package=None)},
        runs=2,
        until="2024-02-29",
        processes=2,
        progress=False,
    )
    assert len(sw) == 2 * 2 * 2 and set(sw.seed) == {7, 8}
    base = sw[sw.variant == "base"]
    # different seeds give different outcomes; the same seed repeats exactly
    assert not np.array_equal(base[base.seed == 7].satisfaction, base[base.seed == 8].satisfaction)
    first = lc.run(sc, until="2024-02-29", progress=False).years
    assert np.array_equal(first.satisfaction, base[base.seed == 7].satisfaction)


def test_a_python_run_resumes_from_its_checkpoint_to_the_same_results(tiny_results, tmp_path):
    out = tmp_path / "part.h5"
    part = lc.run(TINY, until="2024-10-31", checkpoint_every=5, progress=False, output=out)
    assert part.end.isoformat() == "2024-10-31"
    info = lc._core.checkpoint_info(str(out) + ".ckpt")
    assert info["day"] == "2024-10-31" and info["seed"] == 7  # month 10 is the 2nd checkpoint of 5 months
    resumed = lc.run(resume=str(out) + ".ckpt", threads=1, progress=False, output=tmp_path / "resumed.h5")
    assert same_datasets(tiny_results.path, resumed.path)
    with pytest.raises(lc.ConfigError, match="another scenario"):
        lc.run(lc.Scenario.load(TINY).with_subsidy("breakfast", rent_cut=0.2), resume=str(out) + ".ckpt")
    with pytest.raises(lc.ArgumentError, match="checkpoint_every needs output"):
        lc.run(TINY, checkpoint_every=1, progress=False)


def test_a_damaged_dataset_of_a_checkpoint_is_an_input_error_naming_it(tmp_path):
    out = tmp_path / "c.h5"
    lc.run(TINY, until="2024-03-31", checkpoint_every=3, progress=False, output=out)
    checked = 0
    for name, copy in damaged_copies(str(out) + ".ckpt", tmp_path / "damaged"):
        with pytest.raises(lc.InputError, match=f"dataset {name} is damaged"):
            lc.run(resume=copy, progress=False, output=tmp_path / "r.h5")
        checked += 1
    assert checked >= 40
