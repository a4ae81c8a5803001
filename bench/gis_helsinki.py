"""Real data no one here wrote, through `lifecircle import-gis` (issue 25, "Must show").

The Helsinki OpenStreetMap extract (../shared/data) is moved to Yunfu's coordinates and
written as a Chinese planning bureau and an Amap export would hold it:

- roads: the walkable ways the OSM import reads (its own filter, `_core.read_osm_lines`),
  as a GeoPackage in CGCS2000 / 3-degree Gauss-Kruger CM 111E (EPSG:4546, the projected
  system of Yunfu's planning maps), with a field `class` = "walk", plus lines of class
  "motorway" sharing vertices with the walkable ones, which the attribute mapping drops;
- points of interest: the facilities import-osm finds, one CSV row a feature with Amap-style
  type codes (the first code of each category in configs/amap_categories.toml, `|` between
  several) and GCJ-02 coordinates with 6 decimals, as Amap gives them; plus rows of codes the
  table ignores (hotels, banks), which must not become facilities.

The move: each point's place in a local azimuthal equidistant projection centred on the
Helsinki network's centre is given back as longitude/latitude by the same projection centred
on Yunfu (112.0444 E, 22.9158 N). Both projections use the sphere of radius 6,371,009 m that
the engine's lengths use (haversine, as osmnx), so every length is kept to about 1e-8 of
itself; on the ellipsoid, moving from 60 N to 23 N would change spherical lengths by 0.2-0.4%.

Then `import-osm` of the original and `import-gis` of the moved copy are compared, each
moved back into the other's frame: network nodes (matched by position), edges (their
lengths), facilities per category (positions) and reach tables (the 3 nearest of each
category within 15 minutes at 80 m/min, node by node). Prints one JSON line a measurement.

    LIFECIRCLE_CLI=build/release/lifecircle PYTHONPATH=build/release/python \\
        .venv/bin/python bench/gis_helsinki.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import lifecircle as lc
from lifecircle import _core

ROOT = Path(__file__).resolve().parents[1]
PBF = ROOT.parent / "shared" / "data" / "helsinki_centre.osm.pbf"
YUNFU = (112.0444, 22.9158)  # lon, lat: Yunfu's city centre (云城区)
GK_CRS = "EPSG:4546"  # CGCS2000 / 3-degree Gauss-Kruger CM 111E
SPHERE_R = 6371009.0  # metres: the engine's haversine radius (core/line_network.cpp)
SPEED = 80.0  # metres a minute (lifecircle.network.DEFAULT_SPEED_M_PER_MIN)
MINUTES = 15
K = 3
#: Codes the table ignores, written as extra rows that must not become facilities.
IGNORED_ROWS = [("100100", "宾馆酒店"), ("160100", "银行"), ("120302", "住宅小区")]


class Move:
    """Helsinki <-> Yunfu through local azimuthal equidistant projections on the sphere."""

    def __init__(self, helsinki: tuple[float, float], yunfu: tuple[float, float] = YUNFU):
        import pyproj

        def aeqd(lon, lat):
            return pyproj.Proj(f"+proj=aeqd +lon_0={lon} +lat_0={lat} +R={SPHERE_R} +units=m +no_defs")

        self.h = aeqd(*helsinki)
        self.y = aeqd(*yunfu)

    def there(self, lon, lat):
        x, y = self.h(np.asarray(lon), np.asarray(lat))
        return self.y(x, y, inverse=True)

    def back(self, lon, lat):
        x, y = self.y(np.asarray(lon), np.asarray(lat))
        return self.h(x, y, inverse=True)


def first_codes(table_text: str) -> dict[str, str]:
    """Each category's first code of the table, as a six-digit Amap code."""
    import tomllib

    data = tomllib.loads(table_text)
    return {
        name: t["codes"][0].ljust(6, "0")
        for name, t in data.items()
        if isinstance(t, dict) and "codes" in t and name not in ("ignore", "source")
    }


def coincident_points(lines: dict) -> pd.DataFrame:
    """OpenStreetMap nodes of the walkable ways that lie at exactly the place of another node
    (id, lon, lat): distinct, unconnected nodes to OSM, one point to a GIS layer."""
    d = pd.DataFrame({"id": lines["point_ids"], "lon": lines["lon"], "lat": lines["lat"]}).drop_duplicates()
    first = d.drop_duplicates(["lon", "lat"])
    return d[~d.index.isin(first.index)]


def make_inputs(
    out: Path, osm_city: Path, *, separate_coincident: bool = False, decimals: int = 6
) -> dict[str, Path]:
    """roads.gpkg and pois.csv of Helsinki moved to Yunfu (see the module doc).

    A GIS line layer has no node ids: lines that share a vertex meet. OpenStreetMap can hold two
    distinct, unconnected nodes at exactly one place (the Helsinki extract has one such pair,
    on two ways that cross without a junction); the GIS copy then joins them. With
    ``separate_coincident`` the later node of each such pair is moved 1 cm east in the copy,
    as a bureau's layer would keep two roads apart, so that both inputs hold the same network.
    Points of interest carry ``decimals`` decimals (Amap gives 6: about 0.1 m).
    """
    import geopandas as gpd
    import pyproj
    import shapely

    out.mkdir(parents=True, exist_ok=True)
    osm = lc.WalkNetwork.from_city_file(osm_city)
    move = Move(osm.origin)
    lines = _core.read_osm_lines(str(PBF))
    src_lon = np.array(lines["lon"], dtype=np.float64)
    if separate_coincident:
        moved = set(coincident_points(lines)["id"])
        shift = np.isin(lines["point_ids"], list(moved))
        src_lon[shift] += 0.01 / (111_195.0 * np.cos(np.radians(np.array(lines["lat"])[shift])))
    lon, lat = move.there(src_lon, lines["lat"])
    to_gk = pyproj.Transformer.from_crs(4326, GK_CRS, always_xy=True)
    gx, gy = to_gk.transform(lon, lat)
    starts = list(lines["line_start"]) + [len(lines["lon"])]
    geoms = [shapely.LineString(np.column_stack([gx[a:b], gy[a:b]])) for a, b in zip(starts[:-1], starts[1:])]
    kind = ["walk"] * len(geoms)
    # motorways through the walkable network (sharing its vertices): the mapping must drop them
    rng = np.random.default_rng(25)
    for _ in range(5):
        a, b = rng.integers(0, len(gx), size=2)
        geoms.append(shapely.LineString([(gx[a], gy[a]), (gx[b], gy[b])]))
        kind.append("motorway")
    roads = gpd.GeoDataFrame({"class": kind, "geometry": geoms}, crs=GK_CRS)
    roads_path = out / "roads.gpkg"
    roads.to_file(roads_path, layer="roads", driver="GPKG")

    codes = first_codes(_core.builtin_amap_categories_text())
    fac = osm.facilities
    rows = []
    for (osm_type, osm_id), g in fac.groupby(["osm_type", "osm_id"], sort=False):
        flon, flat = move.there(g["lon"].iloc[0], g["lat"].iloc[0])
        glon, glat = lc.city.from_wgs84([flon], [flat], "gcj02")
        rows.append(
            {
                "id": f"B0{osm_type.upper()}{osm_id}",
                "name": g["name"].iloc[0],
                "typecode": "|".join(codes[str(c)] for c in g["category"]),
                "location": f"{glon[0]:.{decimals}f},{glat[0]:.{decimals}f}",
            }
        )
    for i, (code, name) in enumerate(IGNORED_ROWS):
        glon, glat = lc.city.from_wgs84([YUNFU[0] + 0.001 * i], [YUNFU[1]], "gcj02")
        rows.append(
            {"id": f"B0X{i}", "name": name, "typecode": code, "location": f"{glon[0]:.6f},{glat[0]:.6f}"}
        )
    pois_path = out / "pois.csv"
    pd.DataFrame(rows).to_csv(pois_path, index=False, encoding="utf-8")
    return {"roads": roads_path, "pois": pois_path}


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak resident memory (MB) and output of a command (GNU time)."""
    p = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", *cmd], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    m = re.search(r"TIME ([\d.]+) (\d+)", p.stderr)
    return float(m.group(1)), int(m.group(2)) / 1024, p.stdout


def _xy_in(net_to: lc.WalkNetwork, net_from: lc.WalkNetwork, move: Move, x, y):
    """Points of `net_from`'s frame (Yunfu) in `net_to`'s frame (Helsinki)."""
    lon, lat = _core.unproject(
        net_from.origin[0], net_from.origin[1], np.asarray(x, float), np.asarray(y, float)
    )
    hlon, hlat = move.back(lon, lat)
    return _core.project(net_to.origin[0], net_to.origin[1], np.asarray(hlon), np.asarray(hlat))


def compare(osm_path: Path, gis_path: Path) -> dict[str, float]:
    """Largest differences between the two city files (metres), and counts."""
    osm = lc.WalkNetwork.from_city_file(osm_path)
    gis = lc.WalkNetwork.from_city_file(gis_path)
    move = Move(osm.origin)
    out: dict[str, float] = {"osm_nodes": osm.num_nodes, "gis_nodes": gis.num_nodes}
    out["osm_edges"], out["gis_edges"] = osm.num_edges, gis.num_edges
    # nodes: each GIS node's nearest OSM node, in the OSM frame
    gn = gis.nodes
    hx, hy = _xy_in(osm, gis, move, gn["x"], gn["y"])
    snap = osm.snap(hx, hy)
    out["node_max_m"] = float(snap["distance"].max())
    out["nodes_matched_one_to_one"] = int(snap["node_id"].nunique() == len(snap) == osm.num_nodes)
    to_osm = dict(zip(gn.index, snap["node_id"]))

    # edges: by their matched end nodes, lengths sorted (parallel edges)
    def edge_table(net, rename=None):
        e = net.edges
        a, b = e["from"], e["to"]
        if rename is not None:
            a, b = a.map(rename), b.map(rename)
        key = pd.Series([tuple(sorted(p)) for p in zip(a, b)])
        return e.assign(key=key).sort_values(["key", "length"]).groupby("key")["length"].apply(list)

    eo, eg = edge_table(osm), edge_table(gis, to_osm)
    out["edges_same_ends"] = int(set(eo.index) == set(eg.index))
    common = eo.index.intersection(eg.index)
    diffs = [
        max(abs(p - q) for p, q in zip(eo[k], eg[k])) if len(eo[k]) == len(eg[k]) else np.inf for k in common
    ]
    out["edge_length_max_m"] = float(max(diffs)) if diffs else float("nan")
    out["total_length_osm_km"] = osm.total_length / 1000
    out["total_length_gis_km"] = gis.total_length / 1000
    # facilities per category
    fo, fg = osm.facilities, gis.facilities
    fx, fy = _xy_in(osm, gis, move, fg["x"], fg["y"])
    fg = fg.assign(x=fx, y=fy)
    worst, counts_equal = 0.0, True
    reach_worst, reach_pattern = 0.0, True
    radius = MINUTES * SPEED
    gis_index_in_osm = osm.nodes.index.get_indexer(snap["node_id"])
    for c in osm.categories:
        a = fo[fo["category"] == c][["x", "y"]].to_numpy()
        b = fg[fg["category"] == c][["x", "y"]].to_numpy()
        counts_equal &= len(a) == len(b)
        if len(a) and len(b):
            d = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
            worst = max(worst, float(d.min(axis=1).max()), float(d.min(axis=0).max()))
        if not len(a) or not len(b):
            continue
        ro = osm.nearest(fo[fo["category"] == c], k=K, max_distance=radius).to_numpy()
        rg = gis.nearest(gis.facilities[gis.facilities["category"] == c], k=K, max_distance=radius).to_numpy()
        ro_on_gis = ro[gis_index_in_osm]  # the OSM row of each GIS node
        reach_pattern &= bool(np.array_equal(ro_on_gis >= radius, rg >= radius))
        both = (ro_on_gis < radius) & (rg < radius)
        if both.any():
            reach_worst = max(reach_worst, float(np.abs(ro_on_gis[both] - rg[both]).max()))
    out["facilities_osm"], out["facilities_gis"] = len(fo), len(gis.facilities)
    # facilities nearly as far from their second-nearest node as from the nearest: a shift of
    # centimetres can snap them to the other one (then reach differs along the edge between)
    nodes = osm.nodes[["x", "y"]].to_numpy()
    gap = []
    for fx_, fy_ in fo[["x", "y"]].to_numpy():
        d = np.sort(np.hypot(nodes[:, 0] - fx_, nodes[:, 1] - fy_))[:2]
        gap.append(d[1] - d[0])
    out["facilities_snap_within_0.15m_of_a_tie"] = int((np.array(gap) < 0.15).sum())
    out["facility_counts_equal"] = int(counts_equal)
    out["facility_max_m"] = worst
    out["reach_max_m"] = reach_worst
    out["reach_same_in_and_out_of_reach"] = int(reach_pattern)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", help="folder for the inputs and city files (default: a temporary one)")
    args = p.parse_args(argv)
    if not PBF.exists():
        print(json.dumps({"bench": "gis_helsinki", "skipped": f"{PBF} is absent"}))
        return 0
    cli = os.environ.get("LIFECIRCLE_CLI", "lifecircle")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or tmp)
        out.mkdir(parents=True, exist_ok=True)
        osm_path, gis_path = out / "helsinki_osm.h5", out / "helsinki_gis.h5"
        osm_s, osm_mb, _ = timed([cli, "import-osm", str(PBF), "-o", str(osm_path)])
        print(
            json.dumps(
                {"bench": "import_osm", "file": PBF.name, "seconds": osm_s, "peak_mb": round(osm_mb, 1)}
            )
        )
        print(
            json.dumps(
                {"bench": "coincident_osm_nodes", "n": len(coincident_points(_core.read_osm_lines(str(PBF))))}
            )
        )
        for separate, decimals in ((False, 6), (True, 6), (True, 9)):
            inputs = make_inputs(out, osm_path, separate_coincident=separate, decimals=decimals)
            gis_s, gis_mb, text = timed(
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
                    "--poi-crs",
                    "gcj02",
                    "-o",
                    str(gis_path),
                ]
            )
            print(
                json.dumps(
                    {
                        "bench": "import_gis",
                        "file": "helsinki moved to Yunfu (gpkg + csv)",
                        "seconds": gis_s,
                        "peak_mb": round(gis_mb, 1),
                    }
                )
            )
            print(
                json.dumps(
                    {
                        "bench": "gis_vs_osm",
                        "separate_coincident": separate,
                        "poi_decimals": decimals,
                        **compare(osm_path, gis_path),
                    }
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
