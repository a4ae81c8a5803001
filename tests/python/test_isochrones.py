"""Walking-time areas (lifecircle.isochrones; issue 25): `Results.isochrones`, `lifecircle
isochrones`, the GeoPackage, and the areas on the map page in headless Chromium."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from test_map import _errors, _open, _set, browser  # noqa: F401  (the offline Chromium fixture)

import lifecircle as lc
from lifecircle.isochrones import _walked

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")


def test_an_edge_is_walked_from_both_ends_as_far_as_the_time_allows():
    # a 100 m edge from a source at 0: within 60 m, 60 m of it; a node at 30 m beyond the far
    # end (a second source) walks 30 m back into it: two pieces, 90 m in all
    net = {
        "x": np.array([0.0, 100.0]),
        "y": np.zeros(2),
        "edge_from": np.array([0]),
        "edge_to": np.array([1]),
        "edge_length": np.array([100.0]),
    }
    segs = _walked(net, np.array([0.0, 30.0]), 60.0)
    lengths = sorted(np.hypot(*(segs[:, 1] - segs[:, 0]).T).round(6))
    assert lengths == [30.0, 60.0]
    assert len(_walked(net, np.array([0.0, 70.0]), 60.0)) == 1  # the far end is out of time
    whole = _walked(net, np.array([0.0, 50.0]), 60.0)  # 60 + 10 >= 100? no: two pieces
    assert len(whole) == 2
    assert len(_walked(net, np.array([0.0, 45.0]), 80.0)) == 1  # 80 + 35 >= 100: the whole edge


def test_areas_grow_with_time_and_speed_and_hold_what_is_within_reach(tiny_results):
    res = tiny_results
    iso = res.isochrones(facilities="convenience", minutes=(5, 10, 15))
    assert iso.crs.to_epsg() == 4326
    assert len(iso) == 3 * 3  # three times x three age groups
    for age, g in iso.groupby("age"):
        a = g.sort_values("minutes")
        assert (np.diff(a["area_km2"]) > 0).all(), age  # longer walks reach more
        # nested: the 5-minute area lies inside the 15-minute one
        assert a.geometry.iloc[-1].buffer(1e-9).contains(a.geometry.iloc[0])
    ten = iso[iso.minutes == 10].set_index("age")
    # the working-age speed is the fastest in tiny.toml's scenario: its area is the largest
    speeds = res.scenario.spec["walking_speed"]
    fastest = max(speeds, key=speeds.get)
    assert ten["area_km2"].idxmax() == fastest
    # every node the engine's own distances put within 10 minutes at that speed lies inside
    net = res.table("network")
    t = res.table("facilities")
    open_ = res.open_on(res.year_end(res.years_simulated[-1])).to_numpy() & res.serves("convenience")
    dist, _ = res.network.reach(np.unique(t["node"][open_]).astype(np.uint32), 1, 1e9)
    inside = np.flatnonzero(dist[:, 0] <= 10 * 60 * speeds[fastest])
    lon, lat = lc.geo.lonlat(res, net["x"][inside], net["y"][inside])
    area = ten.loc[fastest, "geometry"]
    assert shapely.contains_xy(area.buffer(1e-7), lon, lat).all()
    # and a node well beyond it (over 15 minutes at the fastest speed and 200 m) is outside
    far = np.flatnonzero(dist[:, 0] > 15 * 60 * speeds[fastest] + 200)
    if len(far):
        flon, flat = lc.geo.lonlat(res, net["x"][far], net["y"][far])
        assert not shapely.contains_xy(
            iso[(iso.minutes == 15) & (iso.age == fastest)].geometry.iloc[0], flon, flat
        ).any()


def test_cli_writes_a_geopackage_and_the_map_draws_it(tiny_results, cli, browser, tmp_path):  # noqa: F811
    out = tmp_path / "areas.gpkg"
    page = tmp_path / "iso.html"
    net = tiny_results.table("network")
    lon, lat = lc.geo.lonlat(tiny_results, net["x"][:1], net["y"][:1])
    p = subprocess.run(
        [cli, "isochrones", str(tiny_results.path), "--points", f"{lon[0]},{lat[0]}", "--minutes", "5,10",
         "-o", str(out), "--map", str(page)], capture_output=True, text=True)  # fmt: skip
    assert p.returncode == 0, p.stderr
    areas = gpd.read_file(out, layer="isochrones")
    assert len(areas) == 2 * 3 and set(areas.minutes) == {5.0, 10.0}
    _open(browser, page)
    assert _errors(browser) == []
    # one age group at a time: the working age's two areas first
    assert browser.execute_script("return window.lifecircleMap.isochrones()") == 2
    _set(browser, "iso-age", "elderly", "change")
    assert browser.execute_script("return window.lifecircleMap.state().isoAge") == "elderly"
    assert browser.execute_script("return window.lifecircleMap.isochrones()") == 2
    browser.execute_script("document.getElementById('show-isochrones').click();")
    assert browser.execute_script("return window.lifecircleMap.isochrones()") == 0
    assert _errors(browser) == []
    # the map command draws a GeoPackage of areas too
    page2 = tmp_path / "iso2.html"
    p = subprocess.run([cli, "map", str(tiny_results.path), "--isochrones", str(out), "-o", str(page2), "-q"],
                       capture_output=True, text=True)  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert '"isochrones":' in page2.read_text(encoding="utf-8")


def test_bad_requests_are_refused(tiny_results):
    with pytest.raises(lc.ArgumentError, match="give points or facilities"):
        tiny_results.isochrones()
    with pytest.raises(lc.ArgumentError, match="no category 'casino'"):
        tiny_results.isochrones(facilities="casino")
    with pytest.raises(lc.ArgumentError, match="expected positive walking times"):
        tiny_results.isochrones(facilities="convenience", minutes=(0,))
