"""OpenStreetMap import from Python (mirrors tests/cpp/test_osm_import.cpp)."""

import pytest

import lifecircle as lc


def test_central_helsinki_imports_as_the_data_readme_describes(helsinki_pbf):
    net = lc.WalkNetwork.from_osm(helsinki_pbf)
    r = net.report
    # README of ../shared/data: ~2,455 nodes and 3,266 edges before the component filter
    assert 2300 < r["input_nodes"] < 2600
    assert 3100 < r["input_edges"] < 3400
    assert 0 < r["dropped_nodes"] < 0.1 * r["input_nodes"]
    counts = net.facilities.category.value_counts()
    assert counts["food"] > 250 and counts["grocery"] >= 15
    cov = net.coverage()
    assert (cov.filter(like="within").diff(axis=1).fillna(0) >= 0).all().all()  # monotone in time


def test_broken_openstreetmap_files_give_an_input_error_naming_the_file(tmp_path):
    garbage = tmp_path / "garbage.osm.pbf"
    garbage.write_bytes(b"this is not a protocol buffer")
    with pytest.raises(lc.InputError, match="garbage.osm.pbf"):
        lc.WalkNetwork.from_osm(garbage)
    with pytest.raises(lc.InputError, match="no such file"):
        lc.WalkNetwork.from_osm(tmp_path / "absent.osm.pbf")
