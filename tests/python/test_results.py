"""lc.run, lc.Results, gap lists, scenario edits, comparisons (mirrors tests/cpp/test_engine.cpp
by name where both test the same property)."""

from __future__ import annotations

import _thread
import subprocess

import h5py
import numpy as np
import pytest

import lifecircle as lc
from conftest import ROOT, datasets
from lifecircle.runner import METRICS

TINY = ROOT / "configs" / "tiny.toml"
UNTIL = "2024-04-30"


def same_datasets(a, b):
    da, db = datasets(a), datasets(b)
    return da.keys() == db.keys() and all(np.array_equal(da[k], db[k]) for k in da)


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    """The tiny scenario over its whole period (2024-2025), run once for the module."""
    return lc.run(TINY, progress=False, output=tmp_path_factory.mktemp("tiny") / "tiny.h5")


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


def test_every_need_is_served_delivered_or_unmet_and_revenue_equals_spending(tiny_results):
    res = tiny_results
    m = res.districts
    assert (m.needs == m.served + m.delivered + m.unmet).all() and m.needs.sum() > 0
    assert res.facility_months.revenue_yuan.sum() == pytest.approx(m.spend_yuan.sum(), rel=1e-12)
    # yearly tables are the months summed; coverage rows sum to the district's needs
    y = res.years
    assert y.needs.sum() == m.needs.sum() and y.closures.sum() == m.closures.sum()
    c = res.coverage.groupby(["district", "year"]).needs.sum()
    assert (c.to_numpy() == y.set_index(["district", "year"]).needs.loc[c.index].to_numpy()).all()
    assert ((m.survey_low <= m.survey) & (m.survey <= m.survey_high)).all()
    assert set(m.district) == {"东区", "西区"} and m.satisfaction.between(0, 1).all()
    # the facility table: every facility open in a month appears, named and placed
    f = res.facilities
    assert f.category.isin(res.categories).all() and len(f) >= 9
    assert res.facility_months.facility.max() < len(f)
    assert (f.open == f.closed.isna()).all()


def test_results_reload_from_file_equal_the_run(tiny_results):
    again = lc.Results.load(tiny_results.path)
    assert again.districts.equals(tiny_results.districts)
    assert again.scenario.text == TINY.read_text(encoding="utf-8")
    assert "tiny" in repr(again)


def test_gap_list_coverage_equals_the_engine_and_sites_close_gaps(tiny_results):
    res = tiny_results
    year = res.end.year
    cov = res.coverage[res.coverage.year == year].set_index(["district", "category"]).in_ring
    people = res.residents_on(res._year_end(year))
    # Python's per-resident ring test reproduces the engine's year-end coverage exactly
    for cat in res.categories:
        inside = res.in_ring(cat, year)
        for zh in res.districts_zh:
            share = inside[people.district == zh].mean()
            assert share == pytest.approx(cov[(zh, cat)], abs=1e-12), (zh, cat)
    gaps = res.gaps(year, target=0.95, sites=2)
    assert len(gaps) > 0 and (gaps.in_ring < 0.95).all()
    # and nothing above target is listed
    listed = set(zip(gaps.district, gaps.category))
    assert all(cov[k] < 0.95 for k in listed)
    assert all(cov[k] >= 0.95 for k in cov.index if k not in listed)
    for _, g in gaps.iterrows():
        assert g.residents_outside == round((1 - g.in_ring) * g.residents)
        assert len(g.sites) <= 2 and all(
            res.node_district[s] == res._district_index(g.district) for s in g.sites
        )
        assert list(g.site_gain) == sorted(
            g.site_gain, reverse=True
        )  # greedy: each adds no more than the last
        assert g.in_ring_after >= g.in_ring
    assert res.gaps(year, sites=0).sites.map(len).sum() == 0


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


def test_scenario_edits_return_new_validated_scenarios():
    sc = lc.Scenario.default()
    text = sc.text
    edited = (
        sc.with_scale(0.1)
        .with_subsidy("breakfast", rent_cut=0.3, district="Panlong")
        .with_rollout(["Datai", "Muyang"], start=2025, per_year=1)
    )
    assert sc.text == text  # immutable
    assert edited.summary["residents"] == pytest.approx(30_000, abs=20)
    ev = edited.events
    joins = ev[ev.type == "join_programme"].set_index("district").date
    assert str(joins["大台"]) == "2025-01-01" and str(joins["牧羊"]) == "2026-01-01"
    assert (ev.type == "join_programme").sum() == 11  # replaced, not added
    pkg = ev[(ev.district == "大台") & (ev.type == "plan_facility")]
    assert len(pkg) == sum(1 for m in lc.PILOT_PACKAGE if m["type"] == "plan_facility")
    sub = ev[(ev.type == "subsidy") & (ev.district == "蟠龙")]
    assert len(sub) == 1 and sub.rent_cut.iloc[0] == 0.3
    # the edited text is itself a valid scenario, equal after a round trip
    again = lc.Scenario(edited.text, edited.path)
    assert again.data == edited.data
    assert "rollout" in edited.label and "population x0.1" in edited.label


def test_a_spin_up_changes_the_start_state_but_not_the_recorded_period():
    sc = lc.Scenario.load(TINY)
    a = lc.run(sc, until="2024-02-29", progress=False)
    b = lc.run(sc.with_spin_up(6), until="2024-02-29", progress=False)
    assert b.districts[["year", "month"]].equals(a.districts[["year", "month"]])
    assert b.start == a.start and b.attrs["trips"] > a.attrs["trips"]
    assert not b.facility_months.visits.equals(a.facility_months.visits)
    with pytest.raises(lc.ConfigError, match="spin_up_months"):
        sc.with_spin_up(61)


def test_scenario_edit_errors_name_what_was_expected():
    sc = lc.Scenario.load(TINY)
    with pytest.raises(lc.ConfigError, match="no district named 'Nowhere'.*东区 \\(Dongqu\\)"):
        sc.with_rollout({"Nowhere": 2025})
    with pytest.raises(lc.ConfigError, match="no category 'bakery'"):
        sc.with_subsidy("bakery", rent_cut=0.2)
    with pytest.raises(lc.ConfigError, match="rent_cut"):  # the C++ schema's range check
        sc.with_subsidy("breakfast", rent_cut=1.5)
    with pytest.raises(ValueError):  # ConfigError is a ValueError
        sc.with_events([{"type": "subsidy", "date": "2024-02-30", "category": "breakfast"}])


def test_results_load_where_the_scenario_data_files_are_absent(tiny_results, tmp_path):
    # A results file is read on other machines: the data files its scenario names (an OSM
    # extract, a population grid) need not exist there.
    import shutil

    copy = tmp_path / "moved.h5"
    shutil.copy(tiny_results.path, copy)
    with h5py.File(copy, "r+") as f:
        text = f.attrs["scenario_text"]
        assert 'source = "synthetic"' in text
        f.attrs["scenario_text"] = text.replace(
            'source = "synthetic"', 'source = "osm"\nosm = "gone.osm.pbf"'
        )
        f.attrs["scenario_path"] = str(tmp_path / "elsewhere" / "city.toml")
    res = lc.Results.load(copy)
    assert res.districts.equals(tiny_results.districts)
    assert res.scenario.data["network"]["osm"] == "gone.osm.pbf"


def test_results_errors(tmp_path):
    bad = tmp_path / "not.h5"
    bad.write_bytes(b"not hdf5")
    with pytest.raises(lc.InputError, match="not.h5"):
        lc.Results.load(bad)
    with pytest.raises(lc.ArgumentError, match="until"):
        lc.run(TINY, until="2024-02-30", progress=False)


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


def test_the_results_file_holds_exactly_the_schema_s_columns_with_their_types(tiny_results):
    # one description of the columns (sim/results_schema.cpp): what the recorder wrote must be
    # what the schema says, dataset for dataset and type for type
    schema = lc.results_columns()
    with h5py.File(tiny_results.path) as f:
        written = {f"{g}/{k}": f[g][k].dtype.name for g in f if g != "names" for k in f[g]}
    stated = {f"{r.table}/{r.name}": r.type for r in schema.itertuples()}
    assert written == stated


def test_docs_results_md_describes_every_column_as_the_schema_does():
    # docs/results.md's column tables are the schema's, so the docs cannot drift from the file
    doc = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    for table, group in lc.results_columns().groupby("table", sort=False):
        lines = [f"`/{table}`:", "| column | type | unit | meaning |", "|---|---|---|---|"]
        lines += [f"| {r.name} | {r.type} | {r.unit} | {r.meaning} |" for r in group.itertuples()]
        assert "\n".join(lines) in doc, f"docs/results.md: the table of /{table} differs from the schema"


def test_a_results_file_missing_a_schema_column_is_refused_by_name(tiny_results, tmp_path):
    damaged = tmp_path / "damaged.h5"
    damaged.write_bytes(tiny_results.path.read_bytes())
    with h5py.File(damaged, "a") as f:
        del f["district_month/unmet"]
    with pytest.raises(lc.InputError, match=r"damaged\.h5.*district_month/unmet"):
        lc.Results.load(damaged)
