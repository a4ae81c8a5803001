"""Access beyond a snapshot: by the hour, by fairness, and as residents use it.

Three measures of a run's results (docs/results.md, "Access by the hour, fairness and
15-minute usage"):

- **access by time slot** (:func:`access_by_slot`): per district, category and time slot,
  the share of residents with a facility of the category *open during the slot* inside
  their ring. Accessibility tools (Pandana, cityseer) count every shop as always open;
  this finds the night and early-morning deserts.
- **fairness** (:func:`fairness`): how unequally the walk to each basic category is shared
  among a district's residents: the Gini coefficient and the Palma ratio of their walking
  distances (the inequality measures of Ipea's ``accessibility`` package, applied to
  distance ranked by itself, since the results carry no income).
- **15-minute usage** (:func:`usage`): the share of served trips whose walk took 15
  minutes or less (Abbiasov et al., Nature Human Behaviour 2024, measure it from phone
  traces; here every simulated trip counts). Recorded by the engine
  (``district_month/served_15min``).

Slot access and fairness are computed from what the results file records (facilities with
their open slots, opening and closing days, residents with their homes and moving-in days,
the network) with the same exact network distances as the engine's coverage; so is the ring
coverage on any day (:func:`node_distance`, :func:`in_ring`), which equals the engine's
``category_year/in_ring`` at a year's end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from lifecircle import _core

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.results import Results


def gini(values: np.ndarray | list[float]) -> float:
    """Gini coefficient of non-negative values: 0 when all are equal, towards 1 when one
    value holds everything. Mean absolute difference over all pairs / (2 x mean), computed
    from the sorted values in O(n log n). Empty input, or all zeros: 0.

    Example:
        >>> gini([1, 2, 3, 4])
        0.25
    """
    return _gini_sorted(np.sort(np.asarray(values, dtype=float)))


def _gini_sorted(x: np.ndarray) -> float:
    """:func:`gini` of values sorted already (floats)."""
    n = len(x)
    if n == 0 or x[-1] <= 0:
        return 0.0
    if x[0] < 0:
        raise _core.ArgumentError("gini: values must be non-negative")
    i = np.arange(1, n + 1)
    return float(2.0 * np.sum(i * x) / (n * x.sum()) - (n + 1.0) / n)


def palma(values: np.ndarray | list[float]) -> float:
    """Palma ratio of non-negative values: the share of the total held by the top 10%
    over the share held by the bottom 40%, read off the Lorenz curve (interpolated
    linearly between people, so any number of values works). For walking distances: how
    much of the walking the farthest tenth does against the nearest four tenths. Equal
    values give 0.25 (10% / 40%); inf when the bottom 40% hold nothing; nan for no values.

    Example:
        >>> palma(range(1, 11))   # top 10% = {10}, bottom 40% = {1, 2, 3, 4}: 10 / 10
        1.0
    """
    return _palma_sorted(np.sort(np.asarray(values, dtype=float)))


def _palma_sorted(x: np.ndarray) -> float:
    """:func:`palma` of values sorted already (floats)."""
    n = len(x)
    if n == 0:
        return float("nan")
    if x[0] < 0:
        raise _core.ArgumentError("palma: values must be non-negative")
    total = x.sum()
    if total <= 0:
        return 0.25  # everyone equal (at zero)
    p = np.arange(n + 1) / n
    lorenz = np.concatenate([[0.0], np.cumsum(x) / total])
    bottom40 = float(np.interp(0.4, p, lorenz))
    top10 = 1.0 - float(np.interp(0.9, p, lorenz))
    return float("inf") if bottom40 <= 0 else top10 / bottom40


def district_codes(res: Results, people: pd.DataFrame) -> np.ndarray:
    """Per resident of ``people`` (rows of ``Results.residents``): their district's index in
    ``res.districts_zh``. One pass over the names, where comparing every resident's name with
    each district's would take one pass a district."""
    return pd.Index(res.districts_zh).get_indexer(people.district)


class ResidentGroups(NamedTuple):
    """Residents alike in what a ring asks of them: one group per (home node, age group,
    district). A count of residents inside a ring is then a sum over the groups of whole
    numbers, the same as over the residents one by one."""

    node: np.ndarray  #: each group's home node
    age: np.ndarray  #: its age group (code)
    district: np.ndarray  #: its district (index)
    size: np.ndarray  #: its residents
    of: np.ndarray  #: per resident: the group


def resident_groups(res: Results, people: pd.DataFrame) -> ResidentGroups:
    """The groups of ``people`` (rows of ``Results.residents``): see :class:`ResidentGroups`."""
    home = people.home_node.to_numpy().astype(np.int64)
    age = people.age_group.cat.codes.to_numpy().astype(np.int64)
    district = district_codes(res, people).astype(np.int64)
    A, D = len(people.age_group.cat.categories), len(res.districts_zh)
    keys, of, size = np.unique((home * A + age) * D + district, return_inverse=True, return_counts=True)
    return ResidentGroups(keys // (A * D), keys // D % A, keys % D, size, of.ravel())


def node_distance(
    res: Results,
    category: str,
    year: int | None = None,
    *,
    day: dt.date | None = None,
    extra: Sequence[int] = (),
) -> np.ndarray:
    """Walking distance (m) from each node to the nearest facility of ``category`` open
    at the end of ``year`` (or of ``day``), or at one of the ``extra`` nodes (facilities
    planned there); inf beyond the ring at the fastest speed."""
    if (year is None) == (day is None):
        raise _core.ArgumentError("node_distance: give a year or a day")
    t = res.table("facilities")
    open_ = res.open_on(res.year_end(year) if day is None else day).to_numpy() & res.serves(category)
    nodes = np.concatenate([t["node"][open_], np.asarray(extra, dtype=t["node"].dtype)])
    ring = float(res.scenario.ring_metres(category).max())
    dist, _ = res.network.reach(nodes.astype(np.uint32), 1, ring)
    return dist[:, 0]


def inside_ring(res: Results, category: str, people: pd.DataFrame, dist: np.ndarray) -> np.ndarray:
    """Per resident of ``people``: the node distances ``dist`` (:func:`node_distance`) put
    the nearest facility inside the category's ring at the resident's walking speed."""
    ring = res.scenario.ring_metres(category)
    return dist[people.home_node.to_numpy()] <= ring[people.age_group.cat.codes.to_numpy()]


def in_ring(res: Results, category: str, year: int) -> pd.Series:
    """Per resident living there at the end of ``year``: the nearest open facility of
    ``category`` lies inside its ring at the resident's walking speed."""
    people = res.residents_on(res.year_end(year))
    inside = inside_ring(res, category, people, node_distance(res, category, year))
    return pd.Series(inside, index=people.index)


def time_slots(res: Results) -> pd.DataFrame:
    """The scenario's time slots, in order: slot (index), name, start, end (hours)."""
    slots = pd.DataFrame(res.scenario.time_slots, columns=["name", "start", "end"])
    slots.insert(0, "slot", np.arange(len(slots)))
    return slots


def _categories(res: Results, categories: list[str] | None, *, default_basic: bool) -> list[str]:
    if categories is None:
        if not default_basic:
            return list(res.categories)
        basic = res.scenario.categories_of_class("basic")
        return [c for c in res.categories if c in basic]
    for c in categories:
        if c not in res.categories:
            raise _core.ArgumentError(f"no category {c!r}; the categories are {', '.join(res.categories)}")
    return list(categories)


def _years(res: Results, years: int | list[int] | None) -> list[int]:
    if years is None:
        return res.years_simulated
    years = [int(years)] if np.isscalar(years) else [int(y) for y in years]
    for y in years:
        res.year_end(y)  # raises for a year not simulated
    return years


def slot_distances(res: Results, year: int, category: str) -> tuple[np.ndarray, np.ndarray]:
    """Walking distance (m) from each node to the nearest facility of the category at the end
    of ``year``, slot by slot: an array [slots + 1, nodes] whose row 0 counts every existing
    facility as open and row s + 1 only those open during slot s (opening hours overlapping
    it, or a mobile vendor's windows: the engine's rule); inf beyond the category's widest
    ring. And a boolean array [slots, facilities] of the facilities counted in each slot.
    Slots open to the same facilities share one search.
    """
    end = res.year_end(year)
    t = res.table("facilities")
    serving = res.open_on(end).to_numpy() & res.serves(category)
    mask = t["open_slots"].astype(np.uint64)
    n_slots = len(res.scenario.time_slots)
    in_slot = np.array([serving & (((mask >> np.uint64(s)) & np.uint64(1)) == 1) for s in range(n_slots)])
    sets = [tuple(t["node"][m].astype(np.int64).tolist()) for m in (serving, *in_slot)]
    unique = list(dict.fromkeys(sets))
    ring = res.scenario.ring_metres(category)
    reach = res.network.reach_many([list(nodes) for nodes in unique], 1, float(ring.max()))
    nearest = {nodes: dist[:, 0] for nodes, (dist, _) in zip(unique, reach)}
    return np.array([nearest[nodes] for nodes in sets]), in_slot


def slot_coverage(
    res: Results, year: int, category: str, *, people: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Who has the category inside the ring, slot by slot, at the end of ``year``.

    Returns (people, inside, open_in_slot): the residents living there then
    (``Results.residents_on``); a boolean array [slots + 1, residents] whose row 0 counts
    every existing facility as open (the engine's ring coverage) and row s + 1 only those
    open during slot s (:func:`slot_distances`); and a boolean array [slots, facilities] of
    the facilities counted in each slot. ``people``: ``res.residents_on`` the year's end, when
    the caller has it already (many categories of one year).
    """
    people = res.residents_on(res.year_end(year)) if people is None else people
    home = people.home_node.to_numpy()
    age = people.age_group.cat.codes.to_numpy()
    dist, in_slot = slot_distances(res, year, category)
    inside = dist[:, home] <= res.scenario.ring_metres(category)[age]
    return people, inside, in_slot


def access_by_slot(
    res: Results, year: int | None = None, *, categories: list[str] | None = None
) -> pd.DataFrame:
    """Per district, category and time slot at the end of ``year`` (default: the last
    simulated): the share of residents with a facility of the category open during the
    slot inside their ring at their walking speed (``in_ring``), and the district's
    facilities of the category open in the slot (``shops_open``). "Open during the slot" is
    the engine's rule: opening hours overlapping the slot, or a mobile vendor's windows.
    ``in_ring_all_day`` is the same share counting every facility as open (the engine's
    ``category_year/in_ring``).

    Columns: district, pinyin, category, category_zh, class, year, slot, slot_name, start,
    end, residents, in_ring, in_ring_all_day, shops_open.
    """
    year = res.end.year if year is None else int(year)
    res.year_end(year)
    cats = _categories(res, categories, default_basic=False)
    slots = time_slots(res)
    fac_district = res.table("facilities")["district"]
    table = res.scenario.categories.set_index("key")
    rows = []
    g = resident_groups(res, res.residents_on(res.year_end(year)))
    D = len(res.districts_zh)
    residents = np.bincount(g.district, weights=g.size, minlength=D).astype(np.int64)
    for c in cats:
        dist, in_slot = slot_distances(res, year, c)
        inside = (dist[:, g.node] <= res.scenario.ring_metres(c)[g.age]) * g.size
        counted = np.array([np.bincount(g.district, weights=row, minlength=D) for row in inside])
        for d, zh in enumerate(res.districts_zh):
            n = int(residents[d])
            if n == 0:
                continue
            share = counted[:, d] / n  # (whole numbers: the mean of the district's residents' flags)
            for s, name, start, stop in slots.itertuples(index=False):
                rows.append(
                    {
                        "district": zh,
                        "pinyin": res.districts_pinyin[d],
                        "category": c,
                        "category_zh": table.zh[c],
                        "class": table["class"][c],
                        "year": year,
                        "slot": int(s),
                        "slot_name": name,
                        "start": start,
                        "end": stop,
                        "residents": n,
                        "in_ring": float(share[s + 1]),
                        "in_ring_all_day": float(share[0]),
                        "shops_open": int(np.count_nonzero(in_slot[s] & (fac_district == d))),
                    }
                )
    return pd.DataFrame(rows)


def fairness(
    res: Results, years: int | list[int] | None = None, *, categories: list[str] | None = None
) -> pd.DataFrame:
    """How evenly the walk to each category is shared within each district, per year (at
    its end; default: every simulated year) and category (default: the basic ones).

    For each resident living there, the walking distance from home to the nearest open
    facility of the category over the whole network (no cut-off); residents in a part of
    the network with none are left out and counted in ``unreachable``.

    Columns: district, pinyin, category, year, residents, unreachable, mean_m, median_m,
    p90_m, gini, palma (see :func:`gini`, :func:`palma`).
    """
    cats = _categories(res, categories, default_basic=True)
    rows = []
    t = res.table("facilities")
    unlimited = float(res.table("network")["edge_length"].sum()) + 1.0  # longer than any path
    for year in _years(res, years):
        end = res.year_end(year)
        people = res.residents_on(end)
        home = people.home_node.to_numpy()
        district = district_codes(res, people)
        # residents by district, each district's in their order (a stable sort): slices
        order = np.argsort(district, kind="stable")
        bounds = np.searchsorted(district[order], np.arange(len(res.districts_zh) + 1))
        exists = res.open_on(end).to_numpy()
        sets = [t["node"][exists & res.serves(c)].astype(np.int64).tolist() for c in cats]
        reach = res.network.reach_many(sets, 1, unlimited)
        for c, (dist, _) in zip(cats, reach):
            at_home = dist[:, 0][home][order]
            for d, zh in enumerate(res.districts_zh):
                x = at_home[bounds[d] : bounds[d + 1]]
                if len(x) == 0:
                    continue
                ok = np.isfinite(x)
                x = x[ok]
                xs = np.sort(x)  # (order statistics and the Lorenz curve: the same from sorted values)
                rows.append(
                    {
                        "district": zh,
                        "pinyin": res.districts_pinyin[d],
                        "category": c,
                        "year": year,
                        "residents": int(len(ok)),
                        "unreachable": int(np.count_nonzero(~ok)),
                        "mean_m": float(x.mean()) if len(x) else float("nan"),
                        "median_m": float(np.median(xs)) if len(x) else float("nan"),
                        "p90_m": float(np.quantile(xs, 0.9)) if len(x) else float("nan"),
                        "gini": _gini_sorted(xs),
                        "palma": _palma_sorted(xs),
                    }
                )
    return pd.DataFrame(rows)


def usage(res: Results) -> pd.DataFrame:
    """15-minute usage per district and year: served trips (``served``), those whose walk
    took 15 minutes or less (``served_15min``), and their share (``usage_15min``)."""
    y = res.years
    return y[["district", "pinyin", "year", "served", "served_15min", "usage_15min"]].reset_index(drop=True)
