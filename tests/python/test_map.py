"""The living-circle map page (lifecircle/webmap.py) in a real browser, and the GIS export
(lifecircle/gis.py). The browser is Debian's Chromium with its driver (scripts/setup.sh),
driven through Selenium, with the network switched off: the page must need none.
Screenshots go to build/test-artifacts/ (or $LIFECIRCLE_ARTIFACTS)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import lifecircle as lc
from conftest import ROOT

ARTIFACTS = os.environ.get("LIFECIRCLE_ARTIFACTS") or str(ROOT / "build" / "test-artifacts")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, offline: DNS resolves nothing and the DevTools protocol emulates a
    lost connection."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not binary or not driver:
        pytest.fail(
            "Chromium and chromedriver are needed (Debian: chromium chromium-driver; scripts/setup.sh)"
        )
    opts = Options()
    opts.binary_location = binary
    for a in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(driver), options=opts)
    d.set_page_load_timeout(60)
    try:
        d.execute_cdp_cmd("Network.enable", {})
        d.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
        )
        yield d
    finally:
        d.quit()


def _open(browser, page):
    browser.get(page.resolve().as_uri())
    assert browser.execute_script("return !!(window.lifecircleMap && window.lifecircleMap.ready)"), (
        "the page's script did not finish"
    )


def _errors(browser):
    """JavaScript errors the page caught, and severe browser log entries (failed loads)."""
    caught = browser.execute_script("return window.lcErrors")
    logged = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    return caught + logged


def _set(browser, element, value, event):
    browser.execute_script(
        "var el = document.getElementById(arguments[0]); el.value = arguments[1];"
        "el.dispatchEvent(new Event(arguments[2]));",
        element,
        str(value),
        event,
    )


def _open_at(res, year: int, hour: float) -> set[int]:
    """Facilities the results say exist at the end of ``year`` and are open at ``hour``
    (fixed shops by their hours, past midnight included; mobile vendors by their slot)."""
    f = res.facilities
    t = res.table("facilities")
    exists = res.open_on(res.year_end(year)).to_numpy()
    slots = res.scenario.time_slots
    slot = next(i for i, s in enumerate(slots) if s["start"] <= hour < s["end"])
    o, c = f.open_hour.to_numpy(), f.close_hour.to_numpy()
    by_hours = ((o <= hour) & (hour < c)) | ((c > 24) & (hour < c - 24))
    mobile = (f.origin == "mobile").to_numpy()
    by_slot = ((t["open_slots"] >> slot) & 1) == 1
    return set(np.flatnonzero(exists & np.where(mobile, by_slot, by_hours)).tolist())


def test_the_page_layers_equal_the_analyses_resident_by_resident(tiny_results):
    # the page counts residents alike in home, age group and district once (webmap._coverage);
    # each layer must still equal the plain computation over the residents one by one
    from lifecircle import access, webmap

    res = tiny_results
    data = webmap.page_data(res)
    homes = np.unique(res.residents.home_node.to_numpy())
    C, S, Y = len(res.categories), len(res.scenario.time_slots), len(res.years_simulated)
    cover = np.frombuffer(base64.b64decode(data["homes"]["cover"]), dtype=np.uint8)
    cover = cover.reshape(Y, C + 1, S + 1, len(homes))
    checked = 0
    for k, year in enumerate(res.years_simulated):
        for c, key in enumerate(res.categories):
            people, inside, _ = access.slot_coverage(res, year, key)
            assert data["access"][f"city/{c}"][k] == inside.mean(axis=1).round(4).tolist()
            for d, zh in enumerate(res.districts_zh):
                members = (people.district == zh).to_numpy()
                if members.any():
                    expected = inside[:, members].mean(axis=1).round(4).tolist()
                    assert data["access"][f"{d}/{c}"][k] == expected, (year, key, zh)
            home = np.searchsorted(homes, people.home_node.to_numpy())
            n = np.maximum(np.bincount(home, minlength=len(homes)), 1)
            for s in range(S + 1):
                pct = np.rint(100.0 * np.bincount(home, weights=inside[s], minlength=len(homes)) / n)
                assert (cover[k, c + 1, s] == pct).all(), (year, key, s)
            checked += int(inside.any())
        assert len(data["sites"][k]) == sum(len(g.sites) for g in res.gaps(year).itertuples())
    assert checked > 0  # some category inside some ring: the comparison has something to compare


def test_map_page_in_a_browser_offline_draws_the_results_facilities(tiny_results, browser, tmp_path):
    res = tiny_results
    page = tmp_path / "tiny-map.html"
    res.map(page)
    html = page.read_text(encoding="utf-8")
    # nothing to load from outside: no script or style by address, no url() but inline data
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|@import|url\((?!\s*['\"]?(?:data:|#))", html)
    _open(browser, page)
    assert _errors(browser) == []
    # nothing was fetched over a network: every resource the page used is inline
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert [u for u in fetched if u.startswith("http")] == []
    # the default view: the last year, all day, every district and category
    last = res.end.year
    drawn = set(browser.execute_script("return window.lifecircleMap.drawn()"))
    expected = set(np.flatnonzero(res.open_on(res.year_end(last)).to_numpy()).tolist())
    assert drawn == expected and len(drawn) > 0
    assert browser.execute_script("return window.lifecircleMap.facilityMarkers()") == len(expected)
    assert browser.find_element("id", "shown").text == str(len(expected))
    os.makedirs(ARTIFACTS, exist_ok=True)
    browser.save_screenshot(os.path.join(ARTIFACTS, "map-tiny-all-day.png"))

    # 23:00: the shops closed then disappear (the tiny town's close at 22:00 or earlier)
    _set(browser, "time", 23, "input")
    at23 = set(browser.execute_script("return window.lifecircleMap.drawn()"))
    assert at23 == _open_at(res, last, 23.0)
    hidden = expected - at23
    assert hidden, "the tiny town has shops closing before 23:00"
    f = res.facilities
    assert all(f.close_hour[i] <= 23 or f.open_hour[i] > 23 for i in hidden if f.origin[i] != "mobile")
    browser.save_screenshot(os.path.join(ARTIFACTS, "map-tiny-2300.png"))
    # morning: the breakfast shops are back
    _set(browser, "time", 7, "input")
    assert set(browser.execute_script("return window.lifecircleMap.drawn()")) == _open_at(res, last, 7.0)

    # the year control: the first year's facilities
    browser.execute_script("document.getElementById('all-day').click()")  # back to all day
    _set(browser, "year", 0, "input")
    first = res.years_simulated[0]
    assert set(browser.execute_script("return window.lifecircleMap.drawn()")) == set(
        np.flatnonzero(res.open_on(res.year_end(first)).to_numpy()).tolist()
    )
    # district and category filters
    _set(browser, "district", 1, "change")
    _set(browser, "category", res.categories.index("convenience"), "change")
    shown = browser.execute_script("return window.lifecircleMap.drawn()")
    assert shown and all(f.district[i] == res.districts_zh[1] for i in shown)
    assert all(f.category[i] == "convenience" or "convenience" in f.also_serves[i] for i in shown)
    # Chinese and English labels
    title = browser.find_element("css selector", "h1").text
    browser.find_element("id", "lang").click()
    assert {title, browser.find_element("css selector", "h1").text} == {"便民生活圈地图", "Living-circle map"}
    assert _errors(browser) == []


def test_the_cli_writes_the_map_page_and_a_bad_results_file_is_an_error(tiny_results, cli, tmp_path):
    out = tmp_path / "m.html"
    r = subprocess.run(
        [cli, "map", str(tiny_results.path), "-o", str(out), "-q"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 150_000  # Leaflet itself is 147 kB
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"not a results file")
    r = subprocess.run([cli, "map", str(bad), "-o", str(tmp_path / "b.html")], capture_output=True, text=True)
    assert r.returncode != 0 and "bad.h5" in r.stderr and not (tmp_path / "b.html").exists()


def test_gis_export_every_layer_reads_back_in_wgs84_with_the_results_counts(tiny_results, tmp_path):
    gpd = pytest.importorskip("geopandas")
    import pyogrio

    res = tiny_results
    (path,) = res.export(tmp_path / "tiny.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {
        "edges",
        "facilities",
        "districts",
        "homes",
        "gap_sites",
        "access_by_slot",
        "fairness",
        "usage",
        "about",
    }
    read = {name: gpd.read_file(path, layer=name) for name in layers}
    for name in ("edges", "facilities", "districts", "homes", "gap_sites"):
        assert read[name].crs.to_epsg() == 4326, name
    net = res.table("network")
    assert len(read["edges"]) == len(net["edge_from"])
    assert len(read["facilities"]) == len(res.facilities)
    assert len(read["districts"]) == len(res.districts_zh)
    assert len(read["homes"]) == res.residents.home_node.nunique()
    assert read["homes"].residents.sum() == len(res.residents)
    assert len(read["gap_sites"]) == sum(len(s) for s in res.gaps().sites)
    # the yearly state of each facility is the results'
    for y in res.years_simulated:
        assert (read["facilities"][f"open_{y}"].to_numpy() == res.open_on(res.year_end(y)).to_numpy()).all()
    # the synthetic town sits at Yunfu's map origin
    about = dict(zip(read["about"].key, read["about"].value))
    assert about["synthetic"] == "true"
    lon, lat = read["facilities"].geometry.x, read["facilities"].geometry.y
    assert abs(lon.mean() - 112.0447) < 0.05 and abs(lat.mean() - 22.9308) < 0.05
    # GeoJSON: one file a layer
    paths = res.export(tmp_path / "tiny.geojson")
    assert {p.name for p in paths} >= {"tiny.facilities.geojson", "tiny.edges.geojson", "tiny.fairness.csv"}
    assert len(gpd.read_file(tmp_path / "tiny.facilities.geojson")) == len(res.facilities)
    with pytest.raises(lc.ArgumentError, match=r"\.gpkg or \.geojson"):
        res.export(tmp_path / "tiny.shp")


def test_helsinki_export_places_facilities_within_1_m_of_openstreetmap(helsinki_pbf, cli, tmp_path):
    gpd = pytest.importorskip("geopandas")
    import pyogrio

    res_path = tmp_path / "helsinki.h5"
    r = subprocess.run(
        [
            cli,
            "run",
            str(ROOT / "configs" / "helsinki.toml"),
            "-o",
            str(res_path),
            "--until",
            "2024-01-31",
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    gpkg = tmp_path / "helsinki.gpkg"
    r = subprocess.run([cli, "export", str(res_path), "-o", str(gpkg)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    fac = gpd.read_file(gpkg, layer="facilities")
    nodes = fac[fac.osm_id > 0]
    assert len(nodes) > 300
    # OpenStreetMap's coordinates as GDAL's own OSM driver reads them from the same file
    ids = ",".join(f"'{i}'" for i in nodes.osm_id)
    osm = pyogrio.read_dataframe(helsinki_pbf, layer="points", where=f"osm_id IN ({ids})")
    osm = osm.set_index(osm.osm_id.astype("int64"))
    assert len(osm) == nodes.osm_id.nunique()
    theirs = osm.loc[nodes.osm_id.to_numpy()].geometry
    k = np.pi / 180
    dx = (nodes.geometry.x.to_numpy() - theirs.x.to_numpy()) * k * 6371009 * np.cos(60.17 * k)
    dy = (nodes.geometry.y.to_numpy() - theirs.y.to_numpy()) * k * 6371009
    assert np.hypot(dx, dy).max() < 1.0


def test_helsinki_map_page_names_its_shops(helsinki_pbf, cli, tmp_path):
    res = lc.run(
        ROOT / "configs" / "helsinki.toml", until="2024-01-31", progress=False, output=tmp_path / "h.h5"
    )
    page = res.map().html
    assert "© OpenStreetMap contributors" in page
    data = json.loads(page.split('id="lc-data">', 1)[1].split("</script>", 1)[0])
    names = dict(zip(data["facilities"]["osm_id"], data["facilities"]["name"]))
    assert sum(1 for n in names.values() if n) > 300  # joined back from the OSM file by id
    # a node's name is OpenStreetMap's, as GDAL reads it
    import pyogrio

    some = [i for i, n in names.items() if n and i > 0][:20]
    osm = pyogrio.read_dataframe(
        helsinki_pbf, layer="points", where=f"osm_id IN ({','.join(repr(str(i)) for i in some)})"
    )
    assert dict(zip(osm.osm_id.astype("int64"), osm.name)) == {i: names[i] for i in some}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
