"""Walking networks and reach queries, with a Pandana-like interface."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from lifecircle import _core

#: Walking speed used for comparisons with Pandana and cityseer, metres a minute
#: (PARAMETERS.md, "Walking").
DEFAULT_SPEED_M_PER_MIN = 80.0


def _ids_and_values(values: Any) -> tuple[np.ndarray | None, np.ndarray]:
    """Index (if a pandas Series) and float values of a node coordinate column."""
    if isinstance(values, pd.Series):
        return values.index.to_numpy(dtype=np.int64), values.to_numpy(dtype=np.float64)
    return None, np.asarray(values, dtype=np.float64)


def _facility_xy(facilities: Any) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """x, y and labels of facilities given as a DataFrame (x, y columns) or an (x, y) pair."""
    if isinstance(facilities, pd.DataFrame):
        missing = {"x", "y"} - set(facilities.columns)
        if missing:
            raise KeyError(
                f"facilities DataFrame lacks column(s) {sorted(missing)}; expected x and y in metres"
            )
        return (facilities["x"].to_numpy(np.float64), facilities["y"].to_numpy(np.float64), facilities.index)
    x, y = facilities
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return x, y, pd.RangeIndex(len(x))


class WalkNetwork:
    """An undirected walking network: nodes in projected metres, edge lengths in metres.

    Build it like a Pandana ``Network``: node coordinates as pandas Series indexed by node id
    (or plain arrays, then ids are 0..n-1) and edges as node ids with lengths in metres. Nodes
    outside the largest connected component are dropped unless ``keep_largest_component`` is
    False; :attr:`report` says what was dropped.

    Example:
        >>> net = WalkNetwork(nodes.x, nodes.y, edges["from"], edges["to"], edges["length"])
        >>> net.nearest(shops, k=3, max_minutes=15)
    """

    def __init__(
        self,
        node_x: Any,
        node_y: Any,
        edge_from: Any,
        edge_to: Any,
        edge_length: Any,
        *,
        keep_largest_component: bool = True,
        _core_network: Any = None,
    ) -> None:
        if _core_network is not None:
            self._net = _core_network
        else:
            ids, x = _ids_and_values(node_x)
            _, y = _ids_and_values(node_y)
            if ids is None:
                ids = np.arange(len(x), dtype=np.int64)
            self._net = _core.WalkNetwork(
                ids,
                x,
                y,
                np.asarray(edge_from, dtype=np.int64),
                np.asarray(edge_to, dtype=np.int64),
                np.asarray(edge_length, dtype=np.float64),
                keep_largest_component,
            )
        self.facilities: pd.DataFrame | None = None
        self.categories: list[str] = []
        self.origin: tuple[float, float] | None = None

    # --- builders ----------------------------------------------------------------------
    @classmethod
    def from_csv(
        cls, nodes_path: str | PathLike, edges_path: str | PathLike, *, keep_largest_component: bool = True
    ) -> WalkNetwork:
        """Reads ``nodes.csv`` (id, x, y) and ``edges.csv`` (from, to, length in metres)."""
        core = _core.WalkNetwork.from_csv(str(nodes_path), str(edges_path), keep_largest_component)
        return cls(None, None, None, None, None, _core_network=core)

    @classmethod
    def from_osm(
        cls,
        path: str | PathLike,
        *,
        categories: str | PathLike | None = None,
        keep_largest_component: bool = True,
    ) -> WalkNetwork:
        """Walking network and categorised facilities from an OpenStreetMap PBF or XML file.

        Ways pass osmnx's pedestrian filter and are simplified to intersections and dead ends;
        edge lengths are great-circle lengths along each way. Facilities (tagged nodes and
        way centroids) are mapped to categories by ``categories`` (a TOML file; default:
        the built-in ``configs/osm_categories.toml``) and kept in :attr:`facilities`.
        """
        city = _core.import_osm(
            str(path), None if categories is None else str(categories), keep_largest_component
        )
        return cls._from_city(city)

    @classmethod
    def from_lines(
        cls,
        point_ids: Any,
        lon: Any,
        lat: Any,
        line_start: Any,
        *,
        keep_largest_component: bool = True,
        source: str = "lines",
    ) -> WalkNetwork:
        """The walking network of lines, simplified and measured as :meth:`from_osm` does
        (core/line_network.hpp): points in WGS84 degrees, one id per shared point (a
        junction), line ``l`` the points from ``line_start[l]`` to the next start. Node ids
        are the point ids; :attr:`origin` is the projection's centre."""
        built = _core.network_from_lines(
            np.asarray(point_ids, np.int64),
            np.asarray(lon, np.float64),
            np.asarray(lat, np.float64),
            np.asarray(line_start, np.int64),
            keep_largest_component,
            source,
        )
        net = cls(None, None, None, None, None, _core_network=built["network"])
        net.origin = (float(built["origin_lon"]), float(built["origin_lat"]))
        return net

    def write_city(
        self,
        path: str | PathLike,
        categories: list[str],
        facilities: Mapping[str, Any],
        *,
        source: str,
        attribution: str,
        districts: list[str] = (),
        district_wkt: list[str] = (),
        homes: Mapping[str, Any] | None = None,
        known_absent: list[str] = (),
        node_district: Any = None,
    ) -> None:
        """Writes this network and ``facilities`` (columns category index, id, lon, lat in
        WGS84, name, district index or -1, source_type) as a city file (core/city_file.hpp:
        sealed, through a temporary name), projected around :attr:`origin`; ``homes``:
        columns node (index), residents, district; ``node_district``: each node's district
        index (-1 none), which a scenario with ``[network] source = "city"`` runs on."""
        if self.origin is None:
            raise ValueError("the network has no origin (build it with from_lines or from_osm)")
        if homes is None:
            homes = {
                "node": np.zeros(0, np.uint32),
                "residents": np.zeros(0),
                "district": np.zeros(0, np.int32),
            }
        _core.write_city(
            str(path),
            self._net,
            float(self.origin[0]),
            float(self.origin[1]),
            list(categories),
            dict(facilities),
            source,
            attribution,
            list(districts),
            list(district_wkt),
            dict(homes),
            list(known_absent),
            np.asarray([] if node_district is None else node_district, dtype=np.int32),
        )

    @classmethod
    def from_city_file(cls, path: str | PathLike) -> WalkNetwork:
        """Network and facilities from an HDF5 city file written by ``lifecircle import-osm``."""
        return cls._from_city(_core.read_city(str(path)))

    @classmethod
    def _from_city(cls, city: Mapping[str, Any]) -> WalkNetwork:
        net = cls(None, None, None, None, None, _core_network=city["network"])
        net.categories = list(city["categories"])
        fac = dict(city["facilities"])
        fac["category"] = pd.Categorical.from_codes(
            fac["category"].astype(np.int64), categories=net.categories
        )
        net.facilities = pd.DataFrame(fac)
        net.origin = (city["origin_lon"], city["origin_lat"])
        return net

    # --- data ----------------------------------------------------------------------------
    @property
    def num_nodes(self) -> int:
        return self._net.num_nodes

    @property
    def num_edges(self) -> int:
        return self._net.num_edges

    @property
    def nodes(self) -> pd.DataFrame:
        """Nodes: index ``node_id``, columns x, y (metres)."""
        return pd.DataFrame(
            {"x": self._net.x, "y": self._net.y}, index=pd.Index(self._net.node_ids, name="node_id")
        )

    @property
    def edges(self) -> pd.DataFrame:
        """Edges: from, to (node ids) and length (metres)."""
        ids = self._net.node_ids
        return pd.DataFrame(
            {"from": ids[self._net.edge_from], "to": ids[self._net.edge_to], "length": self._net.edge_length}
        )

    @property
    def total_length(self) -> float:
        """Length of all edges, metres."""
        return float(self._net.total_length)

    @property
    def report(self) -> dict[str, Any]:
        """What the builder kept and dropped (input counts, components, dropped nodes/edges)."""
        return dict(self._net.report)

    def __repr__(self) -> str:
        return (
            f"WalkNetwork({self.num_nodes} nodes, {self.num_edges} edges, "
            f"{self._net.total_length / 1000:.1f} km)"
        )

    # --- queries -------------------------------------------------------------------------
    def snap(self, x: Any, y: Any) -> pd.DataFrame:
        """Nearest node of each point: columns ``node_id`` and ``distance`` (straight line, m)."""
        nodes, dist = self._net.snap(np.asarray(x, np.float64), np.asarray(y, np.float64))
        return pd.DataFrame({"node_id": self._net.node_ids[nodes], "distance": dist})

    def _max_distance(self, max_distance: float | None, max_minutes: float | None, speed: float) -> float:
        if (max_distance is None) == (max_minutes is None):
            raise ValueError("give exactly one of max_distance (metres) or max_minutes")
        if max_minutes is not None:
            if speed <= 0:
                raise ValueError(f"speed must be positive (metres a minute), got {speed}")
            return float(max_minutes) * speed
        return float(max_distance)

    def nearest(
        self,
        facilities: Any,
        k: int = 3,
        *,
        max_distance: float | None = None,
        max_minutes: float | None = None,
        speed: float = DEFAULT_SPEED_M_PER_MIN,
        include_ids: bool = False,
    ) -> pd.DataFrame:
        """Network distances from every node to its k nearest facilities, like Pandana.

        Facilities snap to their nearest node at zero cost, as in Pandana's ``set_pois``.

        Args:
            facilities: DataFrame with x and y columns (metres; its index labels the
                facilities) or an ``(x, y)`` pair of arrays.
            k: facilities per node.
            max_distance: search radius in metres (or give ``max_minutes``).
            max_minutes: search radius as walking minutes at ``speed`` metres a minute.
            speed: walking speed, metres a minute.
            include_ids: add columns ``poi1``..``poik`` with the facilities' labels.

        Returns:
            DataFrame indexed by node id with columns 1..k (distances in metres, sorted);
            where fewer than k are in reach, the distance is ``max_distance`` and the id NaN,
            as Pandana's ``nearest_pois`` does.
        """
        radius = self._max_distance(max_distance, max_minutes, speed)
        x, y, labels = _facility_xy(facilities)
        nodes, _ = self._net.snap(x, y)
        dist, fac = self._net.reach(nodes.astype(np.uint32), int(k), radius)
        dist = np.where(np.isinf(dist), radius, dist)
        out = pd.DataFrame(
            dist, columns=list(range(1, k + 1)), index=pd.Index(self._net.node_ids, name="node_id")
        )
        if include_ids:
            values = np.asarray(labels, dtype=object)
            for r in range(k):
                col = fac[:, r]
                out[f"poi{r + 1}"] = (
                    np.where(col >= 0, values[np.maximum(col, 0)], np.nan) if len(values) else np.nan
                )
        return out

    def coverage(
        self,
        facilities: Any = None,
        *,
        minutes: Iterable[float] = (5, 10, 15),
        speed: float = DEFAULT_SPEED_M_PER_MIN,
        weights: Any = None,
    ) -> pd.DataFrame:
        """Share of nodes (or of ``weights``, e.g. residents per node) whose nearest facility
        of each category is within each walking time.

        Args:
            facilities: DataFrame with x, y and a ``category`` column (default: the facilities
                read from OpenStreetMap), or a mapping category -> DataFrame / (x, y).
            minutes: walking times, minutes.
            speed: walking speed, metres a minute.
            weights: one weight per node (array or Series indexed by node id); default 1.

        Returns:
            DataFrame indexed by category, columns ``within_<m>_min`` (shares 0-1) and
            ``facilities`` (count).
        """
        minutes = [float(m) for m in minutes]
        if facilities is None:
            if self.facilities is None:
                raise ValueError("no facilities: pass them, or build the network with from_osm")
            facilities = self.facilities
        if isinstance(facilities, pd.DataFrame):
            if "category" not in facilities.columns:
                raise KeyError("facilities DataFrame lacks a 'category' column")
            groups = {str(c): g for c, g in facilities.groupby("category", observed=True, sort=True)}
        else:
            groups = dict(facilities)
        if weights is None:
            w = np.ones(self.num_nodes)
        elif isinstance(weights, pd.Series):
            w = weights.reindex(self._net.node_ids).fillna(0.0).to_numpy(np.float64)
        else:
            w = np.asarray(weights, dtype=np.float64)
        if len(w) != self.num_nodes:
            raise ValueError(f"{len(w)} weights for {self.num_nodes} nodes")
        names = list(groups)
        node_lists = []
        for name in names:
            x, y, _ = _facility_xy(groups[name])
            node_lists.append(self._net.snap(x, y)[0].astype(np.uint32).tolist())
        tables = self._net.reach_many(node_lists, 1, max(minutes) * speed)
        rows = {}
        total = w.sum()
        for name, nodes, (dist, _) in zip(names, node_lists, tables):
            nearest = dist[:, 0]
            row = {f"within_{m:g}_min": float(w[nearest <= m * speed].sum() / total) for m in minutes}
            row["facilities"] = len(nodes)
            rows[name] = row
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("category")
