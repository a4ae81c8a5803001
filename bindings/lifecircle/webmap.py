"""The living-circle map (便民生活圈地图): ``lifecircle map RESULTS.h5 -o map.html`` and
``Results.map()``.

One self-contained HTML file: Leaflet (bundled into the package at build time), its styles,
the page's script and the run's data are all inlined, so the page opens with no network and
needs no map tiles. It draws the walking network; facilities by category with their hours,
origin (baseline, planned, market entrant, mobile vendor) and fate; residents' ring
coverage at their homes, all day or in the chosen time slot; the project list (planned
facilities) and the gap list's recommended sites; with a district filter, a category
filter, a time-of-day control (what is open then), a year control, and Chinese and English
labels. The side panel gives the district's satisfaction, 15-minute usage, access by time
slot and the fairness of walking distance (lifecircle.access).

Coordinates are longitude/latitude: an OpenStreetMap city's own, a synthetic town placed at
its scenario's map origin (the page says so).

The page's data (JSON in ``#lc-data``): ``years``, ``year_end_day`` (days since 1970),
``slots`` (name, start, end), ``categories`` (key, zh, en, class, color), ``districts``
(zh, pinyin, hull, bounds), ``nodes`` (lon, lat), ``edges`` (node pairs, flat),
``facilities`` (columns: lon, lat, category, extra, district, origin, opened, closed,
open_hour, close_hour, mobile, slots, osm_id, years: bit y = open at the end of year y,
name), ``homes`` (node, district, residents [year][home], cover: base64 bytes, percent of
residents inside the ring [year][category + 1][slot + 1][home], category -1 = the mean over
the basic categories, slot -1 = all day), ``sites`` (per year), ``stats``, ``access``, ``fairness``
(keyed "district/category", per year), ``data_status`` ("district/category": "no data" or
"none", lifecircle.gaps.data_status; pairs with data are left out); with a second run,
``compare``: its label, seed, residents and cover over the same homes (the union of both runs'
home nodes), stats, and per year ``changes`` (``only_a``: this run's facilities open at the
year's end that the other lacks, by place and category; ``only_b``: the other's, lon, lat,
category); with walking-time areas, ``isochrones``: source, minutes, age and rings ([lat, lon]).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import html
import json
import os
import sys
import time
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from lifecircle import _core, access
from lifecircle._extras import MissingExtraError, require
from lifecircle.gaps import data_status, gaps
from lifecircle.geo import district_outline, is_synthetic, lonlat
from lifecircle.results import Results

WEB = Path(__file__).resolve().parent / "_web"
#: Category colours (Okabe-Ito and Tableau 20 hues, then repeated darker).
PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
    "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
]  # fmt: skip


def _asset(name: str) -> str:
    path = WEB / name
    if not path.exists():
        raise _core.ArgumentError(
            f"{path} is missing: the map page bundles Leaflet, which the build puts into the package "
            "(scripts/build.sh, or pip install .); a source checkout without a build lacks it"
        )
    return path.read_text(encoding="utf-8")


def _osm_names(res: Results) -> dict[int, str]:
    """Names of an OSM city's facilities by their results id (node id, or minus the way id),
    read again from the scenario's OSM file; empty when it is not at hand."""
    path = res.scenario.network_file("osm")
    if is_synthetic(res) or path is None or not path.exists():
        return {}
    cats = res.scenario.network_file("categories")
    city = _core.import_osm(str(path), str(cats) if cats else None, True)
    fac = city["facilities"]
    return {
        (-int(i) if t == "w" else int(i)): n
        for i, t, n in zip(fac["osm_id"], fac["osm_type"], fac["name"])
        if n
    }


def page_data(
    res: Results,
    *,
    lang: str = "zh",
    progress: bool = False,
    compare: Results | None = None,
    isochrones: Any = None,
) -> dict[str, Any]:
    """The page's data (see the module's docstring); with ``compare``, another run of the
    same town (the same network and years) set beside it (``compare`` in the data)."""
    net = res.table("network")
    lon, lat = lonlat(res, net["x"], net["y"])
    data = _header(res, lang, lon, lat)
    data["districts"] = _districts(res, lon, lat)
    data["facilities"] = _facilities(res)
    homes = None
    if compare is not None:
        _check_comparable(res, compare)
        homes = np.union1d(np.unique(res.residents.home_node), np.unique(compare.residents.home_node))
        other = _yearly(compare, progress, homes)
        data["compare"] = {
            "label": compare.scenario.label,
            "seed": compare.seed,
            "residents": other["homes"]["residents"],
            "cover": other["homes"]["cover"],
            "stats": other["stats"],
            "changes": _changes(res, compare),
        }
    status = data_status(res)
    data["data_status"] = {
        f"{res.districts_zh.index(r.district)}/{res.categories.index(r.category)}": r.status
        for r in status.itertuples()
        if r.status != "data"
    }
    data.update(_yearly(res, progress, homes))
    if isochrones is not None:
        data["isochrones"] = _isochrones(isochrones)
    return data


def _isochrones(frame: Any) -> list[dict[str, Any]]:
    """Walking-time areas (lifecircle.isochrones, a GeoDataFrame in WGS84) for the page:
    source, minutes, age and the polygons' rings as [lat, lon] pairs."""
    out = []
    for row in frame.itertuples():
        geo = row.geometry.__geo_interface__
        polys = geo["coordinates"] if geo["type"] == "MultiPolygon" else [geo["coordinates"]]
        out.append(
            {
                "source": str(row.source),
                "minutes": float(row.minutes),
                "age": str(row.age),
                "rings": [[[[round(y, 6), round(x, 6)] for x, y in ring] for ring in poly] for poly in polys],
            }
        )
    return out


def _check_comparable(res: Results, other: Results) -> None:
    """Two runs can share a page when they are of one town: the same network, districts and
    simulated years."""
    a, b = res.table("network"), other.table("network")
    same_net = len(a["x"]) == len(b["x"]) and np.allclose(a["x"], b["x"]) and np.allclose(a["y"], b["y"])
    if not same_net or res.districts_zh != other.districts_zh:
        raise _core.ArgumentError(
            f"{other.scenario.label}: not the same town as {res.scenario.label} (network and districts "
            "must be the same to compare two runs on one map)"
        )
    if res.years_simulated != other.years_simulated or res.categories != other.categories:
        raise _core.ArgumentError(
            f"{other.scenario.label}: other years ({other.years_simulated}) or categories than "
            f"{res.scenario.label} ({res.years_simulated}); compare runs of the same period and categories"
        )


def _facility_keys(res: Results, year: int) -> dict[tuple, list[int]]:
    """Facilities existing at the end of ``year``, by (x, y to 0.1 m, category): their rows."""
    t = res.table("facilities")
    exists = res.open_on(res.year_end(year)).to_numpy()
    out: dict[tuple, list[int]] = {}
    for i in np.flatnonzero(exists):
        out.setdefault(
            (round(float(t["x"][i]), 1), round(float(t["y"][i]), 1), int(t["category"][i])), []
        ).append(i)
    return out


def _only(a: dict[tuple, list[int]], b: dict[tuple, list[int]]) -> list[int]:
    """Rows of ``a`` beyond what ``b`` has at the same place and category (two shops of a
    category at one node in ``a`` and one in ``b``: one is in ``a`` only)."""
    return sorted(int(i) for k, rows in a.items() for i in rows[len(b.get(k, ())) :])


def _changes(res: Results, other: Results) -> list[dict[str, Any]]:
    """Per year: the facilities open at its end in this run and not in ``other`` (``only_a``:
    indexes into this page's facilities) and those in ``other`` only (``only_b``: lon, lat,
    category), matched by place and category."""
    t = other.table("facilities")
    blon, blat = lonlat(other, t["x"], t["y"])
    out = []
    for y in res.years_simulated:
        a, b = _facility_keys(res, y), _facility_keys(other, y)
        only_b = _only(b, a)
        out.append(
            {
                "only_a": _only(a, b),
                "only_b": {
                    "lon": np.round(blon[only_b], 6).tolist(),
                    "lat": np.round(blat[only_b], 6).tolist(),
                    "category": t["category"][only_b].astype(int).tolist(),
                },
            }
        )
    return out


def _header(res: Results, lang: str, lon: np.ndarray, lat: np.ndarray) -> dict[str, Any]:
    """The page's title, years, slots, categories, and the network's nodes and edges."""
    years = res.years_simulated
    net = res.table("network")
    cats = res.scenario.categories.set_index("key")
    return {
        "lang": lang,
        "title": res.scenario.label,
        "synthetic": is_synthetic(res),
        "attribution": (
            "synthetic town, lifecircle"
            if is_synthetic(res)
            else "network and shops © OpenStreetMap contributors"
        ),
        "years": years,
        "year_end_day": [(res.year_end(y) - dt.date(1970, 1, 1)).days for y in years],
        "slots": access.time_slots(res)[["name", "start", "end"]].to_dict("records"),
        "categories": [
            {
                "key": c,
                "zh": str(cats.zh[c]),
                "en": str(cats.en[c]) if "en" in cats and isinstance(cats.en[c], str) else c,
                "class": str(cats["class"][c]),
                "color": PALETTE[i % len(PALETTE)],
            }
            for i, c in enumerate(res.categories)
        ],
        "origins": list(_core.FACILITY_ORIGINS),
        "nodes": {"lon": np.round(lon, 6).tolist(), "lat": np.round(lat, 6).tolist()},
        "edges": np.column_stack([net["edge_from"], net["edge_to"]]).ravel().astype(int).tolist(),
        "bounds": [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]],
    }


def _districts(res: Results, lon: np.ndarray, lat: np.ndarray) -> list[dict[str, Any]]:
    """Each district's names, outline (lifecircle.geo.district_outline, as [lat, lon] pairs)
    and bounds; a district without nodes is drawn as the whole city."""
    out = []
    for d, zh in enumerate(res.districts_zh):
        nodes = np.flatnonzero(res.node_district == d)
        if len(nodes) == 0:
            nodes = np.arange(len(lon))
        outline = district_outline(lon[nodes], lat[nodes])
        out.append(
            {
                "zh": zh,
                "pinyin": res.districts_pinyin[d],
                "hull": [[float(y), float(x)] for x, y in outline],
                "bounds": [
                    [float(lat[nodes].min()), float(lon[nodes].min())],
                    [float(lat[nodes].max()), float(lon[nodes].max())],
                ],
            }
        )
    return out


def _facilities(res: Results) -> dict[str, Any]:
    """Every facility's position, categories, district, origin, dates, hours, open slots,
    OSM id and name, and whether it was open at each year's end (bit y)."""
    t = res.table("facilities")
    flon, flat = lonlat(res, t["x"], t["y"])
    exists = np.zeros(len(flon), dtype=np.int64)
    for k, y in enumerate(res.years_simulated):
        exists |= res.open_on(res.year_end(y)).to_numpy().astype(np.int64) << k
    extra = t["extra_categories"].astype(np.uint64)
    names = _osm_names(res)
    C = len(res.categories)
    return {
        "lon": np.round(flon, 6).tolist(),
        "lat": np.round(flat, 6).tolist(),
        "category": t["category"].astype(int).tolist(),
        "extra": [
            [c for c in range(C) if (int(m) >> c) & 1 and c != k] for m, k in zip(extra, t["category"])
        ],
        "district": t["district"].astype(int).tolist(),
        "origin": t["origin"].astype(int).tolist(),
        "opened": t["opened_day"].astype(int).tolist(),
        "closed": t["closed_day"].astype(int).tolist(),
        "open_hour": np.round(t["open_hour"].astype(float), 3).tolist(),
        "close_hour": np.round(t["close_hour"].astype(float), 3).tolist(),
        "mobile": (t["origin"] == list(_core.FACILITY_ORIGINS).index("mobile")).astype(int).tolist(),
        "slots": (t["open_slots"] & 0xFFFF).astype(int).tolist(),
        "osm_id": t["osm_id"].astype(np.int64).tolist(),
        "years": exists.tolist(),
        "name": [names.get(int(i), "") for i in t["osm_id"]] if names else None,
    }


def _basic(res: Results) -> list[int]:
    """The indexes of the basic categories."""
    basic = res.scenario.categories_of_class("basic")
    return [i for i, c in enumerate(res.categories) if c in basic]


def _yearly(res: Results, progress: bool, homes: np.ndarray | None = None) -> dict[str, Any]:
    """Per simulated year: the homes' residents and coverage, the access shares, the
    satisfaction and usage, the gap list's sites; and the fairness of each basic category.
    ``homes``: the home nodes to describe (default: this run's)."""
    years = res.years_simulated
    if homes is None:
        homes = np.unique(res.residents.home_node.to_numpy())
    C, S = len(res.categories), len(res.scenario.time_slots)
    residents = np.zeros((len(years), len(homes)), dtype=np.int64)
    cover = np.zeros((len(years), C + 1, S + 1, len(homes)), dtype=np.uint8)
    acc: dict[str, list] = {}
    stats: dict[str, list] = {"city": []}
    sites: list[list[dict]] = []
    bar = _progress(len(years), progress)
    for k, y in enumerate(years):
        # each category's distances slot by slot, once for the coverage and the gap list
        dist = {key: access.slot_distances(res, y, key)[0] for key in res.categories}
        residents[k], cover[k] = _coverage(res, y, homes, dist, acc)
        _stats(res, y, stats)
        sites.append(_sites(res, y, {key: d[0] for key, d in dist.items()}))
        bar.update(1)
    bar.close()
    home_data = {
        "node": homes.astype(int).tolist(),
        "district": res.node_district[homes].astype(int).tolist(),
        "residents": residents.ravel().tolist(),
        "cover": base64.b64encode(cover.tobytes()).decode(),
    }
    return {"homes": home_data, "access": acc, "stats": stats, "sites": sites, "fairness": _fairness(res)}


def _coverage(
    res: Results, year: int, homes: np.ndarray, dist: dict[str, np.ndarray], acc: dict[str, list]
) -> tuple[np.ndarray, np.ndarray]:
    """At the end of ``year``: each home's residents, and the percent of them inside the
    ring [category + 1][slot + 1] (category -1: the basic categories' mean; slot -1: all
    day); the city's and each district's shares appended to ``acc``. ``dist``: per category,
    its node distances slot by slot (lifecircle.access.slot_distances)."""
    people = res.residents_on(res.year_end(year))
    inv = np.searchsorted(homes, people.home_node.to_numpy())
    count = np.bincount(inv, minlength=len(homes))
    # residents alike in home, age group and district are counted once: the counts are sums
    # of whole numbers, the same as over the residents one by one
    g = access.resident_groups(res, people)
    g_home = np.searchsorted(homes, g.node)
    D = len(res.districts_zh)
    district = g.district[g.of]
    groups = {"city": np.ones(len(people), dtype=bool)}
    for d in range(D):
        groups[str(d)] = district == d
    residents = np.bincount(district, minlength=D)
    basic = _basic(res)
    S = len(res.scenario.time_slots)
    cover = np.zeros((len(res.categories) + 1, S + 1, len(homes)), dtype=np.uint8)
    basic_count = np.zeros((S + 1, len(g.size)))
    safe = np.maximum(count, 1)
    for c, key in enumerate(res.categories):
        inside = dist[key][:, g.node] <= res.scenario.ring_metres(key)[g.age]
        if c in basic:
            basic_count += inside
        counted = inside * g.size  # residents inside, per group
        at_home = np.array([np.bincount(g_home, weights=row, minlength=len(homes)) for row in counted])
        cover[c + 1] = np.rint(100.0 * at_home / safe).astype(np.uint8)
        acc.setdefault(f"city/{c}", []).append((counted.sum(axis=1) / len(people)).round(4).tolist())
        by_district = np.array([np.bincount(g.district, weights=row, minlength=D) for row in counted])
        for d, n in enumerate(residents):
            # (an empty district's mean is nan, as numpy's mean of nothing)
            share = by_district[:, d] / n if n else np.full(S + 1, np.nan)
            acc.setdefault(f"{d}/{c}", []).append(share.round(4).tolist())
    basic_sum = basic_count[:, g.of]  # per resident: how many basic categories are inside
    basic_mean = basic_sum / max(1, len(basic))
    cover[0] = _percent(basic_mean, inv, count, len(homes))
    for group, members in groups.items():
        share = basic_mean[:, members].mean(axis=1) if members.any() else np.zeros(S + 1)
        acc.setdefault(f"{group}/basic", []).append(share.round(4).tolist())
    return count, cover


def _stats(res: Results, year: int, stats: dict[str, list]) -> None:
    """Appends the year's satisfaction and 15-minute usage: the city's (residents-weighted)
    and each district's, with whether it is in the programme and its chance of the target at
    the year's end (200 draws of the satisfaction threshold from the documented prior; None
    where the run did not record that December)."""
    row = res.years[res.years.year == year]
    months = res.score_months
    chances: dict[str, float] = {}  # the target's chance at the year's end over the prior's draws
    if ((months.year == year) & (months.month == 12)).any():
        c = res.chance(by=f"{year}-12-31")
        chances = dict(zip(c.district, c.chance))
    stats["city"].append(
        {
            "satisfaction": float((row.satisfaction * row.residents).sum() / max(1, row.residents.sum())),
            "usage15": float(row.served_15min.sum() / max(1, row.served.sum())),
        }
    )
    for d, zh in enumerate(res.districts_zh):
        r = row[row.district == zh]
        stats.setdefault(str(d), []).append(
            {
                "satisfaction": float(r.satisfaction.iloc[0]) if len(r) else None,
                "usage15": float(r.usage_15min.iloc[0]) if len(r) and r.served.iloc[0] > 0 else None,
                "in_programme": bool(r.in_programme.iloc[0]) if len(r) else False,
                "chance": float(chances[zh]) if zh in chances else None,
            }
        )


def _sites(res: Results, year: int, distances: dict[str, np.ndarray]) -> list[dict]:
    """The recommended sites of the gap list at the end of ``year`` (lifecircle.gaps), from
    the categories' node distances then."""
    return [
        {
            "district": res.districts_zh.index(g.district),
            "category": res.categories.index(g.category),
            "node": int(n),
            "rank": r + 1,
            "gain": int(gain),
        }
        for g in gaps(res, year, distances=distances).itertuples()
        for r, (n, gain) in enumerate(zip(g.sites, g.site_gain))
    ]


def _fairness(res: Results) -> dict[str, list]:
    """Per "district/category" of the basic categories: [gini, palma, mean metres] each year."""
    basic = _basic(res)
    if not basic:
        return {}
    years = res.years_simulated
    fair = access.fairness(res, categories=[res.categories[c] for c in basic])
    out: dict[str, list] = {}
    for k, y in enumerate(years):
        for f in fair[fair.year == y].itertuples():
            key = f"{res.districts_zh.index(f.district)}/{res.categories.index(f.category)}"
            out.setdefault(key, [None] * len(years))[k] = [
                round(f.gini, 4),
                round(f.palma, 3) if np.isfinite(f.palma) else None,
                round(f.mean_m, 1),
            ]
    return out


def _percent(inside: np.ndarray, inv: np.ndarray, count: np.ndarray, homes: int) -> np.ndarray:
    """Per row of ``inside`` (residents' flags or shares 0-1): percent of each home's residents.
    One bincount over all rows (row s's homes at s x homes + home): each sum is added up in
    the residents' order, as a bincount a row would."""
    rows = inside.shape[0]
    index = (np.arange(rows, dtype=np.int64)[:, None] * homes + inv[None, :]).ravel()
    sums = np.bincount(index, weights=inside.ravel(), minlength=rows * homes).reshape(rows, homes)
    return np.rint(100.0 * sums / np.maximum(count, 1)).astype(np.uint8)


def _progress(total: int, show: bool):
    if show:
        from tqdm.auto import tqdm

        return tqdm(total=total, desc="map", unit="year")

    class _Quiet:
        def update(self, n: int) -> None:
            pass

        def close(self) -> None:
            pass

    return _Quiet()


def page_html(
    res: Results,
    *,
    lang: str = "zh",
    progress: bool = False,
    compare: Results | None = None,
    isochrones: Any = None,
) -> str:
    """The whole page as one HTML string (no external resources); with ``compare``, the two
    runs on one map (difference layers, both runs' numbers side by side)."""
    if lang not in ("zh", "en"):
        raise _core.ArgumentError(f"lang {lang!r}: expected 'zh' or 'en'")
    css = _asset("leaflet.css")
    # Leaflet's styles name images of its own controls and default markers, which the page
    # does not use: drop the references so that nothing is fetched
    import re

    css = re.sub(r"url\((?:\.\./)?images/[^)]*\)", "none", css)
    js, page_js, page_css = _asset("leaflet.js"), _asset("map.js"), _asset("map.css")
    data = json.dumps(
        page_data(res, lang=lang, progress=progress, compare=compare, isochrones=isochrones),
        ensure_ascii=False,
        separators=(",", ":"),
    )
    data = data.replace("</", "<\\/")
    title = html.escape(f"{res.scenario.label} · 便民生活圈地图 living-circle map")
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
<style>{page_css}</style>
</head><body>
<div id="app"><div id="map"></div>
<aside id="panel">
<div class="row"><h1 data-t="title"></h1><button id="lang" type="button"></button></div>
<div class="muted">{html.escape(res.scenario.label)} · seed {res.seed} · {res.start} – {res.end}</div>
{_compare_title(compare)}
<div id="note" class="note"></div>
<label><span data-t="district"></span><select id="district"></select></label>
<label><span data-t="category"></span><select id="category"></select></label>
<label><span data-t="year"></span>: <b id="year-value"></b>
<input id="year" type="range" min="0" step="1"></label>
<label><span data-t="time"></span>: <b id="time-value"></b>
<input id="time" type="range" min="0" max="23.5" step="0.5" value="12"></label>
<label><input id="all-day" type="checkbox" checked> <span data-t="all_day"></span></label>
<div id="slot-note" class="muted"></div>
<h2 data-t="layers"></h2>
<label><input id="show-network" type="checkbox"> <span data-t="network"></span></label>
<label><input id="show-homes" type="checkbox"> <span data-t="homes"></span></label>
<label><input id="show-facilities" type="checkbox"> <span data-t="facilities"></span></label>
<label><input id="show-closed" type="checkbox"> <span data-t="closed"></span></label>
<label><input id="show-projects" type="checkbox"> <span data-t="projects"></span></label>
<label><input id="show-sites" type="checkbox"> <span data-t="sites"></span></label>
{_compare_controls(compare)}
{_isochrone_controls(isochrones)}
<div id="info"></div>
<h2 data-t="legend"></h2><div id="legend" class="legend"></div>
</aside></div>
<script>window.lcErrors=[];window.addEventListener("error",function(e){{window.lcErrors.push(String(e.message))}});</script>
<script type="application/json" id="lc-data">{data}</script>
<script>{js}</script>
<script>{page_js}</script>
</body></html>
"""


def _compare_title(compare: Results | None) -> str:
    if compare is None:
        return ""
    return (
        '<div class="muted" id="compare-label">'
        f"B: {html.escape(compare.scenario.label)} · seed {compare.seed}</div>"
    )


def _compare_controls(compare: Results | None) -> str:
    if compare is None:
        return ""
    return (
        '<h2 data-t="compare"></h2>'
        '<label><input id="show-diff" type="checkbox"> <span data-t="diff"></span></label>'
        '<label><input id="show-changes" type="checkbox"> <span data-t="changes"></span></label>'
    )


def _isochrone_controls(isochrones: Any) -> str:
    if isochrones is None:
        return ""
    return (
        '<label><input id="show-isochrones" type="checkbox"> <span data-t="isochrones"></span></label>'
        '<label><span data-t="iso_age"></span><select id="iso-age"></select></label>'
    )


def map_page(
    res: Results,
    path: str | PathLike | None = None,
    *,
    lang: str = "zh",
    progress: bool = False,
    compare: Results | None = None,
    isochrones: Any = None,
) -> MapPage:
    """The living-circle map of a run (``res.map()``): shown inline in Jupyter; with
    ``path``, also written there as one self-contained HTML file. With ``compare`` (another
    run of the same town and period, e.g. another rollout plan), both on one map: the
    coverage difference (this run minus the other) at the homes, the facilities open in one
    and not the other, and both runs' satisfaction and 15-minute usage side by side. With
    ``isochrones`` (a GeoDataFrame of ``res.isochrones(...)``), the walking-time areas as a
    layer, one age group at a time."""
    page = MapPage(page_html(res, lang=lang, progress=progress, compare=compare, isochrones=isochrones))
    if path is not None:
        page.save(path)
    return page


class MapPage:
    """A living-circle map page: ``save(path)`` writes it; in Jupyter it shows inline."""

    def __init__(self, page: str, height: int = 640) -> None:
        self.html = page
        self.height = height

    def save(self, path: str | PathLike) -> Path:
        """Writes the page (beside its final name, then renamed) and returns its path."""
        path = Path(path)
        if not path.parent.is_dir():
            raise _core.ArgumentError(f"{path}: its folder {path.parent} does not exist")
        tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
        try:
            tmp.write_text(self.html, encoding="utf-8")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;height:{self.height}px;'
            'border:1px solid #ddd" sandbox="allow-scripts"></iframe>'
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="lifecircle map",
        description="An interactive living-circle map of a results file: one self-contained HTML page "
        "that opens with no network (facilities, coverage, project list and recommended sites, by "
        "district, category, time of day and year; Chinese and English labels).",
    )
    p.add_argument("results", help="results file from `lifecircle run`")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="the page's first language (default: zh)"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--compare",
        metavar="OTHER.h5",
        help="another run of the same town and period: both on one map (coverage difference, facilities "
        "open in one only, both runs' numbers side by side)",
    )
    p.add_argument(
        "--isochrones",
        metavar="AREAS.gpkg",
        help="walking-time areas to draw (from `lifecircle isochrones`; needs lifecircle[gis])",
    )
    a = p.parse_args(argv)
    try:
        t0 = time.perf_counter()
        res = Results.load(a.results)
        other = Results.load(a.compare) if a.compare else None
        iso = None
        if a.isochrones:
            iso = require("geopandas", "gis", "lifecircle map --isochrones").read_file(a.isochrones)
        page = page_html(res, lang=a.lang, progress=not a.quiet, compare=other, isochrones=iso)
        path = MapPage(page).save(a.output)
    except (
        ValueError,
        OSError,
        MissingExtraError,
    ) as e:  # InputError, ArgumentError, ConfigError: ValueErrors
        print(f"lifecircle map: error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
