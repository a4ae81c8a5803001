"""``lifecircle report OUT.h5 -o DIR``: the charts as PNG and a self-contained HTML summary.

The HTML embeds its images (base64) and styles, so it opens without a network or the PNG
files. Also runnable as ``python -m lifecircle.report OUT.h5 -o DIR``.
"""

from __future__ import annotations

import argparse
import base64
import html
import os
import sys
from os import PathLike
from pathlib import Path

import matplotlib

from lifecircle import access
from lifecircle.costs import cost_summary
from lifecircle.gaps import GAP_TARGET, NO_DATA, gaps
from lifecircle.results import Results

STYLE = """body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:2em auto;max-width:1100px;
color:#222}table{border-collapse:collapse;font-size:13px;margin:1em 0}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}
th{background:#f2f2f2}td:first-child,td:nth-child(2){text-align:left}img{max-width:100%;border:1px solid #ddd}
.low{background:#fde0dc}.ok{background:#e3f4e1}small{color:#666}"""


def _png(fig, path: Path) -> str:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=110)
    plt.close(fig)
    return base64.b64encode(path.read_bytes()).decode()


def _table(df, pct=(), digits=None, target: float | None = None) -> str:
    """An HTML table; ``pct`` columns as percentages (satisfaction below ``target`` marked)."""
    digits = digits or {}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for _, r in df.iterrows():
        cells = []
        for c in df.columns:
            v = r[c]
            if c in pct:
                cls = (
                    ' class="low"'
                    if c == "satisfaction" and target is not None and v < target
                    else (' class="ok"' if c == "satisfaction" else "")
                )
                cells.append(f"<td{cls}>{100 * v:.1f}%</td>" if v == v else "<td>–</td>")
            elif isinstance(v, float):
                cells.append(f"<td>{v:.{digits.get(c, 1)}f}</td>")
            else:
                cells.append(f"<td>{html.escape(str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _img(key: str, png: str) -> str:
    return f"<img alt='{key}' src='data:image/png;base64,{png}'>"


def write_report(
    results: Results | str | PathLike,
    out_dir: str | PathLike,
    *,
    maps: list[str] | None = None,
    year: int | None = None,
) -> Path:
    """Writes charts (PNG), tables (CSV) and ``report.html`` into ``out_dir``.

    Args:
        results: a Results or the path of a results file.
        out_dir: created if missing; existing report files are replaced.
        maps: districts to map (default: those in the programme in the first year, the pilots).
        year: the year of the tables, coverage heat map and gap lists (default: the last).

    Returns:
        The path of report.html.
    """
    res = results if isinstance(results, Results) else Results.load(results)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    year = res.end.year if year is None else int(year)
    images = _charts(res, out, year, maps)
    parts = [
        *_districts_section(res, out, year),
        *_charts_section(images, year),
        _fairness_section(res, out, year, images["fairness"]),
        _costs_section(res, out, year),
        *_projects_section(res, out),
        *_gaps_section(res, out, year),
        *_maps_section(images),
        "</body></html>",
    ]
    page = out / "report.html"
    tmp = out / f".report.html.tmp-{os.getpid()}"
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(page)
    return page


def _chance_years(res: Results, year: int) -> list[int]:
    """The years the chance chart shows: the first recorded December with the target's year
    (the plan's 2025), and ``year``."""
    recorded = sorted(int(y) for y in res.score_months.query("month == 12").year)
    shown = [y for y in recorded if y == 2025 or y == year] or recorded[-1:]
    return shown


def _charts(res: Results, out: Path, year: int, maps: list[str] | None) -> dict[str, str]:
    """The charts as PNG files in ``out``, and as base64 by name (``map_<pinyin>`` for the
    maps of ``maps``, by default the districts in the programme in the first year)."""
    if maps is None:
        first = res.years[res.years.year == res.years.year.min()]
        maps = list(first[first.in_programme].district) or [res.districts_zh[0]]
    images = {
        "satisfaction": _png(res.plot.satisfaction(survey=True), out / "satisfaction.png"),
        "shops": _png(res.plot.shops(), out / "shops.png"),
        "night": _png(res.plot.night(), out / "night.png"),
        "coverage": _png(res.plot.coverage(year), out / "coverage.png"),
        "access_by_slot": _png(res.plot.access_by_slot(year), out / "access_by_slot.png"),
        "fairness": _png(res.plot.fairness(year), out / "fairness.png"),
    }
    if _chance_years(res, year):  # a run with no December recorded (a short one) has no chances
        images["chance"] = _png(res.plot.chance(_chance_years(res, year)), out / "chance.png")
    for d in maps:
        py = res.districts_pinyin[res.district_index(d)]
        images[f"map_{py}"] = _png(res.plot.map(d, year=year), out / f"map_{py}.png")
    return images


def _districts_section(res: Results, out: Path, year: int) -> list[str]:
    """The page's head, the run, and the districts' table at the end of ``year``
    (summary.csv; every year: district_years.csv)."""
    summary = res.summary(year)
    summary.to_csv(out / "summary.csv", index=False)
    res.years.to_csv(out / "district_years.csv", index=False)
    a = res.attrs
    pct = (
        "satisfaction",
        "survey",
        "survey_low",
        "survey_high",
        "chance",
        "unmet_share",
        "night_served_share",
        "usage_15min",
    )
    target = res.scenario.satisfaction_target
    return [
        f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>lifecircle report: "
        f"{html.escape(res.label)}</title><style>{STYLE}</style></head><body>",
        f"<h1>一刻钟便民生活圈 — {html.escape(res.label)}</h1>",
        f"<p>Scenario <code>{html.escape(a['scenario_path'])}</code>, seed {res.seed}, {res.start} to "
        f"{res.end}; {a['trips'] / 1e6:.0f} million trips simulated in {a['seconds']:.1f} s on "
        f"{res.threads} threads (lifecircle {html.escape(str(a['version']))}).</p>",
        f"<h2>Districts at the end of {year}</h2>",
        _table(summary, pct=pct, target=target),
        f"<p><small>satisfaction: share of residents satisfied at the year's end (target {target:.0%}); "
        "survey: emulated sample survey and its 95% interval; chance: of reaching the target at the "
        "year's end over 200 draws of the satisfaction threshold from the documented prior "
        "(docs/model.md; the threshold no data pins yet); unmet_share: share of the year's needs "
        "unmet; night_served_share: night needs (22:00-06:00) served or delivered; usage_15min: share of "
        "served trips whose walk took 15 minutes or less (15-minute usage); walk_minutes: mean one-way "
        "walk.</small></p>",
    ]


def _charts_section(images: dict[str, str], year: int) -> list[str]:
    titles = {
        "satisfaction": "Satisfaction over time",
        "chance": "How sure: each district's chance of the target",
        "shops": "Shops, openings and closures",
        "night": "Night-time demand",
        "coverage": f"Ring coverage, end of {year}",
        "access_by_slot": f"Access by the hour: open facilities inside the ring, end of {year}",
    }
    return [f"<h2>{title}</h2>{_img(key, images[key])}" for key, title in titles.items() if key in images]


def _fairness_section(res: Results, out: Path, year: int, png: str) -> str:
    """Access by slot (access_by_slot.csv) and the fairness of walking distance in ``year``
    per district (fairness.csv: every year), with its chart."""
    access.access_by_slot(res, year).to_csv(out / "access_by_slot.csv", index=False)
    fairness = access.fairness(res)
    fairness.to_csv(out / "fairness.csv", index=False)
    now = fairness[fairness.year == year]
    view = (
        now.groupby(["district", "pinyin"], sort=False)
        .agg(gini=("gini", "mean"), palma=("palma", "mean"), mean_m=("mean_m", "mean"))
        .reset_index()
    )
    worst = now.loc[now.groupby("district", sort=False).gini.idxmax()]
    view["least_fair"] = worst.category.to_numpy()
    view["its_gini"] = worst.gini.to_numpy()
    return (
        "<p><small>Each cell: the share of the city's residents with a facility of the category open "
        "during the slot inside its ring (access_by_slot.csv: by district). Ring coverage counts "
        "every shop as open at every hour (the last column); the other columns show the deserts by "
        "hour.</small></p>"
        f"<h2>Fairness of walking distance, end of {year}</h2>"
        "<p>Per district, the mean over the basic categories of the Gini coefficient and the Palma ratio "
        "of residents' walking distance to the nearest open facility (0 and 0.25 when everyone walks as "
        "far), its mean in metres, and the least fairly served category (fairness.csv: every district, "
        "category and year).</p>"
        + _table(view, digits={"gini": 3, "palma": 2, "mean_m": 0, "its_gini": 3})
        + _img("fairness", png)
    )


def _costs_section(res: Results, out: Path, year: int) -> str:
    """The plan's public cost to the end of ``year`` and what it bought (costs.csv)."""
    costs = cost_summary(res, year)
    costs.to_csv(out / "costs.csv", index=False)
    digits = {
        "total_yuan": 0,
        "residents_newly_covered": 0,
        "satisfaction_points": 1,
        "yuan_per_resident_covered": 0,
        "yuan_per_point": 0,
    }
    return (
        f"<h2>Public cost of the plan, {res.start.year}-{year}</h2><p>Yuan paid by the public purse per "
        "district: rent waived and grants to shops, fit-out of the facilities the plan opened, and "
        "operating support per visit (elder canteens' meals); then the residents newly inside the "
        "ring (summed over the basic categories) and satisfaction points since the first month, "
        "which also hold what the market did on its own (costs.csv; Results.cost_summary with a "
        "baseline run isolates the plan).</p>"
        + _table(
            costs.drop(columns=["subsidy_yuan", "capital_yuan", "support_yuan", "operating_yuan"]),
            digits=digits,
        )
    )


def _projects_section(res: Results, out: Path) -> list[str]:
    """What the plan's project lists opened, per district and each (projects.csv)."""
    projects = res.projects
    projects.to_csv(out / "projects.csv", index=False)
    head = f"<h2>Project lists (一图一清单): what the plan opened, {res.start.year}-{res.end.year}</h2>"
    if not len(projects):
        return [
            head,
            "<p>This scenario held no project list. A circle_plan event has the engine draw one "
            "from a district's gaps on its date (Scenario.with_project_lists or <code>lifecircle "
            "plan --at-joining</code> put one at each joining date; docs/python.md).</p>",
        ]
    per = (
        projects.groupby(["district", "pinyin"], sort=False)
        .agg(
            projects=("facility", "size"),
            fitout_yuan=("cost_yuan", "sum"),
            planned_gain=("gain", "sum"),
            at_idle_sites=("idle", "sum"),
            open_at_end=("open", "sum"),
        )
        .reset_index()
    )
    columns = ["district", "category", "date", "site", "idle", "gain", "cost_yuan", "visits_month"]
    view = projects[[*columns, "profit_yuan_month", "open", "closed"]].copy()
    view["date"] = view.date.dt.date
    view["closed"] = view.closed.dt.date.astype(str).replace("NaT", "")
    digits = {"gain": 0, "cost_yuan": 0, "visits_month": 0, "profit_yuan_month": 0}
    return [
        head,
        "<p>Facilities opened by the scenario's project lists (drawn by the engine from each "
        "district's gaps on its circle_plan dates, or frozen as plan_facility events at given "
        "sites): per district, their fit-out cost, the "
        "residents they were to bring inside the ring as planned, those at idle public sites and "
        f"those still open at the end of {res.end.year}; then each project, with its mean month "
        "(visits, profit after subsidies: a shop closes after loss months in a row) "
        "(projects.csv).</p>"
        + _table(per, digits={"fitout_yuan": 0, "planned_gain": 0})
        + _table(view, digits=digits),
    ]


def _gaps_section(res: Results, out: Path, year: int) -> list[str]:
    """The gap lists at the end of ``year`` (gaps.csv)."""
    found = gaps(res, year)
    found.to_csv(out / "gaps.csv", index=False)
    columns = ["district", "pinyin", "category", "category_zh", "in_ring", "residents_outside"]
    view = found[[*columns, "site_gain", "in_ring_after", "data"]].copy()
    view["site_gain"] = view.site_gain.map(lambda g: ", ".join(map(str, g)))
    target = found.target.iloc[0] if len(found) else GAP_TARGET
    nodata = int((found["data"] == NO_DATA).sum()) if len(found) else 0
    return [
        f"<h2>Gap lists (一图一清单), end of {year}</h2><p>Categories below "
        f"{target:.0%} ring coverage, residents outside the ring, and "
        "the residents each recommended site (greedy maximal coverage) would bring inside it. "
        '<i>data</i>: "no data" where the input (OpenStreetMap) holds no point of the category in '
        'the district, so whether it lacks one is not known (no sites are recommended); "none" where '
        f"it is known to have none. {nodata} of the gaps are no data (无数据).</p>",
        _table(view, pct=("in_ring", "in_ring_after")) if len(found) else "<p>No gaps.</p>",
    ]


def _maps_section(images: dict[str, str]) -> list[str]:
    return [
        f"<h3>Map: {html.escape(key[4:])}</h3>{_img(key, png)}"
        for key, png in images.items()
        if key.startswith("map_")
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lifecircle report", description=__doc__.splitlines()[0])
    parser.add_argument("results", help="results file written by `lifecircle run`")
    parser.add_argument("-o", "--output", required=True, help="directory for the PNG, CSV and HTML files")
    parser.add_argument("--year", type=int, help="year of the tables and gap lists (default: the last)")
    parser.add_argument(
        "--map",
        action="append",
        dest="maps",
        metavar="DISTRICT",
        help="district to map (repeatable; default: the pilots)",
    )
    args = parser.parse_args(argv)
    matplotlib.use("Agg")
    try:
        page = write_report(args.results, args.output, maps=args.maps, year=args.year)
    except (ValueError, OSError) as e:  # InputError, ArgumentError, ConfigError are ValueErrors
        print(f"lifecircle report: error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {page} and {len(list(page.parent.glob('*.png')))} charts in {page.parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
