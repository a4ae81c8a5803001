"""A planner's own city from GIS files: ``lifecircle import-gis`` and :meth:`City.from_gis`.

Reads what a Chinese planning bureau holds, and writes the city file the engine reads (the
same writer and seal as ``lifecircle import-osm``, core/city_file.hpp):

- **roads**: lines from a GeoPackage, Shapefile or GeoJSON in any coordinate reference system
  (read by pyogrio, transformed to WGS84 by pyproj), with an attribute mapping for what a
  pedestrian may use (a field and the values to keep or to drop). Lines meet where they
  share a vertex (the same coordinates in the file); the network is simplified and measured
  by the engine, as the OpenStreetMap import does (core/line_network.hpp).
- **points of interest**: CSV or XLSX exports of Amap (高德) or Baidu (百度), their
  coordinates converted from GCJ-02 or BD-09 to WGS84 (geocoordinates-rs), their type codes
  mapped to categories by a table (configs/amap_categories.toml, built in).
- **district or community boundaries**: polygons with a name field; facilities and homes are
  assigned to the polygon that contains them.
- **population**: a table of residents per district or community (spread evenly over the
  network nodes inside it), or a raster grid (GeoTIFF, read by rasterio: each cell's
  residents on the node nearest its centre).

Bad input (an unknown coordinate system, a type code the table lacks, a polygon layer without
names ...) raises :class:`lifecircle.InputError` naming the file, layer, row and field; the
command line then exits with status 2 and leaves no city file. What is doubtful but not wrong
(types the table ignores, points outside every boundary, roads not connected to the rest, a
district with no point of a category: "no data") is listed by :attr:`City.problems` and by
``lifecircle import-gis --validate``.

Needs the ``gis`` extra (``pip install 'lifecircle[gis]'``): geopandas, pyogrio, pyproj,
shapely, geocoordinates-rs, rasterio, openpyxl.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomllib

from lifecircle import _core
from lifecircle._extras import MissingExtraError, require
from lifecircle._tables import find_column, read_table, row_label
from lifecircle.network import WalkNetwork

#: Coordinate systems of points of interest: WGS84 (GPS), GCJ-02 (Amap, Tencent: the
#: national "Mars" offset) and BD-09 (Baidu: GCJ-02 offset again).
POI_SYSTEMS = ("wgs84", "gcj02", "bd09")
#: Names tried, in order, for the columns of a point-of-interest export.
LON_COLUMNS = ("lon", "lng", "longitude", "经度", "wgs84_lng", "gcj02_lng", "bd09_lng")
LAT_COLUMNS = ("lat", "latitude", "纬度", "wgs84_lat", "gcj02_lat", "bd09_lat")
LOCATION_COLUMNS = ("location", "坐标")
NAME_COLUMNS = ("name", "名称")
#: How many examples a problem lists.
EXAMPLES = 5


def _input_error(message: str) -> _core.InputError:
    return _core.InputError(message)


# --- coordinates -----------------------------------------------------------------------------


def _converter():
    return require("geocoordinates_ffi", "gis", "GCJ-02/BD-09 conversion (geocoordinates-rs)")


def to_wgs84(lon: Any, lat: Any, system: str) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitudes and latitudes of points given in ``system`` (``wgs84``, ``gcj02`` or
    ``bd09``), degrees.

    GCJ-02 and BD-09 have no closed-form inverse; geocoordinates-rs inverts them iteratively
    (``*_refined``, to well under a metre; tests/python/test_city.py measures it against
    published pairs). Points outside China carry no offset and are returned as given.
    """

    def point(gc: Any, x: float, y: float) -> Any:
        if system == "gcj02":
            return gc.gcj02_to_wgs84_refined(gc.Gcj02(lat=y, lon=x))
        return gc.bd09_to_wgs84_refined(gc.Bd09(lat=y, lon=x))

    return _convert(lon, lat, system, point)


def from_wgs84(lon: Any, lat: Any, system: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes in ``system`` of WGS84 points (the forward offsets, exact by
    definition): what an Amap (``gcj02``) or Baidu (``bd09``) export would carry."""

    def point(gc: Any, x: float, y: float) -> Any:
        w = gc.Wgs84(lat=y, lon=x)
        return gc.wgs84_to_gcj02(w) if system == "gcj02" else gc.wgs84_to_bd09(w)

    return _convert(lon, lat, system, point)


def _convert(lon: Any, lat: Any, system: str, point: Any) -> tuple[np.ndarray, np.ndarray]:
    """Every (lon, lat) through ``point(converter, lon, lat)`` (a point with .lon and .lat);
    WGS84 as given; an unknown ``system`` refused."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if system == "wgs84":
        return lon.copy(), lat.copy()
    if system not in POI_SYSTEMS:
        raise _core.ArgumentError(f"coordinate system {system!r}: expected one of {', '.join(POI_SYSTEMS)}")
    gc = _converter()
    out_lon = np.empty_like(lon)
    out_lat = np.empty_like(lat)
    for i, (x, y) in enumerate(zip(lon.tolist(), lat.tolist())):
        p = point(gc, x, y)
        out_lon[i], out_lat[i] = p.lon, p.lat
    return out_lon, out_lat


# --- the type table --------------------------------------------------------------------------


@dataclass
class TypeTable:
    """Type codes to categories (configs/amap_categories.toml): rules are code prefixes, the
    longest matching one decides; ``ignore`` lists codes that are no facility of ours.

    ``[source] taxonomy = "amap"`` (the default): six-digit codes, rules of 2, 4 or 6 digits.
    ``taxonomy = "tags"``: hierarchical tags such as Baidu's ``美食;中餐厅``, rules a tag or
    its leading levels (``美食``), the longest decides."""

    categories: list[str]
    labels: list[str]
    #: prefix -> category index, or -1 for ignore
    rules: dict[str, int]
    source: str
    title: str = ""
    taxonomy: str = "amap"

    @classmethod
    def parse(cls, text: str, source: str) -> TypeTable:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise _input_error(f"{source}: not valid TOML ({e})") from None
        about = data.pop("source", {})
        ignore = data.pop("ignore", {})
        taxonomy = str(about.get("taxonomy", "amap"))
        if taxonomy not in ("amap", "tags"):
            raise _input_error(f"{source}: [source] taxonomy {taxonomy!r}: expected 'amap' or 'tags'")
        categories, labels, rules = [], [], {}

        def add(prefix: Any, index: int, table: str) -> None:
            if taxonomy == "tags":
                if not isinstance(prefix, str) or not prefix.strip() or prefix != prefix.strip(" ;"):
                    raise _input_error(
                        f"{source}: [{table}] codes: {prefix!r} is not a tag "
                        "(expected e.g. '美食' or '美食;中餐厅')"
                    )
            elif not isinstance(prefix, str) or not prefix.isdigit() or len(prefix) not in (2, 4, 6):
                raise _input_error(
                    f"{source}: [{table}] codes: {prefix!r} is not a type code prefix "
                    "(expected a string of 2, 4 or 6 digits)"
                )
            if prefix in rules:
                other = "ignore" if rules[prefix] < 0 else categories[rules[prefix]]
                raise _input_error(f"{source}: [{table}] codes: {prefix} is also in [{other}]")
            rules[prefix] = index

        for name, table in data.items():
            if not isinstance(table, dict) or "codes" not in table:
                raise _input_error(f"{source}: [{name}]: expected a table with a 'codes' list")
            categories.append(name)
            labels.append(str(table.get("label", name)))
            for prefix in table["codes"]:
                add(prefix, len(categories) - 1, name)
        for prefix in ignore.get("codes", []):
            add(prefix, -1, "ignore")
        if not categories:
            raise _input_error(f"{source}: no category table (expected [name] tables with 'codes')")
        return cls(categories, labels, rules, source, str(about.get("title", "")), taxonomy)

    @classmethod
    def load(cls, path: str | PathLike | None = None) -> TypeTable:
        """The table in ``path``, or the built-in configs/amap_categories.toml."""
        if path is None:
            return cls.parse(_core.builtin_amap_categories_text(), "configs/amap_categories.toml (built in)")
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as e:
            raise _input_error(f"{path}: cannot read ({e.strerror})") from None
        return cls.parse(text, str(path))

    def match(self, code: str) -> int | None:
        """Category index of one code, -1 if ignored, None if the table lacks it."""
        code = code.strip()
        if self.taxonomy == "tags":
            levels = [level.strip() for level in code.split(";")]
            for n in range(len(levels), 0, -1):
                key = ";".join(levels[:n])
                if key in self.rules:
                    return self.rules[key]
            return None
        for n in (6, 4, 2):
            if len(code) >= n and code[:n] in self.rules:
                return self.rules[code[:n]]
        return None


# --- reading files ---------------------------------------------------------------------------


def _gis():
    require("pyogrio", "gis", "lifecircle import-gis")
    require("shapely", "gis", "lifecircle import-gis")
    return require("pyproj", "gis", "lifecircle import-gis")


def _read_layer(path: str, layer: str | None, what: str):
    """A vector layer as a GeoDataFrame, and the layer's name for messages."""
    pyogrio = require("pyogrio", "gis", "lifecircle import-gis")
    if not Path(path).exists():
        raise _input_error(f"{path}: no such file ({what})")
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as e:  # pyogrio raises DataSourceError and others
        raise _input_error(f"{path}: cannot read as a GIS file ({what}): {e}") from None
    if layer is None:
        if not layers:
            raise _input_error(f"{path}: no layer ({what})")
        layer = layers[0]
    elif layer not in layers:
        raise _input_error(f"{path}: no layer {layer!r} ({what}); layers: {', '.join(layers)}")
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except Exception as e:
        raise _input_error(f"{path}: layer {layer!r}: cannot read ({what}): {e}") from None
    return frame, layer


def _crs(value: Any, where: str):
    """A pyproj CRS from what a user or a file gave, or InputError naming where."""
    pyproj = _gis()
    try:
        return pyproj.CRS.from_user_input(value)
    except Exception as e:
        raise _input_error(
            f"{where}: unknown coordinate reference system {str(value)[:80]!r} ({e})"
        ) from None


def _to_lonlat(crs, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pyproj = _gis()
    if crs.equals(pyproj.CRS.from_epsg(4326)):
        return x.astype(np.float64), y.astype(np.float64)
    t = pyproj.Transformer.from_crs(crs, 4326, always_xy=True)
    lon, lat = t.transform(x, y)
    return np.asarray(lon, np.float64), np.asarray(lat, np.float64)


def _layer_crs(frame, path: str, layer: str, override: str | None):
    where = f"{path}: layer {layer!r}"
    if override is not None:
        return _crs(override, f"{where} (--crs given)")
    if frame.crs is None:
        raise _input_error(
            f"{where}: no coordinate reference system in the file; give one (e.g. --roads-crs EPSG:4546)"
        )
    return _crs(frame.crs, where)


# --- the city --------------------------------------------------------------------------------


@dataclass
class City:
    """A city read from GIS files, ready to be written as a city file.

    Attributes:
        network: the walking network (:class:`lifecircle.WalkNetwork`).
        facilities: one row a facility and category: category, lon, lat (WGS84), x, y
            (metres), name, district, source_type (the input's type code), row (its row in
            the input).
        districts: name and geometry (WGS84) of each boundary polygon, or empty.
        homes: node (index), residents, district of each network node with residents.
        problems: what is doubtful but not wrong: kind, count, examples (see module doc).
        known_absent: (district, category) pairs known to have no facility.
    """

    network: WalkNetwork
    facilities: pd.DataFrame
    categories: list[str]
    districts: pd.DataFrame
    homes: pd.DataFrame
    problems: pd.DataFrame
    origin: tuple[float, float]
    source: str
    attribution: str = ""
    known_absent: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    #: each network node's district index (-1 outside every boundary), or None without boundaries
    node_district: np.ndarray | None = None

    # --- building ----------------------------------------------------------------------------
    @classmethod
    def from_gis(
        cls,
        roads: str | PathLike,
        *,
        roads_layer: str | None = None,
        roads_crs: str | None = None,
        walk_field: str | None = None,
        walk_include: list[str] | None = None,
        walk_exclude: list[str] | None = None,
        pois: str | PathLike | None = None,
        poi_sheet: str | None = None,
        poi_crs: str = "gcj02",
        poi_type_field: str = "typecode",
        types: str | PathLike | None = None,
        boundaries: str | PathLike | None = None,
        boundaries_layer: str | None = None,
        boundaries_crs: str | None = None,
        district_field: str = "name",
        population: str | PathLike | None = None,
        population_field: str = "population",
        known_absent: list[tuple[str, str]] | None = None,
        keep_largest_component: bool = True,
        attribution: str = "",
        strict: bool = True,
    ) -> City:
        """Reads roads, points of interest, boundaries and population (see the module doc).

        Args:
            roads: lines (.gpkg, .shp, .geojson); ``roads_layer`` (default the first layer);
                ``roads_crs`` overrides (or supplies) the file's coordinate system
                (anything pyproj reads: ``EPSG:4546``, a WKT or PROJ string).
            walk_field: the roads' attribute saying what a line is (e.g. ``highway``,
                ``fclass``, ``道路等级``); with ``walk_include`` (keep only these values)
                or ``walk_exclude`` (drop these values). None: every line is walkable.
            pois: a CSV or XLSX export (``poi_sheet``: the sheet), coordinates in
                ``poi_crs`` (``gcj02`` for Amap, ``bd09`` for Baidu, or ``wgs84``), as a
                ``location`` column ("lng,lat") or lon/lat columns; type codes in
                ``poi_type_field`` (``|`` between several), mapped by ``types`` (a TOML
                table; default the built-in configs/amap_categories.toml).
            boundaries: polygons of districts or communities, named by ``district_field``.
            population: a table (CSV/XLSX: ``district_field`` and ``population_field``
                columns) or a GeoTIFF raster of residents per cell.
            known_absent: (district, category) pairs known to have no facility, so that
                an empty one means "none" rather than "no data".
            strict: raise on a type code the table lacks (False: report it in
                :attr:`problems` and leave the point out; what ``--validate`` does).

        Raises:
            lifecircle.InputError: bad input, naming the file, layer, row and field.
        """
        start = time.perf_counter()
        _gis()
        problems: list[dict[str, Any]] = []

        def problem(kind: str, items: list[str], total: int | None = None) -> None:
            problems.append(
                {
                    "kind": kind,
                    "count": len(items) if total is None else total,
                    "examples": "; ".join(items[:EXAMPLES]),
                }
            )

        table = TypeTable.load(types)
        roads = str(roads)
        net, origin, road_problems = _read_roads(
            roads, roads_layer, roads_crs, walk_field, walk_include, walk_exclude, keep_largest_component
        )
        for kind, items, total in road_problems:
            problem(kind, items, total)

        districts = pd.DataFrame(
            {"name": pd.Series([], dtype=object), "geometry": pd.Series([], dtype=object)}
        )
        if boundaries is not None:
            districts = _read_boundaries(str(boundaries), boundaries_layer, boundaries_crs, district_field)

        fac = pd.DataFrame(columns=["category", "lon", "lat", "name", "source_type", "row"])
        if pois is not None:
            fac, poi_problems = _read_pois(str(pois), poi_sheet, poi_crs, poi_type_field, table, strict)
            for kind, items, total in poi_problems:
                problem(kind, items, total)
        fx, fy = _core.project(
            origin[0], origin[1], fac["lon"].to_numpy(np.float64), fac["lat"].to_numpy(np.float64)
        )
        fac = fac.assign(x=fx, y=fy)
        fac["district"] = _district_of(
            districts, fac["lon"].to_numpy(np.float64), fac["lat"].to_numpy(np.float64)
        )

        nodes = net.nodes
        node_lon, node_lat = _core.unproject(
            origin[0], origin[1], nodes["x"].to_numpy(), nodes["y"].to_numpy()
        )
        node_district = _district_of(districts, node_lon, node_lat)
        if len(districts):
            outside = fac[fac["district"] < 0]
            if len(outside):
                problem(
                    "poi_outside_boundaries",
                    [
                        f"{pois}: {row_label(int(r))} ({n or 'no name'})"
                        for r, n in zip(outside["row"], outside["name"])
                    ],
                )
            n_out = int((node_district < 0).sum())
            if n_out:
                problem(
                    "nodes_outside_boundaries",
                    [f"node {int(i)}" for i in np.flatnonzero(node_district < 0)],
                    n_out,
                )

        homes = pd.DataFrame(
            {"node": np.zeros(0, np.uint32), "residents": np.zeros(0), "district": np.zeros(0, np.int32)}
        )
        if population is not None:
            homes, pop_problems = _read_population(
                str(population), net, origin, districts, node_district, district_field, population_field
            )
            for kind, items, total in pop_problems:
                problem(kind, items, total)

        known = [(str(d), str(c)) for d, c in (known_absent or [])]
        names = list(districts["name"])
        for d, c in known:
            if d not in names and names:
                raise _input_error(
                    f"known absent {d}:{c}: no district {d!r} in {boundaries} (districts: {', '.join(names)})"
                )
            if c not in table.categories:
                raise _input_error(
                    f"known absent {d}:{c}: no category {c!r} (categories: {', '.join(table.categories)})"
                )
        city = cls(
            network=net,
            facilities=fac.reset_index(drop=True),
            categories=list(table.categories),
            districts=districts,
            homes=homes,
            problems=pd.DataFrame(problems, columns=["kind", "count", "examples"]),
            origin=origin,
            source=" + ".join(str(p) for p in (roads, pois, boundaries, population) if p is not None),
            attribution=attribution,
            known_absent=known,
            node_district=node_district if len(districts) else None,
        )
        nodata = city.no_data()
        if len(nodata):
            problem(
                "no_data",
                [f"{d}: {c}" for d, c in zip(nodata["district"], nodata["category"])],
            )
            city.problems = pd.DataFrame(problems, columns=["kind", "count", "examples"])
        city.seconds = time.perf_counter() - start
        return city

    # --- tables ------------------------------------------------------------------------------
    def facility_counts(self) -> pd.DataFrame:
        """Facilities per district and category (district "" where there are no boundaries),
        with ``status``: ``data`` (points read), ``no data`` (none read and not known absent)
        or ``none`` (known absent: the scenario or the importer says there is none)."""
        names = list(self.districts["name"]) if len(self.districts) else [""]
        known = set(self.known_absent)
        rows = []
        for d, name in enumerate(names):
            here = (
                self.facilities
                if not len(self.districts)
                else self.facilities[self.facilities["district"] == d]
            )
            counts = here["category"].value_counts()
            for c in self.categories:
                n = int(counts.get(c, 0))
                status = "data" if n else ("none" if (name, c) in known else "no data")
                rows.append({"district": name, "category": c, "facilities": n, "status": status})
        return pd.DataFrame(rows)

    def no_data(self) -> pd.DataFrame:
        """District x category pairs the input holds no point of and that are not known to be
        absent: "no data", not "no facility"."""
        t = self.facility_counts()
        return t[t["status"] == "no data"].reset_index(drop=True)

    def validate(self) -> pd.DataFrame:
        """What is doubtful in the input: one row a kind of problem, with its count and
        examples (the report of ``lifecircle import-gis --validate``)."""
        return self.problems.copy()

    # --- writing -----------------------------------------------------------------------------
    def write(self, path: str | PathLike) -> None:
        """Writes the city file (HDF5, sealed, through a temporary name: on failure nothing
        is left at ``path``), readable by ``lifecircle reach`` and
        :meth:`lifecircle.WalkNetwork.from_city_file`."""
        f = self.facilities
        cat_index = {c: i for i, c in enumerate(self.categories)}
        districts = [str(n) for n in self.districts["name"]]
        wkt = [g.wkt for g in self.districts["geometry"]] if len(self.districts) else []
        self.network.write_city(
            path,
            self.categories,
            {
                "category": np.array([cat_index[c] for c in f["category"]], dtype=np.uint32),
                "id": f["row"].to_numpy(np.int64),
                "lon": f["lon"].to_numpy(np.float64),
                "lat": f["lat"].to_numpy(np.float64),
                "name": [str(n) for n in f["name"]],
                "district": f["district"].to_numpy(np.int32),
                "source_type": [str(t) for t in f["source_type"]],
            },
            source=self.source,
            attribution=self.attribution or f"data: {self.source}",
            districts=districts,
            district_wkt=wkt,
            homes={
                "node": self.homes["node"].to_numpy(np.uint32),
                "residents": self.homes["residents"].to_numpy(np.float64),
                "district": self.homes["district"].to_numpy(np.int32),
            },
            known_absent=[f"{d}\t{c}" for d, c in self.known_absent],
            node_district=self.node_district,
        )

    def summary(self) -> str:
        net = self.network
        r = net.report
        counts = self.facilities["category"].value_counts()
        per = ", ".join(f"{c} {int(counts.get(c, 0))}" for c in self.categories)
        lines = [
            f"network: {net.num_nodes} nodes, {net.num_edges} edges, {net.total_length / 1000:.1f} km "
            f"(from {r['input_nodes']} nodes in {r['components']} components; "
            f"dropped {r['dropped_nodes']} nodes, "
            f"{r['dropped_edges']} edges, {r['dropped_length_m'] / 1000:.1f} km)",
            f"facilities: {len(self.facilities)} ({per})",
        ]
        if len(self.districts):
            lines.append(f"districts: {len(self.districts)} ({', '.join(map(str, self.districts['name']))})")
        if len(self.homes):
            lines.append(f"residents: {self.homes['residents'].sum():,.0f} on {len(self.homes)} nodes")
        return "\n".join(lines)


# --- the parts -------------------------------------------------------------------------------


def _read_roads(path, layer, crs_override, walk_field, include, exclude, keep_largest):
    shapely = require("shapely", "gis", "lifecircle import-gis")
    frame, layer = _read_layer(path, layer, "roads")
    where = f"{path}: layer {layer!r}"
    crs = _layer_crs(frame, path, layer, crs_override)
    problems = []
    if include and exclude:
        raise _core.ArgumentError("give walk_include or walk_exclude, not both")
    keep = np.ones(len(frame), dtype=bool)
    if walk_field is not None:
        if walk_field not in frame.columns:
            fields = ", ".join(c for c in frame.columns if c != "geometry")
            raise _input_error(
                f"{where}: no field {walk_field!r} (the walkable mapping's field); fields: {fields}"
            )
        values = frame[walk_field].astype(str)
        if include:
            keep = values.isin([str(v) for v in include]).to_numpy()
        elif exclude:
            keep = ~values.isin([str(v) for v in exclude]).to_numpy()
    geoms = frame.geometry.to_numpy()
    types = shapely.get_type_id(geoms)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    line_ok = np.isin(types, [1, 5])  # LineString, MultiLineString
    bad = np.flatnonzero(~empty & ~line_ok)
    if len(bad):
        i = int(bad[0])
        raise _input_error(
            f"{where}: feature {i + 1}: geometry is a {geoms[i].geom_type}; expected lines (LineString or "
            "MultiLineString)"
        )
    if empty.any():
        problems.append(
            (
                "roads_without_geometry",
                [f"feature {int(i) + 1}" for i in np.flatnonzero(empty)],
                int(empty.sum()),
            )
        )
    rows = np.flatnonzero(keep & ~empty)
    if not len(rows):
        raise _input_error(
            f"{where}: no walkable line ({len(frame)} features; walkable mapping {walk_field!r})"
        )
    parts, part_row = shapely.get_parts(geoms[rows], return_index=True)
    coords, part_of = shapely.get_coordinates(parts, return_index=True)
    # a point is one network point wherever lines share its exact coordinates in the file
    uniq, point_id = np.unique(coords, axis=0, return_inverse=True)
    point_id = point_id.reshape(-1).astype(np.int64)
    lon_u, lat_u = _to_lonlat(crs, uniq[:, 0], uniq[:, 1])
    if not (np.isfinite(lon_u).all() and np.isfinite(lat_u).all()) or (np.abs(lat_u) > 90).any():
        raise _input_error(f"{where}: coordinates do not transform from {crs.name} to longitude/latitude")
    line_start = np.searchsorted(part_of, np.arange(len(parts))).astype(np.int64)
    net = WalkNetwork.from_lines(
        point_id,
        lon_u[point_id],
        lat_u[point_id],
        line_start,
        keep_largest_component=keep_largest,
        source=where,
    )
    origin = net.origin
    # roads not connected to the rest: lines whose points lie in another component than the
    # network's nodes (union of each line's points)
    parent = np.arange(len(uniq))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    bounds = np.append(line_start, len(point_id))
    for p in range(len(parts)):
        ids = point_id[bounds[p] : bounds[p + 1]]
        if len(ids) < 2:
            continue
        r0 = find(int(ids[0]))
        for q in ids[1:]:
            rq = find(int(q))
            if rq != r0:
                parent[rq] = r0
    roots = pd.Series([find(int(i)) for i in net.nodes.index]).value_counts()
    kept_roots = {int(roots.index[0])}  # the largest component the network holds
    loose = [
        int(rows[part_row[p]])
        for p in range(len(parts))
        if bounds[p + 1] > bounds[p] and find(int(point_id[bounds[p]])) not in kept_roots
    ]
    if loose:
        loose = sorted(set(loose))
        problems.append(
            (
                "roads_not_connected",
                [
                    f"{where}: feature {i + 1}"
                    + (f" ({walk_field}={frame[walk_field].iloc[i]})" if walk_field else "")
                    for i in loose
                ],
                len(loose),
            )
        )
    return net, origin, problems


def _read_boundaries(path, layer, crs_override, name_field):
    shapely = require("shapely", "gis", "lifecircle import-gis")
    frame, layer = _read_layer(path, layer, "boundaries")
    where = f"{path}: layer {layer!r}"
    if name_field not in frame.columns:
        fields = ", ".join(c for c in frame.columns if c != "geometry") or "none"
        raise _input_error(
            f"{where}: no field {name_field!r} naming the districts (fields: {fields}); "
            "give the name field (--district-field)"
        )
    crs = _layer_crs(frame, path, layer, crs_override)
    names = []
    for i, v in enumerate(frame[name_field]):
        if v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip():
            raise _input_error(
                f"{where}: feature {i + 1}, field {name_field!r}: empty; every polygon needs a name"
            )
        names.append(str(v).strip())
    geoms = frame.geometry.to_numpy()
    types = shapely.get_type_id(geoms)
    for i, t in enumerate(types):
        if t not in (3, 6):
            raise _input_error(f"{where}: feature {i + 1} ({names[i]}): geometry is not a polygon")
    dup = pd.Series(names)[pd.Series(names).duplicated()]
    if len(dup):
        raise _input_error(f"{where}: field {name_field!r}: {dup.iloc[0]!r} names two polygons")
    out = []
    for g in geoms:
        out.append(shapely.transform(g, lambda xy: np.column_stack(_to_lonlat(crs, xy[:, 0], xy[:, 1]))))
    return pd.DataFrame({"name": names, "geometry": out})


def _district_of(districts: pd.DataFrame, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Index of the first polygon containing each point, -1 where none does."""
    out = np.full(len(lon), -1, dtype=np.int32)
    if not len(districts) or not len(lon):
        return out
    shapely = require("shapely", "gis", "lifecircle import-gis")
    for d, g in enumerate(districts["geometry"]):
        inside = shapely.contains_xy(g, lon, lat) & (out < 0)
        out[inside] = d
    return out


def _read_pois(path, sheet, system, type_field, table: TypeTable, strict: bool):
    if system not in POI_SYSTEMS:
        raise _core.ArgumentError(f"--poi-crs {system!r}: expected one of {', '.join(POI_SYSTEMS)}")
    frame = read_table(path, sheet, "points of interest")
    where = path if sheet is None else f"{path}: sheet {sheet!r}"
    if type_field not in frame.columns:
        raise _input_error(
            f"{where}: no column {type_field!r} with type codes; "
            f"columns: {', '.join(map(str, frame.columns))}"
        )
    loc = find_column(frame, LOCATION_COLUMNS, None, path, "points of interest")
    lon_c = find_column(frame, LON_COLUMNS, None, path, "points of interest")
    lat_c = find_column(frame, LAT_COLUMNS, None, path, "points of interest")
    name_c = find_column(frame, NAME_COLUMNS, None, path, "points of interest")
    n = len(frame)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    if lon_c is not None and lat_c is not None:
        lon = pd.to_numeric(frame[lon_c], errors="coerce").to_numpy(np.float64)
        lat = pd.to_numeric(frame[lat_c], errors="coerce").to_numpy(np.float64)
        fields = f"{lon_c!r}, {lat_c!r}"
    elif loc is not None:
        parts = frame[loc].astype(str).str.split(",", n=1, expand=True).reindex(columns=[0, 1])
        lon = pd.to_numeric(parts[0], errors="coerce").to_numpy(np.float64)
        lat = pd.to_numeric(parts[1], errors="coerce").to_numpy(np.float64)
        fields = repr(loc)
    else:
        raise _input_error(
            f"{where}: no coordinates: expected a column {' or '.join(LOCATION_COLUMNS)} ('lng,lat') "
            f"or longitude ({', '.join(LON_COLUMNS)}) and latitude ({', '.join(LAT_COLUMNS)}) columns"
        )
    bad = np.flatnonzero(~(np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)))
    if len(bad):
        i = int(bad[0])
        raise _input_error(
            f"{where}: {row_label(i)}, field {fields}: not a longitude and latitude in degrees "
            f"({len(bad)} such rows)"
        )
    wlon, wlat = to_wgs84(lon, lat, system)
    names = frame[name_c].astype(str).to_numpy() if name_c is not None else np.full(n, "", dtype=object)
    rows, unmapped, ignored = [], [], {}
    for i, codes in enumerate(frame[type_field].astype(str)):
        matched = []
        for code in [c.strip() for c in codes.split("|") if c.strip()] or [""]:
            m = table.match(code)
            if m is None:
                unmapped.append((i, code))
            elif m < 0:
                ignored[code] = ignored.get(code, 0) + 1
            elif m not in matched:
                matched.append(m)
        for m in sorted(matched):
            rows.append(
                {
                    "category": table.categories[m],
                    "lon": wlon[i],
                    "lat": wlat[i],
                    "name": names[i],
                    "source_type": codes,
                    "row": i,
                }
            )
    problems = []
    if unmapped:
        items = [
            f"{where}: {row_label(i)}, field {type_field!r}: {code or '(empty)'!r}" for i, code in unmapped
        ]
        if strict:
            raise _input_error(
                f"{items[0]}: type code not in {table.source} (neither a category's nor ignored); "
                f"{len(unmapped)} such codes in the file; add them to the table (or to [ignore])"
            )
        problems.append(("unmapped_type", items, len(unmapped)))
    if ignored:
        top = sorted(ignored.items(), key=lambda kv: -kv[1])
        problems.append(("ignored_type", [f"{c} x{k}" for c, k in top], sum(ignored.values())))
    fac = pd.DataFrame(rows, columns=["category", "lon", "lat", "name", "source_type", "row"])
    return fac, problems


def _read_population(
    path, net: WalkNetwork, origin, districts, node_district, district_field, population_field
):
    """Residents per network node: a community table spread evenly over each polygon's nodes,
    or a raster's cells on their nearest nodes."""
    problems = []
    residents = np.zeros(net.num_nodes)
    suffix = Path(path).suffix.lower()
    if suffix in (".tif", ".tiff"):
        rasterio = require("rasterio", "gis", "population from a GeoTIFF")
        if not Path(path).exists():
            raise _input_error(f"{path}: no such file (population grid)")
        with rasterio.open(path) as src:
            if src.crs is None:
                raise _input_error(f"{path}: the raster has no coordinate reference system")
            crs = _crs(src.crs.to_wkt(), f"{path} (population grid)")
            band = src.read(1, masked=True)
            values = np.ma.filled(band.astype(np.float64), 0.0)
            rows, cols = np.nonzero(values > 0)
            xs, ys = rasterio.transform.xy(src.transform, rows, cols, offset="center")
        lon, lat = _to_lonlat(crs, np.asarray(xs, np.float64), np.asarray(ys, np.float64))
        x, y = _core.project(origin[0], origin[1], lon, lat)
        snapped = net.nodes.index.get_indexer(net.snap(x, y)["node_id"])
        np.add.at(residents, snapped, values[rows, cols])
    else:
        frame = read_table(path, None, "population")
        for col in (district_field, population_field):
            if col not in frame.columns:
                raise _input_error(
                    f"{path}: no column {col!r} (population table); "
                    f"columns: {', '.join(map(str, frame.columns))}"
                )
        if not len(districts):
            raise _input_error(
                f"{path}: a population table needs district boundaries (--boundaries) to place it"
            )
        index = {n: i for i, n in enumerate(districts["name"])}
        for i, (name, value) in enumerate(zip(frame[district_field], frame[population_field])):
            if str(name).strip() not in index:
                raise _input_error(
                    f"{path}: {row_label(i)}, field {district_field!r}: "
                    f"{name!r} is no district of the boundaries"
                )
            try:
                people = float(value)
            except ValueError:
                people = float("nan")
            if not np.isfinite(people) or people < 0:
                raise _input_error(
                    f"{path}: {row_label(i)}, field {population_field!r}: {value!r} is not a count"
                )
            nodes = np.flatnonzero(node_district == index[str(name).strip()])
            if not len(nodes):
                problems.append(("population_without_nodes", [f"{name}: {people:,.0f} residents"], 1))
                continue
            residents[nodes] += people / len(nodes)
    nodes = np.flatnonzero(residents > 0)
    homes = pd.DataFrame(
        {
            "node": nodes.astype(np.uint32),
            "residents": residents[nodes],
            "district": np.asarray(node_district)[nodes].astype(np.int32),
        }
    )
    return homes, problems


# --- command line ----------------------------------------------------------------------------


def _pairs(values: list[str]) -> list[tuple[str, str]]:
    out = []
    for v in values:
        if ":" not in v:
            raise _core.ArgumentError(f"--known-absent {v!r}: expected DISTRICT:CATEGORY")
        d, c = v.rsplit(":", 1)
        out.append((d, c))
    return out


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lifecircle import-gis",
        description="A city file from a planner's GIS data: road lines (GeoPackage, Shapefile, GeoJSON; any "
        "coordinate system), points of interest exported from Amap or Baidu (CSV, XLSX; GCJ-02 or BD-09 "
        "converted to WGS84; type codes mapped to categories by configs/amap_categories.toml), district or "
        "community boundaries (polygons) and population (a table per district, or a GeoTIFF grid). Needs "
        "lifecircle[gis]. Bad input: an error naming file, layer, row and field; exit 2; no file written.",
    )
    p.add_argument("--roads", required=True, help="road centre lines (.gpkg, .shp, .geojson)")
    p.add_argument("--roads-layer", help="layer of the roads file (default: the first)")
    p.add_argument(
        "--roads-crs", help="coordinate system of the roads, overriding the file's (e.g. EPSG:4546)"
    )
    p.add_argument("--walk-field", help="the roads' attribute saying what a line is (e.g. highway, fclass)")
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--walk-include",
        help="values of --walk-field a pedestrian may use, comma-separated (the rest dropped)",
    )
    g.add_argument("--walk-exclude", help="values of --walk-field a pedestrian may not use, comma-separated")
    p.add_argument("--pois", help="points of interest (.csv, .xlsx) exported from Amap or Baidu")
    p.add_argument("--poi-sheet", help="sheet of an XLSX file (default: the first)")
    p.add_argument(
        "--poi-crs",
        default="gcj02",
        choices=POI_SYSTEMS,
        help="coordinate system of the points (default: gcj02, Amap's)",
    )
    p.add_argument("--poi-type-field", default="typecode", help="column of type codes (default: typecode)")
    p.add_argument(
        "--types",
        help="TOML table of type codes to categories (default: built-in configs/amap_categories.toml)",
    )
    p.add_argument("--boundaries", help="district or community polygons (.gpkg, .shp, .geojson)")
    p.add_argument("--boundaries-layer", help="layer of the boundaries file")
    p.add_argument("--boundaries-crs", help="coordinate system of the boundaries, overriding the file's")
    p.add_argument(
        "--district-field",
        default="name",
        help="field naming each polygon (and the population table's district column)",
    )
    p.add_argument(
        "--population", help="residents: a table (.csv, .xlsx) per district, or a GeoTIFF grid (.tif)"
    )
    p.add_argument(
        "--population-field", default="population", help="column of residents in the population table"
    )
    p.add_argument(
        "--known-absent",
        action="append",
        default=[],
        metavar="DISTRICT:CATEGORY",
        help="a category known to have no facility in a district (else shown as 'no data'); repeatable",
    )
    p.add_argument(
        "--keep-all-components", action="store_true", help="keep roads not connected to the largest network"
    )
    p.add_argument(
        "--attribution",
        default="",
        help="attribution stored in the city file (e.g. the data's owner and licence)",
    )
    p.add_argument(
        "--validate", action="store_true", help="check the inputs and report every problem; write nothing"
    )
    p.add_argument("-o", "--output", help="city file to write (.h5); required unless --validate")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.validate and not args.output:
        print("lifecircle import-gis: error: -o/--output is required (or --validate)", file=sys.stderr)
        return 2
    split = lambda s: [v.strip() for v in s.split(",")] if s else None  # noqa: E731
    try:
        city = City.from_gis(
            args.roads,
            roads_layer=args.roads_layer,
            roads_crs=args.roads_crs,
            walk_field=args.walk_field,
            walk_include=split(args.walk_include),
            walk_exclude=split(args.walk_exclude),
            pois=args.pois,
            poi_sheet=args.poi_sheet,
            poi_crs=args.poi_crs,
            poi_type_field=args.poi_type_field,
            types=args.types,
            boundaries=args.boundaries,
            boundaries_layer=args.boundaries_layer,
            boundaries_crs=args.boundaries_crs,
            district_field=args.district_field,
            population=args.population,
            population_field=args.population_field,
            known_absent=_pairs(args.known_absent),
            keep_largest_component=not args.keep_all_components,
            attribution=args.attribution,
            strict=not args.validate,
        )
        print(city.summary())
        if args.validate:
            if len(city.problems):
                print("problems:")
                for row in city.problems.itertuples():
                    print(f"  {row.kind}: {row.count}" + (f" (e.g. {row.examples})" if row.examples else ""))
            else:
                print("problems: none")
            return 2 if (city.problems["kind"] == "unmapped_type").any() else 0
        city.write(args.output)
        for row in city.problems.itertuples():
            print(f"note: {row.kind}: {row.count}" + (f" (e.g. {row.examples})" if row.examples else ""))
        print(f"wrote {args.output} in {city.seconds:.2f} s")
        return 0
    except MissingExtraError as e:
        print(f"lifecircle import-gis: error: {e}", file=sys.stderr)
        return 1
    except (_core.InputError, _core.ArgumentError) as e:
        print(f"lifecircle import-gis: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
