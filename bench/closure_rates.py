#!/usr/bin/env python3
"""Calibration check: yearly shop closure rates of the baseline (no policy events).

Runs the scenario with its [[events]] removed, then prints one JSON line per category group
(small retail and services; food outlets) and year with the share of the shops open on
1 January that closed during the year, beside the PARAMETERS.md ranges (12-15% small
retail, 20-25% food). The food group is the categories whose exit_per_year marks them as
food outlets in configs/yunfu.toml (breakfast, restaurant, night_food, cafe).

    python bench/closure_rates.py [--config configs/yunfu.toml] [--until 2026-12-31]
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import tempfile
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FOOD = {"breakfast", "restaurant", "night_food", "cafe"}
RANGES = {"retail": (0.12, 0.15), "food": (0.20, 0.25)}


def strip_events(text: str) -> str:
    """The scenario without its [[events]] tables (each runs to the next table header)."""
    kept, skipping = [], False
    for line in text.splitlines():
        if line.startswith("["):
            skipping = line.startswith("[[events]]")
        if not skipping:
            kept.append(line)
    return "\n".join(kept) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(ROOT / "configs/yunfu.toml"))
    ap.add_argument("--until", default="2026-12-31")
    ap.add_argument("--cli", default=str(ROOT / "build/release/lifecircle"))
    args = ap.parse_args()
    text = Path(args.config).read_text(encoding="utf-8")
    baseline = strip_events(text)
    with tempfile.TemporaryDirectory() as tmp:
        cfg, out = Path(tmp) / "baseline.toml", Path(tmp) / "baseline.h5"
        cfg.write_text(baseline, encoding="utf-8")
        subprocess.run(
            [args.cli, "run", str(cfg), "-q", "-o", str(out), "--until", args.until],
            check=True,
            capture_output=True,
        )
        with h5py.File(out) as f:
            cats = [c.decode() if isinstance(c, bytes) else c for c in f["names/category"][:]]
            fac = {k: f["facilities"][k][:] for k in f["facilities"]}
            end = f.attrs["end"]
            seed = int(f.attrs["seed"])
            end = end.decode() if isinstance(end, bytes) else end
    commercial = {c for c in cats if c not in {"gov_service", "elderly_care", "elder_canteen", "clinic"}}
    epoch = datetime.date(1970, 1, 1)
    pooled = {"retail": [0, 0], "food": [0, 0]}  # shop-years at risk, closures
    for year in range(2024, int(end[:4]) + 1):
        start = (datetime.date(year, 1, 1) - epoch).days
        stop = (datetime.date(year + 1, 1, 1) - epoch).days
        for group in ("retail", "food"):
            members = [
                i for i, c in enumerate(cats) if c in commercial and ((c in FOOD) == (group == "food"))
            ]
            in_group = np.isin(fac["category"], members)
            open_then = (
                in_group
                & (fac["opened_day"] <= start)
                & ((fac["closed_day"] < 0) | (fac["closed_day"] >= start))
            )
            closed = open_then & (fac["closed_day"] >= start) & (fac["closed_day"] < stop)
            rate = closed.sum() / max(1, open_then.sum())
            pooled[group][0] += int(open_then.sum())
            pooled[group][1] += int(closed.sum())
            lo, hi = RANGES[group]
            print(
                json.dumps(
                    {
                        "bench": "closure_rates",
                        "seed": seed,
                        "group": group,
                        "year": year,
                        "shops_open_1_jan": int(open_then.sum()),
                        "closed": int(closed.sum()),
                        "rate": round(float(rate), 3),
                        "target_low": lo,
                        "target_high": hi,
                        "inside": bool(lo <= rate <= hi),
                    }
                )
            )
    # the yearly rate over the whole period (closures per shop open on 1 January)
    for group, (at_risk, closed) in pooled.items():
        rate = closed / max(1, at_risk)
        lo, hi = RANGES[group]
        print(
            json.dumps(
                {
                    "bench": "closure_rates_pooled",
                    "seed": seed,
                    "group": group,
                    "years": f"2024-{end[:4]}",
                    "shops_open_1_jan": at_risk,
                    "closed": closed,
                    "rate": round(rate, 3),
                    "target_low": lo,
                    "target_high": hi,
                    "inside": bool(lo <= rate <= hi),
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
