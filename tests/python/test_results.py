"""lc.Results (lifecircle/results.py): tables, gap lists, the results schema, errors
(mirrors tests/cpp/test_simulation.cpp by name where both test the same property)."""

from __future__ import annotations

import h5py
import pandas as pd
import pytest

import lifecircle as lc
from conftest import ROOT, TINY, damaged_copies


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
    people = res.residents_on(res.year_end(year))
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
            res.node_district[s] == res.district_index(g.district) for s in g.sites
        )
        assert list(g.site_gain) == sorted(
            g.site_gain, reverse=True
        )  # greedy: each adds no more than the last
        assert g.in_ring_after >= g.in_ring
    assert res.gaps(year, sites=0).sites.map(len).sum() == 0


def test_results_load_where_the_scenario_data_files_are_absent(tiny_results, tmp_path):
    # A results file is read on other machines: the data files its scenario names (an OSM
    # extract, a population grid) need not exist there.
    import shutil

    copy = tmp_path / "moved.h5"
    shutil.copy(tiny_results.path, copy)
    lc._core.unseal_file(str(copy))  # edited on purpose: unsealed, then sealed again
    with h5py.File(copy, "r+") as f:
        text = f.attrs["scenario_text"]
        assert 'source = "synthetic"' in text
        f.attrs["scenario_text"] = text.replace(
            'source = "synthetic"', 'source = "osm"\nosm = "gone.osm.pbf"'
        )
        f.attrs["scenario_path"] = str(tmp_path / "elsewhere" / "city.toml")
    lc._core.seal_file(str(copy))
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
    lc._core.unseal_file(str(damaged))  # as another version would have written it: sealed whole
    with h5py.File(damaged, "a") as f:
        del f["district_month/unmet"]
    lc._core.seal_file(str(damaged))
    with pytest.raises(lc.InputError, match=r"damaged\.h5.*district_month/unmet"):
        lc.Results.load(damaged)


def test_damage_outside_the_datasets_and_cut_or_extended_files_are_refused(tiny_results, tmp_path):
    # HDF5's own structures (the superblock, object headers) are no dataset's values: damage
    # there is found by the seal's whole-file checksum before h5py parses anything
    data = tiny_results.path.read_bytes()
    copy = tmp_path / "copy.h5"
    for bad, why in [
        (data[:9] + bytes([data[9] ^ 0x01]) + data[10:], "damaged outside the datasets"),
        (data[: len(data) // 2], "no lifecircle seal"),
        (data + b"\0" * 10, "no lifecircle seal"),
    ]:
        copy.write_bytes(bad)
        with pytest.raises(lc.InputError, match=f"copy.h5.*{why}"):
            lc.Results.load(copy)


def test_a_damaged_dataset_of_a_results_file_is_an_input_error_naming_it(tiny_results, tmp_path):
    # every dataset, numbers and names, is covered by the file's seal (and Fletcher-32 on each
    # chunk): flipped bytes in any of them must be reported by name, before h5py parses the
    # file, never as h5py's raw OSError or as silent data
    checked = 0
    for name, copy in damaged_copies(tiny_results.path, tmp_path):
        with pytest.raises(lc.InputError, match=f"{copy.name}.*dataset {name} is damaged"):
            lc.Results.load(copy)
        copy.unlink()
        checked += 1
    assert checked >= 60


def test_a_year_holds_the_month_s_flows_summed_and_its_states_at_the_year_s_end(tiny_results):
    # the results schema says which district_month column is which (lifecircle.results.over_year)
    from lifecircle.results import over_year

    rule = over_year()
    names = set(lc.results_columns().query("table == 'district_month'").name)
    assert set(rule) == names and set(rule.values()) == {"key", "sum", "end"}
    raw = pd.DataFrame(tiny_results.table("district_month"))
    g = raw.groupby(["district", "year"], sort=False)
    y = tiny_results.years
    for c in ("needs", "unmet", "openings", "served_15min", "residents", "satisfied", "shops_open"):
        want = (g[c].sum() if rule[c] == "sum" else g[c].last()).to_numpy()
        assert (y[c].to_numpy() == want).all(), c
    assert (y.spend_yuan.to_numpy() == g.spend_fen.sum().to_numpy() / 100.0).all()
    assert (y.satisfaction == y.satisfied / y.residents).all()
    m = tiny_results.districts
    last = m.groupby(["district", "year"], sort=False).last()
    assert (y.satisfaction.to_numpy() == last.satisfaction.to_numpy()).all()
