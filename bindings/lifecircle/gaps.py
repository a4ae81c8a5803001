"""Gap lists (一图一清单: one map and one list per circle): what each district still lacks.

For each district and category whose ring coverage at the end of a year is below a target:
the residents outside the ring, and recommended sites chosen by maximal coverage among the
district's candidate sites (``Results.candidate_sites``), greedy as the engine sites planned
facilities, or exact (lifecircle.covering). ``res.gaps(...)`` calls :func:`gaps`.

No data is not no facility (:func:`data_status`): where the facilities come from data
(OpenStreetMap, a city file of import-gis) and the data hold no point of a category in a
district, the gap is "no data", with no recommended sites, unless the scenario lists the
category in the district's ``known_absent`` (then "none": known to have none).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lifecircle import _core
from lifecircle.access import node_distance, resident_groups
from lifecircle.covering import max_cover

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.results import Results

#: Default coverage target of a gap list: the share of a district's residents who should
#: have the category inside its ring, the engine's for a circle_plan's list (core/scenario.hpp)
#: [E: the plan's 90% satisfaction target, applied per category].
GAP_TARGET: float = _core.LIST_TARGET
#: The columns of a gap list, in order.
COLUMNS = [
    "district", "pinyin", "category", "category_zh", "class", "in_ring", "target", "residents",
    "residents_outside", "shops_open", "sites", "site_x", "site_y", "site_gain", "in_ring_after", "data",
]  # fmt: skip
#: The values of :func:`data_status`'s ``status`` (and of a gap list's ``data`` column).
DATA = "data"
NO_DATA = "no data"
NONE_KNOWN = "none"


def data_status(res: Results) -> pd.DataFrame:
    """What the input says of each district and category at the start of the run: ``data``
    (facilities were there), ``none`` (none, and known: a synthetic town's counts are the
    scenario's own, or the district lists the category in ``known_absent``) or ``no data``
    (the facilities come from data, OpenStreetMap or a city file, and it holds no point of the
    category in the district: whether there is one is not known).

    Returns:
        One row per district and category: district, category, baseline (facilities at the
        start), status.
    """
    t = res.table("facilities")
    base = t["origin"] == list(_core.FACILITY_ORIGINS).index("baseline")
    rows = []
    synthetic = res.scenario.is_synthetic
    for d, spec in enumerate(res.scenario.spec["districts"]):
        known = set(spec.get("known_absent", []))
        for key in res.categories:
            n = int((base & (t["district"] == d) & res.serves(key)).sum())
            status = DATA if n else (NONE_KNOWN if synthetic or key in known else NO_DATA)
            rows.append({"district": res.districts_zh[d], "category": key, "baseline": n, "status": status})
    return pd.DataFrame(rows, columns=["district", "category", "baseline", "status"])


def gaps(
    res: Results,
    year: int | None = None,
    *,
    target: float = GAP_TARGET,
    sites: int = 3,
    districts: list[str] | None = None,
    categories: list[str] | None = None,
    method: str = "greedy",
    distances: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """One map and one list per circle: what each district still lacks.

    For each district and category whose ring coverage at the end of ``year`` is below
    ``target``: the residents outside the ring, and up to ``sites`` recommended sites
    chosen by greedy maximal coverage among the district's commercial nodes (each the
    site bringing the most still-uncovered residents inside the ring, at working-age
    walking speed, as the engine sites planned facilities).

    Args:
        res: a run's results.
        year: the year whose end is examined (default: the last simulated).
        target: coverage share (0-1) a category should reach.
        sites: recommended sites per gap (0 for none).
        districts: district names (Chinese or pinyin) to examine (default: all).
        categories: category keys to examine (default: all).
        method: ``"greedy"`` (each site the best given those before it, as the engine
            sites planned facilities) or ``"exact"`` (the maximal covering programme
            solved by HiGHS: the most residents any ``sites`` sites can bring inside;
            lifecircle.covering).
        distances: per category, the node distances at the end of ``year``
            (:func:`lifecircle.access.node_distance`), when the caller has them already.

    Returns:
        One row per gap, worst first within each district: district, pinyin, category,
        category_zh, class, in_ring, target, residents, residents_outside, shops_open,
        sites (list of node indices), site_x, site_y (lists, metres), site_gain (list:
        residents each site brings inside the ring), in_ring_after (coverage with the
        sites), data (:func:`data_status` of the pair: "no data" rows carry no sites).
    """
    if method not in ("greedy", "exact"):
        raise _core.ArgumentError(f"method {method!r}: expected 'greedy' or 'exact'")
    year = res.end.year if year is None else int(year)
    rows_of = list(range(len(res.districts_zh)))
    if districts is not None:
        rows_of = [res.district_index(n) for n in districts]
    people = res.residents_on(res.year_end(year))
    per_node = np.bincount(people.home_node.to_numpy(), minlength=len(res.node_district)).astype(float)
    status = data_status(res).set_index(["district", "category"])["status"]
    D = len(res.districts_zh)
    g = resident_groups(res, people)
    residents = np.bincount(g.district, weights=g.size, minlength=D).astype(np.int64)
    cov = res.coverage
    shops = cov[cov.year == year].groupby(["district", "category"]).shops_open.sum()
    cats = res.scenario.categories.set_index("key")
    rows = []
    for c in _checked(res, categories):
        dist = distances[c] if distances is not None else node_distance(res, c, year)
        # residents inside the ring per district: whole numbers summed over alike residents
        inside = dist[g.node] <= res.scenario.ring_metres(c)[g.age]
        counted = np.bincount(g.district, weights=inside * g.size, minlength=D).astype(np.int64)
        for d in rows_of:
            row = _gap_row(res, cats, c, d, residents[d], counted[d], shops, target)
            if row is not None:
                row["data"] = status[(res.districts_zh[d], c)]
                # no data: whether the district lacks it is not known, so no site is recommended
                n_sites = 0 if row["data"] == NO_DATA else sites
                nodes, gains = _recommended_sites(res, c, d, dist, per_node, n_sites, method)
                row.update(_sites_columns(res, nodes, gains, row["in_ring"], row["residents"]))
                rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    order = out.district.map({name: i for i, name in enumerate(res.districts_zh)})
    out = out.assign(_d=order).sort_values(["_d", "in_ring"], kind="stable")
    return out.drop(columns="_d").reset_index(drop=True)


def _checked(res: Results, categories: list[str] | None) -> list[str]:
    for c in categories or ():
        if c not in res.categories:
            raise _core.ArgumentError(f"no category {c!r}; the categories are {', '.join(res.categories)}")
    return list(categories or res.categories)


def _gap_row(
    res: Results,
    cats: pd.DataFrame,
    category: str,
    d: int,
    n: int,
    inside: int,
    shops: pd.Series,
    target: float,
) -> dict | None:
    """District d's gap in ``category`` before its sites, or None when the share of its
    ``n`` residents ``inside`` the ring reaches ``target``. ``shops``: the year's open shops
    per (district, category); ``cats``: the scenario's categories by key."""
    if n == 0:
        return None
    share = int(inside) / int(n)
    if share >= target:
        return None
    zh = res.districts_zh[d]
    return {
        "district": zh,
        "pinyin": res.districts_pinyin[d],
        "category": category,
        "category_zh": cats.zh[category],
        "class": cats["class"][category],
        "in_ring": share,
        "target": target,
        "residents": int(n),
        "residents_outside": int(n - inside),
        "shops_open": int(shops.get((zh, category), 0)),
    }


def _recommended_sites(
    res: Results, category: str, d: int, dist: np.ndarray, per_node: np.ndarray, sites: int, method: str
) -> tuple[np.ndarray, np.ndarray]:
    """Up to ``sites`` of district d's candidate sites bringing the most of its residents
    (``per_node``) still outside the ring (``dist``: node distances to the nearest open
    facility; at working-age speed) inside it, and what each brings."""
    if sites <= 0:
        return np.array([], dtype=np.uint32), np.array([])
    ring = float(res.scenario.ring_metres(category)[1])
    weights = np.where(res.node_district == d, per_node, 0.0)
    covered = (dist <= ring).astype(np.uint8)
    candidates = res.candidate_sites(d)
    if method == "greedy":
        nodes, gains = res.network.greedy_sites(candidates, weights, covered, ring, sites)
    else:
        demand = np.flatnonzero((weights > 0) & (covered == 0))
        cover = max_cover(res.network, candidates, demand, weights[demand], ring, sites)
        nodes, gains = cover.sites, cover.gains
    keep = gains > 0
    return nodes[keep], gains[keep]


def _sites_columns(res: Results, nodes: np.ndarray, gains: np.ndarray, share: float, n: int) -> dict:
    x, y = res.table("network")["x"], res.table("network")["y"]
    return {
        "sites": nodes.tolist(),
        "site_x": x[nodes].tolist(),
        "site_y": y[nodes].tolist(),
        "site_gain": gains.astype(int).tolist(),
        "in_ring_after": min(1.0, share + gains.sum() / n) if n else share,
    }
