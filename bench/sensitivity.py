#!/usr/bin/env python3
"""Sensitivity of the answers to the model's main assumptions: Morris screening with SALib.

Which assumptions do the answers hang on? Each parameter below scales or sets a group of the
scenario's values; SALib's Morris method (elementary effects over `--trajectories` one-at-a-
time trajectories of `--levels` levels) draws the points, every point is a run of the Yunfu
scenario (plan as written, seed fixed: common random numbers) through lifecircle.run_many,
and SALib analyses the outputs:

- satisfaction in 2025 and 2030: the city (residents' share satisfied at the year's end) and
  each district;
- the yearly closure rate of shops (city, mean over 2024-2030);
- the night-served share (city, 2030).

| parameter | what it changes | range |
|---|---|---|
| decay | every category's Huff distance decay b, times | 0.75-1.25 |
| trip_rates | every trips_per_day, times | 0.8-1.2 |
| rents | every rent_yuan_m2_month, times | 0.7-1.3 |
| margins | every gross_margin, times | 0.8-1.2 |
| threshold | satisfaction.threshold_mean | 0.60-0.76 |
| entry_rate | economics.entry_rate, times (log-uniform) | 0.5-2 |
| app | map_app shares (start), times, at most 1 | 0.5-1.5 |
| couriers_per_10k | delivery.couriers_per_10k | 1.5-6 |
| orders_per_courier_hour | delivery.orders_per_courier_hour | 1.5-4 |
| night_couriers | delivery.night_couriers (the platforms' night fleet share) | 0.1-0.35 |
| app_users | delivery.app_users by age, times, at most 1 | 0.6-1.3 |
| order_share | delivery.order_share | 0.4-0.8 |

The behaviour parameters are set with `Scenario.with_behaviour` (their ranges are
`lifecircle.scenario.BEHAVIOUR`'s, the ones `lc.ensemble` draws from).

    python bench/sensitivity.py [--trajectories 6] [--until 2030-12-31] [--out FILE] [--chart PNG]

Prints one JSON line per output and parameter (mu_star, its confidence half-width, sigma),
normalised mu_star beside it (mu_star over the output's largest), and writes a chart.
Runs: trajectories x (parameters + 1).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from calibrate_market import emit_lines  # noqa: E402

PARAMS = {
    "decay": (0.75, 1.25),
    "trip_rates": (0.8, 1.2),
    "rents": (0.7, 1.3),
    "margins": (0.8, 1.2),
    "threshold": (0.60, 0.76),
    "entry_rate": (np.log(0.5), np.log(2.0)),
    "app": (0.5, 1.5),
    "couriers_per_10k": (1.5, 6.0),
    "orders_per_courier_hour": (1.5, 4.0),
    "night_couriers": (0.1, 0.35),
    "app_users": (0.6, 1.3),
    "order_share": (0.4, 0.8),
}
#: Set through Scenario.with_behaviour (entry_rate: its log here).
BEHAVIOUR = ("decay", "trip_rates", "margins", "entry_rate", "couriers_per_10k", "orders_per_courier_hour",
             "night_couriers", "app_users", "order_share")  # fmt: skip


def edited(base, x: dict):
    """The base scenario with one point's parameters applied."""
    import tomli_w

    import lifecircle as lc

    values = {k: float(np.exp(x[k])) if k == "entry_rate" else float(x[k]) for k in BEHAVIOUR if k in x}
    sc = base.with_behaviour(**values)
    if "threshold" in x:
        sc = sc.with_satisfaction(threshold_mean=float(x["threshold"]))
    data = copy.deepcopy(sc.data)
    for cat in data["categories"].values():
        if "rent_yuan_m2_month" in cat:
            cat["rent_yuan_m2_month"] *= x.get("rents", 1.0)
    for age in data.get("map_app", {}):
        data["map_app"][age] = min(1.0, data["map_app"][age] * x.get("app", 1.0))
    return lc.Scenario(tomli_w.dumps(data), base.path)


def outputs(res) -> dict[str, float]:
    y = res.years
    out = {}
    for year in (2025, 2030):
        t = y[y.year == year]
        if t.empty:
            continue
        out[f"satisfaction_{year}_city"] = float((t.satisfaction * t.residents).sum() / t.residents.sum())
        for row in t.itertuples():
            out[f"satisfaction_{year}_{row.pinyin}"] = float(row.satisfaction)
    start = y.shops_open - y.openings + y.closures
    out["closure_rate"] = float(y.closures.sum() / start.sum())

    def night(t) -> float:
        return float((t.night_served.sum() + t.night_delivered.sum()) / max(1, t.night_needs.sum()))

    out["night_served_share"] = night(y[y.year == y.year.max()])  # the last year's
    if y.year.min() < y.year.max():  # and the first's, before most districts join
        out[f"night_served_share_{y.year.min()}"] = night(y[y.year == y.year.min()])
    return out


def chart(lines: list[dict], path: str) -> None:
    """mu* of the city's outputs by parameter, in share points (every output is a share)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [
        n
        for n in dict.fromkeys(x["output"] for x in lines)
        if n.endswith("_city") or n == "closure_rate" or n.startswith("night_served_share")
    ]
    params = list(dict.fromkeys(x["parameter"] for x in lines))
    mu = {(x["output"], x["parameter"]): x["mu_star"] for x in lines}
    conf = {(x["output"], x["parameter"]): x["mu_star_conf"] for x in lines}
    runs = lines[0]["runs"]
    fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    width = 0.8 / len(shown)
    pos = np.arange(len(params))
    for i, n in enumerate(shown):
        ax.bar(
            pos + (i - (len(shown) - 1) / 2) * width,
            [100 * mu[(n, p)] for p in params],
            width,
            yerr=[100 * conf[(n, p)] for p in params],
            capsize=2,
            label=n,
        )
    ax.set_xticks(pos, params, rotation=30, ha="right")
    ax.set_ylabel("Morris mu* (percentage points)")
    ax.set_title(f"Which assumptions the answers hang on (Yunfu, {runs} runs, 95% bootstrap intervals)")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.savefig(path, dpi=110)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trajectories", type=int, default=6)
    ap.add_argument("--levels", type=int, default=4)
    ap.add_argument("--until", default="2030-12-31")
    ap.add_argument(
        "--seed", type=int, default=20240101, help="the SALib sample's seed (the runs keep the scenario's)"
    )
    ap.add_argument("--processes", type=int, default=None)
    ap.add_argument(
        "--parameters",
        default=None,
        help="screen only these (comma-separated names); the others keep the scenario's values",
    )
    ap.add_argument(
        "--python", default=str(ROOT / "build/release/python"), help="where the lifecircle module is"
    )
    ap.add_argument("--out", default=None, help="also append the JSON lines to this file")
    ap.add_argument("--chart", default=None, help="write the mu_star chart here (PNG)")
    ap.add_argument("--chart-from", default=None, help="only redraw the chart from these recorded JSON lines")
    a = ap.parse_args()
    if a.chart_from:
        chart([json.loads(x) for x in open(a.chart_from, encoding="utf-8")], a.chart or "sensitivity.png")
        return 0
    sys.path.insert(0, a.python)
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    import lifecircle as lc

    names = list(PARAMS) if a.parameters is None else a.parameters.split(",")
    unknown = [n for n in names if n not in PARAMS]
    if unknown:
        ap.error(f"--parameters: unknown {', '.join(unknown)}; expected some of {', '.join(PARAMS)}")
    problem = {"num_vars": len(names), "names": names, "bounds": [list(PARAMS[n]) for n in names]}
    points = sample.sample(problem, a.trajectories, num_levels=a.levels, seed=a.seed)
    base = lc.Scenario.default()
    scenarios = [edited(base, dict(zip(names, p))) for p in points]
    t0 = time.perf_counter()
    runs = lc.run_many(scenarios, until=a.until, processes=a.processes)
    seconds = time.perf_counter() - t0
    ys = [outputs(r) for r in runs]
    produced = [k for k in ys[0] if all(k in y for y in ys)]
    lines = []
    for name in produced:
        values = np.array([y[name] for y in ys])
        si = analyze.analyze(
            problem, points, values, num_levels=a.levels, seed=a.seed, print_to_console=False
        )
        top = max(float(np.max(si["mu_star"])), 1e-12)
        for i, p in enumerate(names):
            lines.append(
                {
                    "bench": "sensitivity_morris",
                    "output": name,
                    "parameter": p,
                    "mu_star": round(float(si["mu_star"][i]), 5),
                    "mu_star_conf": round(float(si["mu_star_conf"][i]), 5),
                    "sigma": round(float(si["sigma"][i]), 5),
                    "mu_star_normalised": round(float(si["mu_star"][i]) / top, 3),
                    "output_mean": round(float(values.mean()), 4),
                    "output_min": round(float(values.min()), 4),
                    "output_max": round(float(values.max()), 4),
                    "runs": len(points),
                    "seconds": round(seconds, 1),
                }
            )
    emit_lines(lines, a.out)
    if a.chart:
        chart(lines, a.chart)
    return 0


if __name__ == "__main__":
    sys.exit(main())
