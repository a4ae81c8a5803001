#!/usr/bin/env python3
"""Variants that share their first years (issue 23 item 1b): `lc.run_many` on Yunfu's default
plan and variants of it that differ only from `--from` on (a rent cut for breakfast shops of
10%, 20%, ... from that day), in 2 local processes of 1 thread each, with this build (the
months before `--from` simulated once, kept in the spin-up cache and read by every variant)
and with another build's module (`--baseline-python`; only the spin-up shared), alternately,
each with an empty cache of its own.

    python bench/shared_months.py --baseline-python OTHER/build/release/python
        [--variants 4] [--from 2027-01-01] [--until YYYY-MM-DD] [--repeat 1]

Prints one JSON line per build and repeat (wall seconds of the whole run_many, cache entries
kept), then one comparing every variant's datasets between the builds and against a run of
that variant alone without the cache (exits 1 on any difference), and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from same_results import differences  # noqa: E402

# run in a fresh process with the build's module first on the path: run_many over the
# variants into OUT, printing the wall seconds and the cache's entries
WORKER = """
import json, sys, time
import lifecircle as lc
out, first, n, until = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] or None
base = lc.Scenario.default()
variants = [base] + [base.with_subsidy("breakfast", rent_cut=0.1 * k, date=first) for k in range(1, n)]
t0 = time.perf_counter()
lc.run_many(variants, until=until, processes=2, threads_per_run=1, progress=False, output_dir=out)
print(json.dumps({"seconds": time.perf_counter() - t0, "entries": len(lc._core.spinup_cache_entries())}))
"""


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--python", default=str(ROOT / "build/release/python"), help="this build's module")
    p.add_argument("--baseline-python", required=True, help="another build's lifecircle module")
    p.add_argument("--variants", type=int, default=4)
    p.add_argument("--from", dest="first", default="2027-01-01", help="the day the variants differ from")
    p.add_argument("--until", default="")
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args()
    best: dict[str, float] = {}
    failed = False
    with tempfile.TemporaryDirectory(prefix="lifecircle-shared-months-") as tmp:
        tmp = Path(tmp)
        for r in range(args.repeat):
            for build, module in (("baseline", args.baseline_python), ("this", args.python)):
                out = tmp / f"{build}-{r}"
                cache = tmp / f"cache-{build}-{r}"
                env = dict(os.environ, PYTHONPATH=module, LIFECIRCLE_CACHE_DIR=str(cache))
                env.pop("LIFECIRCLE_SPINUP_CACHE", None)
                done = subprocess.run(
                    [sys.executable, "-c", WORKER, str(out), args.first, str(args.variants), args.until],
                    capture_output=True, text=True, env=env, cwd=ROOT, check=True,
                )  # fmt: skip
                m = json.loads(done.stdout.strip().splitlines()[-1])
                best[build] = min(best.get(build, float("inf")), m["seconds"])
                line = {"bench": "shared_months", "build": build, "repeat": r, "variants": args.variants}
                line |= {"from": args.first, "wall_seconds": round(m["seconds"], 2)}
                line["cache_entries"] = m["entries"]
                print(json.dumps(line), flush=True)
        # every variant: the builds alike, and alike a run of it alone without the cache
        alone = tmp / "alone"
        env = dict(os.environ, PYTHONPATH=args.python, LIFECIRCLE_SPINUP_CACHE="0")
        code = (
            "import sys, lifecircle as lc\n"
            "base = lc.Scenario.default()\n"
            "k = int(sys.argv[1])\n"
            "sc = base if k == 0 else base.with_subsidy('breakfast', rent_cut=0.1 * k, date=sys.argv[2])\n"
            "lc.run(sc, until=sys.argv[3] or None, threads=2, progress=False, output=sys.argv[4])\n"
        )
        for k in range(args.variants):
            own = alone / f"run-{k}.h5"
            subprocess.run([sys.executable, "-c", code, str(k), args.first, args.until, str(own)],
                           env=env, cwd=ROOT, check=True)  # fmt: skip
            for build in ("this", "baseline"):
                diff = differences(tmp / f"{build}-0" / f"run-{k}.h5", own, set())
                failed = failed or bool(diff)
                line = {"bench": "shared_months_identical", "variant": k, "build": build}
                line |= {"against": "the variant alone, no cache", "identical": not diff}
                line["differences"] = diff[:5]
                print(json.dumps(line), flush=True)
    summary = {"bench": "shared_months_summary"}
    summary["best_wall_seconds"] = {k: round(v, 2) for k, v in best.items()}
    summary |= {"baseline_over_this": round(best["baseline"] / best["this"], 2), "identical": not failed}
    print(json.dumps(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
