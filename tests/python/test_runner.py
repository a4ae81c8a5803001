"""lc.run, run_many, compare and sweep (lifecircle/runner.py): the Python runs agree with the
CLI, on any thread count, stop cleanly on an interrupt, and return tidy tables."""

from __future__ import annotations

import _thread
import subprocess

import numpy as np
import pytest
import tomli_w
import tomllib

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


def test_compare_with_runs_gives_means_with_intervals_and_says_which_differences_exceed_the_spread():
    # The question an analyst asks of two plans: is the difference larger than what another
    # set of seeds (another synthetic town) would give? Opening every convenience store all
    # night changes the night share far beyond the seed spread; a scenario against itself
    # (same seeds) differs by exactly zero, inside any spread.
    sc = lc.Scenario.load(TINY).without_events()
    night = sc.with_events([{"type": "extend_hours", "category": "convenience", "hours": [0, 24]}])
    table = lc.compare({"base": sc, "again": sc, "night": night}, runs=3, until="2024-03-31", progress=False)
    assert len(table) == 3 * 3 * 2 and set(table.seed) == {7, 8, 9} and set(table.run) == {0, 1, 2}
    s = lc.summarize(table)
    assert len(s) == 3 * 2 and (s.runs == 3).all()
    assert (s.satisfaction_low <= s.satisfaction).all() and (s.satisfaction <= s.satisfaction_high).all()
    assert (s.satisfaction_sd > 0).any()  # the seeds differ
    d = lc.difference(table, "night", "base", "night_served_share")
    assert (d.difference > 0.1).all() and d.exceeds_spread.all()
    same = lc.difference(table, "again", "base", "satisfaction")
    assert (same.difference == 0).all() and not same.exceeds_spread.any()
    # a single run has no interval, and a difference on it says so
    one = lc.compare({"base": sc, "night": night}, until="2024-01-31", progress=False)
    assert lc.summarize(one).satisfaction_low.isna().all()
    assert lc.difference(one, "night", "base").exceeds_spread.isna().all()
    with pytest.raises(lc.ArgumentError, match="nope"):
        lc.difference(table, "nope", "base")
    with pytest.raises(lc.ArgumentError, match="runs"):
        lc.compare([sc], runs=0)


def test_platforms_deliver_at_night_the_programme_raises_it_and_no_app_users_get_none():
    # (mirrors tests/cpp/test_simulation.cpp) no shop open after 22:00 and no market entry:
    # night needs can only be delivered: by the platforms' own night couriers before the
    # programme (issue 22), by more of them once a district joins, to app users only
    data = lc.Scenario.load(TINY).without_events().data
    data["economics"] = {"entry_rate": 0.0}
    for c in data["categories"].values():
        c["hours"] = [c["hours"][0], min(c["hours"][1], 22)]
        c["exit_per_year"] = 0.0
    import tomli_w

    base = lc.Scenario(tomli_w.dumps(data), str(TINY))
    joined = base.with_events([{"type": "join_programme", "district": "Dongqu"}])
    a = lc.run(base, until="2024-04-30", progress=False).districts
    b = lc.run(joined, until="2024-04-30", progress=False).districts
    # after the first month (its couriers carry what they can: no orders yet to go by)
    later_a, later_b = a[a.month > 1], b[b.month > 1]
    assert (later_a.night_delivered > 0).all()  # before the programme: the platforms' own
    east_a, east_b = later_a[later_a.pinyin == "Dongqu"], later_b[later_b.pinyin == "Dongqu"]
    assert (east_b.night_delivered.to_numpy() > east_a.night_delivered.to_numpy()).all()
    west = later_a.pinyin == "Xiqu"
    assert (
        later_b[later_b.pinyin == "Xiqu"].night_delivered.to_numpy()
        == later_a[west].night_delivered.to_numpy()
    ).all()
    share = lambda m: (m.night_served.sum() + m.night_delivered.sum()) / m.night_needs.sum()  # noqa: E731
    assert share(east_b) < 0.9  # users order only a share, couriers carry what they can
    data["districts"][1]["delivery_app_users"] = {"child": 0.0, "working": 0.0, "elderly": 0.0}
    no_app = lc.Scenario(tomli_w.dumps(data), str(TINY)).with_events(
        [{"type": "join_programme", "district": "Dongqu"}, {"type": "join_programme", "district": "Xiqu"}]
    )
    c = lc.run(no_app, until="2024-04-30", progress=False).districts
    assert c[c.pinyin == "Xiqu"].delivered.sum() == 0 and c[c.pinyin == "Dongqu"].delivered.sum() > 0


def test_entry_follows_expected_profit_and_a_new_shop_takes_visits_from_its_neighbour():
    # (mirrors tests/cpp/test_market.cpp) with entry off the stock only falls; with it on, new
    # shops open where they would pay; and an incumbent next to a new shop of its category
    # loses visits to it
    data = lc.Scenario.load(TINY).without_events().data
    import tomli_w

    def run(entry_rate, extra=None):
        d = {**data, "economics": {"entry_rate": entry_rate}}
        sc = lc.Scenario(tomli_w.dumps(d), str(TINY))
        if extra:
            sc = sc.with_events(extra)
        return lc.run(sc, until="2024-12-31", progress=False)

    off, on = run(0.0), run(5.0)
    assert (off.facilities.origin == "market").sum() == 0
    assert (on.facilities.origin == "market").sum() > 0
    assert on.districts.shops_open.iloc[-2:].sum() > off.districts.shops_open.iloc[-2:].sum()
    # a planned convenience store beside district Dongqu's: the incumbent's visits fall
    fac = off.facilities
    conv = fac[(fac.category == "convenience") & (fac.pinyin == "Dongqu")].index[0]
    beside = run(
        0.0, [{"type": "plan_facility", "district": "Dongqu", "category": "convenience", "count": 1}]
    )

    def visits(r):
        m = r.facility_months
        return m[m.facility == conv].visits.sum()

    assert visits(beside) < visits(off)


def test_a_rent_subsidy_lowers_closures_in_the_subsidised_category():
    # (mirrors tests/cpp/test_simulation.cpp) convenience stores at a rent that loses money,
    # no background exits: only losses close them; 90% of the rent waived keeps more open
    import tomli_w

    data = lc.Scenario.load(TINY).without_events().data
    data["categories"]["convenience"]["rent_yuan_m2_month"] = 300
    data["categories"]["convenience"]["exit_per_year"] = 0.0
    base = lc.Scenario(tomli_w.dumps(data), str(TINY))
    subsidised = base.with_subsidy("convenience", rent_cut=0.9, date="2024-01-01")

    def closures(res):
        f = res.facilities
        return int(((f.category == "convenience") & (f.origin == "baseline") & f.closed.notna()).sum())

    a, b = lc.run(base, progress=False), lc.run(subsidised, progress=False)
    assert closures(a) > 0
    assert closures(b) < closures(a)


def test_a_python_run_resumes_from_its_checkpoint_to_the_same_results(tiny_results, tmp_path):
    out = tmp_path / "part.h5"
    part = lc.run(TINY, until="2024-10-31", checkpoint_every=5, progress=False, output=out)
    assert part.end.isoformat() == "2024-10-31"
    info = lc._core.checkpoint_info(str(out) + ".ckpt")
    assert info["day"] == "2024-10-31" and info["seed"] == 7  # month 10 is the 2nd checkpoint of 5 months
    resumed = lc.run(
        resume=str(out) + ".ckpt",
        until="2025-12-31",
        threads=1,
        progress=False,
        output=tmp_path / "resumed.h5",
    )
    assert same_datasets(tiny_results.path, resumed.path)
    # without until, a resumed run ends where the checkpoint's run was to end: here it has
    # nothing left to simulate, and gives that run's results
    again = lc.run(resume=str(out) + ".ckpt", progress=False, output=tmp_path / "again.h5")
    assert again.end.isoformat() == "2024-10-31"
    assert same_datasets(part.path, again.path)
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


def _run(sc, out, *, until=UNTIL, threads=0, spinup_cache=True) -> bool:
    """A run through the engine; whether its spin-up came from the spin-up cache."""
    res = lc._core.run(sc.text, sc.path, str(out), None, until, threads, None, 0, None, None, spinup_cache)
    return res["spinup_cached"]


def test_a_run_from_the_spin_up_cache_equals_one_that_simulated_it(tmp_path, monkeypatch):
    monkeypatch.setenv("LIFECIRCLE_CACHE_DIR", str(tmp_path / "cache"))
    sc = lc.Scenario.load(TINY).with_spin_up(3)
    assert not _run(sc, tmp_path / "off.h5", spinup_cache=False)
    assert lc._core.spinup_cache_entries() == []  # off: nothing kept
    assert not _run(sc, tmp_path / "cold.h5")  # simulated, kept
    assert len(lc._core.spinup_cache_entries()) == 1
    assert _run(sc, tmp_path / "warm.h5", threads=1)  # read, on another thread count
    assert same_datasets(tmp_path / "off.h5", tmp_path / "cold.h5")
    assert same_datasets(tmp_path / "off.h5", tmp_path / "warm.h5")
    # lc.run reads it too
    lc.run(sc, until=UNTIL, progress=False, output=tmp_path / "lc.h5")
    assert same_datasets(tmp_path / "off.h5", tmp_path / "lc.h5")


def test_the_spin_up_cache_key_events_from_the_start_hit_a_parameter_before_misses(tmp_path, monkeypatch):
    # A cache keyed wrongly would give a run another scenario's spin-up: each variant is also
    # run without the cache and must agree.
    monkeypatch.setenv("LIFECIRCLE_CACHE_DIR", str(tmp_path / "cache"))
    base = lc.Scenario.load(TINY).with_spin_up(2)
    assert not _run(base, tmp_path / "base.h5")
    later = base.with_events([{"date": "2024-02-01", "type": "map_app", "adoption": 0.9}])
    rent = base.with_subsidy(category="breakfast", rent_cut=0.5)  # events too: from the start
    seeded = base.with_seed(99)
    data = tomllib.loads(base.text)
    data["economics"] = {"entry_rate": 0.5}
    entry = lc.Scenario(tomli_w.dumps(data), base.path)  # a market parameter: acts in the spin-up
    variants = [
        ("later", later, True),
        ("rent", rent, True),
        ("seeded", seeded, False),
        ("entry", entry, False),
    ]
    for name, variant, hit in variants:
        assert _run(variant, tmp_path / f"{name}.h5") is hit, name
        _run(variant, tmp_path / f"{name}-off.h5", spinup_cache=False)
        assert same_datasets(tmp_path / f"{name}.h5", tmp_path / f"{name}-off.h5"), name
    assert not same_datasets(tmp_path / "base.h5", tmp_path / "entry.h5")
    # LIFECIRCLE_SPINUP_CACHE=0 turns it off; clear_spinup_cache empties it
    monkeypatch.setenv("LIFECIRCLE_SPINUP_CACHE", "0")
    assert not _run(base, tmp_path / "again.h5")
    monkeypatch.delenv("LIFECIRCLE_SPINUP_CACHE")
    assert lc._core.clear_spinup_cache() > 0
    assert lc._core.spinup_cache_entries() == []


def test_the_spin_up_cache_on_yunfu(tmp_path, monkeypatch):
    # The default scenario's 24 months of spin-up, then two recorded months: cold (simulated
    # and kept) and warm (read) give the same datasets.
    monkeypatch.setenv("LIFECIRCLE_CACHE_DIR", str(tmp_path / "cache"))
    sc = lc.Scenario.default()
    assert not _run(sc, tmp_path / "cold.h5", until="2024-02-29")
    assert _run(sc, tmp_path / "warm.h5", until="2024-02-29")
    assert same_datasets(tmp_path / "cold.h5", tmp_path / "warm.h5")


def test_the_cache_keys_take_the_events_in_the_engines_order():
    # The engine takes events by date, then as written: the same events written in another
    # order of dates are one scenario (one key), two events of one day swapped are another.
    sc = lc.Scenario.load(TINY).with_spin_up(2)
    data = tomllib.loads(sc.text)
    data["events"] = list(reversed(data["events"]))
    days = sorted({str(e["date"]) for e in data["events"]})
    assert len(days) == len(data["events"])  # (tiny's events are on days of their own)
    backwards = lc.Scenario(tomli_w.dumps(data), sc.path)
    for until in (None, "2024-05-31"):
        key = lc._core.spinup_key_text(sc.text, sc.path, None, until)
        assert key == lc._core.spinup_key_text(backwards.text, backwards.path, None, until)
    two = sc.with_subsidy("breakfast", rent_cut=0.5, date="2024-02-01")
    two = two.with_subsidy("breakfast", rent_cut=0.2, date="2024-02-01")
    data = tomllib.loads(two.text)
    i, j = [k for k, e in enumerate(data["events"]) if str(e["date"]) == "2024-02-01"]
    data["events"][i], data["events"][j] = data["events"][j], data["events"][i]
    swapped = lc.Scenario(tomli_w.dumps(data), sc.path)
    key = lc._core.spinup_key_text(two.text, two.path, None, "2024-05-31")
    assert key != lc._core.spinup_key_text(swapped.text, swapped.path, None, "2024-05-31")


def test_run_many_shares_the_months_before_the_variants_differ(tmp_path, monkeypatch):
    # Variants that differ from 2024-06-15 on share the spin-up and January-May: both are
    # simulated once and kept, every run reads May's end, and every run's results are those of
    # the run without the cache. A run that differs earlier must not read them.
    monkeypatch.setenv("LIFECIRCLE_CACHE_DIR", str(tmp_path / "cache"))
    base = lc.Scenario.load(TINY).with_spin_up(2)
    variants = [
        base.with_subsidy("breakfast", rent_cut=0.5, date="2024-06-15"),
        base.with_subsidy("breakfast", rent_cut=0.3, date="2024-06-15"),
        base,
    ]
    until = "2024-09-30"
    runs = lc.run_many(variants, until=until, processes=2, progress=False, output_dir=tmp_path / "many")
    assert len(lc._core.spinup_cache_entries()) == 2  # the spin-up, and the state at 2024-05-31

    def run(sc, name, **options):
        return lc._core.run(sc.text, sc.path, str(tmp_path / name), None, until, **options)

    for i, sc in enumerate(variants):
        run(sc, f"own-{i}.h5", spinup_cache=False)
        assert same_datasets(runs[i].path, tmp_path / f"own-{i}.h5"), i
    # the shared state is read by a run that shares those months ...
    res = run(variants[1], "again.h5", shared_until="2024-05-31")
    assert res["shared_cached"] and res["spinup_cached"]
    # ... and not by one whose events differ before (its key differs): it simulates them
    early = base.with_subsidy("breakfast", rent_cut=0.5, date="2024-02-01")
    res = run(early, "early.h5", shared_until="2024-05-31")
    assert not res["shared_cached"] and res["spinup_cached"]
    run(early, "early-own.h5", spinup_cache=False)
    assert same_datasets(tmp_path / "early.h5", tmp_path / "early-own.h5")
    # a day that is not a month's last is no shared state
    res = run(early, "mid.h5", shared_until="2024-05-15")
    assert not res["shared_cached"]


def test_run_many_shares_a_spin_up_and_gives_the_runs_own_results(tmp_path, monkeypatch):
    # Three variants of one spin-up (events from the start differ) in two processes: the
    # spin-up is simulated once and read by all three, whose results are those of runs
    # without the cache.
    monkeypatch.setenv("LIFECIRCLE_CACHE_DIR", str(tmp_path / "cache"))
    base = lc.Scenario.load(TINY).with_spin_up(2)
    variants = [base, base.with_subsidy(category="breakfast", rent_cut=0.5), base.without_events()]
    runs = lc.run_many(variants, until=UNTIL, processes=2, progress=False, output_dir=tmp_path / "many")
    assert len(lc._core.spinup_cache_entries()) == 1
    for i, sc in enumerate(variants):
        _run(sc, tmp_path / f"own-{i}.h5", spinup_cache=False)
        assert same_datasets(runs[i].path, tmp_path / f"own-{i}.h5"), i
