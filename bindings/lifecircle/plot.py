"""Charts of a run (matplotlib): satisfaction, shops, night-time demand, coverage, maps.

Chinese district names need a CJK font: :func:`use_cjk_font` picks Noto Sans CJK (Debian's
``fonts-noto-cjk``, installed by scripts/setup.sh) or another CJK font matplotlib can find,
and warns once when there is none (names then show as boxes).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from lifecircle import access
from lifecircle import gaps as gap_lists
from lifecircle.runner import summarize

if TYPE_CHECKING:  # pragma: no cover
    from lifecircle.results import Results

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
)
_font: str | None = None


def use_cjk_font() -> str | None:
    """Puts a CJK font first in matplotlib's sans-serif list; returns its name (None if no
    CJK font is installed, with a warning)."""
    global _font
    if _font is not None:
        return _font
    available = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in available:
            _font = name
            mpl.rcParams["font.sans-serif"] = [
                name,
                *[f for f in mpl.rcParams["font.sans-serif"] if f != name],
            ]
            mpl.rcParams["font.family"] = "sans-serif"
            mpl.rcParams["axes.unicode_minus"] = False
            return name
    warnings.warn("no CJK font found (install fonts-noto-cjk): Chinese names will not display", stacklevel=2)
    return None


def _name(zh: str, pinyin: str) -> str:
    return f"{zh} {pinyin}"


class Plotter:
    """Charts of one run; each method returns a matplotlib Figure.

    Example:
        >>> res.plot.satisfaction()
        >>> res.plot.map("金山", category="breakfast")
    """

    def __init__(self, results: Results) -> None:
        self.results = results
        use_cjk_font()

    def satisfaction(self, districts: list[str] | None = None, *, survey: bool = False) -> Figure:
        """Share of residents satisfied, by district and month, with the plan's 90% target;
        pilots (joined in the first year) drawn solid, others dashed. ``survey=True`` adds
        the emulated survey's 95% interval as a band."""
        res = self.results
        m = res.districts
        if districts is not None:
            keep = {res.districts_zh[res.district_index(d)] for d in districts}
            m = m[m.district.isin(keep)]
        fig, ax = plt.subplots(figsize=(10, 5.5), layout="constrained")
        first_year = m.year.min()
        for i, ((zh, py), g) in enumerate(m.groupby(["district", "pinyin"], sort=False)):
            pilot = bool(g[g.year == first_year].in_programme.any())
            (line,) = ax.plot(
                g.date,
                100 * g.satisfaction,
                ls="-" if pilot else "--",
                lw=2 if pilot else 1.2,
                color=plt.cm.tab20(i % 20),
                label=_name(zh, py) + (" (pilot)" if pilot else ""),
            )
            if survey:
                ax.fill_between(
                    g.date, 100 * g.survey_low, 100 * g.survey_high, color=line.get_color(), alpha=0.12
                )
        target = res.scenario.satisfaction_target
        ax.axhline(100 * target, color="black", lw=1, ls=":")
        ax.annotate(
            f"target {target:.0%}",
            (m.date.min(), 100 * target),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=9,
        )
        ax.set_ylim(0, 100)
        ax.set_ylabel("residents satisfied (%)")
        ax.set_xlabel("month")
        ax.set_title(f"Satisfaction by district — {res.label}")
        ax.legend(ncol=2, fontsize=8, loc="lower right")
        ax.grid(alpha=0.3)
        return fig

    def shops(self) -> Figure:
        """Shops open at each year's end by district (bars) and the city's yearly closures
        and openings (lines)."""
        y = self.results.years
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 5), layout="constrained")
        wide = y.pivot_table(index="year", columns="pinyin", values="shops_open", sort=False)
        wide.plot(kind="bar", stacked=True, ax=a1, colormap="tab20", width=0.8, legend=False)
        a1.set_ylabel("shops open at year end")
        a1.set_xlabel("year")
        a1.set_title("Shops by district")
        names = dict(zip(y.pinyin, y.district))
        a1.legend([_name(names[p], p) for p in wide.columns], fontsize=7, ncol=3, loc="upper left")
        a1.set_ylim(0, 1.4 * wide.sum(axis=1).max())  # room for the legend above the bars
        city = y.groupby("year")[["openings", "closures", "shops_open"]].sum()
        a2.plot(city.index, city.openings, marker="o", label="openings")
        a2.plot(city.index, city.closures, marker="o", label="closures")
        start = city.shops_open - city.openings + city.closures
        ax3 = a2.twinx()
        ax3.plot(
            city.index, 100 * city.closures / start, color="grey", ls=":", marker=".", label="closure rate"
        )
        ax3.set_ylabel("closure rate (% of shops open at year start)")
        a2.set_ylabel("shops a year")
        a2.set_xlabel("year")
        a2.set_title("City: openings and closures")
        lines = a2.get_legend_handles_labels()
        more = ax3.get_legend_handles_labels()
        a2.legend(lines[0] + more[0], lines[1] + more[1], fontsize=8)
        a2.grid(alpha=0.3)
        return fig

    def night(self) -> Figure:
        """Night-time demand (22:00-06:00): share of needs at night and share of them served
        or delivered, by district and year."""
        y = self.results.years
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained")
        for i, ((zh, py), g) in enumerate(y.groupby(["district", "pinyin"], sort=False)):
            kw = dict(color=plt.cm.tab20(i % 20), marker="o", ms=3, label=_name(zh, py))
            a1.plot(g.year, 100 * g.night_share, **kw)
            a2.plot(g.year, 100 * g.night_served_share, **kw)
        a1.set_ylabel("needs arising at night (% of all needs)")
        a2.set_ylabel("night needs served or delivered (%)")
        a2.set_ylim(0, 100)
        for a in (a1, a2):
            a.set_xlabel("year")
            a.grid(alpha=0.3)
        a1.set_title("Night-time demand")
        a2.set_title("Night-time service")
        a2.legend(fontsize=7, ncol=2, loc="lower right")
        return fig

    def coverage(self, year: int | None = None) -> Figure:
        """Heat map: share of residents with each category inside its ring, district x
        category, at the end of ``year`` (default: the last simulated)."""
        res = self.results
        year = res.end.year if year is None else int(year)
        c = res.coverage[res.coverage.year == year]
        grid = c.pivot_table(index=["district", "pinyin"], columns="category", values="in_ring", sort=False)
        fig, ax = plt.subplots(figsize=(13, 5.5), layout="constrained")
        im = ax.imshow(100 * grid.to_numpy(), cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
        ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=60, ha="right", fontsize=8)
        ax.set_yticks(range(grid.shape[0]), [_name(zh, py) for zh, py in grid.index], fontsize=8)
        for (i, j), v in np.ndenumerate(grid.to_numpy()):
            ax.text(
                j,
                i,
                f"{100 * v:.0f}",
                ha="center",
                va="center",
                fontsize=6,
                color="black" if 25 < 100 * v < 85 else "white",
            )
        fig.colorbar(im, ax=ax, label="residents with the category inside its ring (%)")
        ax.set_xlabel("category")
        ax.set_ylabel("district")
        ax.set_title(f"Ring coverage by district and category, end of {year}")
        return fig

    def access_by_slot(self, year: int | None = None, *, district: str | None = None) -> Figure:
        """Heat map: share of residents with a facility of each category open during each time
        slot inside its ring, category x slot, at the end of ``year`` (default: the last), for
        the city (residents-weighted) or one ``district``. The last column is all day (every
        facility counted as open), as the ring coverage heat map counts."""
        res = self.results
        year = res.end.year if year is None else int(year)
        a = access.access_by_slot(res, year)
        title = "the city"
        if district is not None:
            d = res.district_index(district)
            a = a[a.district == res.districts_zh[d]]
            title = _name(res.districts_zh[d], res.districts_pinyin[d])
        a = a.assign(w_slot=a.in_ring * a.residents, w_all=a.in_ring_all_day * a.residents)
        g = a.groupby(["category", "slot", "slot_name", "start", "end"], sort=False)[
            ["w_slot", "w_all", "residents"]
        ].sum()
        share = (g.w_slot / g.residents).unstack(["slot", "slot_name", "start", "end"])
        share = share.reindex(columns=sorted(share.columns))
        all_day = (g.w_all / g.residents).groupby(level="category", sort=False).first()
        grid = np.column_stack([share.to_numpy(), all_day.reindex(share.index).to_numpy()])
        labels = [f"{n}\n{s:02.0f}-{e:02.0f}" for _, n, s, e in share.columns] + ["all day"]
        fig, ax = plt.subplots(figsize=(9, 0.32 * len(grid) + 1.8), layout="constrained")
        im = ax.imshow(100 * grid, cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
        ax.set_xticks(range(len(labels)), labels, fontsize=7)
        ax.set_yticks(range(len(share.index)), share.index, fontsize=8)
        for (i, j), v in np.ndenumerate(grid):
            ax.text(j, i, f"{100 * v:.0f}", ha="center", va="center", fontsize=6,
                    color="black" if 25 < 100 * v < 85 else "white")  # fmt: skip
        fig.colorbar(im, ax=ax, label="residents with an open facility inside the ring (%)")
        ax.set_title(f"Access by time slot, {title}, end of {year}")
        return fig

    def fairness(self, year: int | None = None) -> Figure:
        """Heat map: Gini coefficient of residents' walking distance to each basic category,
        district x category, at the end of ``year`` (default: the last): 0 = everyone walks
        as far, higher = the walk falls unevenly."""
        res = self.results
        year = res.end.year if year is None else int(year)
        f = access.fairness(res, year)
        grid = f.pivot_table(index=["district", "pinyin"], columns="category", values="gini", sort=False)
        fig, ax = plt.subplots(figsize=(11, 5), layout="constrained")
        im = ax.imshow(grid.to_numpy(), cmap="magma_r", vmin=0, vmax=0.6, aspect="auto")
        ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=60, ha="right", fontsize=8)
        ax.set_yticks(range(grid.shape[0]), [_name(zh, py) for zh, py in grid.index], fontsize=8)
        for (i, j), v in np.ndenumerate(grid.to_numpy()):
            ax.text(
                j, i, f"{v:.2f}", ha="center", va="center", fontsize=6, color="white" if v > 0.35 else "black"
            )
        fig.colorbar(im, ax=ax, label="Gini of walking distance")
        ax.set_title(f"Fairness of walking distance to the basic categories, end of {year}")
        return fig

    def chance(self, years: list[int] | None = None, *, draws: int = 200, seed: int = 0) -> Figure:
        """Bars: each district's chance of reaching the scenario's target at the end of each
        recorded December of ``years`` (default: every one recorded), over ``draws`` draws
        of the satisfaction threshold from the documented prior (lifecircle.chance); a dot
        marks the share at the run's own parameters, on the same 0-100% axis."""
        from lifecircle.chances import chance as chance_of

        res = self.results
        months = res.score_months
        recorded = sorted(int(y) for y in months[months.month == 12].year)
        years = recorded if years is None else [int(y) for y in years if int(y) in recorded]
        if not years:
            raise ValueError(f"no recorded December among {years}; recorded: {recorded}")
        target = res.scenario.satisfaction_target
        fig, ax = plt.subplots(figsize=(11, 4.5), layout="constrained")
        width = 0.8 / len(years)
        for k, year in enumerate(years):
            by = f"{year}-12-31"
            c = chance_of(res, target, by=by, draws=draws, seed=seed)
            own = res.rescore(months=[(year, 12)])
            x = np.arange(len(c)) + (k - (len(years) - 1) / 2) * width
            ax.bar(x, 100 * c.chance, width, label=f"chance, end of {year}")
            ax.plot(x, 100 * own.satisfaction, "k.", ms=6)
        ax.set_xticks(np.arange(len(c)), [_name(z, py) for z, py in zip(c.district, c.pinyin)], fontsize=8)
        ax.axhline(100 * target, color="grey", lw=0.8, ls="--")
        ax.set_ylim(0, 100)
        ax.set_ylabel("%")
        ax.set_title(
            f"Chance of reaching {target:.0%} satisfied ({draws} prior draws of the threshold); "
            "dots: the share at the run's parameters"
        )
        ax.legend(fontsize=8)
        return fig

    def map(
        self, district: str, *, category: str | None = None, year: int | None = None, gaps: bool = True
    ) -> Figure:
        """One district's map (一图): its walking network; residents' coverage at each home
        node (share of basic categories inside their ring, or inside ``category``'s ring);
        facilities open at the end of ``year`` by category; and, with ``gaps``, the gap
        list's recommended sites (stars)."""
        res = self.results
        year = res.end.year if year is None else int(year)
        d = res.district_index(district)
        zh, py = res.districts_zh[d], res.districts_pinyin[d]
        fig, ax = plt.subplots(figsize=(9, 8), layout="constrained")
        _draw_network(ax, res, d)
        _draw_coverage(fig, ax, res, zh, year, category)
        _draw_facilities(ax, res, zh, year, category)
        if gaps:
            _draw_gap_sites(ax, res, zh, year, category)
        ax.set_aspect("equal")
        ax.autoscale()
        ax.set_xlabel("x (m)")
        ax.set_ylabel("y (m)")
        ax.set_title(f"{_name(zh, py)}: facilities and coverage, end of {year}")
        ax.legend(fontsize=6, ncol=2, loc="upper left", bbox_to_anchor=(0, -0.08), frameon=False)
        return fig


def _draw_network(ax, res: Results, d: int) -> None:
    """The walking network's edges with an end in district d."""
    net = res.table("network")
    x, y = net["x"], net["y"]
    mine = res.node_district == d
    ef, et = net["edge_from"], net["edge_to"]
    keep = mine[ef] | mine[et]
    segs = np.stack(
        [np.column_stack([x[ef[keep]], y[ef[keep]]]), np.column_stack([x[et[keep]], y[et[keep]]])], 1
    )
    ax.add_collection(LineCollection(segs, colors="#b0b0b0", linewidths=0.6, zorder=1))


def _draw_coverage(fig, ax, res: Results, zh: str, year: int, category: str | None) -> None:
    """The district's home nodes coloured by their residents' coverage at the end of
    ``year``: the share of basic categories inside their ring, or inside ``category``'s."""
    people = res.residents_on(res.year_end(year))
    people = people[people.district == zh]
    if category is None:
        basic = res.scenario.categories_of_class("basic")
        inside = np.mean([access.in_ring(res, c, year).loc[people.index].to_numpy() for c in basic], axis=0)
        what = "basic categories inside their ring (%)"
    else:
        inside = access.in_ring(res, category, year).loc[people.index].to_numpy().astype(float)
        what = f"{category}: inside its ring (%)"
    homes = (
        pd.DataFrame({"node": people.home_node.to_numpy(), "v": inside})
        .groupby("node")
        .v.agg(["mean", "size"])
    )
    net = res.table("network")
    sc = ax.scatter(
        net["x"][homes.index],
        net["y"][homes.index],
        c=100 * homes["mean"],
        s=4 + 2 * np.sqrt(homes["size"]),
        cmap="RdYlGn",
        vmin=0,
        vmax=100,
        zorder=2,
        linewidths=0,
    )
    fig.colorbar(sc, ax=ax, shrink=0.7, label=f"residents' coverage: {what}")


def _draw_facilities(ax, res: Results, zh: str, year: int, category: str | None) -> None:
    """The district's facilities open at the end of ``year`` (of ``category``), by category."""
    fac = res.facilities[res.open_on(res.year_end(year)).to_numpy()]
    fac = fac[fac.district == zh]
    if category is not None:
        fac = fac[(fac.category == category) | fac.also_serves.str.contains(category, regex=False)]
    markers = "osD^v<>ph"
    for i, (cat, g) in enumerate(fac.groupby("category")):
        ax.scatter(
            g.x,
            g.y,
            s=22,
            marker=markers[i % len(markers)],
            color=plt.cm.tab20(i % 20),
            edgecolors="black",
            linewidths=0.4,
            zorder=3,
            label=f"{cat} ({len(g)})",
        )


def _draw_gap_sites(ax, res: Results, zh: str, year: int, category: str | None) -> None:
    """The best recommended site of each of the district's gaps (lifecircle.gaps) as a star."""
    only = None if category is None else [category]
    for _, row in gap_lists.gaps(res, year, districts=[zh], categories=only, sites=1).iterrows():
        if row.sites:
            where = (row.site_x[0], row.site_y[0])
            ax.scatter(*where, marker="*", s=160, color="gold", edgecolors="black", linewidths=0.6, zorder=4)
            ax.annotate(row.category, where, xytext=(5, 5), textcoords="offset points", fontsize=7, zorder=5)
    ax.scatter([], [], marker="*", s=120, color="gold", edgecolors="black", label="recommended site (gap)")


def compare(
    table: pd.DataFrame, metric: str = "satisfaction", *, year: int | None = None, by: str = "label"
) -> Figure:
    """Bar chart of one metric by district for each run of a :func:`lifecircle.compare`
    or :func:`lifecircle.sweep` table (``by`` = "label" or "variant"; the mean over runs
    with the min-max range as error bars)."""
    use_cjk_font()
    year = int(table.year.max()) if year is None else int(year)
    t = table[table.year == year]
    stats = t.groupby([by, "pinyin"], sort=False)[metric].agg(["mean", "min", "max"])
    mean = stats["mean"].unstack(0)
    err = [(stats["mean"] - stats["min"]).unstack(0), (stats["max"] - stats["mean"]).unstack(0)]
    scale = 100 if metric.endswith(("share", "satisfaction", "survey", "rate")) else 1
    fig, ax = plt.subplots(figsize=(12, 5), layout="constrained")
    n = mean.shape[1]
    width = 0.8 / n
    pos = np.arange(mean.shape[0])
    for i, col in enumerate(mean.columns):
        yerr = np.vstack([err[0][col], err[1][col]]) * scale
        ax.bar(
            pos + (i - (n - 1) / 2) * width,
            scale * mean[col],
            width,
            yerr=yerr if yerr.any() else None,
            label=str(col),
            capsize=2,
        )
    names = dict(zip(t.pinyin, t.district))
    ax.set_xticks(pos, [_name(names[p], p) for p in mean.index], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(f"{metric} ({'%' if scale == 100 else 'value'})")
    if metric == "satisfaction":
        ax.axhline(90, color="black", ls=":", lw=1)
    ax.set_title(f"{metric} by district, {year}")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig


def trend(
    table: pd.DataFrame,
    metric: str = "satisfaction",
    *,
    by: str | None = None,
    districts: list[str] | None = None,
    level: float = 0.95,
) -> Figure:
    """One metric by year for each item of a :func:`lifecircle.compare` or
    :func:`lifecircle.sweep` table: the mean over runs as a line, its interval
    (:func:`lifecircle.summarize`, at ``level``) as a band. For the city (the districts'
    plain mean in each run), or one panel per district of ``districts`` (pinyin names)."""
    use_cjk_font()
    by = by or ("variant" if "variant" in table else "label")
    t = table if districts is None else table[table.pinyin.isin(districts)]
    if districts is None:  # the city: districts pooled within each run first
        keys = [by, "run", "year"] if "run" in t else [by, "year"]
        t = t.groupby(keys, sort=False)[metric].mean().reset_index()
        t["district"], t["pinyin"] = "city", "city"
        if "run" not in t:
            t["run"] = 0
    s = summarize(t, by=by, level=level)
    panels = ["city"] if districts is None else list(districts)
    scale = 100 if metric.endswith(("share", "satisfaction", "survey", "rate")) else 1
    fig, axes = plt.subplots(
        1, len(panels), figsize=(5 * len(panels) + 1, 4), layout="constrained", squeeze=False
    )
    for ax, panel in zip(axes[0], panels):
        p = s[s.pinyin == panel]
        for item, rows in p.groupby(by, sort=False):
            line = ax.plot(rows.year, scale * rows[metric], marker="o", label=str(item))[0]
            if rows.runs.max() > 1:
                ax.fill_between(
                    rows.year,
                    scale * rows[f"{metric}_low"],
                    scale * rows[f"{metric}_high"],
                    color=line.get_color(),
                    alpha=0.2,
                    lw=0,
                )
        if metric == "satisfaction":
            ax.axhline(90, color="black", ls=":", lw=1)
        ax.set_title(
            panel if panel == "city" else _name(dict(zip(table.pinyin, table.district))[panel], panel)
        )
        ax.set_xlabel("year")
        ax.set_ylabel(f"{metric} ({'%' if scale == 100 else 'value'})")
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8, title=f"mean, {level:.0%} interval over runs")
    return fig
