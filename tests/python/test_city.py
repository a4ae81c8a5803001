"""A planner's own city from GIS files (lifecircle.city, `lifecircle import-gis`; issue 25)."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import lifecircle as lc
from lifecircle.city import TypeTable, from_wgs84, to_wgs84

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")
pytest.importorskip("geocoordinates_ffi")

ROOT = Path(__file__).resolve().parents[2]
GK = "EPSG:4546"  # CGCS2000 / 3-degree Gauss-Kruger CM 111E: Yunfu's planning maps

#: Published conversion triples (WGS84, GCJ-02, BD-09; lon, lat in degrees, 7 decimals): the
#: test fixture of the gcoord library (github.com/hujiulong/gcoord, test/fixtures/china-cities.json,
#: MIT), for cities of Guangdong and its neighbours and across China.
PUBLISHED = [
    # city, WGS84, GCJ-02, BD-09
    ("梅州", (116.1174053, 24.2912377), (116.1222426, 24.2886182), (116.1287823, 24.2944828)),
    ("梧州", (111.2740147, 23.4795593), (111.2791187, 23.4769675), (111.2856358, 23.4828109)),
    ("汕头", (116.6775114, 23.3567569), (116.6819735, 23.3540964), (116.6885014, 23.3598884)),
    ("汕尾", (115.3702248, 22.7888255), (115.3751647, 22.7861903), (115.3817179, 22.7918527)),
    ("河源", (114.6962648, 23.7463448), (114.7009627, 23.7436914), (114.7074093, 23.7498752)),
    ("钦州", (108.6503952, 21.9828281), (108.6541485, 21.9799392), (108.6607283, 21.9856319)),
    ("驻马店", (114.0164322, 33.0133556), (114.022306, 33.0115324), (114.0287781, 33.0176697)),
    ("邵阳", (111.4622119, 27.242124), (111.4677938, 27.2388981), (111.4742271, 27.2451662)),
    ("辽阳", (123.2312099, 41.2651725), (123.2369518, 41.2672464), (123.2433178, 41.2736074)),
    ("那曲", (92.0499619, 31.4784436), (92.0512438, 31.4762063), (92.0576832, 31.4824421)),
    ("锡林浩特", (116.0414035, 43.9312805), (116.0482308, 43.9334573), (116.0546232, 43.9397782)),
    ("酒泉", (98.4937175, 39.7319946), (98.4943595, 39.7328234), (98.5008441, 39.7388949)),
]


#: Published pairs of the coordtransform library (github.com/wandergis/coordtransform, README and
#: test/app.js, MIT), the formulas most Chinese tools copy: (system from, system to, from, to).
#: Its inverses are one-step approximations, so they are a check to a few centimetres only.
COORDTRANSFORM = [
    ("wgs84", "gcj02", (116.404, 39.915), (116.41024449916938, 39.91640428150164)),
    ("gcj02", "wgs84", (116.404, 39.915), (116.39775550083061, 39.91359571849836)),
]


def _metres(a_lon, a_lat, b_lon, b_lat) -> np.ndarray:
    return np.array([lc.haversine(*p) for p in zip(a_lon, a_lat, b_lon, b_lat)])


def conversion_errors() -> dict[str, float]:
    """Largest distance (metres) between the library's result and the published value, in each
    direction."""
    w = np.array([p[1] for p in PUBLISHED])
    g = np.array([p[2] for p in PUBLISHED])
    b = np.array([p[3] for p in PUBLISHED])
    out = {}
    for name, src, dst, system, fn in [
        ("wgs84->gcj02", w, g, "gcj02", from_wgs84),
        ("gcj02->wgs84", g, w, "gcj02", to_wgs84),
        ("wgs84->bd09", w, b, "bd09", from_wgs84),
        ("bd09->wgs84", b, w, "bd09", to_wgs84),
    ]:
        lon, lat = fn(src[:, 0], src[:, 1], system)
        out[name] = float(_metres(lon, lat, dst[:, 0], dst[:, 1]).max())
    for a, b, src, dst in COORDTRANSFORM:
        lon, lat = (from_wgs84 if a == "wgs84" else to_wgs84)([src[0]], [src[1]], b if a == "wgs84" else a)
        out[f"{a}->{b} (coordtransform)"] = float(_metres(lon, lat, [dst[0]], [dst[1]])[0])
    return out


def test_conversion_matches_published_pairs_within_a_metre():
    # the published values have 7 decimals (about 1 cm); the forward offsets are exact
    # formulas, the inverses iterative: all four directions must land within a metre (GCJ-02 is
    # off by hundreds of metres, so a wrong direction or a missing conversion fails by far)
    errors = conversion_errors()
    assert max(errors.values()) < 1.0, errors
    # and the offset is real: GCJ-02 is hundreds of metres from WGS84 in these cities
    w = np.array([p[1] for p in PUBLISHED])
    g = np.array([p[2] for p in PUBLISHED])
    assert _metres(w[:, 0], w[:, 1], g[:, 0], g[:, 1]).min() > 100


def test_type_table_longest_prefix_decides_and_unknown_codes_are_none():
    t = TypeTable.load()
    assert t.categories[:2] == ["grocery", "food"]  # as configs/osm_categories.toml
    assert t.categories[t.match("060400")] == "grocery"  # 超级市场
    assert t.categories[t.match("050800")] == "grocery"  # 糕饼店: "0508" beats "05"
    assert t.categories[t.match("050100")] == "food"
    assert t.match("100100") == -1  # 宾馆酒店: ignored
    assert t.match("141201") == -1  # 高等院校: the six-digit rule beats "1412" (schools)
    assert t.match("230000") is None  # no such big class in the table
    with pytest.raises(lc.InputError, match=r"t.toml: \[b\] codes: 0604 is also in \[a\]"):
        TypeTable.parse('[a]\ncodes = ["0604"]\n[b]\ncodes = ["0604"]\n', "t.toml")


def test_a_tag_table_maps_baidu_style_tags_by_their_leading_levels():
    # Baidu exports carry tags ("美食;中餐厅"), not codes: a table of taxonomy "tags"
    t = TypeTable.parse(
        '[source]\ntaxonomy = "tags"\n[grocery]\ncodes = ["购物;超市", "购物;便利店"]\n'
        '[food]\ncodes = ["美食"]\n[ignore]\ncodes = ["购物", "酒店"]\n',
        "baidu.toml",
    )
    assert t.categories[t.match("美食;中餐厅")] == "food"  # the first level decides
    assert t.categories[t.match("购物;超市")] == "grocery"  # the longer rule beats "购物" (ignored)
    assert t.match("购物;家电数码") == -1 and t.match("酒店;星级酒店") == -1
    assert t.match("医疗;药店") is None  # not in the table: import-gis refuses it, naming the row
    with pytest.raises(lc.InputError, match="taxonomy 'baidu'"):
        TypeTable.parse('[source]\ntaxonomy = "baidu"\n[a]\ncodes = ["x"]\n', "t.toml")


def test_type_table_categories_are_the_osm_tables():
    # a city from Amap exports and one from OpenStreetMap have the same categories
    import tomllib

    osm = list(tomllib.loads((ROOT / "configs" / "osm_categories.toml").read_text()))
    assert TypeTable.load().categories == osm


# --- a small city in the files a bureau holds ------------------------------------------------

CENTRE = (112.0444, 22.9158)


def _gk(lon, lat):
    import pyproj

    return pyproj.Transformer.from_crs(4326, GK, always_xy=True).transform(lon, lat)


def write_small_city(folder: Path, *, bad_code: bool = False, names: bool = True) -> dict[str, Path]:
    """A 5 x 5 street grid 100 m apart in EPSG:4546 with a motorway across it and one loose
    path; two districts (west, east halves); points of interest in GCJ-02; a population table."""
    folder.mkdir(parents=True, exist_ok=True)
    x0, y0 = _gk(*CENTRE)
    lines, kinds = [], []
    for i in range(5):
        lines.append(shapely.LineString([(x0 + 100 * j, y0 + 100 * i) for j in range(5)]))
        lines.append(shapely.LineString([(x0 + 100 * i, y0 + 100 * j) for j in range(5)]))
        kinds += ["residential", "footway"]
    lines.append(shapely.LineString([(x0, y0), (x0 + 400, y0 + 400)]))  # a motorway: dropped
    kinds.append("motorway")
    lines.append(shapely.LineString([(x0 + 1000, y0), (x0 + 1050, y0)]))  # not connected
    kinds.append("footway")
    roads = gpd.GeoDataFrame({"fclass": kinds, "geometry": lines}, crs=GK)
    roads.to_file(folder / "roads.gpkg", layer="roads", driver="GPKG")
    west = shapely.box(x0 - 50, y0 - 50, x0 + 150, y0 + 450)
    east = shapely.box(x0 + 150, y0 - 50, x0 + 450, y0 + 450)
    field = "name" if names else "code"
    gpd.GeoDataFrame({field: ["西区", "东区"], "geometry": [west, east]}, crs=GK).to_file(
        folder / "districts.gpkg", layer="communities", driver="GPKG"
    )
    import pyproj

    back = pyproj.Transformer.from_crs(GK, 4326, always_xy=True)
    # (x, y offsets in metres, code, name): grocery and food in both, health only in the west,
    # one hotel (ignored), one point outside both districts
    pts = [
        (10, 10, "060400", "超市"),
        (310, 210, "060200", "便利店"),
        (20, 300, "050100", "中餐厅"),
        (320, 320, "050300|060200", "快餐便利"),
        (110, 110, "090601", "药房"),
        (200, 200, "100100", "宾馆"),
        (900, 0, "050500", "咖啡厅"),
    ]
    if bad_code:
        pts.append((50, 50, "230000", "未知"))
    lon, lat = back.transform([x0 + p[0] for p in pts], [y0 + p[1] for p in pts])
    glon, glat = from_wgs84(lon, lat, "gcj02")
    pd.DataFrame(
        {
            "id": [f"B0{i}" for i in range(len(pts))],
            "name": [p[3] for p in pts],
            "typecode": [p[2] for p in pts],
            "location": [f"{a:.6f},{b:.6f}" for a, b in zip(glon, glat)],
        }
    ).to_csv(folder / "pois.csv", index=False)
    pd.DataFrame({"name": ["西区", "东区"], "population": [1200, 3000]}).to_csv(
        folder / "population.csv", index=False
    )
    return {
        k: folder / v
        for k, v in [
            ("roads", "roads.gpkg"),
            ("districts", "districts.gpkg"),
            ("pois", "pois.csv"),
            ("population", "population.csv"),
        ]
    }


def _import(cli, files, out, *extra):
    cmd = [
        cli,
        "import-gis",
        "--roads",
        str(files["roads"]),
        "--walk-field",
        "fclass",
        "--walk-exclude",
        "motorway",
        "--pois",
        str(files["pois"]),
        "--boundaries",
        str(files["districts"]),
        "--population",
        str(files["population"]),
        *extra,
    ]
    if out is not None:
        cmd += ["-o", str(out)]
    return subprocess.run(cmd, capture_output=True, text=True)


def test_import_gis_writes_a_city_the_engine_reads(cli, tmp_path):
    files = write_small_city(tmp_path / "in")
    out = tmp_path / "city.h5"
    p = _import(cli, files, out)
    assert p.returncode == 0, p.stderr
    net = lc.WalkNetwork.from_city_file(out)
    # the grid's 25 points less its 4 corners (two neighbours each: simplified into the edges
    # around them, as osmnx does); the motorway's diagonal would have added edges and nodes, and
    # the loose path is another component: both left out
    assert (net.num_nodes, net.num_edges) == (21, 36)
    # 40 segments of 100 m on the map: lengths are the engine's great-circle ones on its sphere
    # (as import-osm and osmnx), 0.1% above the ellipsoid's here (docs/import-gis.md)
    assert abs(net.total_length / 4000 - 1) < 0.002, net.total_length
    f = net.facilities
    # a point with two codes counts once in each category; the hotel is no facility
    assert sorted(f["category"].astype(str)) == [
        "food",
        "food",
        "food",
        "grocery",
        "grocery",
        "grocery",
        "health",
    ]
    assert set(f["osm_type"]) == {"g"}
    # positions: GCJ-02 converted back to WGS84 (the supermarket 10 m east and north of the corner)
    corner = net.nodes.loc[net.snap([0.0], [0.0])["node_id"][0]]
    shop = f[f["name"] == "超市"].iloc[0]
    x0, y0 = lc._core.project(*net.origin, np.array([CENTRE[0]]), np.array([CENTRE[1]]))
    assert abs(shop.x - (x0[0] + 10)) < 0.5 and abs(shop.y - (y0[0] + 10)) < 0.5, (shop.x, shop.y, corner)
    city = lc._core.read_city(str(out))
    assert city["districts"] == ["西区", "东区"]
    names = dict(zip(f["name"], f["district"]))
    assert names["超市"] == 0 and names["便利店"] == 1 and names["咖啡厅"] == -1
    homes = city["homes"]
    # each district's residents spread over the nodes inside it: the table's totals kept
    by = pd.Series(homes["residents"]).groupby(homes["district"]).sum()
    assert by.round(6).to_dict() == {0: 1200.0, 1: 3000.0}
    assert "wrote" in p.stdout and "no_data: 11" in p.stdout  # e.g. health in the east: no data


def test_no_data_is_not_no_facility(tmp_path):
    files = write_small_city(tmp_path / "in")
    kw = dict(
        walk_field="fclass", walk_exclude=["motorway"], pois=files["pois"], boundaries=files["districts"]
    )
    city = lc.City.from_gis(files["roads"], **kw)
    counts = city.facility_counts().set_index(["district", "category"])
    # the east has no point of health in the input: "no data", not an uncovered district
    assert counts.loc[("东区", "health"), "status"] == "no data"
    assert counts.loc[("西区", "health"), "status"] == "data"
    assert ("东区", "health") in set(zip(city.no_data()["district"], city.no_data()["category"]))
    # the importer (or the scenario) says there is none: then it is "none", and no longer a gap in the data
    known = lc.City.from_gis(files["roads"], **kw, known_absent=[("东区", "health")])
    counts = known.facility_counts().set_index(["district", "category"])
    assert counts.loc[("东区", "health"), "status"] == "none"
    assert ("东区", "health") not in set(zip(known.no_data()["district"], known.no_data()["category"]))
    out = tmp_path / "known.h5"
    known.write(out)
    assert lc._core.read_city(str(out))["known_absent"] == ["东区\thealth"]


def test_validate_reports_counts_and_examples_and_writes_nothing(cli, tmp_path):
    files = write_small_city(tmp_path / "in", bad_code=True)
    out = tmp_path / "city.h5"
    p = _import(cli, files, None, "--validate")
    assert p.returncode == 2  # an unmapped type is an error to fix
    text = p.stdout
    assert "unmapped_type: 1" in text and "row 9, field 'typecode': '230000'" in text
    assert "ignored_type: 1" in text and "100100 x1" in text
    assert "poi_outside_boundaries: 1" in text and "咖啡厅" in text
    assert "roads_not_connected: 1" in text and "feature 12 (fclass=footway)" in text
    # 16 district x category pairs, 5 with points: the other 11 are "no data"
    assert "no_data: 11" in text
    assert not out.exists()


@pytest.mark.parametrize(
    "case, extra, expected",
    [
        (
            "unknown CRS",
            ["--roads-crs", "EPSG:999999"],
            r"roads\.gpkg: layer 'roads' \(--crs given\): unknown coordinate reference system 'EPSG:999999'",
        ),
        (
            "type code absent",
            [],
            r"pois\.csv: row 9, field 'typecode': '230000': type code not in configs/amap_categories.toml",
        ),
        (
            "polygons without names",
            [],
            r"districts\.gpkg: layer 'communities': no field 'name' naming the districts \(fields: code\)",
        ),
    ],
)
def test_bad_input_names_file_layer_row_and_field_and_leaves_no_file(cli, tmp_path, case, extra, expected):
    files = write_small_city(
        tmp_path / "in", bad_code=case == "type code absent", names=case != "polygons without names"
    )
    out = tmp_path / "city.h5"
    p = _import(cli, files, out, *extra)
    assert p.returncode == 2, p.stdout + p.stderr
    import re

    assert re.search(expected, p.stderr), p.stderr
    assert not out.exists()
    assert list(tmp_path.glob("city.h5*")) == []  # no temporary left either


def test_population_from_a_geotiff_lands_on_the_nearest_nodes(tmp_path):
    rasterio = pytest.importorskip("rasterio")
    from rasterio.transform import from_origin

    files = write_small_city(tmp_path / "in")
    x0, y0 = _gk(*CENTRE)
    # a 2 x 2 grid of 200 m cells over the street grid: 100, 200, 300, 400 residents
    tif = tmp_path / "pop.tif"
    data = np.array([[100, 200], [300, 400]], dtype=np.float32)
    with rasterio.open(tif, "w", driver="GTiff", height=2, width=2, count=1, dtype="float32", crs=GK,
                       transform=from_origin(x0 - 0.5, y0 + 400.5, 200, 200)) as dst:  # fmt: skip
        dst.write(data, 1)
    city = lc.City.from_gis(files["roads"], walk_field="fclass", walk_exclude=["motorway"], population=tif)
    assert city.homes["residents"].sum() == pytest.approx(1000)
    assert len(city.homes) == 4  # each cell's centre on one node


@pytest.fixture(scope="module")
def helsinki_comparison(tmp_path_factory, cli):
    pbf = ROOT.parent / "shared" / "data" / "helsinki_centre.osm.pbf"
    if not pbf.exists():
        pytest.skip("../shared/data is absent (a user's own clone): the Helsinki comparison is skipped")
    spec = importlib.util.spec_from_file_location("gis_helsinki", ROOT / "bench" / "gis_helsinki.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path_factory.mktemp("helsinki")
    osm = out / "osm.h5"
    subprocess.run([cli, "import-osm", str(pbf), "-o", str(osm)], check=True, capture_output=True)
    results = {}
    for separate, decimals in ((False, 6), (True, 9)):
        inputs = bench.make_inputs(out, osm, separate_coincident=separate, decimals=decimals)
        gis = out / f"gis-{separate}.h5"
        p = subprocess.run(
            [
                cli,
                "import-gis",
                "--roads",
                str(inputs["roads"]),
                "--walk-field",
                "class",
                "--walk-exclude",
                "motorway",
                "--pois",
                str(inputs["pois"]),
                "-o",
                str(gis),
            ],
            capture_output=True,
            text=True,
        )
        assert p.returncode == 0, p.stderr
        results[separate] = bench.compare(osm, gis)
    results["coincident"] = len(bench.coincident_points(lc._core.read_osm_lines(str(pbf))))
    return results


def test_helsinki_through_gis_files_equals_import_osm_within_a_metre(helsinki_comparison):
    # Helsinki moved to Yunfu (GK projection, GCJ-02 points with Amap codes), read back by
    # import-gis: the same network, facilities and reach tables as import-osm of the original,
    # once the GIS copy keeps apart the one pair of distinct OSM nodes at one place (a line
    # layer joins lines at a shared vertex) and the points carry more than Amap's 6 decimals
    c = helsinki_comparison[True]
    assert c["gis_nodes"] == c["osm_nodes"] and c["gis_edges"] == c["osm_edges"], c
    assert c["nodes_matched_one_to_one"] and c["edges_same_ends"], c
    assert c["node_max_m"] < 1.0 and c["edge_length_max_m"] < 1.0, c
    assert c["facility_counts_equal"] and c["facilities_gis"] == c["facilities_osm"], c
    assert c["facility_max_m"] < 1.0, c
    assert c["reach_same_in_and_out_of_reach"] and c["reach_max_m"] < 1.0, c


def test_helsinki_as_exported_differs_only_where_a_gis_layer_must(helsinki_comparison):
    # the copy as an export holds it: the coincident OSM nodes become one junction (one edge
    # more, the same nodes and lengths), and the points' 6 decimals move them under 0.1 m
    c = helsinki_comparison[False]
    assert helsinki_comparison["coincident"] == 1
    assert c["gis_nodes"] == c["osm_nodes"] and c["gis_edges"] == c["osm_edges"] + 1, c
    assert c["node_max_m"] < 0.01 and abs(c["total_length_gis_km"] - c["total_length_osm_km"]) < 1e-3, c
    assert c["facility_counts_equal"] and c["facility_max_m"] < 0.1, c


def scenario_on_city(folder: Path, city: Path, districts: list[tuple[str, int]]) -> Path:
    """configs/helsinki.toml's categories and behaviour (grocery, food, health, transit: keys
    of configs/amap_categories.toml), with these districts and `[network] source = "city"`."""
    text = (ROOT / "configs" / "helsinki.toml").read_text(encoding="utf-8")
    head = text[: text.index("[[districts]]")]
    blocks = "".join(
        f'[[districts]]\nname = "{name}"\npinyin = "d{i}"\nstreets = ["s{i}"]\nprogramme_start = 2024\n'
        f'circle_class = "basic"\npopulation = {people}\nage_shares = {{ child = 0.15, working = 0.65, '
        f"elderly = 0.2 }}\nhousehold_size = 2.8\narea_km2 = 0.1\nbaseline = {{}}\n\n"
        for i, (name, people) in enumerate(districts)
    )
    path = folder / "on_city.toml"
    path.write_text(head + blocks + f'[network]\nsource = "city"\ncity = "{city}"\n', encoding="utf-8")
    return path


def test_a_scenario_runs_on_an_imported_city(cli, tmp_path):
    # the engine reads the city file import-gis wrote: its network, facilities (the
    # scenario's categories by key), districts (by name) and homes
    files = write_small_city(tmp_path / "in")
    out = tmp_path / "city.h5"
    assert _import(cli, files, out).returncode == 0
    sc = scenario_on_city(tmp_path, out, [("西区", 1200), ("东区", 3000)])
    res = lc.run(sc, until="2024-01-31", progress=False, output=tmp_path / "run.h5")
    city = lc._core.read_city(str(out))
    # every facility of the city file whose category the scenario has, in its polygon's
    # district (the cafe outside both takes its node's)
    f = res.facilities
    base = f[f.origin == "baseline"]
    assert sorted(base.category) == sorted(
        c for c in np.array(city["categories"])[city["facilities"]["category"]]
    )
    by_name = dict(zip(city["facilities"]["name"], city["facilities"]["district"]))
    t = res.table("facilities")
    cats = np.array(city["categories"])[city["facilities"]["category"]]
    kept = [i for i, c in enumerate(cats) if c in res.categories]  # the city's rows the world holds, in order
    names = [city["facilities"]["name"][i] for i in kept]
    for row, name in enumerate(names):
        if by_name[name] >= 0:  # inside a polygon: that district
            assert res.districts_zh[int(t["district"][row])] == city["districts"][by_name[name]], name
    # residents as the scenario's populations, living on the nodes the file puts in their district
    people = res.residents_on(res.end)
    assert people.groupby("district").size().to_dict() == {"东区": 3000, "西区": 1200}
    node_district = np.asarray(city["node_district"])
    names = city["districts"]
    homes = people.home_node.to_numpy()
    assert (np.array(names)[node_district[homes]] == people.district.to_numpy()).all()
    # a scenario whose districts are not the file's is refused, naming the district
    bad = scenario_on_city(tmp_path, out, [("西区", 1200), ("北区", 10)])
    # (东区 of the file has no district of the scenario's)
    with pytest.raises(
        lc.ConfigError, match=r"network\.city: .*city\.h5: district \"东区\" is not one of the"
    ):
        lc.run(bad, until="2024-01-31", progress=False, output=tmp_path / "bad.h5")


def test_baidu_bd09_and_xlsx_exports_give_the_same_facilities(tmp_path):
    # the same points as a Baidu export would hold them (BD-09) in an XLSX sheet: the same
    # facilities, within the conversions' error, as the Amap CSV (GCJ-02)
    pytest.importorskip("openpyxl")
    files = write_small_city(tmp_path / "in")
    amap = pd.read_csv(files["pois"], dtype=str)
    lon, lat = (amap["location"].str.split(",", expand=True)[k].astype(float) for k in (0, 1))
    wlon, wlat = to_wgs84(lon, lat, "gcj02")
    blon, blat = from_wgs84(wlon, wlat, "bd09")
    baidu = amap.drop(columns="location").assign(lng=blon, lat=blat)
    xlsx = tmp_path / "baidu.xlsx"
    baidu.to_excel(xlsx, sheet_name="POI", index=False)
    kw = dict(walk_field="fclass", walk_exclude=["motorway"])
    a = lc.City.from_gis(files["roads"], pois=files["pois"], poi_crs="gcj02", **kw).facilities
    b = lc.City.from_gis(files["roads"], pois=xlsx, poi_sheet="POI", poi_crs="bd09", **kw).facilities
    assert list(a["category"]) == list(b["category"]) and list(a["name"]) == list(b["name"])
    assert np.hypot(a["x"] - b["x"], a["y"] - b["y"]).max() < 0.5


def test_shapefile_and_geojson_roads_give_the_geopackage_network(tmp_path):
    # the same lines as a Shapefile (Gauss-Kruger, with its .prj) and as GeoJSON (WGS84):
    # the same network to the millimetre
    files = write_small_city(tmp_path / "in")
    roads = gpd.read_file(files["roads"])
    roads.to_file(tmp_path / "roads.shp")
    roads.to_crs(4326).to_file(tmp_path / "roads.geojson", driver="GeoJSON")
    kw = dict(walk_field="fclass", walk_exclude=["motorway"])
    nets = [
        lc.City.from_gis(p, **kw).network
        for p in (files["roads"], tmp_path / "roads.shp", tmp_path / "roads.geojson")
    ]
    for net in nets[1:]:
        assert (net.num_nodes, net.num_edges) == (nets[0].num_nodes, nets[0].num_edges)
        assert abs(net.total_length - nets[0].total_length) < 1e-3
        a, b = nets[0].nodes.sort_values(["x", "y"]), net.nodes.sort_values(["x", "y"])
        assert np.abs(a[["x", "y"]].to_numpy() - b[["x", "y"]].to_numpy()).max() < 1e-3
