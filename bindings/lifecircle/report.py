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


def _table(df, pct=(), digits=None) -> str:
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
                    if c == "satisfaction" and v < 0.9
                    else (' class="ok"' if c == "satisfaction" else "")
                )
                cells.append(f"<td{cls}>{100 * v:.1f}%</td>" if v == v else "<td>–</td>")
            elif isinstance(v, float):
                cells.append(f"<td>{v:.{digits.get(c, 1)}f}</td>")
            else:
                cells.append(f"<td>{html.escape(str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


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
    first = res.years[res.years.year == res.years.year.min()]
    if maps is None:
        maps = list(first[first.in_programme].district) or [res.districts_zh[0]]
    images = {}
    images["satisfaction"] = _png(res.plot.satisfaction(survey=True), out / "satisfaction.png")
    images["shops"] = _png(res.plot.shops(), out / "shops.png")
    images["night"] = _png(res.plot.night(), out / "night.png")
    images["coverage"] = _png(res.plot.coverage(year), out / "coverage.png")
    images["access_by_slot"] = _png(res.plot.access_by_slot(year), out / "access_by_slot.png")
    images["fairness"] = _png(res.plot.fairness(year), out / "fairness.png")
    res.access_by_slot(year).to_csv(out / "access_by_slot.csv", index=False)
    fairness = res.fairness()
    fairness.to_csv(out / "fairness.csv", index=False)
    fair = fairness[fairness.year == year].groupby(["district", "pinyin"], sort=False)
    fair_view = fair.agg(
        gini=("gini", "mean"), palma=("palma", "mean"), mean_m=("mean_m", "mean")
    ).reset_index()
    worst = fairness[fairness.year == year].loc[lambda f: f.groupby("district", sort=False).gini.idxmax()]
    fair_view["least_fair"] = worst.category.to_numpy()
    costs = res.cost_summary(year)
    costs.to_csv(out / "costs.csv", index=False)
    fair_view["its_gini"] = worst.gini.to_numpy()
    for d in maps:
        py = res.districts_pinyin[res._district_index(d)]
        images[f"map_{py}"] = _png(res.plot.map(d, year=year), out / f"map_{py}.png")
    summary = res.summary(year)
    summary.to_csv(out / "summary.csv", index=False)
    res.years.to_csv(out / "district_years.csv", index=False)
    gaps = res.gaps(year)
    gaps.to_csv(out / "gaps.csv", index=False)
    gap_view = gaps[
        [
            "district",
            "pinyin",
            "category",
            "category_zh",
            "in_ring",
            "residents_outside",
            "site_gain",
            "in_ring_after",
        ]
    ].copy()
    gap_view["site_gain"] = gap_view.site_gain.map(lambda g: ", ".join(map(str, g)))
    a = res.attrs
    parts = [
        f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>lifecircle report: "
        f"{html.escape(res.label)}</title><style>{STYLE}</style></head><body>",
        f"<h1>一刻钟便民生活圈 — {html.escape(res.label)}</h1>",
        f"<p>Scenario <code>{html.escape(a['scenario_path'])}</code>, seed {res.seed}, {res.start} to "
        f"{res.end}; {a['trips'] / 1e6:.0f} million trips simulated in {a['seconds']:.1f} s on "
        f"{res.threads} threads (lifecircle {html.escape(str(a['version']))}).</p>",
        f"<h2>Districts at the end of {year}</h2>",
        _table(
            summary,
            pct=(
                "satisfaction",
                "survey",
                "survey_low",
                "survey_high",
                "unmet_share",
                "night_served_share",
                "usage_15min",
            ),
        ),
        "<p><small>satisfaction: share of residents satisfied at the year's end (target 90%); survey: "
        "emulated sample survey and its 95% interval; unmet_share: share of the year's needs unmet; "
        "night_served_share: night needs (22:00-06:00) served or delivered; usage_15min: share of "
        "served trips whose walk took 15 minutes or less (15-minute usage); walk_minutes: mean one-way "
        "walk.</small></p>",
    ]
    titles = {
        "satisfaction": "Satisfaction over time",
        "shops": "Shops, openings and closures",
        "night": "Night-time demand",
        "coverage": f"Ring coverage, end of {year}",
        "access_by_slot": f"Access by the hour: open facilities inside the ring, end of {year}",
    }
    for key, title in titles.items():
        parts.append(f"<h2>{title}</h2><img alt='{key}' src='data:image/png;base64,{images[key]}'>")
    parts.append(
        "<p><small>Each cell: the share of the city's residents with a facility of the category open "
        "during the slot inside its ring (access_by_slot.csv: by district). Ring coverage counts "
        "every shop as open at every hour (the last column); the other columns show the deserts by "
        "hour.</small></p>"
        f"<h2>Fairness of walking distance, end of {year}</h2>"
        "<p>Per district, the mean over the basic categories of the Gini coefficient and the Palma ratio "
        "of residents' walking distance to the nearest open facility (0 and 0.25 when everyone walks as "
        "far), its mean in metres, and the least fairly served category (fairness.csv: every district, "
        "category and year).</p>"
        + _table(fair_view, digits={"gini": 3, "palma": 2, "mean_m": 0, "its_gini": 3})
        + f"<img alt='fairness' src='data:image/png;base64,{images['fairness']}'>"
    )
    parts.append(
        f"<h2>Public cost of the plan, {res.start.year}-{year}</h2><p>Yuan paid by the public purse per "
        "district: rent waived and grants to shops, fit-out of the facilities the plan opened, and "
        "operating support per visit (elder canteens' meals); then the residents newly inside the "
        "ring (summed over the basic categories) and satisfaction points since the first month, "
        "which also hold what the market did on its own (costs.csv; Results.cost_summary with a "
        "baseline run isolates the plan).</p>"
        + _table(
            costs.drop(columns=["subsidy_yuan", "capital_yuan", "support_yuan"]),
            digits={
                "total_yuan": 0,
                "residents_newly_covered": 0,
                "satisfaction_points": 1,
                "yuan_per_resident_covered": 0,
                "yuan_per_point": 0,
            },
        )  # fmt: skip
    )
    projects = res.projects
    projects.to_csv(out / "projects.csv", index=False)
    parts.append(
        f"<h2>Project lists (一图一清单): what the plan opened, {res.start.year}-{res.end.year}</h2>"
    )
    if len(projects):
        by = projects.groupby(["district", "pinyin"], sort=False)
        per = by.agg(
            projects=("facility", "size"),
            fitout_yuan=("cost_yuan", "sum"),
            planned_gain=("gain", "sum"),
            at_idle_sites=("idle", "sum"),
            open_at_end=("open", "sum"),
        ).reset_index()
        view = projects[
            [
                "district",
                "category",
                "date",
                "site",
                "idle",
                "gain",
                "cost_yuan",
                "visits_month",
                "profit_yuan_month",
                "open",
                "closed",
            ]
        ].copy()
        view["date"] = view.date.dt.date
        view["closed"] = view.closed.dt.date.astype(str).replace("NaT", "")
        parts.append(
            "<p>Facilities opened by the scenario's project lists (plan_facility events at given sites: "
            "Scenario.with_project_lists, circle_plan events): per district, their fit-out cost, the "
            "residents they were to bring inside the ring as planned, those at idle public sites and "
            f"those still open at the end of {res.end.year}; then each project, with its mean month "
            "(visits, profit after subsidies: a shop closes after loss months in a row) "
            "(projects.csv).</p>"
            + _table(per, digits={"fitout_yuan": 0, "planned_gain": 0})
            + _table(view, digits={"gain": 0, "cost_yuan": 0, "visits_month": 0, "profit_yuan_month": 0})
        )
    else:
        parts.append(
            "<p>This scenario held no project list (plan_facility events at given sites). "
            "Scenario.with_project_lists, circle_plan events or <code>lifecircle plan</code> draw "
            "one from the districts' gaps (docs/python.md).</p>"
        )
    parts.append(
        f"<h2>Gap lists (一图一清单), end of {year}</h2><p>Categories below "
        f"{gaps.target.iloc[0] if len(gaps) else 0.9:.0%} ring coverage, residents outside the ring, and "
        "the residents each recommended site (greedy maximal coverage) would bring inside it.</p>"
    )
    parts.append(_table(gap_view, pct=("in_ring", "in_ring_after")) if len(gaps) else "<p>No gaps.</p>")
    for key in images:
        if key.startswith("map_"):
            parts.append(
                f"<h3>Map: {html.escape(key[4:])}</h3>"
                f"<img alt='{key}' src='data:image/png;base64,{images[key]}'>"
            )
    parts.append("</body></html>")
    page = out / "report.html"
    tmp = out / f".report.html.tmp-{os.getpid()}"
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(page)
    return page


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
