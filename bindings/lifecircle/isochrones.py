"""Walking-time areas (isochrones): ``Results.isochrones(...)`` and ``lifecircle isochrones``.

The area reachable on foot within each time from some points, or from the open facilities of
a category, at the residents' walking speeds (the scenario's, by age group): network
distances from the sources by the engine's own search (the reach tables' bounded Dijkstra,
multi-source), each edge walked as far as the time allows from either end, and the walked
lines buffered (``buffer_m``, default 25 m: the street and its frontage) and merged into one
polygon per source, time and age group. This is the "network buffer" way of drawing
isochrones; areas off the network beyond the buffer are not counted.

    >>> iso = res.isochrones(facilities="convenience", minutes=(5, 10, 15))
    >>> iso.to_file("areas.gpkg")          # or: lifecircle isochrones OUT.h5 -o areas.gpkg
    >>> res.map("map.html", isochrones=iso)

Needs the ``gis`` extra (shapely, geopandas).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lifecircle import _core
from lifecircle._extras import MissingExtraError, require
from lifecircle.results import Results
from lifecircle.webmap import map_page

if TYPE_CHECKING:  # pragma: no cover
    import geopandas

#: Width each side of a walked street counted as reached, metres.
BUFFER_M = 25.0
CRS = "EPSG:4326"
COLUMNS = ["source", "minutes", "age", "speed_m_min", "area_km2", "geometry"]


def _sources(res: Results, points: Any, facilities: str | None, year: int) -> dict[str, np.ndarray]:
    """Source nodes by the source's label: each point alone, or a category's open
    facilities at the end of ``year`` together."""
    if (points is None) == (facilities is None):
        raise _core.ArgumentError("give points or facilities (a category), not both and not neither")
    if facilities is not None:
        if facilities not in res.categories:
            raise _core.ArgumentError(
                f"no category {facilities!r}; the categories are {', '.join(res.categories)}"
            )
        t = res.table("facilities")
        open_ = res.open_on(res.year_end(year)).to_numpy() & res.serves(facilities)
        nodes = np.unique(t["node"][open_].astype(np.uint32))
        if not len(nodes):
            raise _core.ArgumentError(f"no {facilities} facility is open at the end of {year}")
        return {facilities: nodes}
    pts = pd.DataFrame(points) if not isinstance(points, pd.DataFrame) else points
    if {"lon", "lat"} <= set(pts.columns):
        lon0, lat0 = float(res.attrs["origin_lon"]), float(res.attrs["origin_lat"])
        x, y = _core.project(lon0, lat0, pts["lon"].to_numpy(float), pts["lat"].to_numpy(float))
    elif {"x", "y"} <= set(pts.columns):
        x, y = pts["x"].to_numpy(float), pts["y"].to_numpy(float)
    elif pts.shape[1] == 2:  # (lon, lat) pairs
        lon0, lat0 = float(res.attrs["origin_lon"]), float(res.attrs["origin_lat"])
        x, y = _core.project(lon0, lat0, pts.iloc[:, 0].to_numpy(float), pts.iloc[:, 1].to_numpy(float))
    else:
        raise _core.ArgumentError("points: expected lon, lat or x, y columns, or (lon, lat) pairs")
    nodes, _ = res.network.snap(np.asarray(x, float), np.asarray(y, float))
    labels = [str(i) for i in (pts["name"] if "name" in pts.columns else range(len(pts)))]
    return {label: np.array([n], dtype=np.uint32) for label, n in zip(labels, nodes)}


def _walked(net: dict, dist: np.ndarray, radius: float) -> np.ndarray:
    """The parts of the edges walked within ``radius`` metres from the sources (``dist``:
    each node's network distance): an [n, 2, 2] array of straight segments in map metres,
    each edge walked from either end as far as the rest of the radius allows."""
    x, y = np.asarray(net["x"]), np.asarray(net["y"])
    a, b = np.asarray(net["edge_from"], np.int64), np.asarray(net["edge_to"], np.int64)
    length = np.asarray(net["edge_length"], float)
    da, db = dist[a], dist[b]
    whole = (da <= radius) & (db <= radius) & ((radius - da) + (radius - db) >= length)
    parts = [np.stack([np.column_stack([x[a], y[a]]), np.column_stack([x[b], y[b]])], axis=1)[whole]]
    for s, e, ds in ((a, b, da), (b, a, db)):
        part = ~whole & (ds <= radius) & (length > 0)
        f = np.minimum(1.0, (radius - ds[part]) / length[part])
        s0, e0 = s[part], e[part]
        start = np.column_stack([x[s0], y[s0]])
        end = start + f[:, None] * (np.column_stack([x[e0], y[e0]]) - start)
        parts.append(np.stack([start, end], axis=1))
    return np.concatenate(parts)


def isochrones(
    res: Results,
    points: Any = None,
    *,
    facilities: str | None = None,
    minutes: Iterable[float] = (5, 10, 15),
    ages: Iterable[str] | None = None,
    year: int | None = None,
    buffer_m: float = BUFFER_M,
) -> geopandas.GeoDataFrame:
    """Walking-time areas of a run's town (``res.isochrones(...)``).

    Args:
        res: a run's results (its network, facilities and walking speeds).
        points: sources: a DataFrame with lon, lat (or x, y metres) columns and an optional
            name, or a list of (lon, lat) pairs; one area per point.
        facilities: or a category key: one area around all its facilities open at the end
            of ``year`` (default: the last simulated).
        minutes: walking times, minutes.
        ages: age groups whose walking speeds to use (default all: child, working,
            elderly, at the scenario's speeds).
        buffer_m: width each side of a walked street counted as reached, metres.

    Returns:
        GeoDataFrame in WGS84 (EPSG:4326), one row per source, time and age group: source,
        minutes, age, speed_m_min, area_km2 (in map metres), geometry (a polygon or
        multipolygon).
    """
    shapely = require("shapely", "gis", "isochrones")
    gpd = require("geopandas", "gis", "isochrones")
    year = res.end.year if year is None else int(year)
    speeds = res.scenario.spec["walking_speed"]
    groups = list(ages) if ages is not None else list(_core.AGE_GROUPS)
    for g in groups:
        if g not in speeds:
            raise _core.ArgumentError(f"age group {g!r}: expected one of {', '.join(_core.AGE_GROUPS)}")
    times = sorted(float(m) for m in minutes)
    if not times or times[0] <= 0:
        raise _core.ArgumentError(f"minutes {times}: expected positive walking times")
    if buffer_m <= 0:
        raise _core.ArgumentError(f"buffer_m {buffer_m}: expected a positive width in metres")
    net = res.table("network")
    network = res.network
    lon0, lat0 = float(res.attrs["origin_lon"]), float(res.attrs["origin_lat"])
    rows = []
    for label, nodes in _sources(res, points, facilities, year).items():
        fastest = max(float(speeds[g]) for g in groups) * 60.0 * times[-1]
        dist, _ = network.reach(nodes, 1, fastest)
        dist = dist[:, 0]
        for g in groups:
            v = float(speeds[g]) * 60.0  # metres a minute
            for m in times:
                segs = _walked(net, dist, m * v)
                if len(segs):
                    area = shapely.unary_union(shapely.buffer(shapely.linestrings(segs), buffer_m))
                else:  # the source alone
                    x, y = net["x"][nodes], net["y"][nodes]
                    area = shapely.unary_union(shapely.buffer(shapely.points(x, y), buffer_m))
                km2 = area.area / 1e6

                def to_lonlat(xy: np.ndarray) -> np.ndarray:
                    lo, la = _core.unproject(lon0, lat0, xy[:, 0].copy(), xy[:, 1].copy())
                    return np.column_stack([lo, la])

                rows.append(
                    {
                        "source": label,
                        "minutes": m,
                        "age": g,
                        "speed_m_min": round(v, 3),
                        "area_km2": km2,
                        "geometry": shapely.transform(area, to_lonlat),
                    }
                )
    return gpd.GeoDataFrame(rows, columns=COLUMNS, geometry="geometry", crs=CRS)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="lifecircle isochrones",
        description="Walking-time areas of a results file's town: the area reachable on foot within each "
        "time from points or from a category's open facilities, at the residents' walking speeds, written as "
        "a GeoPackage (WGS84; needs lifecircle[gis]).",
    )
    p.add_argument("results", help="results file from `lifecircle run`")
    p.add_argument("-o", "--output", required=True, help="GeoPackage (.gpkg) or GeoJSON (.geojson) to write")
    p.add_argument(
        "--minutes", default="5,10,15", help="walking times, minutes, comma-separated (default 5,10,15)"
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--category", help="a category key: one area around its facilities open at the year's end"
    )
    src.add_argument(
        "--points", help="sources as lon,lat pairs separated by ';' (e.g. '112.04,22.91;112.05,22.92')"
    )
    p.add_argument("--ages", help="age groups, comma-separated (default: child,working,elderly)")
    p.add_argument(
        "--year", type=int, help="year whose end decides which facilities are open (default: the last)"
    )
    p.add_argument(
        "--buffer",
        type=float,
        default=BUFFER_M,
        help=f"metres each side of a walked street (default {BUFFER_M:g})",
    )
    p.add_argument("--map", help="also write the living-circle map page with the areas drawn (HTML)")
    a = p.parse_args(argv)
    try:
        t0 = time.perf_counter()
        res = Results.load(a.results)
        points = None
        if a.points:
            try:
                points = [
                    tuple(float(v) for v in pair.split(",")) for pair in a.points.split(";") if pair.strip()
                ]
            except ValueError:
                raise _core.ArgumentError(
                    f"--points {a.points!r}: expected lon,lat pairs separated by ';'"
                ) from None
        try:
            minutes = [float(m) for m in a.minutes.split(",")]
        except ValueError:
            raise _core.ArgumentError(f"--minutes {a.minutes!r}: expected numbers separated by ','") from None
        iso = isochrones(
            res,
            points,
            facilities=a.category,
            minutes=minutes,
            ages=a.ages.split(",") if a.ages else None,
            year=a.year,
            buffer_m=a.buffer,
        )
        require("pyogrio", "gis", "lifecircle isochrones")
        iso.to_file(
            a.output, layer="isochrones", driver="GeoJSON" if a.output.endswith(".geojson") else "GPKG"
        )
        if a.map:
            map_page(res, a.map, isochrones=iso)
    except MissingExtraError as e:
        print(f"lifecircle isochrones: error: {e}", file=sys.stderr)
        return 1
    except (ValueError, OSError) as e:  # InputError, ArgumentError are ValueErrors
        print(f"lifecircle isochrones: error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {a.output} ({len(iso)} areas) in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
