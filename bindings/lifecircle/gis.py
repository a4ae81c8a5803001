"""GIS files of a run: ``lifecircle export RESULTS.h5 -o city.gpkg`` (or ``.geojson``).

Layers, all in WGS84 longitude/latitude (EPSG:4326), written through GeoPandas and pyogrio
(GDAL), readable by QGIS and by ``geopandas.read_file``:

- ``edges``: the walking network, one line a edge (length, district).
- ``facilities``: every facility that existed, at its own position (for OpenStreetMap cities
  the mapped point), with category, origin, opening and closing dates, hours, and its
  state at the end of each simulated year (``open_2024`` ...) and visits in it
  (``visits_2024`` ...).
- ``districts``: one polygon a district (the outline of its network nodes, as the map page
  draws it: lifecircle.geo.district_outline), with each year's satisfaction and 15-minute
  usage.
- ``homes``: one point a home node, with its residents at the end of ``year`` and, for each
  basic category, the share of them inside its ring (``ring_<category>``), and how many
  basic categories all of them have inside (``basic_in_ring``).
- ``gap_sites``: the recommended sites of ``Results.gaps(year)``, one point a site.
- tables without geometry: ``access_by_slot``, ``fairness``, ``usage`` (lifecircle.access)
  and ``about`` (what the file is, the map origin, whether the town is synthetic).

A GeoPackage holds every layer; GeoJSON holds one, so ``city.geojson`` is written as one
file a layer, ``city.<layer>.geojson`` (tables as ``city.<table>.csv``).

Needs the optional packages ``geopandas`` and ``pyogrio`` (``pip install 'lifecircle[gis]'``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from lifecircle import _core, access
from lifecircle._extras import MissingExtraError, require
from lifecircle.gaps import gaps
from lifecircle.geo import district_outline, is_synthetic, lonlat
from lifecircle.results import Results

CRS = "EPSG:4326"
#: The recommended sites' columns (layer ``gap_sites``).
SITE_COLUMNS = [
    "district", "pinyin", "category", "category_zh", "rank", "node", "gain_residents", "in_ring",
    "in_ring_after", "year",
]  # fmt: skip


def _geopandas():
    require("pyogrio", "gis", "GIS export")  # the writer GeoPandas uses
    return require("geopandas", "gis", "GIS export")


def layers(res: Results, year: int | None = None) -> dict[str, pd.DataFrame]:
    """Every layer of the export as (Geo)DataFrames in EPSG:4326, by name; tables without
    geometry as DataFrames."""
    gpd = _geopandas()
    shapely = require("shapely", "gis", "GIS export")
    year = res.end.year if year is None else int(year)
    net = res.table("network")
    lon, lat = lonlat(res, net["x"], net["y"])

    def layer(table: pd.DataFrame, geometry) -> pd.DataFrame:
        return gpd.GeoDataFrame(table, geometry=geometry, crs=CRS)

    edges, a, b = _edges(res)
    edge_lines = np.stack([np.column_stack([lon[a], lat[a]]), np.column_stack([lon[b], lat[b]])], 1)
    fac = _facilities(res)
    districts, outlines = _districts(res, lon, lat)
    homes = _homes(res, year)
    sites = _gap_sites(res, year)
    site_nodes = sites.node.to_numpy(dtype=np.int64)
    return {
        "edges": layer(edges, shapely.linestrings(edge_lines)),
        "facilities": layer(fac, shapely.points(fac.lon.to_numpy(), fac.lat.to_numpy())),
        "districts": layer(districts, [_polygon(shapely, *outline) for outline in outlines]),
        "homes": layer(homes, shapely.points(lon[homes.node.to_numpy()], lat[homes.node.to_numpy()])),
        "gap_sites": layer(sites, shapely.points(lon[site_nodes], lat[site_nodes])),
        "access_by_slot": access.access_by_slot(res, year),
        "fairness": access.fairness(res),
        "usage": access.usage(res),
        "about": _about(res, year),
    }


def _edges(res: Results) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The walking network's edges (the district where both ends lie in one), and their ends."""
    net = res.table("network")
    a, b = net["edge_from"].astype(np.int64), net["edge_to"].astype(np.int64)
    nd = net["district"]
    zh = np.array(res.districts_zh + [""], dtype=object)
    table = pd.DataFrame(
        {
            "edge": np.arange(len(a)),
            "from_node": a,
            "to_node": b,
            "length_m": net["edge_length"],
            "district": np.where(nd[a] == nd[b], zh[nd[a]], ""),
        }
    )
    return table, a, b


def _facilities(res: Results) -> pd.DataFrame:
    """Every facility, at its own position, with its state and visits at each year's end."""
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
        fac[f"open_{y}"] = res.open_on(res.year_end(y)).to_numpy()
        fac[f"visits_{y}"] = visits[y].reindex(f.index, fill_value=0).to_numpy() if y in visits else 0
    return fac


def _districts(res: Results, lon: np.ndarray, lat: np.ndarray) -> tuple[pd.DataFrame, list[tuple]]:
    """One row a district with nodes (each year's residents, satisfaction, 15-minute usage,
    programme), and its outline (lifecircle.geo.district_outline) with its nodes' points."""
    nd = res.node_district
    yrs = res.years
    rows, outlines = [], []
    for d, name in enumerate(res.districts_zh):
        nodes = np.flatnonzero(nd == d)
        if len(nodes) == 0:
            continue
        points = np.column_stack([lon[nodes], lat[nodes]])
        outlines.append((district_outline(lon[nodes], lat[nodes]), points))
        row = {"district": name, "pinyin": res.districts_pinyin[d], "nodes": len(nodes)}
        for y in res.years_simulated:
            r = yrs[(yrs.district == name) & (yrs.year == y)]
            row[f"residents_{y}"] = int(r.residents.iloc[0]) if len(r) else 0
            row[f"satisfaction_{y}"] = float(r.satisfaction.iloc[0]) if len(r) else np.nan
            row[f"usage15_{y}"] = float(r.usage_15min.iloc[0]) if len(r) else np.nan
            row[f"in_programme_{y}"] = bool(r.in_programme.iloc[0]) if len(r) else False
        rows.append(row)
    return pd.DataFrame(rows), outlines


def _polygon(shapely, ring: np.ndarray, points: np.ndarray):
    """A district's outline as a polygon; small discs around its nodes' ``points`` where
    they make no polygon (fewer than three, or on a line)."""
    if len(ring) >= 3:
        poly = shapely.polygons(ring)
        if poly.area > 0:
            return poly
    return shapely.buffer(shapely.multipoints(points), 1e-4)


def _homes(res: Results, year: int) -> pd.DataFrame:
    """One row a home node: its residents at the end of ``year`` and, for each basic
    category, the share of them inside its ring; how many basic categories all have."""
    people = res.residents_on(res.year_end(year))
    home = people.home_node.to_numpy()
    homes = np.unique(home)
    inv = np.searchsorted(homes, home)
    count = np.bincount(inv, minlength=len(homes))
    zh = np.array(res.districts_zh + [""], dtype=object)
    hom = pd.DataFrame(
        {
            "node": homes,
            "district": zh[res.node_district[homes]],
            "residents": count,
            "elderly": np.bincount(
                inv, weights=(people.age_group == "elderly").to_numpy(), minlength=len(homes)
            ),
        }
    )
    basic = res.scenario.categories_of_class("basic")
    all_in = np.ones(len(home), dtype=bool)
    n_basic = np.zeros(len(homes))
    for c in [c for c in res.categories if c in basic]:
        inside = access.in_ring(res, c, year).to_numpy()
        share = np.bincount(inv, weights=inside, minlength=len(homes)) / count
        hom[f"ring_{c}"] = share
        n_basic += share
        all_in &= inside
    hom["basic_in_ring"] = n_basic
    hom["all_basic_share"] = np.bincount(inv, weights=all_in, minlength=len(homes)) / count
    return hom


def _gap_sites(res: Results, year: int) -> pd.DataFrame:
    """The recommended sites of the gap list at the end of ``year`` (lifecircle.gaps), one
    row a site."""
    rows = [
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
        for g in gaps(res, year).itertuples()
        for rank, (node, gain) in enumerate(zip(g.sites, g.site_gain), 1)
    ]
    return pd.DataFrame(rows, columns=SITE_COLUMNS)


def _about(res: Results, year: int) -> pd.DataFrame:
    """What the file is: the results, scenario, seed, year, map origin, synthetic or not."""
    synthetic = is_synthetic(res)
    about = {
        "format": "lifecircle GIS export",
        "results": str(res.path),
        "scenario": res.scenario.label,
        "seed": str(res.seed),
        "year": str(year),
        "origin_lon": repr(float(res.attrs["origin_lon"])),
        "origin_lat": repr(float(res.attrs["origin_lat"])),
        "synthetic": str(synthetic).lower(),
        "note": (
            "synthetic town placed at the scenario's map origin: positions are not real places"
            if synthetic
            else "positions from the scenario's network data"
        ),
    }
    return pd.DataFrame({"key": list(about), "value": list(about.values())})


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
    pyogrio = require("pyogrio", "gis", "GIS export")

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
    except (ValueError, OSError, MissingExtraError) as e:  # Input/Argument/ConfigError are ValueErrors
        print(f"lifecircle export: error: {e}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
