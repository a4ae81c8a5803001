#!/usr/bin/env python3
"""Project lists drawn inside the run against drawn before it (issue 21): one run of a
scenario with circle_plan events by this build's CLI, against an earlier build's `lc.run`,
which drew the lists in Python first (one more run to the lists' dates), alternately; and the
district table at the end with the lists and without them.

    python bench/plans_in_run.py --baseline /path/to/earlier/checkout [--config configs/yunfu.toml]
        [--threads 2] [--repeat 1] [--until 2030-12-31]

The baseline is a checkout of an earlier commit with its release build (build/release: its
python/ package and CLI). Prints JSON lines: one per timed run ({"run": "in_run" or
"pre_run", "seconds", "projects"}), the ratio, and one per district of the last year
({"district", "with_lists", "without_lists"}: satisfaction), so that what the lists change is
read beside what they cost.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "build" / "release" / "python"))

import lifecircle as lc  # noqa: E402

BASELINE_RUN = """
import sys, time, lifecircle as lc
sc = lc.Scenario.load(sys.argv[1])
t0 = time.perf_counter()
res = lc.run(sc, output=sys.argv[2], threads=int(sys.argv[3]), until=sys.argv[4], progress=False)
print(time.perf_counter() - t0, len(res.projects))
"""


def _run(cli: Path, config: str | Path, out: Path, threads: int, until: str) -> None:
    """One run of this build's CLI, quiet."""
    args = [cli, "run", config, "-o", out, "--threads", str(threads), "--until", until, "-q"]
    subprocess.run(args, check=True, capture_output=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--baseline", required=True, help="checkout of an earlier commit, with build/release")
    p.add_argument("--config", default=str(ROOT / "configs" / "yunfu.toml"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--until", default="2030-12-31")
    p.add_argument(
        "--new-key",
        action="append",
        default=["mobile_vendor", "round_the_clock"],
        help="a category key newer than the baseline, left out of its copy of the scenario",
    )
    a = p.parse_args()
    cli = ROOT / "build" / "release" / "lifecircle"
    base_py = Path(a.baseline) / "build" / "release" / "python"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        # the baseline's copy of the scenario: without the keys its schema does not know yet
        lines = Path(a.config).read_text(encoding="utf-8").splitlines(keepends=True)
        old = out / "baseline.toml"
        old.write_text(
            "".join(x for x in lines if x.split("=")[0].strip() not in a.new_key), encoding="utf-8"
        )
        times: dict[str, list[float]] = {"in_run": [], "pre_run": []}
        for k in range(a.repeat):
            t0 = time.perf_counter()
            _run(cli, a.config, out / "in.h5", a.threads, a.until)
            seconds = time.perf_counter() - t0
            n = len(lc.Results(out / "in.h5").projects)
            times["in_run"].append(seconds)
            print(json.dumps({"run": "in_run", "repeat": k, "seconds": round(seconds, 2), "projects": n}))
            env = {**os.environ, "PYTHONPATH": str(base_py)}
            done = subprocess.run(
                [sys.executable, "-c", BASELINE_RUN, old, out / "pre.h5", str(a.threads), a.until],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            )
            seconds, n = done.stdout.split()
            times["pre_run"].append(float(seconds))
            print(
                json.dumps(
                    {"run": "pre_run", "repeat": k, "seconds": round(float(seconds), 2), "projects": int(n)}
                )
            )
        best = {k: min(v) for k, v in times.items()}
        print(json.dumps({"ratio_pre_run_over_in_run": round(best["pre_run"] / best["in_run"], 3), **best}))
        # what the lists change: the same scenario without its circle_plan events
        sc = lc.Scenario.load(a.config)
        plain = out / "plain.toml"
        plain.write_text(sc.without_events("circle_plan").text, encoding="utf-8")
        _run(cli, plain, out / "plain.h5", a.threads, a.until)
        with_lists, without = lc.Results(out / "in.h5"), lc.Results(out / "plain.h5")
        year = with_lists.end.year
        w, wo = with_lists.summary(year).set_index("pinyin"), without.summary(year).set_index("pinyin")
        for d in w.index:
            print(
                json.dumps(
                    {
                        "year": year,
                        "district": d,
                        "joins": int(sc.district(d)["programme_start"]),
                        "with_lists": round(float(w.satisfaction[d]), 4),
                        "without_lists": round(float(wo.satisfaction[d]), 4),
                        "shops_with": int(w.shops_open[d]),
                        "shops_without": int(wo.shops_open[d]),
                    },
                    ensure_ascii=False,
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
