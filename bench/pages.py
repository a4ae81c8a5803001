#!/usr/bin/env python3
"""The map page and the report of a Yunfu run against the run's own time, and against another
build's pages (identical content).

    python bench/pages.py [--results FILE] [--cli build/release/lifecircle]
                          [--python build/release/python] [--baseline-python DIR]
                          [--repeat 2] [--threads 2] [--no-report]

1. Without `--results`, the built-in Yunfu scenario (2024-2030) runs once with the CLI on
   `--threads`; its wall time is the measure the pages are held against (issue 23: the map
   page in at most the run's time / 4). One JSON line.
2. The map page (`lifecircle.webmap.page_html`) and the report (`lifecircle.report.write_report`)
   of that results file, each in a fresh process (`wall_seconds`: Python's start-up and
   imports included, as `lifecircle map` has them; `seconds`: loading the results and making
   the page), `--repeat` times, alternating with `--baseline-python`'s build when given. One
   JSON line per measurement, best of the repeats last with the ratios.
3. With a baseline: the two builds' map pages compared byte for byte (every layer of every
   year is in the page's JSON), and the reports' CSV tables and report.html. One JSON line.
   Exits 1 if they differ.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
import lifecircle as lc
from lifecircle import report, webmap
what, results, out = sys.argv[1:4]
res = lc.Results.load(results)
if what == "map":
    page = webmap.page_html(res)
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)
else:
    report.write_report(res, out)
print(json.dumps({"seconds": time.perf_counter() - t0, "lifecircle": lc.__file__}))
"""


def make(what: str, python_dir: str, results: Path, out: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=python_dir, MPLBACKEND="Agg")
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, what, str(results), str(out)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    return {"wall_seconds": wall, **json.loads(done.stdout.strip().splitlines()[-1])}


def same_reports(a: Path, b: Path) -> list[str]:
    names = sorted(p.name for p in a.iterdir() if p.suffix in (".csv", ".html"))
    if names != sorted(p.name for p in b.iterdir() if p.suffix in (".csv", ".html")):
        return ["(file lists differ)"]
    return [n for n in names if not filecmp.cmp(a / n, b / n, shallow=False)]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--results", help="a results file (default: run the built-in Yunfu scenario)")
    p.add_argument("--cli", default=str(ROOT / "build/release/lifecircle"))
    p.add_argument("--python", default=str(ROOT / "build/release/python"))
    p.add_argument("--baseline-python", help="another build's lifecircle module")
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--no-report", action="store_true", help="the map page only")
    a = p.parse_args()
    builds = {"this": a.python} | ({"baseline": a.baseline_python} if a.baseline_python else {})
    kinds = ["map"] + ([] if a.no_report else ["report"])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        run_seconds = None
        results = Path(a.results) if a.results else tmp / "yunfu.h5"
        if not a.results:
            t0 = time.perf_counter()
            subprocess.run(
                [a.cli, "run", "-q", "-o", str(results), "--threads", str(a.threads)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            run_seconds = time.perf_counter() - t0
            print(
                json.dumps({"bench": "pages_run", "threads": a.threads, "seconds": run_seconds}), flush=True
            )
        best: dict[tuple[str, str], dict] = {}
        for r in range(a.repeat):
            for kind in kinds:
                for build, python_dir in builds.items():
                    out = tmp / f"{kind}-{build}" if kind == "report" else tmp / f"map-{build}.html"
                    m = make(kind, python_dir, results, out)
                    print(json.dumps({"bench": f"{kind}_page", "build": build, "repeat": r, **m}), flush=True)
                    key = (kind, build)
                    if key not in best or m["wall_seconds"] < best[key]["wall_seconds"]:
                        best[key] = m
        for kind in kinds:
            line = {"bench": f"{kind}_page_best", "results": str(results) if a.results else "yunfu 2024-2030"}
            for build in builds:
                line[f"{build}_wall_seconds"] = best[(kind, build)]["wall_seconds"]
                line[f"{build}_seconds"] = best[(kind, build)]["seconds"]
            if run_seconds:
                line["run_seconds"] = run_seconds
                line["run_over_page"] = run_seconds / best[(kind, "this")]["wall_seconds"]
            if "baseline" in builds:
                line["speed_up"] = (
                    best[(kind, "baseline")]["wall_seconds"] / best[(kind, "this")]["wall_seconds"]
                )
            print(json.dumps(line), flush=True)
        if "baseline" not in builds:
            return 0
        differ = []
        if not filecmp.cmp(tmp / "map-this.html", tmp / "map-baseline.html", shallow=False):
            differ.append("map page")
        if not a.no_report:
            differ += [f"report/{n}" for n in same_reports(tmp / "report-this", tmp / "report-baseline")]
        print(
            json.dumps({"bench": "pages_identical", "identical": not differ, "differences": differ}),
            flush=True,
        )
        return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
