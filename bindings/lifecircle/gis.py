"""GIS files of a run: ``lifecircle export RESULTS.h5 -o city.gpkg`` (or ``.geojson``).

Layers, all in WGS84 longitude/latitude (EPSG:4326), written through GeoPandas and pyogrio
(GDAL), readable by QGIS and by ``geopandas.read_file``:

- ``edges``: the walking network, one line a edge (length, district).
- ``facilities``: every facility that existed, at its own position (for OpenStreetMap cities
  the mapped point), with category, origin, opening and closing dates, hours, and its
  state at the end of each simulated year (``open_2024`` ...) and visits in it
  (``visits_2024`` ...).
- ``districts``: one polygon a district (the concave hull of its network nodes), with each
  year's satisfaction and 15-minute usage.
- ``homes``: one point a home node, with its residents at the end of ``year`` and, for each
  basic category, the share of them inside its ring (``ring_<category>``), and how many
  basic categories all of them have inside (``basic_in_ring``).
- ``gap_sites``: the recommended sites of ``Results.gaps(year)``, one point a site.
- tables without geometry: ``access_by_slot``, ``fairness``, ``usage`` (lifecircle.access)
  and ``about`` (what the file is, the map origin, whether the town is synthetic).

A GeoPackage holds every layer; GeoJSON holds one, so ``city.geojson`` is written as one
file a layer, ``city.<layer>.geojson`` (tables as ``city.<table>.csv``).

Needs the optional packages ``geopandas`` and ``pyogrio`` (``pip install lifecircle[gis]``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lifecircle import _core

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.results import Results

#: The projection's earth radius (core/osm_import.cpp, as osmnx), metres.
EARTH_RADIUS = 6371009.0
CRS = "EPSG:4326"


def lonlat(res: Results, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (degrees) of map coordinates (metres east and north of the
    results' map origin): the exact inverse of the equirectangular projection the OSM
    import and the synthetic town use (core/osm_import.cpp ``project``)."""
    lon0, lat0 = float(res.attrs["origin_lon"]), float(res.attrs["origin_lat"])
    k = np.pi / 180.0
    lon = lon0 + np.asarray(x, dtype=float) / (EARTH_RADIUS * k * np.cos(lat0 * k))
    lat = lat0 + np.asarray(y, dtype=float) / (EARTH_RADIUS * k)
    return lon, lat


def is_synthetic(res: Results) -> bool:
    """Whether the run's town is synthetic (placed at the scenario's map origin) rather than
    read from OpenStreetMap or a network file."""
    return res.scenario.data.get("network", {}).get("source", "synthetic") == "synthetic"


def _geopandas():
    try:
        import geopandas
        import pyogrio  # noqa: F401  (the writer GeoPandas uses)
    except ImportError as e:
        raise _core.ArgumentError(
            f"GIS export needs geopandas and pyogrio ({e.name} is missing): pip install 'lifecircle[gis]'"
        ) from None
    return geopandas


def layers(res: Results, year: int | None = None) -> dict[str, pd.DataFrame]:
    """Every layer of the export as (Geo)DataFrames in EPSG:4326, by name; tables without
    geometry as DataFrames."""
    gpd = _geopandas()
    import shapely

    from lifecircle import access

    year = res.end.year if year is None else int(year)
    end = res._year_end(year)
    net = res._tables["network"]
    node_lon, node_lat = lonlat(res, net["x"], net["y"])
    out: dict[str, pd.DataFrame] = {}

    # edges
    a, b = net["edge_from"].astype(np.int64), net["edge_to"].astype(np.int64)
    coords = np.stack(
        [np.column_stack([node_lon[a], node_lat[a]]), np.column_stack([node_lon[b], node_lat[b]])], 1
    )
    nd = net["district"]
    same = nd[a] == nd[b]
    zh = np.array(res.districts_zh + [""], dtype=object)
    out["edges"] = gpd.GeoDataFrame(
        {
            "edge": np.arange(len(a)),
            "from_node": a,
            "to_node": b,
            "length_m": net["edge_length"],
            "district": np.where(same, zh[nd[a]], ""),
        },
        geometry=shapely.linestrings(coords),
        crs=CRS,
    )

    # facilities, with their state at each year's end
    f = res.facilities
    flon, flat = lonlat(res, f.x.to_numpy(), f.y.to_numpy())
    cats = res.scenario.categories.set_index("key")
    fac = pd.DataFrame(
        {
            "facility": f.index.to_numpy(),
            "category": f.category.to_numpy(),
            "category_zh": cats.zh.reindex(f.category).to_numpy(),
            "category_en": cats.en.reindex(f.category).to_numpy(),
            "also_serves": f.also_serves.to_numpy(),
            "district": f.district.to_numpy(),
            "pinyin": f.pinyin.to_numpy(),
            "origin": f.origin.to_numpy(),
            "opened": f.opened.dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "closed": f.closed.dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "open_hour": f.open_hour.to_numpy(),
            "close_hour": f.close_hour.to_numpy(),
            "floor_area_m2": f.floor_area_m2.to_numpy(),
            "osm_id": f.osm_id.to_numpy(),
            "node": f.node.to_numpy(),
            "lon": flon,
            "lat": flat,
        }
    )
    visits = res.facility_months.groupby(["facility", "year"]).visits.sum().unstack(fill_value=0)
    for y in res.years_simulated:
        fac[f"open_{y}"] = res.open_on(res._year_end(y)).to_numpy()
        fac[f"visits_{y}"] = visits[y].reindex(f.index, fill_value=0).to_numpy() if y in visits else 0
    out["facilities"] = gpd.GeoDataFrame(fac, geometry=shapely.points(flon, flat), crs=CRS)

    # districts: concave hulls of their nodes, with each year's satisfaction and usage
    yrs = res.years
    rows, polys = [], []
    for d, name in enumerate(res.districts_zh):
        nodes = np.flatnonzero(nd == d)
        if len(nodes) == 0:
            continue
        pts = shapely.multipoints(np.column_stack([node_lon[nodes], node_lat[nodes]]))
        hull = shapely.concave_hull(pts, ratio=0.3)
        if hull.geom_type != "Polygon":  # fewer than 3 nodes, or all on a line
            hull = shapely.buffer(pts, 1e-4)
        polys.append(hull)
        row = {"district": name, "pinyin": res.districts_pinyin[d], "nodes": len(nodes)}
        for y in res.years_simulated:
            r = yrs[(yrs.district == name) & (yrs.year == y)]
            row[f"residents_{y}"] = int(r.residents.iloc[0]) if len(r) else 0
            row[f"satisfaction_{y}"] = float(r.satisfaction.iloc[0]) if len(r) else np.nan
            row[f"usage15_{y}"] = float(r.usage_15min.iloc[0]) if len(r) else np.nan
            row[f"in_programme_{y}"] = bool(r.in_programme.iloc[0]) if len(r) else False
        rows.append(row)
    out["districts"] = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=polys, crs=CRS)

    # homes: residents per home node and their ring coverage at the end of `year`
    people = res.residents_on(end)
    home = people.home_node.to_numpy()
    homes = np.unique(home)
    inv = np.searchsorted(homes, home)
    count = np.bincount(inv, minlength=len(homes))
    hom = pd.DataFrame(
        {
            "node": homes,
            "district": zh[nd[homes]],
            "residents": count,
            "elderly": np.bincount(
                inv, weights=(people.age_group == "elderly").to_numpy(), minlength=len(homes)
            ),
        }
    )
    basic = [c for c in res.categories if cats["class"][c] == "basic"]
    all_in = np.ones(len(home), dtype=bool)
    n_basic = np.zeros(len(homes))
    for c in basic:
        inside = res.in_ring(c, year).to_numpy()
        share = np.bincount(inv, weights=inside, minlength=len(homes)) / count
        hom[f"ring_{c}"] = share
        n_basic += share
        all_in &= inside
    hom["basic_in_ring"] = n_basic
    hom["all_basic_share"] = np.bincount(inv, weights=all_in, minlength=len(homes)) / count
    out["homes"] = gpd.GeoDataFrame(hom, geometry=shapely.points(node_lon[homes], node_lat[homes]), crs=CRS)

    # recommended sites of the gap list
    gaps = res.gaps(year)
    site_rows = []
    for g in gaps.itertuples():
        for rank, (node, gain) in enumerate(zip(g.sites, g.site_gain), 1):
            site_rows.append(
                {
                    "district": g.district,
                    "pinyin": g.pinyin,
                    "category": g.category,
                    "category_zh": g.category_zh,
                    "rank": rank,
                    "node": int(node),
                    "gain_residents": int(gain),
                    "in_ring": g.in_ring,
                    "in_ring_after": g.in_ring_after,
                    "year": year,
                }
            )
    sites = pd.DataFrame(
        site_rows,
        columns=[
            "district",
            "pinyin",
            "category",
            "category_zh",
            "rank",
            "node",
            "gain_residents",
            "in_ring",
            "in_ring_after",
            "year",
        ],
    )
    sn = sites.node.to_numpy(dtype=np.int64)
    out["gap_sites"] = gpd.GeoDataFrame(sites, geometry=shapely.points(node_lon[sn], node_lat[sn]), crs=CRS)

    # tables
    out["access_by_slot"] = access.access_by_slot(res, year)
    out["fairness"] = access.fairness(res)
    out["usage"] = access.usage(res)
    out["about"] = pd.DataFrame(
        {
            "key": [
                "format",
                "results",
                "scenario",
                "seed",
                "year",
                "origin_lon",
                "origin_lat",
                "synthetic",
                "note",
            ],
            "value": [
                "lifecircle GIS export",
                str(res.path),
                res.scenario.label,
                str(res.seed),
                str(year),
                repr(float(res.attrs["origin_lon"])),
                repr(float(res.attrs["origin_lat"])),
                str(is_synthetic(res)).lower(),
                (
                    "synthetic town placed at the scenario's map origin: positions are not real places"
                    if is_synthetic(res)
                    else "positions from the scenario's network data"
                ),
            ],
        }
    )
    return out


def export(
    results: Results | str | PathLike, output: str | PathLike, *, year: int | None = None
) -> list[Path]:
    """Writes the layers of :func:`layers` to ``output``: a GeoPackage (``.gpkg``, every
    layer in one file) or GeoJSON (``.geojson``: one file a layer, tables as CSV). Each file
    is written beside its final name and renamed when complete. Returns the paths written.

    Example:
        >>> lc.gis.export(res, "out/yunfu.gpkg")
        >>> geopandas.read_file("out/yunfu.gpkg", layer="facilities")
    """
    from lifecircle.results import Results

    res = results if isinstance(results, Results) else Results.load(results)
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in (".gpkg", ".geojson"):
        raise _core.ArgumentError(f"{output}: expected a .gpkg or .geojson file name")
    if not output.parent.is_dir():
        raise _core.ArgumentError(f"{output}: its folder {output.parent} does not exist")
    data = layers(res, year)
    written: list[Path] = []
    if suffix == ".gpkg":
        tmp = output.with_name(f".{output.stem}.tmp-{os.getpid()}{output.suffix}")
        tmp.unlink(missing_ok=True)
        try:
            for name, df in data.items():
                _write(df, tmp, name, "GPKG")
            os.replace(tmp, output)
        finally:
            tmp.unlink(missing_ok=True)
        return [output]
    for name, df in data.items():
        spatial = hasattr(df, "geometry")
        path = output.with_name(f"{output.stem}.{name}.{'geojson' if spatial else 'csv'}")
        tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
        try:
            if spatial:
                _write(df, tmp, None, "GeoJSON")
            else:
                df.to_csv(tmp, index=False)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        written.append(path)
    return written


def _write(df: pd.DataFrame, path: Path, layer: str | None, driver: str) -> None:
    import pyogrio

    # lists and categories are not GIS types: lists as text, categories as their labels
    df = df.copy()
    for c in df.columns:
        if c == "geometry":
            continue
        if isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype(str)
    pyogrio.write_dataframe(df, path, layer=layer, driver=driver, append=driver == "GPKG" and path.exists())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="lifecircle export",
        description="GIS layers of a results file (WGS84): network edges, facilities with their yearly "
        "state, districts, homes with coverage, gap sites, and the access tables.",
    )
    p.add_argument("results", help="results file from `lifecircle run`")
    p.add_argument(
        "-o", "--output", required=True, help="a .gpkg (every layer) or .geojson (one file a layer)"
    )
    p.add_argument(
        "--year", type=int, help="year of homes' coverage, gap sites and slot access (default: the last)"
    )
    a = p.parse_args(argv)
    try:
        t0 = time.perf_counter()
        paths = export(a.results, a.output, year=a.year)
    except (ValueError, OSError) as e:  # InputError, ArgumentError, ConfigError are ValueErrors
        print(f"lifecircle export: error: {e}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
