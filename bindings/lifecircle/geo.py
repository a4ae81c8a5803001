"""Where a run's town lies on the earth: map coordinates as longitude and latitude, and the
districts' outlines, for the outputs that draw it (lifecircle.webmap, lifecircle.gis).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lifecircle import _core

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.results import Results

#: How concave a district's outline is (shapely's ``concave_hull`` ratio: 1 = convex).
OUTLINE_RATIO = 0.3


def lonlat(res: Results, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (degrees) of map coordinates (metres east and north of the
    results' map origin): the exact inverse of the equirectangular projection the OSM
    import and the synthetic town use (core/osm_import.cpp ``project``)."""
    lon0, lat0 = float(res.attrs["origin_lon"]), float(res.attrs["origin_lat"])
    return _core.unproject(lon0, lat0, np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def is_synthetic(res: Results) -> bool:
    """Whether the run's town is synthetic (placed at the scenario's map origin) rather than
    read from OpenStreetMap or a network file."""
    return res.scenario.is_synthetic


def district_outline(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """A district's outline from its nodes' positions: the ring of (lon, lat) corners of
    their concave hull (shapely's, ratio :data:`OUTLINE_RATIO`), or of their convex hull
    where shapely (the ``gis`` extra) is not installed or the points make no polygon (fewer
    than three, or all on a line: then fewer than three corners). The map page and the GIS
    layers both draw this outline."""
    pts = np.column_stack([np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)])
    try:
        import shapely
    except ImportError:
        shapely = None
    if shapely is not None and len(pts):
        hull = shapely.concave_hull(shapely.multipoints(pts), ratio=OUTLINE_RATIO)
        if hull.geom_type == "Polygon":
            return np.asarray(hull.exterior.coords)
    return _convex_hull(pts)


def _convex_hull(pts: np.ndarray) -> np.ndarray:
    """The convex hull's corners, counter-clockwise (Andrew's monotone chain)."""
    pts = np.unique(pts, axis=0)
    if len(pts) < 3:
        return pts

    def half(points: np.ndarray) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        for p in points:
            while len(out) >= 2 and _turn(out[-2], out[-1], p) <= 0:
                out.pop()
            out.append(p)
        return out[:-1]

    return np.array(half(pts) + half(pts[::-1]))


def _turn(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """The cross product of b - a and c - a: positive for a left turn at b."""
    return float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))
